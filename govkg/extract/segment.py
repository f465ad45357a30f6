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
# Stretches of at most this many characters that need jieba's Python Viterbi keep their words,
# up to this many stretches (see Tagger._viterbi).
SLOW_PATH_CHARS = 4
SLOW_PATHS_KEPT = 100_000
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
    """Segments and tags text as jieba.posseg does, with jieba's dictionary plus the thesaurus's
    words (tagged nz), about four times faster.

    jieba.posseg spends most of its time in two pure-Python loops: the best route through the
    dictionary's word graph, and the part-of-speech HMM (Viterbi) on runs of characters the
    dictionary does not know. Here rjieba (jieba-rs, the Rust port with the same dictionary)
    finds the route, and jieba_fast_dat's C++ Viterbi of jieba's own HMM model tags the unknown
    runs; around them the steps are jieba.posseg's, with its dictionary tables and its regular
    expressions, so tokens and tags are the same as jieba.posseg's (tests compare them).

    Owns its dictionaries: two taggers made from two thesauri never see each other's words."""

    def __init__(self, thesaurus: Thesaurus):
        import jieba
        import jieba.posseg
        import jieba_fast_dat.posseg
        import rjieba
        from jieba_fast_dat._jieba_fast_dat_functions_py3 import _posseg_viterbi_cpp

        jieba.setLogLevel(logging.WARNING)
        self.domain = frozenset(domain_words(thesaurus))
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        self._router = rjieba.Jieba()
        for word in sorted(self.domain):
            # jieba's suggested frequency is just enough to keep the whole name ("1+3+N",
            # 四清单一目录) one token; a larger one would raise the dictionary total and skew
            # every other word. rjieba suggests the same frequency from the same dictionary.
            tokenizer.add_word(word, tag="nz")
            self._router.add_word(word, None, "nz")
        self._reference = jieba.posseg.POSTokenizer(tokenizer)
        self.frequency: dict[str, int] = tokenizer.FREQ
        # This POSTokenizer's own table (jieba.posseg adds the thesaurus's tags to it on first use).
        self.tags: dict[str, str] = self._reference.word_tag_tab
        self.tags.update(tokenizer.user_word_tag_tab)
        self._posseg = jieba.posseg
        jieba_fast_dat.posseg.load_model()  # the HMM tables, loaded once into the C++ extension
        self._fast_viterbi = _posseg_viterbi_cpp
        self._slow_paths: dict[str, tuple[tuple[str, str], ...]] = {}

    def __call__(self, text: str) -> list[Token]:
        """Tokens of `text` with their offsets and jieba part-of-speech flags."""
        frequency, domain = self.frequency, self.domain
        tokens = []
        position = 0
        for word, flag in self.pairs(text):
            # Thesaurus words have a small frequency too, but are not rare in the sense of names.
            rare = 0 < frequency.get(word, 0) < RARE_WORD and word not in domain
            tokens.append(Token(word, position, flag, rare))
            position += len(word)
        return tokens

    def pairs(self, text: str) -> list[tuple[str, str]]:
        """(word, flag) pairs as jieba.posseg.POSTokenizer.cut(text, HMM=True) gives them."""
        posseg, out = self._posseg, []
        for block in posseg.re_han_internal.split(text):
            if not block:
                continue
            if posseg.re_han_internal.match(block):
                self._tag_block(block, out)
                continue
            for part in posseg.re_skip_internal.split(block):
                if posseg.re_skip_internal.match(part):
                    out.append((part, "x"))
                    continue
                for ch in part:
                    flag = "m" if posseg.re_num.match(ch) else "eng" if posseg.re_eng.match(part) else "x"
                    out.append((ch, flag))
        return out

    def reference_pairs(self, text: str) -> list[tuple[str, str]]:
        """What jieba.posseg itself gives for `text` (slow; for tests and the benchmark)."""
        return [(pair.word, pair.flag) for pair in self._reference.cut(text, HMM=True)]

    def _tag_block(self, block: str, out: list) -> None:
        # jieba.posseg's __cut_DAG: words of the route keep their dictionary tag; a run of single
        # characters is tagged by the HMM when the run as a whole is no dictionary word.
        frequency, tags = self.frequency, self.tags
        run = ""
        for word in self._router.cut(block, False):
            # rjieba groups Latin letters and digits the dictionary lacks; jieba.posseg's route
            # takes them one by one, so they join the run.
            if len(word) == 1 or not frequency.get(word):
                run += word
                continue
            if run:
                self._tag_run(run, out)
                run = ""
            out.append((word, tags.get(word, "x")))
        if run:
            self._tag_run(run, out)

    def _tag_run(self, run: str, out: list) -> None:
        tags = self.tags
        if len(run) == 1:
            out.append((run, tags.get(run, "x")))
        elif not self.frequency.get(run):
            self._tag_unknown(run, out)
        else:
            out.extend((ch, tags.get(ch, "x")) for ch in run)

    def _tag_unknown(self, run: str, out: list) -> None:
        # jieba.posseg's __cut_detail: Chinese stretches through the HMM, digits and Latin apart.
        posseg = self._posseg
        for index, part in enumerate(posseg.re_han_detail.split(run)):
            if not part:
                continue
            if index % 2 == 1:
                self._viterbi(part, out)
                continue
            for piece in posseg.re_skip_detail.split(part):
                if piece:
                    flag = "m" if posseg.re_num.match(piece) else "eng" if posseg.re_eng.match(piece) else "x"
                    out.append((piece, flag))

    def _viterbi(self, text: str, out: list) -> None:
        pairs = self._fast_viterbi(text)[1]
        if sum(len(pair.word) for pair in pairs) == len(text):
            out.extend((pair.word, pair.flag) for pair in pairs)
            return
        # The C++ version drops characters after the last word when the best path ends inside
        # a word (jieba.posseg gives them as one more word): then jieba's own Viterbi. That
        # happens on short stretches (户, 个, 项 between numbers) that recur in every text, so
        # their words are kept, for short stretches only, to bound the memory this takes.
        known = self._slow_paths.get(text)
        if known is None:
            known = self._python_viterbi(text)
            if len(text) <= SLOW_PATH_CHARS:
                if len(self._slow_paths) >= SLOW_PATHS_KEPT:
                    self._slow_paths.clear()
                self._slow_paths[text] = known
        out.extend(known)

    def _python_viterbi(self, text: str) -> tuple[tuple[str, str], ...]:
        posseg = self._posseg
        _, states = posseg.viterbi(text, posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
        words = []
        begin = after = 0
        for i, ch in enumerate(text):
            position, flag = states[i]
            if position == "B":
                begin = i
            elif position == "E":
                words.append((text[begin : i + 1], flag))
                after = i + 1
            elif position == "S":
                words.append((ch, flag))
                after = i + 1
        if after < len(text):
            words.append((text[after:], states[after][1]))
        return tuple(words)

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
