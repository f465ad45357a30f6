"""Scoring a store's answers against a gold annotation (the format of corpus-gold.json).

Adoptions match on document, most specific place and mechanism, where a mechanism matches when
any of its labels is any label the gold gives it. Outcomes match on document, value and unit (each
gold outcome at most once). Places match on name and level. Organizations match on document and
name.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from govkg.errors import InputError
from govkg.ontology import label_key
from govkg.queries import run_records, select


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
    scores = [score_adoptions(store, gold), score_outcomes(store, gold), score_places(store, gold)]
    if "organizations" in gold:
        scores.append(score_organizations(store, gold))
    return scores


def score_adoptions(store, gold: dict) -> Score:
    gold_keys = {
        m["id"]: {label_key(x) for x in [m["name"], *m.get("aliases", [])]} for m in gold["mechanisms"]
    }
    keys_of: dict[str, set[str]] = {}
    for row in select(store, "mechanism-labels"):
        keys_of.setdefault(row["pref"], set()).add(label_key(row["label"]))
    predicted = {(r["doc"], r["place"], r["mechanism"]) for r in run_records(store, "adoptions")}
    wanted = {(a["doc"], a["place"], a["mechanism"]) for a in gold["adoptions"]}
    score = Score("adoptions", len(predicted), len(wanted))

    def matches(p, g) -> bool:
        return p[0] == g[0] and p[1] == g[1] and bool(keys_of.get(p[2], {label_key(p[2])}) & gold_keys.get(g[2], set()))

    by_doc_place: dict[tuple, list] = {}
    for g in wanted:
        by_doc_place.setdefault(g[:2], []).append(g)
    matched_gold = set()
    for p in sorted(predicted):
        hits = [g for g in by_doc_place.get(p[:2], []) if matches(p, g)]
        if hits:
            score.matched_predicted += 1
            matched_gold.update(hits)
        else:
            score.extras.append(p)
    score.matched_gold = len(matched_gold)
    score.misses = sorted(wanted - matched_gold)
    return score


def score_outcomes(store, gold: dict) -> Score:
    predicted = Counter((r["doc"], float(r["value"]), r["unit"]) for r in run_records(store, "outcomes"))
    wanted = Counter((o["doc"], float(o["value"]), o["unit"]) for o in gold.get("outcomes", []))
    common = predicted & wanted
    score = Score("outcomes", sum(predicted.values()), sum(wanted.values()))
    score.matched_predicted = score.matched_gold = sum(common.values())
    score.misses = sorted((wanted - common).elements())
    score.extras = sorted((predicted - common).elements())
    return score


def score_places(store, gold: dict) -> Score:
    predicted = {(r["place"], r["place_level"]) for r in run_records(store, "places")}
    return _exact_score("places", predicted, {(p["name"], p["level"]) for p in gold.get("places", [])})


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
