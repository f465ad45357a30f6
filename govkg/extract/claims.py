"""What an adoption's sentence claims about it: that the place was the first (首创, 率先, 首个),
or that the mechanism is only planned (计划, 拟, 力争, 将 + a verb), not yet in use.

Both are read from the clause that names the mechanism (from the comma or stop before it); a
claim of being first may also follow, in the rest of that clause or the next one (推行……，在全省属
首个). Being picked for a first batch (首批) is not a claim of being first.
"""

from __future__ import annotations

import re
from dataclasses import replace

from govkg.extract.model import Adoption

FIRST = re.compile(r"首创|首倡|首推|首家|首个|率先|第一个|全(?:国|省|市|区|县)首(?!批)|开创先河")
# A plan: a modal of intention before the verb, or 将 before a verb of putting in place (将 is
# also a preposition, 将……纳入, so it counts only right before such a verb).
PLANNED = re.compile(
    r"计划|拟|力争|准备|争取|预计|打算|将要|将于|将在|明年|下一步|下步|今后|未来|年内将"
    r"|将(?:全面|逐步|进一步|继续|持续|大力|积极|加快)?(?:推行|推广|推进|实施|建立|建设|探索|试点|打造|开展|启动|铺开|覆盖)"
)
_CLAUSE_END = re.compile(r"[，。；！？,;!?]")


def _clause_before(text: str, position: int) -> str:
    """The clause of `text` that ends at `position`: from the last comma or stop before it."""
    starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, position)]
    return text[starts[-1] if starts else 0 : position]


def _clauses_after(text: str, position: int, count: int = 2) -> str:
    """The rest of the clause at `position` and the clauses after it, `count` in all."""
    end = position
    for _ in range(count):
        found = _CLAUSE_END.search(text, end)
        if found is None:
            return text[position:]
        end = found.end()
    return text[position:end]


def with_claims(adoptions: list[Adoption]) -> list[Adoption]:
    """The adoptions with self_claim and planned set from their main evidence."""
    out = []
    for adoption in adoptions:
        sentence = adoption.evidence.text
        at = sentence.find(adoption.surface)
        if at < 0:
            out.append(adoption)
            continue
        clause = _clause_before(sentence, at)
        self_claim = bool(FIRST.search(clause) or FIRST.search(_clauses_after(sentence, at)))
        planned = bool(PLANNED.search(clause))
        out.append(replace(adoption, self_claim=self_claim, planned=planned) if self_claim or planned else adoption)
    return out
