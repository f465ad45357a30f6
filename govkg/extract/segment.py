"""Word segmentation: jieba with a domain dictionary built from the mechanism thesaurus."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

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
NAME_FLAGS = {"ns", "nr", "nrt", "nrfg", "nz", "nt"}
# jieba's dictionary (frequencies and tags), shared by every tokenizer; kept by the first one made.
_dictionary: dict[str, dict] = {}


def common_word(word: str) -> bool:
    """A frequent dictionary word that jieba does not tag as a name (旅游, 保护, 解放): the stem of a
    kind of place (旅游区, 保护区), not of a place name (思明区, 武侯区). Needs a segment() call first."""
    if not _dictionary:
        return False
    frequency = _dictionary["frequency"].get(word, 0)
    return frequency >= RARE_WORD and _dictionary["tags"].get(word, "") not in NAME_FLAGS


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]):
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in words:
        # jieba's suggested frequency is just enough to keep the whole name ("1+3+N", 四清单一目录)
        # one token; a larger one would raise the dictionary total and skew every other word.
        tokenizer.add_word(word, tag="nz")
    tagger = jieba.posseg.POSTokenizer(tokenizer)
    _dictionary.setdefault("frequency", tokenizer.FREQ)
    _dictionary.setdefault("tags", tagger.word_tag_tab)
    return tagger


def domain_words(thesaurus: Thesaurus) -> tuple[str, ...]:
    """Thesaurus labels that jieba can hold as single words, with case kept as texts write it."""
    words = set()
    for mechanism in thesaurus.mechanisms.values():
        for label in mechanism.labels:
            stripped = "".join(ch for ch in label if ch not in "“”‘’\"'")
            if _JIEBA_WORD.match(stripped) and len(stripped) >= 2:
                words.add(stripped)
    return tuple(sorted(words))


# The tagger and domain words of the last thesauri seen, by identity: segment() runs once per
# sentence, and hashing the thesaurus's words each time would cost more than the lookup saves.
_segmenters: dict[int, tuple[Thesaurus, object, frozenset[str]]] = {}


def _segmenter(thesaurus: Thesaurus):
    cached = _segmenters.get(id(thesaurus))
    if cached is None or cached[0] is not thesaurus:
        words = domain_words(thesaurus)
        if len(_segmenters) >= 4:
            _segmenters.clear()
        cached = _segmenters[id(thesaurus)] = (thesaurus, _tokenizer(words), frozenset(words))
    return cached[1], cached[2]


def segment(text: str, thesaurus: Thesaurus) -> list[Token]:
    """Tokens of `text` with their offsets and jieba part-of-speech flags."""
    tokenizer, domain = _segmenter(thesaurus)
    frequency = tokenizer.tokenizer.FREQ
    tokens = []
    position = 0
    for pair in tokenizer.cut(text, HMM=True):
        # Thesaurus words have a small frequency too, but are not rare in the sense of names.
        rare = 0 < frequency.get(pair.word, 0) < RARE_WORD and pair.word not in domain
        tokens.append(Token(pair.word, position, pair.flag, rare))
        position += len(pair.word)
    return tokens

