"""Facts to RDF: the triples of one document, with IRIs that are the same on every run.

A document's statements are written as N-Quads text (document_nquads), which a build hands to
Oxigraph to parse and load; document_triples is that text read as Oxigraph terms, and
document_graph as an rdflib Graph, for notebooks and tests. The places and candidates graphs are
made as Oxigraph terms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote

import pyoxigraph as ox

from govkg.extract.model import DocumentFacts, Evidence, Place
from govkg.ontology import (
    CATEGORY,
    DCTERMS,
    GK,
    ID,
    OA,
    ORG,
    ORGANIZATION_TYPES,
    PLACE_LEVELS,
    RDF,
    RDFS,
    SCHEMA,
    SCHEME,
    SKOS,
    XSD,
    label_key,
)
from govkg.ontology.gazetteer import Gazetteer
from govkg.ontology.levels import level_of_path

PathResolver = Callable[[tuple[str, ...]], tuple[str, ...]]


def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


A = _node(RDF + "type")
XSD_DECIMAL = _node(XSD + "decimal")
XSD_BOOLEAN = _node(XSD + "boolean")
DIVISION_CODE = _node(GK + "DivisionCode")


class _Terms:
    """The IRIs of one namespace, each made once: terms.fileName. As Oxigraph nodes, or as
    whatever `term` makes of an IRI (N-Triples text for document_nquads)."""

    def __init__(self, namespace: str, term: Callable[[str], object] = ox.NamedNode):
        self._namespace = namespace
        self._term = term

    def __getattr__(self, name: str):
        made = self._term(self._namespace + name)
        setattr(self, name, made)
        return made


def _segment(value: str) -> str:
    """quote(value, safe=""). A name of Chinese characters only has every byte quoted: then the
    bytes' hex digits are the answer, found without quote's loop over bytes (place IRIs are made
    for every place of every document)."""
    if value and not _ASCII_CHARACTER.search(value):
        return "%" + value.encode("utf-8").hex("%").upper()
    return quote(value, safe="")


_ASCII_CHARACTER = re.compile(r"[\x00-\x7f]")


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]


def document_iri(file_name: str) -> str:
    return f"{ID}doc/{_segment(file_name)}"


def document_graph_iri(file_name: str) -> str:
    return f"{ID}graph/doc/{_segment(file_name)}"


def place_iri(path: tuple[str, ...]) -> str:
    """A place is known by its path of names, so 江北区 of 重庆市 and of 宁波市 stay apart."""
    return f"{ID}place/" + "/".join(_segment(name) for name in path)


def _identity(path: tuple[str, ...]) -> tuple[str, ...]:
    return path


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def _iri(value: str) -> str:
    return f"<{value}>"


# N-Triples' escapes in a quoted literal: the only characters it may not hold as they are.
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    """A plain literal (xsd:string) in N-Triples."""
    return f'"{value.translate(_LITERAL_ESCAPES)}"'


def _text_zh(value: str) -> str:
    return f'"{value.translate(_LITERAL_ESCAPES)}"@zh'


def _typed(value: str, datatype: str) -> str:
    """A literal of the datatype IRI `datatype`."""
    return f'"{value.translate(_LITERAL_ESCAPES)}"^^<{datatype}>'


_TYPE = _iri(RDF + "type")
_LABEL = _iri(RDFS + "label")
_TRUE, _FALSE = _typed("true", XSD + "boolean"), _typed("false", XSD + "boolean")
_DATE_TYPES = {"day": XSD + "date", "month": XSD + "gYearMonth", "year": XSD + "gYear"}


@dataclass
class DocumentQuads:
    """The RDF of one document's facts as N-Quads text (N-Triples without a graph), which
    Oxigraph parses and loads without holding Python's lock, with the place IRIs it refers to.
    Text, not Oxigraph terms: making one Python object per term and quad took most of the time
    of turning facts into RDF."""

    text: str
    count: int  # statements (lines)
    places: set[str]  # the places it refers to (mentions, adoptions' and outcomes' places, seats)


def document_nquads(facts: DocumentFacts, resolve: PathResolver = _identity, entry=None,
                    graph: str | None = None) -> DocumentQuads:
    """The RDF of one document's facts (to be stored in the document's own named graph, the IRI
    `graph`, when given). `entry`: the document's row of a manifest
    (govkg.graph.manifest.ManifestEntry), whose date, title, URL, publisher and other columns
    come before what the text says."""
    gk, oa, dcterms, schema, skos = (_Terms(ns, _iri) for ns in (GK, OA, DCTERMS, SCHEMA, SKOS))
    end = f" <{graph}> .\n" if graph is not None else " .\n"
    lines: dict[str, None] = {}  # in order, each statement once

    def add(s: str, p: str, o: str) -> None:
        lines[f"{s} {p} {o}{end}"] = None

    name = facts.source.name
    doc = _iri(document_iri(name))
    add(doc, _TYPE, gk.Document)
    add(doc, gk.fileName, _text(name))
    add(doc, dcterms.title, _text_zh(entry.title if entry is not None and entry.title else facts.title))
    date = entry.date if entry is not None and entry.date is not None else facts.date
    if date is not None:
        add(doc, dcterms.issued, _typed(date.value, _DATE_TYPES[date.precision]))
        add(doc, gk.dateSource, _text(date.source))
    if entry is not None:
        if entry.url:
            add(doc, schema.url, _typed(entry.url, XSD + "anyURI"))
        if entry.publisher:
            add(doc, dcterms.publisher, _text_zh(entry.publisher))
        if entry.metadata:
            add(doc, gk.metadata, _typed(entry.metadata_json, RDF + "JSON"))
        add(doc, gk.manifestDigest, _text(entry.digest))
    add(doc, gk.sha256, _text(facts.source.sha256))
    add(doc, dcterms.format, _text(facts.source.media_type))
    add(doc, gk.encoding, _text(facts.source.encoding))
    add(doc, gk.factsGraph, _iri(document_graph_iri(name)))

    places: set[str] = set()

    def place(p: Place) -> str:
        # What a place is (type, name, parent) lives once in the places graph (see places_triples);
        # a document only says that it mentions it.
        iri = place_iri(resolve(p.path))
        places.add(iri)
        node = f"<{iri}>"
        add(doc, gk.mentions, node)
        return node

    written_evidence: set[str] = set()

    def evidence(e: Evidence) -> str:
        node = f"<{ID}evidence/{_digest(name, e.start, e.end)}>"
        if node not in written_evidence:
            written_evidence.add(node)
            add(node, _TYPE, gk.Evidence)
            add(node, oa.exact, _text(e.text))
            add(node, oa.start, _typed(str(e.start), XSD + "integer"))
            add(node, oa.end, _typed(str(e.end), XSD + "integer"))
            add(node, dcterms.source, doc)
        return node

    for p in facts.places:
        place(p)

    for candidate in facts.candidates:
        # The document proposes a concept; the concept itself is stated once, in the candidates
        # graph derived from every proposal (see candidates_triples).
        proposal = f"<{ID}proposal/{_digest(name, candidate.iri)}>"
        add(proposal, _TYPE, gk.CandidateProposal)
        add(proposal, gk.proposes, _iri(candidate.iri))
        add(proposal, dcterms.source, doc)
        add(proposal, skos.prefLabel, _text_zh(candidate.pref_label))
        add(proposal, gk.category, _iri(CATEGORY + candidate.category))
        if candidate.confidence is not None:
            add(proposal, gk.confidence, _typed(_decimal(candidate.confidence), XSD + "decimal"))
        for label in candidate.labels:
            if label != candidate.pref_label:
                add(proposal, skos.altLabel, _text_zh(label))

    for adoption in facts.adoptions:
        path = resolve(adoption.place.path)
        node = f"<{ID}adoption/{_digest(name, path, adoption.mechanism)}>"
        add(node, _TYPE, gk.Adoption)
        add(node, gk.place, place(adoption.place))
        add(node, gk.mechanism, _iri(adoption.mechanism))
        add(node, gk.surface, _text(adoption.surface))
        add(node, dcterms.source, doc)
        main = evidence(adoption.evidence)
        add(node, gk.mainEvidence, main)
        add(node, gk.evidence, main)
        add(node, gk.selfClaim, _TRUE if adoption.self_claim else _FALSE)
        add(node, gk.planned, _TRUE if adoption.planned else _FALSE)
        for further in adoption.further_evidence:
            add(node, gk.evidence, evidence(further))

    for outcome in facts.outcomes:
        node = f"<{ID}outcome/{_digest(name, outcome.start, outcome.surface, outcome.value, outcome.unit)}>"
        add(node, _TYPE, gk.Outcome)
        add(node, schema.value, _typed(_decimal(outcome.value), XSD + "decimal"))
        add(node, schema.unitText, _text(outcome.unit))
        base_value, base_unit = outcome.base
        add(node, gk.baseValue, _typed(_decimal(base_value), XSD + "decimal"))
        add(node, gk.baseUnit, _text(base_unit))
        add(node, gk.indicator, _text_zh(outcome.indicator))
        add(node, gk.approximate, _TRUE if outcome.approx else _FALSE)
        add(node, gk.surface, _text(outcome.surface))
        add(node, gk.evidence, evidence(outcome.evidence))
        add(node, dcterms.source, doc)
        if outcome.place is not None:
            add(node, gk.place, place(outcome.place))
        if outcome.mechanism is not None:
            add(node, gk.mechanism, _iri(outcome.mechanism))
        if outcome.period:
            add(node, gk.period, _text(outcome.period))

    for organization in facts.organizations:
        located = resolve(organization.place.path) if organization.place else ()
        node = f"<{ID}org/{_digest(located, organization.name)}>"
        kind = ORGANIZATION_TYPES.get(organization.kind)
        add(node, _TYPE, _iri(GK + kind) if kind else _iri(ORG + "Organization"))
        add(node, _LABEL, _text_zh(organization.name))
        add(node, gk.evidence, evidence(organization.evidence))
        if organization.place is not None:
            add(node, gk.locatedIn, place(organization.place))
        for mechanism in organization.mechanisms:
            add(node, gk.takesPartIn, _iri(mechanism))
    return DocumentQuads("".join(lines), len(lines), places)


def document_triples(facts: DocumentFacts, resolve: PathResolver = _identity, entry=None,
                     graph: ox.NamedNode | None = None) -> list:
    """document_nquads as Oxigraph terms: triples, or quads of `graph` when one is given."""
    made = document_nquads(facts, resolve, entry, None if graph is None else graph.value)
    if graph is None:
        return [quad.triple for quad in ox.parse(made.text, format=ox.RdfFormat.N_TRIPLES)]
    return list(ox.parse(made.text, format=ox.RdfFormat.N_QUADS))


def as_rdflib(triples: Iterable[ox.Triple]):
    """Oxigraph triples as an rdflib Graph."""
    from rdflib import Graph

    from govkg.graph.terms import to_rdflib

    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def document_graph(facts: DocumentFacts, resolve: PathResolver = _identity):
    """document_triples as an rdflib Graph."""
    return as_rdflib(document_triples(facts, resolve))


def place_path(iri: str) -> tuple[str, ...]:
    """The path of names a place IRI stands for (the inverse of place_iri)."""
    return tuple(_unsegment(part) for part in iri.removeprefix(f"{ID}place/").split("/"))


def _unsegment(part: str) -> str:
    """unquote(part). A name quoted byte by byte (as _segment quotes Chinese names) is its hex
    digits decoded at once, without unquote's loop (builds read every stored place's path)."""
    if part.startswith("%") and len(part) == 3 * part.count("%"):
        try:
            return bytes.fromhex(part.replace("%", "")).decode("utf-8")
        except ValueError:
            pass  # not hex, or not UTF-8: unquote's own reading
    return unquote(part)


def places_triples(place_iris: Iterable[str], gazetteer: Gazetteer | None = None,
                   described: Container[str] = frozenset(),
                   on_place: Callable[[str, tuple[str, ...]], None] | None = None) -> Iterator[ox.Triple]:
    """Type, name and parent of every place (and its ancestors), each stated once: the union of
    document graphs would otherwise repeat them once per document, and joins multiply.

    With the gazetteer of official divisions: an official unit's code (gk:divisionCode), its
    short and former names (skos:altLabel), its official level; a name that several official
    units share and its path does not tell apart (鼓楼区 with no city) is flagged
    gk:ambiguousName, with each unit's code as a gk:candidateCode. Made one at a time, so that
    a corpus's places never sit in memory as a list. `on_place(iri, path)` is told of each place
    as it is described, before its triples."""
    gk = _Terms(GK)
    rdfs_label = _node(RDFS + "label")
    level_of = gazetteer.level_of_path if gazetteer is not None else level_of_path
    done: set[tuple[str, ...]] = set()
    for iri in place_iris:
        path = place_path(str(iri))
        if path in done:
            continue  # every prefix of a path described is described
        # Each prefix's level and node, made once per path: the triples below name each many times.
        levels = [level_of(path[:depth]) for depth in range(1, len(path) + 1)]
        nodes = [_node(place_iri(path[:depth])) for depth in range(1, len(path) + 1)]
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            level = levels[depth - 1]
            if level is None or prefix in done:
                continue
            done.add(prefix)
            node = nodes[depth - 1]
            if described and node.value in described:
                continue  # already in the places graph (`described`: the IRIs it describes)
            if on_place is not None:
                on_place(node.value, prefix)
            yield ox.Triple(node, A, _node(GK + PLACE_LEVELS[level][0]))
            yield ox.Triple(node, gk.level, ox.Literal(level))
            yield ox.Triple(node, rdfs_label, _zh(path[depth - 1]))
            if depth > 1:
                yield ox.Triple(node, gk.parentPlace, nodes[depth - 2])
            # Every place it lies in, stated: roll-ups then need no property path, whose
            # zero-or-more form servers answer differently (Virtuoso drops the zero step).
            for outer in range(1, depth):
                yield ox.Triple(node, gk.within, nodes[outer - 1])
            for wanted, prop in (("district", gk.inDistrict), ("city", gk.inCity), ("province", gk.inProvince)):
                # The most specific unit of that level on the path (district takes counties too).
                unit = next((i for i in range(depth - 1, -1, -1) if levels[i] in _UNIT_LEVELS[wanted]), None)
                if unit is not None:
                    yield ox.Triple(node, prop, nodes[unit])
            if gazetteer is not None:
                yield from _official_triples(node, prefix, gazetteer)


_UNIT_LEVELS = {"district": ("district", "county"), "city": ("city",), "province": ("province",)}


def _official_triples(node: ox.NamedNode, path: tuple[str, ...], gazetteer: Gazetteer) -> list[ox.Triple]:
    gk, skos = _Terms(GK), _Terms(SKOS)
    out = []
    division = gazetteer.division_of(path)
    if division is not None:
        out.append(ox.Triple(node, gk.divisionCode, ox.Literal(division.code, datatype=DIVISION_CODE)))
        for other in sorted({division.short, *division.former} - {None, division.name}):
            out.append(ox.Triple(node, skos.altLabel, _zh(other)))
    elif sharing := gazetteer.sharing(path):
        out.append(ox.Triple(node, gk.ambiguousName, _boolean(True)))
        for unit in sharing:
            out.append(ox.Triple(node, gk.candidateCode, ox.Literal(unit.code, datatype=DIVISION_CODE)))
    return out


def candidates_triples(proposals) -> list[ox.Triple]:
    """Candidate concepts from the documents' proposals, each stated once. `proposals` holds
    (concept IRI, document, preferred label, other labels, category IRI, confidence or None). The
    preferred label is the one of the first document by name; the category the one most
    documents propose; the confidence the highest proposed."""
    from collections import Counter, defaultdict

    gk, skos = _Terms(GK), _Terms(SKOS)
    by_concept = defaultdict(list)
    for concept, doc_name, pref, others, category, confidence in proposals:
        by_concept[concept].append((doc_name, pref, others, category, confidence))
    triples = []
    for concept, entries in sorted(by_concept.items()):
        entries.sort()
        node = _node(concept)
        pref = entries[0][1]
        labels = {pref} | {label for _, p, others, _, _ in entries for label in (p, *others)}
        categories = Counter(entry[3] for entry in entries)
        confidences = [entry[4] for entry in entries if entry[4] is not None]
        category = sorted(categories, key=lambda c: (-categories[c], c))[0]
        triples.append(ox.Triple(node, A, skos.Concept))
        triples.append(ox.Triple(node, skos.inScheme, _node(SCHEME)))
        triples.append(ox.Triple(node, skos.prefLabel, _zh(pref)))
        triples.append(ox.Triple(node, gk.candidate, _boolean(True)))
        triples.append(ox.Triple(node, gk.category, _node(category)))
        if confidences:
            triples.append(ox.Triple(node, gk.confidence, ox.Literal(_decimal(max(confidences)), datatype=XSD_DECIMAL)))
        for label in sorted(labels):
            if label != pref:
                triples.append(ox.Triple(node, skos.altLabel, _zh(label)))
            triples.append(ox.Triple(node, gk.labelKey, ox.Literal(label_key(label))))
    return triples


def _decimal(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def is_suffix(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether the path `short` ends `long` (a parent chain that another one completes)."""
    return len(short) <= len(long) and long[len(long) - len(short):] == short


