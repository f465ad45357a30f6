"""Facts to RDF: one rdflib Graph per document, with IRIs that are the same on every run."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from govkg.extract.model import DocumentFacts, Evidence, Place
from govkg.ontology import (
    CATEGORY,
    GK,
    ID,
    OA,
    ORGANIZATION_TYPES,
    PLACE_LEVELS,
    SCHEMA,
    SCHEME,
    SKOS,
    label_key,
)
from govkg.ontology.levels import level_of_path

GKNS = Namespace(GK)
OANS = Namespace(OA)
SCHEMANS = Namespace(SCHEMA)
ORGNS = Namespace("http://www.w3.org/ns/org#")
SKOSNS = Namespace(SKOS)

PathResolver = Callable[[tuple[str, ...]], tuple[str, ...]]


def _segment(value: str) -> str:
    return quote(value, safe="")


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]


def document_iri(file_name: str) -> URIRef:
    return URIRef(f"{ID}doc/{_segment(file_name)}")


def document_graph_iri(file_name: str) -> URIRef:
    return URIRef(f"{ID}graph/doc/{_segment(file_name)}")


def place_iri(path: tuple[str, ...]) -> URIRef:
    """A place is known by its path of names, so 江北区 of 重庆市 and of 宁波市 stay apart."""
    return URIRef(f"{ID}place/" + "/".join(_segment(name) for name in path))


def _identity(path: tuple[str, ...]) -> tuple[str, ...]:
    return path


def document_graph(facts: DocumentFacts, resolve: PathResolver = _identity) -> Graph:
    """The RDF of one document's facts (to be stored in the document's own named graph)."""
    graph = Graph()
    name = facts.source.name
    doc = document_iri(name)
    graph.add((doc, RDF.type, GKNS.Document))
    graph.add((doc, GKNS.fileName, Literal(name)))
    graph.add((doc, DCTERMS.title, Literal(facts.title, lang="zh")))
    graph.add((doc, GKNS.sha256, Literal(facts.source.sha256)))
    graph.add((doc, DCTERMS.format, Literal(facts.source.media_type)))
    graph.add((doc, GKNS.encoding, Literal(facts.source.encoding)))
    graph.add((doc, GKNS.factsGraph, document_graph_iri(name)))

    def place(p: Place) -> URIRef:
        # What a place is (type, name, parent) lives once in the places graph (see places_graph);
        # a document only says that it mentions it.
        node = place_iri(resolve(p.path))
        graph.add((doc, GKNS.mentions, node))
        return node

    def evidence(e: Evidence) -> URIRef:
        node = URIRef(f"{ID}evidence/{_digest(name, e.start, e.end)}")
        if (node, RDF.type, GKNS.Evidence) not in graph:
            graph.add((node, RDF.type, GKNS.Evidence))
            graph.add((node, OANS.exact, Literal(e.text)))
            graph.add((node, OANS.start, Literal(e.start, datatype=XSD.integer)))
            graph.add((node, OANS.end, Literal(e.end, datatype=XSD.integer)))
            graph.add((node, DCTERMS.source, doc))
        return node

    for p in facts.places:
        place(p)

    for candidate in facts.candidates:
        # The document proposes a concept; the concept itself is stated once, in the candidates
        # graph derived from every proposal (see candidates_graph).
        proposal = URIRef(f"{ID}proposal/{_digest(name, candidate.iri)}")
        graph.add((proposal, RDF.type, GKNS.CandidateProposal))
        graph.add((proposal, GKNS.proposes, URIRef(candidate.iri)))
        graph.add((proposal, DCTERMS.source, doc))
        graph.add((proposal, SKOSNS.prefLabel, Literal(candidate.pref_label, lang="zh")))
        graph.add((proposal, GKNS.category, URIRef(CATEGORY + candidate.category)))
        for label in candidate.labels:
            if label != candidate.pref_label:
                graph.add((proposal, SKOSNS.altLabel, Literal(label, lang="zh")))

    for adoption in facts.adoptions:
        path = resolve(adoption.place.path)
        node = URIRef(f"{ID}adoption/{_digest(name, path, adoption.mechanism)}")
        graph.add((node, RDF.type, GKNS.Adoption))
        graph.add((node, GKNS.place, place(adoption.place)))
        graph.add((node, GKNS.mechanism, URIRef(adoption.mechanism)))
        graph.add((node, GKNS.surface, Literal(adoption.surface)))
        graph.add((node, DCTERMS.source, doc))
        main = evidence(adoption.evidence)
        graph.add((node, GKNS.mainEvidence, main))
        graph.add((node, GKNS.evidence, main))
        for further in adoption.further_evidence:
            graph.add((node, GKNS.evidence, evidence(further)))

    for outcome in facts.outcomes:
        node = URIRef(
            f"{ID}outcome/{_digest(name, outcome.start, outcome.surface, outcome.value, outcome.unit)}"
        )
        graph.add((node, RDF.type, GKNS.Outcome))
        graph.add((node, SCHEMANS.value, Literal(_decimal(outcome.value), datatype=XSD.decimal)))
        graph.add((node, SCHEMANS.unitText, Literal(outcome.unit)))
        graph.add((node, GKNS.indicator, Literal(outcome.indicator, lang="zh")))
        graph.add((node, GKNS.approximate, Literal(outcome.approx)))
        graph.add((node, GKNS.surface, Literal(outcome.surface)))
        graph.add((node, GKNS.evidence, evidence(outcome.evidence)))
        graph.add((node, DCTERMS.source, doc))
        if outcome.place is not None:
            graph.add((node, GKNS.place, place(outcome.place)))
        if outcome.mechanism is not None:
            graph.add((node, GKNS.mechanism, URIRef(outcome.mechanism)))
        if outcome.period:
            graph.add((node, GKNS.period, Literal(outcome.period)))

    for organization in facts.organizations:
        located = resolve(organization.place.path) if organization.place else ()
        node = URIRef(f"{ID}org/{_digest(located, organization.name)}")
        kind = ORGANIZATION_TYPES.get(organization.kind)
        graph.add((node, RDF.type, GKNS[kind] if kind else ORGNS.Organization))
        graph.add((node, RDFS.label, Literal(organization.name, lang="zh")))
        graph.add((node, GKNS.evidence, evidence(organization.evidence)))
        if organization.place is not None:
            graph.add((node, GKNS.locatedIn, place(organization.place)))
        for mechanism in organization.mechanisms:
            graph.add((node, GKNS.takesPartIn, URIRef(mechanism)))
    return graph


def place_path(iri: str) -> tuple[str, ...]:
    """The path of names a place IRI stands for (the inverse of place_iri)."""
    from urllib.parse import unquote

    return tuple(unquote(part) for part in iri.removeprefix(f"{ID}place/").split("/"))


def places_graph(place_iris) -> Graph:
    """Type, name and parent of every place (and its ancestors), each stated once: the union of
    document graphs would otherwise repeat them once per document, and joins multiply."""
    graph = Graph()
    for iri in place_iris:
        path = place_path(str(iri))
        for depth in range(1, len(path) + 1):
            node = place_iri(path[:depth])
            level = level_of_path(path[:depth])
            if level is None or (node, RDF.type, None) in graph:
                continue
            graph.add((node, RDF.type, GKNS[PLACE_LEVELS[level][0]]))
            graph.add((node, GKNS.level, Literal(level)))
            graph.add((node, RDFS.label, Literal(path[depth - 1], lang="zh")))
            if depth > 1:
                graph.add((node, GKNS.parentPlace, place_iri(path[: depth - 1])))
    return graph


def candidates_graph(proposals) -> Graph:
    """Candidate concepts from the documents' proposals, each stated once. `proposals` holds
    (concept IRI, document, preferred label, other labels, category IRI). The preferred label is
    the one of the first document by name; the category the one most documents propose."""
    from collections import Counter, defaultdict

    by_concept = defaultdict(list)
    for concept, doc_name, pref, others, category in proposals:
        by_concept[concept].append((doc_name, pref, others, category))
    graph = Graph()
    for concept, entries in sorted(by_concept.items()):
        entries.sort()
        node = URIRef(concept)
        pref = entries[0][1]
        labels = {pref} | {label for _, p, others, _ in entries for label in (p, *others)}
        categories = Counter(category for *_, category in entries)
        category = sorted(categories, key=lambda c: (-categories[c], c))[0]
        graph.add((node, RDF.type, SKOSNS.Concept))
        graph.add((node, SKOSNS.inScheme, URIRef(SCHEME)))
        graph.add((node, SKOSNS.prefLabel, Literal(pref, lang="zh")))
        graph.add((node, GKNS.candidate, Literal(True)))
        graph.add((node, GKNS.category, URIRef(category)))
        for label in sorted(labels):
            if label != pref:
                graph.add((node, SKOSNS.altLabel, Literal(label, lang="zh")))
            graph.add((node, GKNS.labelKey, Literal(label_key(label))))
    return graph


def _decimal(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def place_resolver(known_paths: Iterable[tuple[str, ...]]) -> PathResolver:
    """Complete a path whose broadest name has no parent from the one longer path known for that
    name (a document about 江北区 that never says 重庆市 joins the 重庆市 > 江北区 another names).
    Where two different parents are known, the path stays as it is: better apart than wrong."""
    ancestors: dict[str, set[tuple[str, ...]]] = {}
    for path in known_paths:
        for depth in range(2, len(path) + 1):
            ancestors.setdefault(path[depth - 1], set()).add(path[: depth - 1])

    def longest_unique(name: str) -> tuple[str, ...] | None:
        options = ancestors.get(name, set())
        if not options:
            return None
        longest = max(options, key=len)
        # Every known parent chain must be a suffix of the longest one.
        if all(longest[len(longest) - len(o):] == o for o in options):
            return longest
        return None

    def resolve(path: tuple[str, ...]) -> tuple[str, ...]:
        seen = set(path)
        for _ in range(6):
            prefix = longest_unique(path[0])
            if not prefix or seen & set(prefix):
                break
            seen |= set(prefix)
            path = prefix + path
        return path

    return resolve


__all__ = ["candidates_graph", "places_graph", "place_path", "document_graph", "document_graph_iri", "document_iri", "place_iri", "place_resolver"]
