"""Word segmentation: jieba with a domain dictionary built from the mechanism thesaurus."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from govkg.ontology import Thesaurus

# jieba's own tokenizer only keeps these characters inside one word; a label with others
# (quotes, 、, ·) cannot be a single token and is found by the thesaurus matcher instead.
RARE_WORD = 300  # dictionary frequency under which a word counts as rare
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")


@dataclass(frozen=True)
class Token:
    word: str
    start: int
    flag: str
    rare: bool = False  # in jieba's dictionary but seldom seen there (as names are)

    @property
    def end(self) -> int:
        return self.start + len(self.word)


# Flags jieba gives to names (places, people, organizations, other proper nouns).
NAME_FLAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt"})


def domain_words(thesaurus: Thesaurus) -> tuple[str, ...]:
    """Thesaurus labels that jieba can hold as single words, with case kept as texts write it."""
    words = set()
    for mechanism in thesaurus.mechanisms.values():
        for label in mechanism.labels:
            stripped = "".join(ch for ch in label if ch not in "“”‘’\"'")
            if _JIEBA_WORD.match(stripped) and len(stripped) >= 2:
                words.add(stripped)
    return tuple(sorted(words))


class Tagger:
    """Segments and tags text with jieba's dictionary plus the thesaurus's words (tagged nz).

    Owns its dictionary: two taggers made from two thesauri never see each other's words."""

    def __init__(self, thesaurus: Thesaurus):
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        self.domain = frozenset(domain_words(thesaurus))
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in sorted(self.domain):
            # jieba's suggested frequency is just enough to keep the whole name ("1+3+N",
            # 四清单一目录) one token; a larger one would raise the dictionary total and skew
            # every other word.
            tokenizer.add_word(word, tag="nz")
        self._tagger = jieba.posseg.POSTokenizer(tokenizer)
        self.frequency: dict[str, int] = tokenizer.FREQ
        self.tags: dict[str, str] = self._tagger.word_tag_tab
        self._pairs: Callable[[str], list[tuple[str, str]]] = lambda text: [
            (pair.word, pair.flag) for pair in self._tagger.cut(text, HMM=True)
        ]

    def __call__(self, text: str) -> list[Token]:
        """Tokens of `text` with their offsets and jieba part-of-speech flags."""
        frequency, domain = self.frequency, self.domain
        tokens = []
        position = 0
        for word, flag in self._pairs(text):
            # Thesaurus words have a small frequency too, but are not rare in the sense of names.
            rare = 0 < frequency.get(word, 0) < RARE_WORD and word not in domain
            tokens.append(Token(word, position, flag, rare))
            position += len(word)
        return tokens

    def common_word(self, word: str) -> bool:
        """A frequent dictionary word that jieba does not tag as a name (旅游, 保护, 解放): the
        stem of a kind of place (旅游区, 保护区), not of a place name (思明区, 武侯区)."""
        return self.frequency.get(word, 0) >= RARE_WORD and self.tags.get(word, "") not in NAME_FLAGS


def walk_back(tokens: list[Token], index: int, step: Callable[[int], int | None]) -> int:
    """Where a name that ends before tokens[index] starts, walking back one token at a time.

    `step(j)` says whether tokens[j] belongs to the name: it returns the index of the first token
    it takes (j itself, or an earlier one for a span taken whole, such as a quoted name), or None
    to stop. Returns the index of the name's first token (`index` when nothing was taken)."""
    first = index
    j = index - 1
    while j >= 0:
        taken = step(j)
        if taken is None:
            break
        first = taken
        j = taken - 1
    return first
