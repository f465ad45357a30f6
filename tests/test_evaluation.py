"""Scoring against gold: place units, amounts, the error classes of --explain."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.extract.quantities import base_amount
from govkg.queries.evaluation import most_specific_unit, same_place

from .conftest import ROOT


@pytest.mark.parametrize(
    "name, unit",
    [
        ("湖安省漾川市青石县芦花镇", "芦花镇"),
        ("漾川市桐溪区柳岸街道", "柳岸街道"),
        ("桐溪区柳岸街道梅林社区", "梅林社区"),
        ("岚州市", "岚州市"),          # 州 inside a city's name is no level of its own
        ("岚州市桐溪区", "桐溪区"),
        ("市中区", "市中区"),          # a district named 市中: one unit
        ("新乡市红旗区", "红旗区"),
        ("青石县芦花镇新华村", "新华村"),
        ("漾川", "漾川"),
    ],
)
def test_most_specific_unit(name, unit):
    assert most_specific_unit(name) == unit


@pytest.mark.parametrize(
    "predicted, gold, same",
    [
        ("芦花镇", "湖安省漾川市青石县芦花镇", True),
        ("漾川市", "漾川", True),              # the gold name without its suffix
        ("桐溪区", "漾川桐溪区", True),        # a parent written without its suffix
        ("溪区", "漾川桐溪区", False),         # a name that lost a character is not the place
        ("青石县", "湖安省漾川市青石县芦花镇", False),
        ("芦花镇", "芦花乡", False),
    ],
)
def test_same_place(predicted, gold, same):
    assert same_place(predicted, gold) is same


@pytest.mark.parametrize(
    "value, unit, folded",
    [(2.31, "亿元", (231000000.0, "元")), (3.5, "万人", (35000.0, "人")), (12, "个", (12.0, "个")), (1, "万", (1.0, "万"))],
)
def test_amounts_are_folded(value, unit, folded):
    assert base_amount(value, unit) == folded


def test_explain_sorts_adoption_errors_into_classes(example_store, tmp_path):
    gold = json.loads((ROOT / "tests" / "golden" / "examples-gold.json").read_text(encoding="utf-8"))
    kept = [a for a in gold["adoptions"] if a["place"] != "梅林街道"]
    for adoption in kept:
        if adoption["place"] == "荷塘社区":
            adoption["place"] = "云梦省岚州市桐溪区柳岸街道"  # found in the text, but not its adopter
    gold["adoptions"] = kept + [
        {"doc": "zhuxi-newspaper-columns.txt", "place": "竹溪区", "mechanism": "red-property"},
        {"doc": "zhuxi-newspaper-columns.txt", "place": "湖安省岚州市竹溪区", "mechanism": "no-such-mechanism"},
    ]
    gold["mechanisms"].append({"id": "no-such-mechanism", "name": "无此机制", "aliases": []})
    changed = tmp_path / "gold.json"
    changed.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--gold", str(changed), "--store", str(example_store), "--explain"])
    assert result.exit_code == 0, result.output
    explained = result.output.split("adoption errors by class:\n", 1)[1].splitlines()
    counts = {line[6:]: int(line[:4]) for line in explained if not line.startswith("      e.g.")}
    assert counts == {
        "missed: mechanism missed": 2,
        "missed: wrong unit or level (the place is found, the fact given to another)": 1,
        "extra: spurious mechanism": 1,
        "extra: wrong unit or level (another place than the gold adopters)": 1,
    }, result.output
    assert "      e.g. zhuxi-newspaper-columns.txt | 湖安省岚州市竹溪区 | no-such-mechanism" in explained
