"""The Extractor: one object that owns the tagger, the mechanism matcher and the thesaurus, and
runs the pipeline's named steps on a document (in the manner of spaCy's `Language`).

    extractor = Extractor(load_thesaurus())
    facts = extractor(read_source("article.txt"))
    for facts in extractor.pipe(sources, workers=2): ...

Each step reads what earlier steps filled in on the DocumentFacts and fills in its own part; it
holds only what it uses (the places step the tagger, the mechanisms step the matcher).
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from govkg.errors import ExtractionError
from govkg.extract.claims import with_claims
from govkg.extract.dates import document_date
from govkg.extract.discover import discover_mechanisms
from govkg.extract.mechanisms import MechanismMatcher
from govkg.extract.model import DocumentFacts, Place, SourceDocument
from govkg.extract.normalize import normalize, split_articles, split_sentences
from govkg.extract.organizations import recognize_organizations
from govkg.extract.outcomes import extract_outcomes
from govkg.extract.places import (
    OfficialNames,
    anonymised_text,
    generic_references,
    main_places,
    official_places,
    recognize_places,
    with_context_parents,
    with_official_places,
)
from govkg.extract.read import read_source
from govkg.extract.relate import relate_adoptions
from govkg.extract.segment import Tagger
from govkg.ontology import Thesaurus, load_thesaurus
from govkg.ontology.gazetteer import Gazetteer


@dataclass(frozen=True)
class Step:
    """A named step of the pipeline: `run` fills in part of a DocumentFacts; `needs` names the
    steps whose output it reads."""

    name: str
    run: Callable[[DocumentFacts], None]
    needs: tuple[str, ...] = ()


class NormalizeStep:
    """Layout undone, and the folded text in simplified characters (OpenCC's t2s)."""

    def __init__(self, simplify: Callable[[str], str]):
        self.simplify = simplify

    def __call__(self, facts: DocumentFacts) -> None:
        facts.normalized = normalize(facts.source, self.simplify)


def sentences_step(facts: DocumentFacts) -> None:
    facts.sentences = split_sentences(facts.normalized)
    facts.articles = split_articles(facts.normalized, Path(facts.source.name).stem)
    facts.title = facts.articles[0].title


class PlacesStep:
    """Tokens of every sentence, place mentions with their paths resolved against the official
    divisions, and the places of the document."""

    def __init__(self, tagger: Tagger, gazetteer: Gazetteer, simplify: Callable[[str], str] | None = None):
        self.tagger = tagger
        self.gazetteer = gazetteer
        self.official_names = OfficialNames(gazetteer, simplify)

    def __call__(self, facts: DocumentFacts) -> None:
        fold = facts.normalized.fold
        facts.anonymised = anonymised_text(fold)
        facts.tokens = tokens = [self.tagger(fold[s.start : s.end]) for s in facts.sentences]
        mentions = recognize_places(facts.sentences, fold, tokens, self.tagger.common_word, self.official_names)
        facts.articles = main_places(facts.articles, facts.sentences, mentions)
        mentions = with_context_parents(mentions, facts.articles, facts.sentences)
        mentions = sorted(mentions + generic_references(facts.sentences, fold, facts.articles, mentions),
                          key=lambda m: m.start)
        place = official_places({m.place.path for m in mentions}, self.gazetteer)
        facts.place_mentions = with_official_places(mentions, place)
        facts.articles = [
            replace(a, main_place=place(a.main_place).path) if a.main_place else a for a in facts.articles
        ]
        places = {}
        for mention in facts.place_mentions:
            # Every ancestor on a path is a place too.
            path = mention.place.path
            for depth in range(1, len(path) + 1):
                if path[:depth] not in places:
                    places[path[:depth]] = mention.place if depth == len(path) else self._ancestor(path[:depth])
        facts.places = list(places.values())

    def _ancestor(self, path: tuple[str, ...]) -> Place:
        division = self.gazetteer.division_of(path)
        return Place(path, self.gazetteer.level_of_path(path), division.code if division else None)


class MechanismsStep:
    def __init__(self, matcher: MechanismMatcher):
        self.matcher = matcher

    def __call__(self, facts: DocumentFacts) -> None:
        facts.mechanism_mentions = self.matcher(facts.normalized.text, facts.normalized.fold, facts.sentences)


class DiscoverStep:
    def __init__(self, thesaurus: Thesaurus):
        self.thesaurus = thesaurus

    def __call__(self, facts: DocumentFacts) -> None:
        found, facts.candidates, replaced = discover_mechanisms(
            facts.normalized.text, facts.sentences, facts.mechanism_mentions, self.thesaurus
        )
        kept = [m for m in facts.mechanism_mentions if m not in replaced]
        facts.mechanism_mentions = sorted(kept + found, key=lambda m: m.start)


def dates_step(facts: DocumentFacts) -> None:
    facts.date = document_date(facts.source.page_date, facts.source.text)


def adoptions_step(facts: DocumentFacts) -> None:
    # A template or an anonymised report: its facts belong to no real place.
    facts.adoptions = [] if facts.anonymised else with_claims(relate_adoptions(facts))


def organizations_step(facts: DocumentFacts) -> None:
    facts.organizations = recognize_organizations(facts)


def outcomes_step(facts: DocumentFacts) -> None:
    facts.outcomes = [] if facts.anonymised else extract_outcomes(facts)


class Extractor:
    """Text in, facts out, for one thesaurus.

    Owns the tagger (jieba with the thesaurus's words in its own dictionary), the mechanism
    matcher, the thesaurus and the gazetteer of official divisions (loaded once: about a second),
    so extractors of two thesauri never share anything. `timings`
    adds up the seconds each step took, over every document this extractor (or its workers)
    extracted."""

    def __init__(self, thesaurus: Thesaurus | None = None, gazetteer: Gazetteer | None = None):
        self.thesaurus = thesaurus if thesaurus is not None else load_thesaurus()
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        self.tagger = Tagger(self.thesaurus)
        self.matcher = MechanismMatcher(self.thesaurus)
        import opencc

        self.simplifier = opencc.OpenCC("t2s")
        self.steps: tuple[Step, ...] = (
            Step("normalize", NormalizeStep(self.simplifier.convert)),
            Step("dates", dates_step),
            Step("sentences", sentences_step, ("normalize",)),
            Step("places", PlacesStep(self.tagger, self.gazetteer, self.simplifier.convert), ("sentences",)),
            Step("mechanisms", MechanismsStep(self.matcher), ("sentences",)),
            Step("discover", DiscoverStep(self.thesaurus), ("mechanisms",)),
            Step("adoptions", adoptions_step, ("places", "discover")),
            Step("organizations", organizations_step, ("places", "discover")),
            Step("outcomes", outcomes_step, ("places", "discover")),
        )
        self.timings: dict[str, float] = dict.fromkeys(self.step_names, 0.0)

    @property
    def step_names(self) -> tuple[str, ...]:
        return tuple(step.name for step in self.steps)

    def _chosen(self, names: Iterable[str] | None) -> tuple[Step, ...]:
        if names is None:
            return self.steps
        wanted = set(names)
        unknown = wanted - set(self.step_names)
        if unknown:
            raise ExtractionError(
                f"no step called {', '.join(sorted(unknown))}; the steps are {', '.join(self.step_names)}"
            )
        chosen = tuple(step for step in self.steps if step.name in wanted)
        for step in chosen:
            missing = [need for need in step.needs if need not in wanted]
            if missing:
                raise ExtractionError(f"step {step.name} needs step {', '.join(missing)} before it")
        return chosen

    def __call__(self, source: SourceDocument, steps: Iterable[str] | None = None) -> DocumentFacts:
        """The facts of one document: every step, or only the named ones (with what they need)."""
        facts = DocumentFacts(source=source, title=Path(source.name).stem)
        for step in self._chosen(steps):
            started = time.perf_counter()
            step.run(facts)
            self.timings[step.name] += time.perf_counter() - started
        return facts

    def pipe(self, sources: Iterable[SourceDocument], workers: int | None = None) -> Iterator[DocumentFacts]:
        """The facts of many documents, in order, as they are ready.

        With `workers` of 2 or more (default: one per CPU), the documents are extracted in that
        many processes, each with an extractor of its own for this thesaurus: extraction is pure
        Python, so processes, not threads, are what use more than one core. At most 32
        documents per worker are in flight, so memory does not grow with the corpus. Facts made
        in worker processes come without their `tokens` (the words of each sentence, which the
        steps use and the graph does not)."""
        workers = workers or os.cpu_count() or 1
        if workers < 2:
            for source in sources:
                yield self(source)
            return
        yield from pipe_in_workers(self.thesaurus, sources, workers, self.timings)


WORKERS_NEED_MAIN_GUARD = ("a script that extracts with workers must run under `if __name__ == \"__main__\":`, "
                           "as worker processes import it again")


def refuse_in_a_starting_worker() -> None:
    """Raise ExtractionError in a worker process that is importing the caller's script again,
    when that script extracts (or builds: a build takes the store's lock, which a worker would
    wait for while its caller waits for it) at import. Said at once: the caller then reports
    the worker stopped, instead of both waiting for ever."""
    import multiprocessing

    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise ExtractionError(WORKERS_NEED_MAIN_GUARD)


def _taken(source, parent: int):
    """The next item of a queue (None is the caller's "stop"), or None once the process that
    started this one is gone."""
    while True:
        try:
            return source.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:
                return None


def _thesaurus_from(setup, parent: int) -> Thesaurus | None:
    """The thesaurus the caller sent, or None once the caller is gone. Read in a thread of its
    own: a caller killed while sending it leaves a message cut short, whose read never ends."""
    taken: list[Thesaurus] = []
    reader = threading.Thread(target=lambda: taken.append(setup.get()), daemon=True)
    reader.start()
    while reader.is_alive():
        reader.join(1.0)
        if os.getppid() != parent:
            return None
    return taken[0] if taken else None


def _extract_in_worker(setup, tasks, results, parent: int) -> None:
    """A worker process: one extractor for the thesaurus it takes from `setup`, documents from
    `tasks` until None, facts to `results`; it ends by itself when the process that started it
    is gone (killed with SIGKILL, say), even while it waits for its thesaurus."""
    thesaurus = _thesaurus_from(setup, parent)
    if thesaurus is None:
        return
    extractor = Extractor(thesaurus)
    while True:
        task = _taken(tasks, parent)
        if task is None:
            if os.getppid() != parent:
                # Facts put for a caller that is gone are never read: at exit, a process would
                # wait for the queue's feeder thread, which waits for a reader.
                results.cancel_join_thread()
            return
        index, source = task
        before = dict(extractor.timings)
        try:
            facts = extractor(source)
        except Exception as exc:  # sent back whole, raised again in the calling process
            results.put((index, None, {}, exc))
            continue
        spent = {name: extractor.timings[name] - before[name] for name in before}
        # The tagger's words of every sentence serve the steps, not the caller, and are most of
        # what would be sent back: without them, reading the facts in the calling process (one
        # process for all workers) costs a sixth.
        facts.tokens = []
        results.put((index, facts, spent, None))


@contextlib.contextmanager
def _signals_held():
    """Ctrl-C and SIGTERM held back while the block runs, then acted on as they would have been,
    for work a signal must not cut in two: starting a worker (one stopped half-way through reading
    what it was sent at start prints a traceback) and putting on a queue (see `_put`).
    (Blocking the signals would not do: another thread of the process may take them.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: held.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in held[:1]:
            signal.raise_signal(sig)


def _put(destination, item) -> None:
    """`destination.put(item)` with Ctrl-C and SIGTERM held. A signal handled just after a queue
    takes its lock and before the `with` that releases it (CPython lets one in there) leaves the
    lock taken, and at exit the queue's finalizer waits for that lock for ever: a build stopped
    with Ctrl-C said so and never ended."""
    with _signals_held():
        destination.put(item)


def pipe_in_workers(thesaurus: Thesaurus, sources: Iterable[SourceDocument], workers: int,
                    timings: dict[str, float] | None = None) -> Iterator[DocumentFacts]:
    """The facts of many documents, in order, extracted in `workers` processes that each build an
    Extractor of `thesaurus`, without building one here (a build's own process then holds no
    tagger); the seconds of each step are added to `timings`. The facts carry no `tokens`."""
    return _pipe_in_processes(thesaurus, iter(sources), workers, timings if timings is not None else {})


def _pipe_in_processes(thesaurus: Thesaurus, sources: Iterator[SourceDocument], workers: int, timings: dict):
    import multiprocessing

    # spawn, not fork: the caller may hold an open store, whose threads a fork would copy mid-lock.
    refuse_in_a_starting_worker()
    context = multiprocessing.get_context("spawn")
    setup, tasks, results = context.Queue(), context.Queue(), context.Queue()
    # The thesaurus goes by a queue, one copy per worker, not as an argument of the process:
    # multiprocessing writes the arguments into a pipe that nobody reads when the worker dies
    # while starting (a script without `if __name__ == "__main__":`), and waits there for ever.
    for _ in range(workers):
        _put(setup, thesaurus)
    processes = [
        context.Process(target=_extract_in_worker, args=(setup, tasks, results, os.getpid()), daemon=True)
        for _ in range(workers)
    ]
    # Documents in flight: enough that workers keep extracting while the caller bulk-loads a
    # batch (a second or more), which with 4 per worker left them idle for most of each load.
    window = workers * 32
    ready: dict[int, DocumentFacts] = {}
    sent = done = 0
    exhausted = False
    try:
        with _signals_held():
            for process in processes:
                process.start()
        while True:
            while not exhausted and sent - done < window:
                source = next(sources, None)
                if source is None:
                    exhausted = True
                    break
                _put(tasks, (sent, source))
                sent += 1
            if exhausted and done == sent:
                return
            while done not in ready:
                try:
                    index, facts, spent, error = results.get(timeout=1.0)
                except queue.Empty:
                    if not all(p.is_alive() for p in processes):
                        raise ExtractionError(f"an extraction worker process stopped unexpectedly ({WORKERS_NEED_MAIN_GUARD})") from None
                    continue
                if error is not None:
                    raise error
                for name, seconds in spent.items():
                    timings[name] = timings.get(name, 0.0) + seconds
                ready[index] = facts
            yield ready.pop(done)
            done += 1
    finally:
        # Told to stop when all is done; stopped at once when the caller gave up (an error,
        # Ctrl-C, SIGTERM): no worker outlives the pipe.
        finished = exhausted and done == sent
        if finished:
            for _ in processes:
                _put(tasks, None)
        for process in processes:
            if process.pid is None:
                continue  # never started
            if finished:
                process.join(timeout=5)
            if process.is_alive():
                # SIGKILL: a worker still starting up would print a traceback on SIGTERM.
                process.kill()
                process.join()
        if not finished:
            # What was sent to workers that are gone is never read: leaving, this process must
            # not wait for the queues' feeder threads to write it.
            setup.cancel_join_thread()
            tasks.cancel_join_thread()


def extract_document(source: SourceDocument, thesaurus: Thesaurus | None = None) -> DocumentFacts:
    """The facts of one document, with an extractor made for this call (for many documents, make
    one Extractor and call it, or use its `pipe`)."""
    return Extractor(thesaurus)(source)


def extract_file(path: str | Path, thesaurus: Thesaurus | None = None) -> DocumentFacts:
    """The facts of one file (text or HTML page); see extract_document."""
    return extract_document(read_source(path), thesaurus)
