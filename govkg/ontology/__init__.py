"""The govkg vocabulary: IRIs, the Turtle files, and the mechanism thesaurus as plain Python data.

rdflib is imported inside the functions that need it, so that importing this module (which every
command does) stays cheap.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from govkg.errors import InputError
from govkg.ontology.levels import (  # noqa: F401 (the vocabulary's names in one place)
    LEVEL_SUFFIXES,
    PLACE_LEVELS,
    level_of,
    level_of_path,
    level_rank,
    place_of_level,
)

GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"
MECHANISM = "https://w3id.org/govkg/mechanism/"
CATEGORY = "https://w3id.org/govkg/category/"
SCHEME = MECHANISM + "scheme"
VOCABULARY_GRAPH = ID + "graph/vocabulary"
PLACES_GRAPH = ID + "graph/places"
CANDIDATES_GRAPH = ID + "graph/candidates"

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"

PREFIXES = {
    "gk": GK,
    "m": MECHANISM,
    "cat": CATEGORY,
    "skos": SKOS,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
    "oa": OA,
    "org": ORG,
    "prov": PROV,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
}

ORGANIZATION_TYPES = {
    "party-organization": "PartyOrganization",
    "government": "GovernmentBody",
    "enterprise": "Enterprise",
    "property-company": "PropertyCompany",
    "owners-committee": "OwnersCommittee",
    "social-organization": "SocialOrganization",
    "team": "Team",
}

ONTOLOGY_FILES = ("govkg.ttl", "mechanisms.ttl")
SHAPES_FILE = "shapes.ttl"

# Characters that quote a name; a label matches with or without them.
QUOTES = "“”‘’\"'「」『』《》〈〉"
_KEY_DROP = set(QUOTES) | {" ", "\u3000", "\t"}


def label_key(label: str) -> str:
    """Fold a label for matching: NFKC (full-width to half-width), quotes and spaces dropped,
    Latin letters lower-cased. `“１＋３＋Ｎ”` and `1+3+n` share the key `1+3+n`."""
    folded = unicodedata.normalize("NFKC", label)
    return "".join(ch for ch in folded if ch not in _KEY_DROP).lower()


def ontology_path(name: str) -> Path:
    return Path(str(resources.files(__package__).joinpath(name)))


@dataclass(frozen=True)
class Mechanism:
    """A mechanism of the thesaurus, as extraction needs it: no RDF, just names."""

    iri: str
    pref_label: str
    labels: tuple[str, ...]
    category: str
    pref_label_en: str = ""
    candidate: bool = False
    confidence: float | None = None  # for a discovered candidate: how sure discovery is (0-1)
    # Words of a sentence that say a spelling shared with another concept (a formula such as
    # “1+3+N”) means this one (gk:contextWord).
    context_words: tuple[str, ...] = ()


@dataclass
class Thesaurus:
    """All mechanisms with every label, and the index from a label key to its mechanism."""

    mechanisms: dict[str, Mechanism] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    # Spellings that several concepts share, each told apart by its context words: key -> the
    # concepts after the first (by_key's) that claim it.
    shared: dict[str, list[str]] = field(default_factory=dict)

    def add(self, mechanism: Mechanism) -> None:
        self.mechanisms[mechanism.iri] = mechanism
        for label in mechanism.labels:
            key = label_key(label)
            # The first concept to claim a spelling keeps it: a curated thesaurus file comes first.
            # A later one shares it only if it says by which context words it is meant.
            if not key:
                continue
            owner = self.by_key.setdefault(key, mechanism.iri)
            if owner != mechanism.iri and mechanism.context_words:
                self.shared.setdefault(key, []).append(mechanism.iri)

    def in_context(self, key: str, sentence: str) -> str:
        """The concept a spelling means in a sentence: of the concepts sharing it, the first
        whose context words the sentence holds, else the one that claimed it first."""
        iri = self.by_key[key]
        for choice in [iri, *self.shared.get(key, ())]:
            if any(word in sentence for word in self.mechanisms[choice].context_words):
                return choice
        return iri

    def lookup(self, label: str) -> Mechanism | None:
        iri = self.by_key.get(label_key(label))
        return self.mechanisms.get(iri) if iri else None


@dataclass(frozen=True)
class Vocabulary:
    """The vocabulary one build uses, from one reading of its files: the ontology and thesaurus
    as Oxigraph triples (stored as the vocabulary graph), the thesaurus as plain data (what
    extraction matches), and the fingerprint of the bytes both came from."""

    triples: tuple  # of pyoxigraph.Triple
    thesaurus: Thesaurus
    fingerprint: str

    @property
    def graph(self):
        """The same triples as an rdflib Graph (for pyshacl and rdflib users)."""
        import pyoxigraph as ox
        import rdflib

        return rdflib.Graph().parse(data=ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def _shipped_files() -> list[tuple[str, bytes]]:
    return [(str(ontology_path(name)), ontology_path(name).read_bytes()) for name in ONTOLOGY_FILES]


def read_thesaurus_files(thesaurus_files: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """The user's extra thesaurus files as (absolute path, content); InputError for one that
    cannot be read."""
    files = []
    for path in thesaurus_files:
        try:
            files.append((str(Path(path).resolve()), Path(path).read_bytes()))
        except FileNotFoundError as exc:
            raise InputError(f"{path}: thesaurus file not found") from exc
        except IsADirectoryError as exc:
            raise InputError(f"{path}: is a folder, not a thesaurus file") from exc
    return files


def _fingerprint(files: list[tuple[str, bytes]]) -> str:
    """A hash of what decides the facts besides the texts: govkg's version and every thesaurus."""
    import hashlib

    from govkg import __version__

    digest = hashlib.sha256(__version__.encode())
    for _, data in files:
        digest.update(data)
    return digest.hexdigest()


