"""The extraction pipeline: small named steps, each reading and filling in a DocumentFacts."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from govkg.extract.discover import discover_mechanisms
from govkg.extract.mechanisms import recognize_mechanisms
from govkg.extract.model import DocumentFacts, Place, SourceDocument
from govkg.extract.normalize import normalize, split_articles, split_sentences
from govkg.extract.organizations import recognize_organizations
from govkg.extract.outcomes import extract_outcomes
from govkg.extract.places import (
    generic_references,
    level_of_path,
    main_places,
    recognize_places,
    with_context_parents,
)
from govkg.extract.read import read_source
from govkg.extract.relate import relate_adoptions
from govkg.extract.segment import segment
from govkg.ontology import Thesaurus, load_thesaurus

Step = Callable[[DocumentFacts, Thesaurus], None]


def step_normalize(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    facts.normalized = normalize(facts.source)


def step_sentences(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    facts.sentences = split_sentences(facts.normalized)
    facts.articles = split_articles(facts.normalized, Path(facts.source.name).stem)
    facts.title = facts.articles[0].title


def step_places(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    fold = facts.normalized.fold
    facts.tokens = tokens = [segment(fold[s.start : s.end], thesaurus) for s in facts.sentences]
    mentions = recognize_places(facts.sentences, fold, tokens)
    facts.articles = main_places(facts.articles, facts.sentences, mentions)
    facts.place_mentions = sorted(
        with_context_parents(mentions, facts.articles, facts.sentences)
        + generic_references(facts.sentences, fold, facts.articles),
        key=lambda m: m.start,
    )
    places = {}
    for mention in facts.place_mentions:
        # Every ancestor on a path is a place too.
        for depth in range(1, len(mention.place.path) + 1):
            path = mention.place.path[:depth]
            if path not in places:
                places[path] = Place(path, level_of_path(path))
    facts.places = list(places.values())


def step_mechanisms(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    facts.mechanism_mentions = recognize_mechanisms(
        facts.normalized.text, facts.normalized.fold, facts.sentences, thesaurus
    )


def step_discover(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    found, facts.candidates, replaced = discover_mechanisms(
        facts.normalized.text, facts.sentences, facts.mechanism_mentions, thesaurus
    )
    kept = [m for m in facts.mechanism_mentions if m not in replaced]
    facts.mechanism_mentions = sorted(kept + found, key=lambda m: m.start)


def step_adoptions(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    facts.adoptions = relate_adoptions(facts)


def step_organizations(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    facts.organizations = recognize_organizations(facts)


def step_outcomes(facts: DocumentFacts, thesaurus: Thesaurus) -> None:
    facts.outcomes = extract_outcomes(facts)


PIPELINE: tuple[tuple[str, Step], ...] = (
    ("normalize", step_normalize),
    ("sentences", step_sentences),
    ("places", step_places),
    ("mechanisms", step_mechanisms),
    ("discover", step_discover),
    ("adoptions", step_adoptions),
    ("organizations", step_organizations),
    ("outcomes", step_outcomes),
)


def extract_document(source: SourceDocument, thesaurus: Thesaurus | None = None) -> DocumentFacts:
    """Run every step of the pipeline on one document."""
    thesaurus = thesaurus if thesaurus is not None else load_thesaurus()
    facts = DocumentFacts(source=source, title=Path(source.name).stem)
    for _name, step in PIPELINE:
        step(facts, thesaurus)
    return facts


# Below this many documents, starting worker processes (each loads jieba) costs more than it saves.
PARALLEL_FROM = 32
_worker_thesaurus: Thesaurus | None = None


def _start_worker(thesaurus: Thesaurus) -> None:
    global _worker_thesaurus
    _worker_thesaurus = thesaurus


def _extract_in_worker(source: SourceDocument) -> DocumentFacts:
    return extract_document(source, _worker_thesaurus)


def extract_documents(
    sources: Sequence[SourceDocument], thesaurus: Thesaurus | None = None, workers: int | None = None
) -> list[DocumentFacts]:
    """extract_document for many documents, in order, spread over `workers` processes (default:
    one per CPU) when there are enough documents to be worth it. Extraction is pure Python
    (jieba's tagger above all), so processes, not threads, are what use more than one core."""
    thesaurus = thesaurus if thesaurus is not None else load_thesaurus()
    workers = min(workers or os.cpu_count() or 1, max(1, len(sources) // 8))
    if workers < 2 or len(sources) < PARALLEL_FROM:
        return [extract_document(source, thesaurus) for source in sources]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the caller may hold an open store, whose threads a fork would copy mid-lock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(thesaurus,)) as pool:
        return list(pool.map(_extract_in_worker, sources, chunksize=4))


def extract_file(path: str | Path, thesaurus: Thesaurus | None = None) -> DocumentFacts:
    return extract_document(read_source(path), thesaurus)
