"""The facts extraction produces: plain dataclasses with offsets, no RDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from govkg.extract.quantities import base_amount


@dataclass(frozen=True)
class SourceDocument:
    """A file as read: its name, its text, the SHA-256 of its bytes, the encoding it was read in
    and its media type (text/plain, or text/html when the text is the article of a page)."""

    name: str
    text: str
    sha256: str
    encoding: str = "UTF-8"
    media_type: str = "text/plain"
    page_date: str | None = None  # a web page's publication date from its metadata (YYYY-MM-DD)


@dataclass(frozen=True)
class DocumentDate:
    """When a document was published: `value` in ISO form only as precise as known (2023,
    2023-06 or 2023-06-03, as `precision` says: year, month or day), and where it came from
    (manifest, page: the web page's metadata, text: a date line of the text)."""

    value: str
    precision: str
    source: str


@dataclass(frozen=True)
class Paragraph:
    """A stretch of normalized text: `kind` is body, heading, byline or caption."""

    start: int
    end: int
    kind: str
    article: int = 0


@dataclass(frozen=True)
class NormalizedText:
    """Layout undone: `text` has mid-sentence line breaks removed and one "\\n" between paragraphs;
    `fold` is `text` folded character by character (NFKC where that keeps one character), so the
    two align; `origin[i]` is the offset in the source text of `text[i]`."""

    text: str
    fold: str
    origin: tuple[int, ...]
    paragraphs: tuple[Paragraph, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the document as read of the normalized span [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    kind: str  # the kind of its paragraph
    article: int


@dataclass(frozen=True)
class Article:
    """One article of a file (a file may hold several): its title and the place it is about."""

    index: int
    start: int
    end: int
    title: str
    main_place: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Place:
    """A place known by its path of names from the broadest known ancestor: ("重庆市", "巴南区").
    `code`: its GB/T 2260 code when it is an official unit (6 digits to county level, 12 for
    towns and streets); `candidates`: for a name several official units share that the text
    does not tell apart (鼓楼区), their codes."""

    path: tuple[str, ...]
    level: str
    # Said of the path, not part of what tells two places apart.
    code: str | None = field(default=None, compare=False)
    candidates: tuple[str, ...] = field(default=(), compare=False)

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def parent(self) -> tuple[str, ...] | None:
        return self.path[:-1] or None


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a sentence. `role` is "place" when the text speaks of the place itself and
    "organization" when the name only prefixes a body (区委组织部): such a place does not adopt."""

    sentence: int
    start: int
    end: int
    surface: str
    place: Place
    role: str = "place"
    generic: bool = False  # 全区, 该街道 ...: resolved from context, not named


@dataclass(frozen=True)
class MechanismMention:
    sentence: int
    start: int
    end: int
    surface: str
    mechanism: str  # IRI of the concept


@dataclass(frozen=True)
class Evidence:
    """A sentence as it reads and its offsets in the document as read."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Adoption:
    place: Place
    mechanism: str
    surface: str
    evidence: Evidence
    further_evidence: tuple[Evidence, ...] = ()
    self_claim: bool = False  # the text claims to be first (首创, 率先, 首个 ...)
    planned: bool = False  # only planned (计划, 拟, 将, 力争 ...), not yet done


@dataclass(frozen=True)
class Organization:
    name: str
    kind: str  # a key of govkg.ontology.ORGANIZATION_TYPES
    place: Place | None
    evidence: Evidence
    mechanisms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    value: float
    unit: str
    indicator: str
    approx: bool
    surface: str
    place: Place | None
    mechanism: str | None
    evidence: Evidence
    period: str | None = None
    start: int = 0  # offset of the number in the normalized text

    @property
    def base(self) -> tuple[float, str]:
        """The value in its base unit (万元 → 元, 平方公里 → 平方米), for comparing and adding."""
        return base_amount(self.value, self.unit)


@dataclass
class DocumentFacts:
    """Everything extraction found in one document."""

    source: SourceDocument
    title: str
    normalized: NormalizedText | None = None
    articles: list[Article] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    place_mentions: list[PlaceMention] = field(default_factory=list)
    mechanism_mentions: list[MechanismMention] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    adoptions: list[Adoption] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    candidates: list = field(default_factory=list)  # govkg.ontology.Mechanism, candidate=True
    # Per sentence: segment.Token, offsets in the sentence (none in facts from worker processes).
    tokens: list = field(default_factory=list)
    # The text names its places by placeholders (××市××区, xx镇): a template or an anonymised
    # report, whose facts belong to no real place.
    anonymised: bool = False
    date: DocumentDate | None = None

    def evidence(self, sentence: Sentence) -> Evidence:
        start, end = self.normalized.source_span(sentence.start, sentence.end)
        return Evidence(sentence.text, start, end)
