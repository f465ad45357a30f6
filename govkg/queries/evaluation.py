"""Scoring a store's answers against a gold annotation (the format of corpus-gold.json).

A gold place may be written with its parents (山西省太原市清徐县东湖街道): places match on their
most specific unit (东湖街道), and a gold name written without its level suffix (天津) matches the
name with it (天津市). A mechanism matches when any of its labels is any label the gold gives it.

- adoptions: document, place and mechanism; adopters: document and place; mechanisms: document
  and mechanism (what the document's adoptions use);
- outcomes: document, value and unit, each gold outcome at most once, both in their base unit
  (2.31 亿元 is 231000000 元) on both sides;
- places: name and level; organizations: document and name.

`explain` sorts the adoption errors into classes, each with its count and an example.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from govkg.errors import InputError
from govkg.extract import base_amount
from govkg.ontology import label_key
from govkg.ontology.levels import level_of, suffix_of
from govkg.queries import run_records, select


def most_specific_unit(name: str) -> str:
    """The last unit of a place written with its parents: 顺义区李遂镇 → 李遂镇; a name that is one
    unit stays as it is (杭州市, 市中区)."""
    for i in range(len(name) - 2, 1, -1):
        head, tail = name[:i], name[i:]
        if suffix_of(head) and level_of(head) and level_of(tail):
            return tail
    return name


def _bare(name: str) -> str:
    suffix = suffix_of(name)
    return name[: -len(suffix)] if suffix and len(name) - len(suffix) >= 2 else name


def same_place(predicted: str, gold: str) -> bool:
    """A predicted place name is the gold one: same most specific unit, or the gold unit written
    without its level suffix (天津 for 天津市)."""
    p, g = most_specific_unit(predicted), most_specific_unit(gold)
    if p == g or (level_of(g) is None and _bare(p) == g):
        return True
    # 重庆南岸区, 大连旅顺开发区: the gold unit written after a parent without its suffix.
    return bool(level_of(p)) and _bare(p) != p and g.endswith(p) and len(g) - len(p) >= 2


def _amount(value, unit: str) -> tuple[float, str]:
    """A value and unit in their base unit (govkg.extract.base_amount), the value as a
    float, so that 3000 万元 and 30000000 元, and 12 and 12.0, compare equal."""
    base_value, base_unit = base_amount(value, unit)
    return float(base_value), base_unit


@dataclass
class Score:
    name: str
    predicted: int = 0
    gold: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0
    misses: list = field(default_factory=list)
    extras: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_gold(path: str | Path) -> dict:
    path = Path(path)
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such gold file") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a JSON gold file ({exc})") from exc
    for key in ("mechanisms", "adoptions"):
        if key not in gold:
            raise InputError(f"{path}: gold file has no '{key}' list")
    return gold


def evaluate(store, gold: dict) -> list[Score]:
    adoptions = _Adoptions(store, gold)
    scores = [adoptions.score(), adoptions.adopters(), adoptions.mechanisms(),
              score_outcomes(store, gold), score_places(store, gold)]
    if "organizations" in gold:
        scores.append(score_organizations(store, gold))
    return scores


def score_adoptions(store, gold: dict) -> Score:
    return _Adoptions(store, gold).score()


class _Adoptions:
    """The store's adoptions beside the gold ones, matched on place units and mechanism labels."""

    def __init__(self, store, gold: dict):
        self.gold_keys = {
            m["id"]: {label_key(x) for x in [m["name"], *m.get("aliases", [])]} for m in gold["mechanisms"]
        }
        self.keys_of: dict[str, set[str]] = {}
        for row in select(store, "mechanism-labels"):
            self.keys_of.setdefault(row["pref"], set()).add(label_key(row["label"]))
        self.predicted = sorted({(r["doc"], r["place"], r["mechanism"]) for r in run_records(store, "adoptions")})
        self.wanted = sorted({(a["doc"], a["place"], a["mechanism"]) for a in gold["adoptions"]})
        self.places_of: dict[str, set[str]] = {}
        for row in select(store, "document-places"):
            self.places_of.setdefault(row["doc"], set()).add(row["place"])

    def same_mechanism(self, predicted: str, gold_id: str) -> bool:
        return bool(self.keys_of.get(predicted, {label_key(predicted)}) & self.gold_keys.get(gold_id, set()))

    def _score(self, name: str, predicted: list, wanted: list, matches) -> Score:
        score = Score(name, len(predicted), len(wanted))
        matched_gold = set()
        for p in predicted:
            hits = [g for g in wanted if matches(p, g)]
            if hits:
                score.matched_predicted += 1
                matched_gold.update(hits)
            else:
                score.extras.append(p)
        score.matched_gold = len(matched_gold)
        score.misses = [g for g in wanted if g not in matched_gold]
        return score

    def score(self) -> Score:
        return self._score("adoptions", self.predicted, self.wanted, lambda p, g: (
            p[0] == g[0] and same_place(p[1], g[1]) and self.same_mechanism(p[2], g[2])
        ))

    def adopters(self) -> Score:
        predicted = sorted({p[:2] for p in self.predicted})
        wanted = sorted({g[:2] for g in self.wanted})
        return self._score("adopters", predicted, wanted, lambda p, g: p[0] == g[0] and same_place(p[1], g[1]))

    def mechanisms(self) -> Score:
        predicted = sorted({(p[0], p[2]) for p in self.predicted})
        wanted = sorted({(g[0], g[2]) for g in self.wanted})
        return self._score("mechanisms", predicted, wanted, lambda p, g: p[0] == g[0] and self.same_mechanism(p[1], g[1]))

    def error_classes(self) -> dict[str, list[tuple]]:
        """Every adoption error in one class: missed ones by why the gold fact was not found,
        extra ones by what is wrong with the predicted fact."""
        score = self.score()
        classes: dict[str, list[tuple]] = {}
        gold_docs = {g[0] for g in self.wanted}
        for g in score.misses:
            doc, place, mechanism = g
            found = self.places_of.get(doc, set())
            mechanisms_here = {p[2] for p in self.predicted if p[0] == doc}
            if not any(self.same_mechanism(m, mechanism) for m in mechanisms_here):
                kind = "missed: mechanism missed"
            elif any(same_place(f, place) for f in found):
                kind = "missed: wrong unit or level (the place is found, the fact given to another)"
            elif any(most_specific_unit(place) in f or most_specific_unit(f) in place for f in found):
                kind = "missed: wrong edges (a place overlapping the gold name)"
            else:
                kind = "missed: place not found"
            classes.setdefault(kind, []).append(g)
        for p in score.extras:
            doc, place, mechanism = p
            wanted_here = [g for g in self.wanted if g[0] == doc]
            if doc not in gold_docs:
                kind = "extra: fact in a text with no concrete adopter"
            elif not any(self.same_mechanism(mechanism, g[2]) for g in wanted_here):
                kind = "extra: spurious mechanism"
            elif any(same_place(place, g[1]) for g in wanted_here):
                kind = "extra: wrong mechanism for a gold adopter"
            elif any(most_specific_unit(g[1]) in place or place in g[1] for g in wanted_here):
                kind = "extra: wrong edges (a place overlapping a gold name)"
            else:
                kind = "extra: wrong unit or level (another place than the gold adopters)"
            classes.setdefault(kind, []).append(p)
        return dict(sorted(classes.items(), key=lambda item: (-len(item[1]), item[0])))


