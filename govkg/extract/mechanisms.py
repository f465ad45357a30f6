"""Mechanism recognition: every spelling of every thesaurus concept, with or without quotes."""

from __future__ import annotations

import bisect
import re

from govkg.extract.model import MechanismMention, Sentence
from govkg.ontology import QUOTES, Thesaurus

_ASCII_EDGE = re.compile(r"[0-9a-z+]")
OPENING_QUOTES = "“‘「『《\"'"
CLOSING_QUOTES = "”’」』》\"'"
_DROPPED = frozenset(QUOTES) | {" ", "\u3000"}
_KEPT_RUN = re.compile("[^" + re.escape("".join(sorted(_DROPPED))) + "]+")


def _without_quotes(fold: str) -> tuple[str, list[int]]:
    """The folded text lower-cased with quotes and spaces dropped, and where each character was."""
    runs = list(_KEPT_RUN.finditer(fold))
    where: list[int] = []
    for run in runs:
        where.extend(range(run.start(), run.end()))
    return "".join(run.group() for run in runs).lower(), where


def trie_pattern(keys) -> re.Pattern | None:
    """One regular expression of `keys` as a trie (红色(?:物业|网格)…): at each place of a text it
    matches the longest key there, as an alternation of the keys longest first does, four times
    faster (the alternation tries every key at every place that starts one)."""
    root: dict = {}
    for key in keys:
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}  # a key ends here

    def expression(node: dict) -> str:
        # The branches start with distinct characters, so at most one can go on; `?` after them
        # (greedy) tries the longer keys before the one that ends here.
        branches = [re.escape(ch) + expression(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1:
            return f"(?:{branches[0]})?" if "" in node else branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return re.compile(expression(root)) if root else None


class MechanismMatcher:
    """Finds the thesaurus's spellings in a text: one regular expression of every label key (see
    trie_pattern), compiled once for the thesaurus it was made from."""

    def __init__(self, thesaurus: Thesaurus):
        self.thesaurus = thesaurus
        self._pattern = trie_pattern(thesaurus.by_key)

    def __call__(self, text: str, fold: str, sentences: list[Sentence]) -> list[MechanismMention]:
        """Mentions of thesaurus mechanisms, longest spelling first, never overlapping."""
        if self._pattern is None:
            return []
        by_key = self.thesaurus.by_key
        stripped, where = _without_quotes(fold)
        starts = [s.start for s in sentences]
        mentions = []
        for match in self._pattern.finditer(stripped):
            key = match.group()
            a, b = match.start(), match.end()
            if _ASCII_EDGE.match(key[0]) and a > 0 and _ASCII_EDGE.match(stripped[a - 1]):
                continue  # "1+3" inside "1+3+N" or "21+X"
            if _ASCII_EDGE.match(key[-1]) and b < len(stripped) and _ASCII_EDGE.match(stripped[b]):
                continue
            start, end = where[a], where[b - 1] + 1
            start, end = _balance_quotes(text, start, end)
            index = bisect.bisect_right(starts, start) - 1
            if index < 0 or end > sentences[index].end:
                continue  # runs across a sentence end: not one name
            concept = by_key[key]
            if key in self.thesaurus.shared:
                sentence = sentences[index]
                concept = self.thesaurus.in_context(key, fold[sentence.start : sentence.end])
            mentions.append(MechanismMention(index, start, end, text[start:end], concept))
        return mentions


def _balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a surface to the quotes that open or close inside it: 1+X”党建联建 → “1+X”党建联建."""
    surface = text[start:end]
    opened = sum(surface.count(q) for q in "“‘「『《")
    closed = sum(surface.count(q) for q in "”’」』》")
    if closed > opened and start > 0 and text[start - 1] in OPENING_QUOTES:
        start -= 1
    elif opened > closed and end < len(text) and text[end] in CLOSING_QUOTES:
        end += 1
    elif opened == closed and start > 0 and end < len(text) and text[start - 1] in "“‘「『《" and text[end] in "”’」』》":
        start, end = start - 1, end + 1
    return start, end
