"""Relating mentions: which place uses which mechanism, and which bodies belong to which place."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from govkg.extract.model import (
    Adoption,
    Article,
    DocumentFacts,
    MechanismMention,
    Place,
    PlaceMention,
    Sentence,
)
from govkg.ontology.levels import level_of_path, level_rank


def places_for(
    sentence_index: int, at: int, by_sentence: dict[int, list[PlaceMention]], article: Article, text: str,
    subject: Place | None = None,
) -> list[Place]:
    """The places a mention at `at` belongs to: the place named nearest before it in its sentence
    (with the others of the same list: 平安、和韵等社区), else the paragraph's subject (see
    paragraph_subjects), else the place the article is about."""
    before = [m for m in by_sentence.get(sentence_index, []) if m.end <= at]
    if before:
        # The subject of the clause, not a place the clause acts on: in 某镇选定甲村作为中心村，
        # 建立联合党委 the town builds, not the village it chose.
        subjects = [m for m in before if _opens_a_clause(text, m, before)]
        last = before[-1]
        if subjects and subjects[-1] is not last and _acted_on(text, last, subjects[-1]):
            last = subjects[-1]
        group = [last]
        for m in reversed(before[: before.index(last)]):
            between = text[m.end : group[-1].start]
            if m.place.level == group[-1].place.level and between.strip() in LIST_SEPARATORS:
                group.append(m)
            else:
                break
        return [m.place for m in reversed(group)]
    if subject is not None:
        return [subject]
    if article.main_place:
        return [Place(article.main_place, level_of_path(article.main_place))]
    return []


CLAUSE_BREAKS = "，,；;：:。！？!?\n"
# What may stand between a clause's start and its subject (近年来，某镇…; 在某区，…).
CLAUSE_OPENERS = re.compile(r"^(?:[“”\s]|在|近年来|近日|目前|同时|此外|其中|如今|今年以来|去年以来)*$")
# Verbs whose object a place is when it follows them: chosen, merged, covered, not the doer.
ACTING_ON = re.compile(r"(?:选定|选取|选择|确定|融合|整合|打破|覆盖|辐射|带动|联合|联结|串联|吸纳|统筹|指导|帮扶|结对)[^，,；;。]*$")


def _opens_a_clause(text: str, mention: PlaceMention, before: list[PlaceMention]) -> bool:
    """A place that starts its clause (its subject), the names of its own compound included."""
    start = mention.start
    chain = sorted(before, key=lambda m: m.start)
    for m in reversed(chain):  # 莱阳市山前店镇: the compound starts where its first name does
        if m.end == start:
            start = m.start
    head = text[max(0, start - 12) : start]
    cut = max(head.rfind(ch) for ch in CLAUSE_BREAKS)
    return cut >= 0 and bool(CLAUSE_OPENERS.match(head[cut + 1 :])) or start == 0


def _acted_on(text: str, place: PlaceMention, subject: PlaceMention) -> bool:
    """The place is the object of a verb of its clause after the subject (选定甲村)."""
    return bool(ACTING_ON.search(text[subject.end : place.start]))


DEFINITION = re.compile(r"[”’」]?\s*(是指|指的是|是一种|是一项|就是指|意思是|即是|的含义|的内涵|的定义)")
LIST_SEPARATORS = {"、", "和", "与", "及", "以及", ""}


def relate_adoptions(facts: DocumentFacts) -> list[Adoption]:
    """One adoption per (place, mechanism) of the document; the clearest sentence is the first body
    sentence that names the place, the other mentions are further evidence."""
    by_sentence = _places_by_sentence(facts.place_mentions)
    subjects = paragraph_subjects(facts, by_sentence)
    articles = {a.index: a for a in facts.articles}
    grouped: dict[tuple[tuple[str, ...], str], list[tuple[MechanismMention, Place, bool]]] = defaultdict(list)
    text = facts.normalized.text
    for mention in facts.mechanism_mentions:
        sentence = facts.sentences[mention.sentence]
        if DEFINITION.match(text, mention.end):
            continue  # “网格吹哨”是指……: the mechanism explained, not used
        if _required_of_others(text, sentence, mention.start, mention.end):
            continue  # 《意见》指出，全省所有村要普遍制定村规民约: a directive, not a use
        # No place means a mechanism explained in general, with no place to use it.
        places = places_for(mention.sentence, mention.start, by_sentence, articles[sentence.article], text,
                            subjects.get(mention.sentence))
        if _in_document_title(text, sentence.start, mention.start):
            # 省民政厅出台《关于做好村规民约工作的实施意见》: a province's directive names the
            # mechanism for others to adopt; the province itself adopts nothing by it.
            places = [p for p in places if p.level != "province"]
        for place in places:
            named_here = any(m.place == place for m in by_sentence.get(mention.sentence, []))
            grouped[(place.path, mention.mechanism)].append((mention, place, named_here))
    adoptions = []
    for (_, mechanism), items in grouped.items():
        ranked = sorted(
            items,
            key=lambda item: (
                facts.sentences[item[0].sentence].kind != "body",
                not item[2],
                item[0].sentence,
            ),
        )
        best = ranked[0]
        evidence = facts.evidence(facts.sentences[best[0].sentence])
        seen = {best[0].sentence}
        further = []
        for mention, _, _ in sorted(items, key=lambda item: item[0].sentence):
            if mention.sentence not in seen:
                seen.add(mention.sentence)
                further.append(facts.evidence(facts.sentences[mention.sentence]))
        adoptions.append(Adoption(best[1], mechanism, best[0].surface, evidence, tuple(further)))
    return adoptions


DIRECTIVE = re.compile(r"指出|要求|提出|强调")
OBLIGATION = re.compile(r"要|应当|应|须|必须")
# A sentence about what a document says (《实施意见》明确，…; 《意见》的出台…), and a norm said of
# the mechanism itself (…的制定，一般应经过…): the content of a directive, not anyone's use.
DOCUMENT_SAYS = re.compile(r"《[^》]{1,40}》(?:的出台|的印发|明确|指出|提出|要求|规定|强调)")
NORM_AFTER = re.compile(r"[^；;。]{0,12}?(?:一般应|原则上应|应当|必须)")


def _required_of_others(text: str, sentence: Sentence, at: int, end: int) -> bool:
    """A mechanism at text[at:end] that a directive requires (…指出，…要普遍制定…) or describes:
    said of those who must adopt it, not of an adopter."""
    if DOCUMENT_SAYS.search(text, sentence.start, sentence.end) or NORM_AFTER.match(text, end):
        return True
    said = DIRECTIVE.search(text, sentence.start, at)
    if said is None:
        return False
    clause_start = max(text.rfind(ch, said.end(), at) for ch in "，,；;：:") + 1
    return bool(OBLIGATION.search(text, max(clause_start, said.end()), at))


def _in_document_title(text: str, sentence_start: int, at: int) -> bool:
    """Whether `at` lies inside 《…》 in its sentence."""
    opened = text.rfind("《", sentence_start, at)
    return opened >= 0 and text.find("》", opened, at) < 0


def paragraph_subjects(facts: DocumentFacts, by_sentence: dict[int, list[PlaceMention]]) -> dict[int, Place]:
    """For a sentence that names no place, the place its paragraph is about: the last place named
    in an earlier sentence of the same paragraph, when it lies within the place the article is
    about (锦绣社区推行…。社区还建立… : the community, not its district), or in the same
    broader place and no broader than it (a community of the next town). Bodies' places
    (区委组织部) and places broader than the article's are not subjects."""
    paragraph_starts = [p.start for p in facts.normalized.paragraphs]
    paragraph_of = {s.index: bisect.bisect_right(paragraph_starts, s.start) - 1 for s in facts.sentences}
    mains = {a.index: a.main_place for a in facts.articles}
    subjects: dict[int, Place] = {}
    last: Place | None = None
    for sentence in facts.sentences:
        previous = sentence.index - 1
        if previous < 0 or paragraph_of[previous] != paragraph_of[sentence.index]:
            last = None
        if not by_sentence.get(sentence.index) and last is not None:
            subjects[sentence.index] = last
        named = [m for m in by_sentence.get(sentence.index, []) if m.role == "place"]
        if named:
            candidate = named[-1].place
            main = mains.get(sentence.article)
            last = candidate if main and _within_article(candidate, main) else None
    return subjects


def _within_article(place: Place, main: tuple[str, ...]) -> bool:
    path = place.path
    if len(path) > len(main) and path[: len(main)] == main:
        return True
    parent = main[:-1]
    main_level = level_of_path(main)
    return (len(parent) >= 2 and len(path) >= len(main) and path[: len(parent)] == parent
            and place.level is not None and main_level is not None
            and level_rank(place.level) >= level_rank(main_level))


def _places_by_sentence(mentions: list[PlaceMention]) -> dict[int, list[PlaceMention]]:
    """Place mentions by sentence, in text order; 全区 and the like count, resolved."""
    by_sentence: dict[int, list[PlaceMention]] = defaultdict(list)
    for mention in sorted(mentions, key=lambda m: m.start):
        by_sentence[mention.sentence].append(mention)
    return by_sentence