def explain(store, gold: dict) -> str:
    """The adoption errors by class, most frequent first, with an example of each."""
    lines = []
    for kind, items in _Adoptions(store, gold).error_classes().items():
        lines.append(f"{len(items):4d}  {kind}")
        lines.append("      e.g. " + " | ".join(str(x) for x in items[0]))
    return "\n".join(lines) if lines else "no adoption errors"


def score_outcomes(store, gold: dict) -> Score:
    predicted = Counter((r["doc"], *_amount(r["value"], r["unit"])) for r in run_records(store, "outcomes"))
    wanted = Counter((o["doc"], *_amount(o["value"], o["unit"])) for o in gold.get("outcomes", []))
    common = predicted & wanted
    score = Score("outcomes", sum(predicted.values()), sum(wanted.values()))
    score.matched_predicted = score.matched_gold = sum(common.values())
    score.misses = sorted((wanted - common).elements())
    score.extras = sorted((predicted - common).elements())
    return score


def score_places(store, gold: dict) -> Score:
    predicted = {(r["place"], r["place_level"]) for r in run_records(store, "places")}
    wanted = {(most_specific_unit(p["name"]), p["level"]) for p in gold.get("places", [])}
    return _exact_score("places", predicted, wanted)


def _exact_score(name: str, predicted: set, wanted: set) -> Score:
    """Precision and recall of items that match only when equal."""
    score = Score(name, len(predicted), len(wanted))
    score.matched_predicted = score.matched_gold = len(predicted & wanted)
    score.misses = sorted(wanted - predicted)
    score.extras = sorted(predicted - wanted)
    return score


def score_organizations(store, gold: dict) -> Score:
    predicted = {(r["doc"], r["name"]) for r in select(store, "organizations")}
    return _exact_score("organizations", predicted, {(o["doc"], o["name"]) for o in gold["organizations"]})


def format_scores(scores: list[Score], details: bool = True) -> str:
    lines = [f"{'':13}  {'precision':>9}  {'recall':>6}  {'F1':>5}  {'predicted':>9}  {'gold':>5}"]
    for s in scores:
        lines.append(
            f"{s.name:13}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.predicted:9d}  {s.gold:5d}"
        )
    if details:
        for s in scores:
            for kind, items in (("missed", s.misses), ("extra", s.extras)):
                for item in items:
                    lines.append(f"{s.name} {kind}: " + " | ".join(str(x) for x in item))
    return "\n".join(lines)