def place_resolver(known_paths: Iterable[tuple[str, ...]], official: Callable[[str], bool] = lambda name: False,
                   stored_parents: Callable[[str], Iterable[tuple[str, ...]]] | None = None) -> PathResolver:
    """Complete a path whose broadest name has no parent from the one longer path known for that
    name (a document about 桐溪区 that never says 岚州市 joins the 岚州市 > 桐溪区 another names).
    Where two different parents are known, the path stays as it is: better apart than wrong.
    Names for which `official` is true (those of official units, which extraction has already
    resolved against the gazetteer) are never completed from another document: a 鼓楼区 left
    without a city is not the 南京市鼓楼区 of another text. `stored_parents(name)`: the parent
    chains a store knows for a name, asked name by name (instead of every stored path given)."""
    ancestors: dict[str, set[tuple[str, ...]]] = {}
    for path in known_paths:
        for depth in range(2, len(path) + 1):
            ancestors.setdefault(path[depth - 1], set()).add(path[: depth - 1])
    asked: set[str] = set()

    def longest_unique(name: str) -> tuple[str, ...] | None:
        if stored_parents is not None and name not in asked:
            asked.add(name)
            ancestors.setdefault(name, set()).update(stored_parents(name))
        options = ancestors.get(name, set())
        if not options:
            return None
        longest = max(options, key=len)
        # Every known parent chain must be a suffix of the longest one.
        if all(is_suffix(o, longest) for o in options):
            return longest
        return None

    def resolve(path: tuple[str, ...]) -> tuple[str, ...]:
        seen = set(path)
        for _ in range(6):
            if official(path[0]):
                break
            prefix = longest_unique(path[0])
            if not prefix or seen & set(prefix):
                break
            seen |= set(prefix)
            path = prefix + path
        return path

    return resolve


__all__ = ["as_rdflib", "candidates_triples", "places_triples", "place_path", "document_graph", "document_nquads", "document_triples",
           "document_graph_iri", "document_iri", "place_iri", "place_resolver"]
