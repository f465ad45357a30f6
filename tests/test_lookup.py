"""Finding mechanisms by a formula or a near spelling, and queries that refuse what they cannot answer."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from govkg.cli import main


@pytest.fixture(scope="module")
def formula_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formula")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("桐溪区建立“2+6+N”网格体系，推动力量下沉。\n", encoding="utf-8")
    store = folder / "store"
    result = CliRunner().invoke(main, ["build", str(corpus), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def test_trace_finds_a_candidate_by_the_formula_its_label_holds(formula_store):
    result = CliRunner().invoke(main, ["trace", "2+6+N", "--store", str(formula_store), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("“2+6+N”网格体系,桐溪区,district,")


@pytest.mark.parametrize(
    "args, message",
    [
        (["trace", "三是分流"], "Error: no mechanism called '三是分流' in this store; did you mean 三事分流?\n"),
        (["trace", "6+2"], "Error: no mechanism called '6+2' in this store\n"),
        (["query", "trace"], "Error: query trace needs mechanism: give --param mechanism=VALUE\n"),
        (["query", "compare", "--param", "place_a=桐溪区"], "Error: query compare needs place_b: give --param place_b=VALUE\n"),
        (["outcomes", "--mechanism", "三是分流"], "Error: no mechanism called '三是分流' in this store; did you mean 三事分流?\n"),
    ],
)
def test_what_cannot_be_answered_is_refused_in_one_line(formula_store, args, message):
    result = CliRunner().invoke(main, [*args, "--store", str(formula_store)])
    assert result.exit_code == 1
    assert result.output == message


def test_candidates_can_be_filtered_on_confidence(tmp_path):
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    corpus.mkdir()
    (corpus / "a.txt").write_text("桐溪区建立“一核多元”共治机制。桐溪区开展“三进三帮”，走访群众。\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--store", str(store)]).exit_code == 0
    everything = runner.invoke(main, ["query", "candidates", "--store", str(store), "--format", "json"])
    assert sorted((r["candidate"], r["confidence"]) for r in json.loads(everything.output)) == [
        ("“一核多元”共治机制", 0.8), ("“三进三帮”", 0.5),
    ]
    sure = runner.invoke(main, ["query", "candidates", "--param", "min_confidence=0.7", "--store", str(store), "--format", "json"])
    assert [r["candidate"] for r in json.loads(sure.output)] == ["“一核多元”共治机制"]
