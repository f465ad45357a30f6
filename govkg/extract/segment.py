"""Word segmentation: jieba with a domain dictionary built from the mechanism thesaurus."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from govkg.ontology import Thesaurus

# jieba's own tokenizer only keeps these characters inside one word; a label with others
# (quotes, 、, ·) cannot be a single token and is found by the thesaurus matcher instead.
RARE_WORD = 300  # dictionary frequency under which a word counts as rare
# Stretches the HMM tags of at most this many characters keep their words, up to this many
# stretches (see Tagger._viterbi).
KEPT_STRETCH_CHARS = 12
STRETCHES_KEPT = 50_000
# jieba.posseg's own Viterbi loop takes about a millisecond a character, numpy's import 0.08-0.1 s:
# the loop tags that many characters of the stretches the C++ Viterbi cuts short before numpy
# does the rest. A rebuild of a few files then never imports numpy; a process that extracts a
# corpus spends some 0.05 s more.
LOOP_CHARACTERS = 100
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")
# jieba.posseg's own regular expressions (tests check they are the same), so that the tagger
# need not import jieba.posseg, whose import reads jieba's dictionary for a tagger of its own.
HAN_INTERNAL = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
SKIP_INTERNAL = re.compile("(\r\n|\\s)")
HAN_DETAIL = re.compile("([\u4E00-\u9FD5]+)")
SKIP_DETAIL = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
NUMBER = re.compile("[\\.0-9]+")
LATIN = re.compile("[a-zA-Z0-9]+")


class Token:
    """A word of a sentence: its text, where it starts, its jieba part-of-speech flag, and
    whether it is rare (in jieba's dictionary but seldom seen there, as names are).

    A plain class with slots, not a dataclass: every sentence makes dozens, and the place rules
    read their `end` hundreds of thousands of times per corpus."""

    __slots__ = ("word", "start", "flag", "rare", "end")

    def __init__(self, word: str, start: int, flag: str, rare: bool = False):
        self.word = word
        self.start = start
        self.flag = flag
        self.rare = rare
        self.end = start + len(word)

    def _key(self) -> tuple:
        return self.word, self.start, self.flag, self.rare

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Token(word={self.word!r}, start={self.start}, flag={self.flag!r}, rare={self.rare})"


# Flags jieba gives to names (places, people, organizations, other proper nouns).
NAME_FLAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt"})
# The tags rjieba guesses for a word its dictionary lacks (jieba-rs's Jieba::tag).
GUESSED_TAGS = frozenset({"x", "m", "eng"})


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
        import jieba_fast_dat
        from jieba_fast_dat._jieba_fast_dat_functions_py3 import _posseg_viterbi_cpp

        self.domain = frozenset(domain_words(thesaurus))
        # The tags of the words the route takes come from rjieba, which holds jieba's
        # dictionary already; only the frequent words are read here (17,866 of 349,045: a
        # table of every word took a fifth of a second to read back in every process that tags,
        # and some 50 MB).
        frequent, self.unseen = read_jieba_dictionary()
        self._router = rjieba_class()()
        for word in sorted(self.domain):
            # rjieba's suggested frequency is just enough to keep the whole name ("1+3+N",
            # 四清单一目录) one token; a larger one would raise the dictionary total and skew
            # every other word. It is the frequency jieba suggests from the same dictionary.
            self._router.add_word(word, None, "nz")
        # A thesaurus word is tagged nz, as jieba's add_word makes it, also where the dictionary
        # has it with another tag (rjieba's add_word keeps that one).
        self.frequent = {word: "nz" if word in self.domain else tag for word, tag in frequent.items()}
        self._has_word = self._router.has_word
        self._reference = None
        # jieba.posseg's HMM tables, read once for the C++ extension's Viterbi and for the numpy one
        # (jieba_fast_dat's load_model would read its pickles again).
        tables = posseg_tables()
        jieba_fast_dat.load_hmm_model(*tables)
        self._fast_viterbi = _posseg_viterbi_cpp
        self._tables = tables
        self._hmm: PossegHmm | None = None  # made when first needed: it imports numpy
        self._jieba_viterbi = jieba_posseg_viterbi()
        self._looped = 0  # characters jieba's loop has tagged
        self._stretches: dict[str, tuple[tuple[str, str], ...]] = {}  # words the HMM gave them

    def __call__(self, text: str) -> list[Token]:
        """Tokens of `text` with their offsets and jieba part-of-speech flags."""
        frequent, unseen, domain, has_word = self.frequent, self.unseen, self.domain, self._has_word
        tokens = []
        position = 0
        for word, flag in self.pairs(text):
            # Thesaurus words have a small frequency too, but are not rare in the sense of names.
            rare = word not in frequent and word not in domain and word not in unseen and has_word(word)
            tokens.append(Token(word, position, flag, rare))
            position += len(word)
        return tokens

    def pairs(self, text: str) -> list[tuple[str, str]]:
        """(word, flag) pairs as jieba.posseg.POSTokenizer.cut(text, HMM=True) gives them."""
        out = []
        for block in HAN_INTERNAL.split(text):
            if not block:
                continue
            if HAN_INTERNAL.match(block):
                self._tag_block(block, out)
                continue
            for part in SKIP_INTERNAL.split(block):
                if SKIP_INTERNAL.match(part):
                    out.append((part, "x"))
                    continue
                for ch in part:
                    flag = "m" if NUMBER.match(ch) else "eng" if LATIN.match(part) else "x"
                    out.append((ch, flag))
        return out

    def reference_pairs(self, text: str) -> list[tuple[str, str]]:
        """What jieba.posseg itself gives for `text`, with the same thesaurus words (slow; for
        tests and the benchmark)."""
        if self._reference is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in sorted(self.domain):
                tokenizer.add_word(word, tag="nz")
            self._reference = jieba.posseg.POSTokenizer(tokenizer)
        return [(pair.word, pair.flag) for pair in self._reference.cut(text, HMM=True)]

    def _tag_block(self, block: str, out: list) -> None:
        # jieba.posseg's __cut_DAG: words of the route keep their dictionary tag; a run of single
        # characters is tagged by the HMM when the run as a whole is no dictionary word.
        domain, unseen, has_word = self.domain, self.unseen, self._has_word
        run: list[tuple[str, str | None]] = []  # the route's words of the run, with their tags
        for word, tag in self._router.tag(block, False):
            # rjieba tags a word its dictionary lacks x, m or eng (by its characters); a word of
            # the dictionary may have those tags too.
            if tag in GUESSED_TAGS and not has_word(word):
                tag = None
            elif word in domain:
                tag = "nz"
            # rjieba groups Latin letters and digits the dictionary lacks; jieba.posseg's route
            # takes them one by one, so they join the run.
            if len(word) == 1 or tag is None or word in unseen:
                run.append((word, tag))
                continue
            if run:
                self._tag_run(run, out)
                run = []
            out.append((word, tag))
        if run:
            self._tag_run(run, out)

    def _tag_run(self, pieces: list[tuple[str, str | None]], out: list) -> None:
        run = pieces[0][0] if len(pieces) == 1 else "".join(word for word, _ in pieces)
        if len(run) == 1:
            out.append((run, pieces[0][1] or "x"))
        elif not self._has_word(run) or run in self.unseen:
            self._tag_unknown(run, out)
        else:  # the run is a dictionary word: its characters, each with its own tag
            out.extend((ch, tag or "x") if len(word) == 1 else (ch, self._character_tag(ch))
                       for word, tag in pieces for ch in word)

    def _character_tag(self, ch: str) -> str:
        """A character's dictionary tag, x where the dictionary lacks it (as jieba.posseg)."""
        tag = self._router.tag(ch, False)[0][1]
        return tag if tag not in GUESSED_TAGS or self._has_word(ch) else "x"

    def _tag_unknown(self, run: str, out: list) -> None:
        # jieba.posseg's __cut_detail: Chinese stretches through the HMM, digits and Latin apart.
        for index, part in enumerate(HAN_DETAIL.split(run)):
            if not part:
                continue
            if index % 2 == 1:
                self._viterbi(part, out)
                continue
            for piece in SKIP_DETAIL.split(part):
                if piece:
                    flag = "m" if NUMBER.match(piece) else "eng" if LATIN.match(piece) else "x"
                    out.append((piece, flag))

    def _viterbi(self, text: str, out: list) -> None:
        # The stretches the dictionary does not know recur: names of the places and people of a
        # corpus, words of its own (four in ten in 48 passages from 35 provinces). Their words are
        # kept, for short stretches and up to a number of them, to bound the memory this takes.
        known = self._stretches.get(text)
        if known is None:
            pairs = self._fast_viterbi(text)[1]
            if sum(len(pair.word) for pair in pairs) == len(text):
                known = tuple((pair.word, pair.flag) for pair in pairs)
            else:
                # The C++ version drops characters after the last word when the best path ends
                # inside a word (jieba.posseg gives them as one more word; 户, 个, 项 between
                # numbers): then jieba's own Viterbi loop (see LOOP_CHARACTERS), or the same in numpy.
                known = self._hmm_words(text)
            if len(text) <= KEPT_STRETCH_CHARS:
                if len(self._stretches) >= STRETCHES_KEPT:
                    self._stretches.clear()
                self._stretches[text] = known
        out.extend(known)

    def _hmm_words(self, text: str) -> tuple[tuple[str, str], ...]:
        if self._hmm is None and self._jieba_viterbi is not None and self._looped + len(text) <= LOOP_CHARACTERS:
            self._looped += len(text)
            start, transitions, emissions, character_states = self._tables
            states = self._jieba_viterbi(text, character_states, start, transitions, emissions)[1]
        else:
            if self._hmm is None:
                self._hmm = PossegHmm(*self._tables)
            states = self._hmm(text)
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
        tag = self.frequent.get(word)
        return tag is not None and tag not in NAME_FLAGS


def rjieba_class() -> type:
    """rjieba's Jieba class, without running the rjieba package's __init__, which builds a
    default Jieba (the whole dictionary again, 0.2-0.4 s in every process that tags: a build's
    own, each worker) that govkg never uses. The extension module is registered where the
    package imports it from, so that a later `import rjieba` takes the same module."""
    import importlib.machinery
    import importlib.util
    import sys

    module = sys.modules.get("rjieba.rjieba")
    if module is None:
        folder = Path(importlib.util.find_spec("rjieba").submodule_search_locations[0])
        found = [folder / f"rjieba{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES
                 if (folder / f"rjieba{suffix}").is_file()]
        if not found:  # another layout of the package: its own import, default instance and all
            import rjieba

            return rjieba.Jieba
        spec = importlib.util.spec_from_file_location("rjieba.rjieba", found[0])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["rjieba.rjieba"] = module
    return module.Jieba


def read_jieba_dictionary() -> tuple[dict[str, str], frozenset[str]]:
    """What the tagger needs of jieba's dictionary beside rjieba's copy of it: the frequent
    words (frequency RARE_WORD or more: the others are rare, as names are) with their
    part-of-speech tags (as jieba.posseg.POSTokenizer reads them, a later line of a word
    winning), and the unseen words (frequency 0, which jieba's route takes for unknown). Kept in
    govkg's cache once read (see govkg.ontology.cache)."""
    import importlib.util

    from govkg.ontology.cache import cached

    # Found without importing jieba (which costs a quarter of a second).
    path = Path(importlib.util.find_spec("jieba").submodule_search_locations[0]) / "dict.txt"
    return cached("jieba-dictionary", (path, Path(__file__)), lambda: _read_dictionary(path))


def _read_dictionary(path: Path) -> tuple[dict[str, str], frozenset[str]]:
    text = path.read_text(encoding="utf-8")
    fields = text.split()
    lines = text.count("\n") + (not text.endswith("\n"))  # counted, not split (a tenth of a second)
    if len(fields) == 3 * lines:  # word, frequency, tag on every line: one split
        frequency = dict(zip(fields[0::3], map(int, fields[1::3]), strict=True))
        tags = dict(zip(fields[0::3], fields[2::3], strict=True))
    else:
        frequency, tags = {}, {}
        for line in text.splitlines():
            if line.strip():
                word, count, tag = line.strip().split(" ")
                frequency[word] = int(count)
                tags[word] = tag
    return ({w: tags[w] for w, f in frequency.items() if f >= RARE_WORD},
            frozenset(w for w, f in frequency.items() if f == 0))


def jieba_posseg_viterbi() -> Callable | None:
    """jieba.posseg's Viterbi function (jieba/posseg/viterbi.py), loaded from its file without
    importing the jieba.posseg package, which reads jieba's dictionary for a tagger of its own;
    None where jieba keeps no such file."""
    import importlib.util

    path = Path(importlib.util.find_spec("jieba").submodule_search_locations[0]) / "posseg" / "viterbi.py"
    if not path.is_file():
        return None
    # Under a name of govkg's own and not put in sys.modules: jieba's import of the same file
    # stays its own.
    spec = importlib.util.spec_from_file_location("govkg_jieba_posseg_viterbi", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "viterbi", None)


def posseg_tables() -> tuple[dict, dict, dict, dict]:
    """jieba.posseg's HMM: start, transition and emission log-probabilities and the states each
    character may take, from jieba_fast_dat's pickles of them (the same tables, tests check),
    which load in a tenth of the time jieba.posseg's import takes."""
    import jieba_fast_dat.posseg as fast

    return tuple(fast.load_model_pickle(fast.__name__, name)
                 for name in (fast.PROB_START_P, fast.PROB_TRANS_P, fast.PROB_EMIT_P, fast.CHAR_STATE_TAB_P))


class PossegHmm:
    """jieba.posseg's Viterbi over its part-of-speech HMM, the same path and the same ties, with
    each character's step done by numpy over all states at once (about 8x faster than jieba's
    loop, which the tagger needs where the C++ version drops characters; tests compare them).

    jieba's loop, step by step: the states alive at the previous character that can go on; the
    states they lead to that the character allows (or all they lead to, or all states, when
    none is allowed); for each such state the best previous one, the largest state winning a
    tie. Scores are added in jieba's order, so the floats are the same."""

    MISSING_EMISSION = -3.14e100  # jieba.posseg.viterbi's MIN_FLOAT

    def __init__(self, start: dict, transitions: dict, emissions: dict, character_states: dict):
        import numpy as np

        self._np = np
        self._emissions, self._character_states = emissions, character_states
        self.states: list[tuple[str, str]] = sorted(transitions)
        self._index = {state: i for i, state in enumerate(self.states)}
        count = len(self.states)
        self._trans = np.full((count, count), -np.inf)
        self._follows = np.zeros((count, count), dtype=bool)
        for before, nexts in transitions.items():
            for after, probability in nexts.items():
                self._trans[self._index[before], self._index[after]] = probability
                self._follows[self._index[before], self._index[after]] = True
        self._goes_on = self._follows.any(axis=1)
        self._start = np.array([start[state] for state in self.states])
        self._every = np.ones(count, dtype=bool)
        self._characters: dict[str, tuple] = {}

    def _character(self, ch: str) -> tuple:
        known = self._characters.get(ch)
        if known is None:
            np = self._np
            allowed = self._character_states.get(ch)
            if allowed is None:
                mask = self._every
            else:
                mask = np.zeros(len(self.states), dtype=bool)
                mask[[self._index[state] for state in allowed]] = True
            emission = np.array([self._emissions[state].get(ch, self.MISSING_EMISSION) for state in self.states])
            known = self._characters[ch] = (mask, emission)
        return known

    def __call__(self, text: str) -> list[tuple[str, str]]:
        """The best state (position in word, flag) of each character of `text`."""
        np = self._np
        alive, emission = self._character(text[0])
        score = np.full(len(self.states), -np.inf)
        score[alive] = self._start[alive] + emission[alive]
        pointers = []
        for ch in text[1:]:
            allowed, emission = self._character(ch)
            before = np.flatnonzero(alive & self._goes_on)
            expected = self._follows[before].any(axis=0)
            current = allowed & expected
            if not current.any():
                current = expected if expected.any() else self._every
            after = np.flatnonzero(current)
            scores = (score[before][:, None] + self._trans[np.ix_(before, after)]) + emission[after][None, :]
            # argmax takes the first of equal scores; jieba's max of (score, state) the last.
            best = len(before) - 1 - np.argmax(scores[::-1], axis=0)
            score = np.full(len(self.states), -np.inf)
            score[after] = scores[best, np.arange(len(after))]
            pointer = np.zeros(len(self.states), dtype=np.intp)
            pointer[after] = before[best]
            pointers.append(pointer)
            alive = current
        last = np.flatnonzero(alive)
        state = last[len(last) - 1 - np.argmax(score[last][::-1])]
        route = [state]
        for pointer in reversed(pointers):
            state = pointer[state]
            route.append(state)
        return [self.states[i] for i in reversed(route)]


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