def load_vocabulary(thesaurus_files: tuple[str, ...] | list[str] = ()) -> Vocabulary:
    """Read the ontology and the thesaurus (shipped, then the user's files) once."""
    return load_vocabulary_of(read_thesaurus_files(tuple(str(f) for f in thesaurus_files)))


def load_vocabulary_of(extra: list[tuple[str, bytes]]) -> Vocabulary:
    """The vocabulary of the shipped files and extra thesauri given as (path, content)."""
    files = _shipped_files() + list(extra)
    triples = _parse_vocabulary(files)
    return Vocabulary(tuple(triples), thesaurus_from_triples(triples), _fingerprint(files))


def _parse_vocabulary(files: list[tuple[str, bytes]]) -> list:
    """The files' triples (parsed by Oxigraph: a tenth of rdflib's time), with a gk:labelKey for
    every label so that queries can match any spelling."""
    import pyoxigraph as ox

    triples = []
    for index, (path, data) in enumerate(files):
        try:
            # Each file's blank nodes are its own, as when the files are read one by one.
            quads = ox.parse(data, ox.RdfFormat.TURTLE, base_iri=Path(path).resolve().as_uri(),
                             rename_blank_nodes=True)
            triples.extend(quad.triple for quad in quads)
        except SyntaxError as exc:
            if index < len(ONTOLOGY_FILES):
                raise
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"{path}: not a valid Turtle thesaurus ({first_line})") from exc
    described = _described(triples)
    label_key_property = ox.NamedNode(GK + "labelKey")
    keys = [ox.Triple(concept, label_key_property, ox.Literal(label_key(label.value)))
            for concept in _concepts(described) for prop in _LABELS
            for label in described[concept].get(prop, ()) if isinstance(label, ox.Literal)]
    return list(dict.fromkeys(triples + keys))  # a triple stated twice is one triple


_LABELS = (SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel")


def _described(triples) -> dict:
    """Each subject's objects by predicate IRI."""
    described: dict = {}
    for triple in triples:
        described.setdefault(triple.subject, {}).setdefault(triple.predicate.value, []).append(triple.object)
    return described


def _concepts(described: dict) -> list:
    """The mechanism scheme's concepts, in IRI order."""
    import pyoxigraph as ox

    scheme = ox.NamedNode(SCHEME)
    return sorted((subject for subject, about in described.items() if scheme in about.get(SKOS + "inScheme", ())),
                  key=lambda node: node.value)


def vocabulary_graph(thesaurus_files: tuple[str, ...] = ()):
    """The ontology and the mechanism thesaurus as one rdflib Graph (see load_vocabulary)."""
    return load_vocabulary(thesaurus_files).graph


def load_thesaurus(thesaurus_files: tuple[str, ...] = ()) -> Thesaurus:
    """The mechanism thesaurus as plain data, for extraction (read afresh at every call)."""
    return load_vocabulary(thesaurus_files).thesaurus


def thesaurus_from_triples(triples) -> Thesaurus:
    """The concepts of a vocabulary's triples (Oxigraph's) as plain data."""
    described = _described(triples)

    def values(concept, iri: str) -> list:
        return described[concept].get(iri, [])

    thesaurus = Thesaurus()
    for concept in _concepts(described):
        pref_zh, pref_en = "", ""
        for label in values(concept, SKOS + "prefLabel"):
            if getattr(label, "language", None) == "en":
                pref_en = label.value
            else:
                pref_zh = label.value
        labels = [pref_zh] + sorted(label.value for prop in ("altLabel", "hiddenLabel")
                                    for label in values(concept, SKOS + prop))
        category_iri = values(concept, GK + "category")
        category = category_iri[0].value.removeprefix(CATEGORY) if category_iri else "other"
        flags = values(concept, GK + "candidate")
        candidate = bool(flags) and _true(flags[0])
        context = tuple(sorted(word.value for word in values(concept, GK + "contextWord")))
        thesaurus.add(
            Mechanism(concept.value, pref_zh, tuple(labels), category, pref_en, candidate, context_words=context)
        )
    return thesaurus


def _true(term) -> bool:
    """What a gk:candidate value says, as rdflib reads a literal's truth: a boolean's value, a
    number other than zero, any other non-empty text."""
    datatype = getattr(term, "datatype", None)
    if datatype is None:
        return True
    if datatype.value == XSD + "boolean":
        return term.value.strip() in ("true", "1")
    if datatype.value in (XSD + "integer", XSD + "decimal", XSD + "double"):
        try:
            return float(term.value) != 0
        except ValueError:
            return False
    return bool(term.value)


def shapes_graph():
    import rdflib

    return rdflib.Graph().parse(ontology_path(SHAPES_FILE), format="turtle")
