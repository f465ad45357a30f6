"""Outcomes: numbers with a unit, what they count, and the place and mechanism they belong to."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from govkg.extract.model import DocumentFacts, Outcome
from govkg.extract.relate import _places_by_sentence, places_for

# Units as texts write them, longest first so that 万元 wins over 万 and 人次 over 人.
UNITS = (
    "平方公里", "平方米", "万元/年", "亿元", "万元", "元", "人次", "场次", "个", "人", "名", "件", "户",
    "家", "支", "项", "次", "场", "类", "处", "套", "起", "种", "所", "条", "批", "栋", "间", "座",
    "台", "位", "组", "册", "本", "%",
)
_NUMBER = r"(?P<num>\d+(?:\.\d+)?)"
_BEFORE = r"(?P<pre>超过|超|近|约|逾|达|共|累计)?"
_MULTIPLIER = r"(?P<mult>万|亿)?"
_AFTER = r"(?P<post>余|多)?"
_UNIT = "(?P<unit>" + "|".join(re.escape(u) for u in UNITS) + ")"
QUANTITY = re.compile(_BEFORE + _NUMBER + _MULTIPLIER + _AFTER + _UNIT + r"(?P<tail>以上|左右|以下)?")
APPROX_BEFORE = {"超过", "超", "近", "约", "逾"}
APPROX_AFTER = {"余", "多", "以上", "左右"}
# What may not precede a counted number: ordinals, formula names, codes.
NOT_COUNTS_BEFORE = re.compile(r"(第|每|\+|-|—|号|No\.?)$")
NOT_COUNTS_AFTER = re.compile(r"^(年|月|日|号|\+|届|级|岁|点)")
INDICATOR_STOP = "，。、；：！？,;:!?（）()“”‘’《》"


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    approx: bool
    start: int
    end: int


def parse_quantities(fold: str) -> list[Quantity]:
    """Numbers with units in a folded sentence; money keeps its unit (3000余万元 is 3000 万元)."""
    out = []
    for match in QUANTITY.finditer(fold):
        before = fold[: match.start("num")]
        after = fold[match.end() :]
        if NOT_COUNTS_BEFORE.search(before) or (not match.group("unit") and NOT_COUNTS_AFTER.match(after)):
            continue
        value = float(match.group("num"))
        unit = match.group("unit")
        multiplier = match.group("mult")
        if multiplier and unit in ("万元", "亿元"):
            pass
        elif multiplier == "万":
            value *= 10_000
        elif multiplier == "亿":
            value *= 100_000_000
        if multiplier == "万" and unit == "元":
            unit = "万元"
            value /= 10_000
        approx = (
            match.group("pre") in APPROX_BEFORE
            or match.group("post") in APPROX_AFTER
            or match.group("tail") in APPROX_AFTER
        )
        out.append(Quantity(value, unit, bool(approx), match.start(), match.end()))
    return out


def indicator_of(fold: str, quantity: Quantity) -> str:
    """The words counted: the noun after the number (23个基层治理指挥中心), else the words before it
    in the same clause (解决问题1200余个)."""
    after = ""
    for ch in fold[quantity.end :]:
        if ch in INDICATOR_STOP or ch.isdigit():
            break
        after += ch
    if after and quantity.unit != "%":
        return after[:12]
    before = ""
    for ch in reversed(fold[: quantity.start]):
        if ch in INDICATOR_STOP or ch.isdigit():
            break
        before = ch + before
    return before[-12:] or after[:12] or quantity.unit


def extract_outcomes(facts: DocumentFacts) -> list[Outcome]:
    by_sentence = _places_by_sentence(facts.place_mentions)
    articles = {a.index: a for a in facts.articles}
    mechanisms_in = defaultdict(list)
    for mention in facts.mechanism_mentions:
        mechanisms_in[mention.sentence].append(mention)
    fold = facts.normalized.fold
    outcomes = []
    for sentence in facts.sentences:
        if sentence.kind not in ("body", "caption"):
            continue
        local = fold[sentence.start : sentence.end]
        for quantity in parse_quantities(local):
            start = sentence.start + quantity.start
            if any(m.start <= start < m.end for m in mechanisms_in[sentence.index]):
                continue  # a number inside a mechanism's name
            clause_start = max(local.rfind(ch, 0, quantity.start) for ch in "，,；;") + 1
            clause_end = min(
                [i for i in (local.find(ch, quantity.end) for ch in "，,；;") if i >= 0] or [len(local)]
            )
            in_clause = [
                m for m in mechanisms_in[sentence.index]
                if clause_start <= m.start - sentence.start < clause_end
            ]
            in_sentence = {m.mechanism for m in mechanisms_in[sentence.index]}
            mechanism = in_clause[0].mechanism if in_clause else (
                next(iter(in_sentence)) if len(in_sentence) == 1 else None
            )
            places = places_for(sentence.index, start, by_sentence, articles[sentence.article], facts.normalized.text)
            place = places[0] if len(places) == 1 else (places[0] if places else None)
            outcomes.append(
                Outcome(
                    quantity.value, quantity.unit, indicator_of(local, quantity), quantity.approx,
                    facts.normalized.text[start : sentence.start + quantity.end], place, mechanism,
                    facts.evidence(sentence),
                    start=start,
                )
            )
    return outcomes
