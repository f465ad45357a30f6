"""Relating mentions: which place uses which mechanism, and which bodies belong to which place."""

from __future__ import annotations

import re
from collections import defaultdict

from govkg.extract.model import (
    Adoption,
    Article,
    DocumentFacts,
    MechanismMention,
    Organization,
    Place,
    PlaceMention,
)
from govkg.extract.places import ORGANIZATION_AFTER

# The word that names a body after its place decides its kind.
ORGANIZATION_KINDS = (
    (re.compile(r"(业主委员会|业委会)$"), "owners-committee"),
    (re.compile(r"物业"), "property-company"),
    (re.compile(r"(委|党委|党工委|党组|工委|党总支|党支部|组织部|宣传部|统战部|政法委|纪委)$"), "party-organization"),
    (re.compile(r"(政府|办事处|局|部门|办公室|人大|政协|法院|检察院)$"), "government"),
    (re.compile(r"公司$"), "enterprise"),
    (re.compile(r"(队|支队|大队)$"), "team"),
    (re.compile(r"(协会|商会)$"), "social-organization"),
)


def places_for(
    sentence_index: int, at: int, by_sentence: dict[int, list[PlaceMention]], article: Article, text: str
) -> list[Place]:
    """The places a mention at `at` belongs to: the place named nearest before it in its sentence
    (with the others of the same list: 平安、和韵等社区), else the place the article is about."""
    before = [m for m in by_sentence.get(sentence_index, []) if m.end <= at]
    if before:
        group = [before[-1]]
        for m in reversed(before[:-1]):
            between = text[m.end : group[-1].start]
            if m.place.level == group[-1].place.level and between.strip() in LIST_SEPARATORS:
                group.append(m)
            else:
                break
        return [m.place for m in reversed(group)]
    if article.main_place:
        from govkg.extract.places import level_of

        return [Place(article.main_place, level_of(article.main_place[-1]))]
    return []


LIST_SEPARATORS = {"、", "和", "与", "及", "以及", ""}


def relate_adoptions(facts: DocumentFacts) -> list[Adoption]:
    """One adoption per (place, mechanism) of the document; the clearest sentence is the first body
    sentence that names the place, the other mentions are further evidence."""
    by_sentence = _places_by_sentence(facts.place_mentions)
    articles = {a.index: a for a in facts.articles}
    grouped: dict[tuple[tuple[str, ...], str], list[tuple[MechanismMention, Place, bool]]] = defaultdict(list)
    text = facts.normalized.text
    for mention in facts.mechanism_mentions:
        sentence = facts.sentences[mention.sentence]
        # No place means a mechanism explained in general, with no place to use it.
        for place in places_for(mention.sentence, mention.start, by_sentence, articles[sentence.article], text):
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


def _places_by_sentence(mentions: list[PlaceMention]) -> dict[int, list[PlaceMention]]:
    by_sentence: dict[int, list[PlaceMention]] = defaultdict(list)
    for mention in mentions:
        if not mention.generic:
            by_sentence[mention.sentence].append(mention)
    return by_sentence


def recognize_organizations(facts: DocumentFacts) -> list[Organization]:
    """Bodies named after their place (江北区委组织部, 上海路街道党工委), with the mechanisms their
    sentence names."""
    fold = facts.normalized.fold
    text = facts.normalized.text
    mechanisms_in: dict[int, list[str]] = defaultdict(list)
    for mention in facts.mechanism_mentions:
        mechanisms_in[mention.sentence].append(mention.mechanism)
    found: dict[tuple[str, tuple[str, ...]], Organization] = {}
    for mention in facts.place_mentions:
        if mention.role != "organization":
            continue
        match = ORGANIZATION_AFTER.match(fold[mention.end : mention.end + 12])
        if not match:
            continue
        body = text[mention.end : mention.end + match.end()]
        kind = next((k for pattern, k in ORGANIZATION_KINDS if pattern.search(body)), "other")
        name = mention.surface + body
        key = (name, mention.place.path)
        sentence = facts.sentences[mention.sentence]
        previous = found.get(key)
        mechanisms = tuple(dict.fromkeys((previous.mechanisms if previous else ()) + tuple(mechanisms_in[sentence.index])))
        evidence = previous.evidence if previous else facts.evidence(sentence)
        found[key] = Organization(name, kind, mention.place, evidence, mechanisms)
    return list(found.values())
