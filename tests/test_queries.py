"""The SPARQL library: headers, parameters bound as terms, results on the example corpus."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.graph.store import GraphStore
from govkg.queries import (
    bind_parameters,
    named_queries,
    place_parameters,
    python_value,
    run_query,
    tsv_rows,
)
from govkg.queries.formatting import display_width, format_table

EXPECTED = {"adoptions", "outcomes", "mechanisms", "places", "trace", "mechanisms-of", "compare",
            "co-adoption", "evidence", "outcomes-of", "matrix", "candidates"}


def run(store, *args):
    result = CliRunner().invoke(main, ["query", *args, "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_library_has_every_query_with_a_header():
    queries = named_queries()
    assert EXPECTED <= set(queries)
    for name, query in queries.items():
        header = query.header.splitlines()
        assert header[0].startswith(f"{name}: "), name
        assert any(line.startswith("Parameters:") for line in header), name
        assert any(line.startswith("Example: govkg query " + name) for line in header), name


def test_help_query_shows_the_header():
    result = CliRunner().invoke(main, ["query", "evidence", "--help-query"])
    assert result.exit_code == 0
    assert result.output.startswith("evidence: every sentence that says a place uses a mechanism")
    assert "Parameters: place (a place: a name, a name with its parents, or a code; bound to its IRI), mechanism (any spelling of a mechanism)." in result.output


def test_mechanisms_of_rolls_up_the_places_within(example_store):
    rows = run(example_store, "mechanisms-of", "--param", "place=桐溪区")
    assert {(r["mechanism"], r["used_by"]) for r in rows} >= {
        ("四清单一目录", "桐溪区"), ("“1+X”党建联建", "柳岸街道"), ("红色物业", "荷塘社区"),
    }
    assert all(r["used_by"] not in ("竹溪区", "梅林街道") for r in rows)


def test_compare_two_places(example_store):
    rows = run(example_store, "compare", "--param", "place_a=桐溪区", "--param", "place_b=竹溪区")
    status = {r["mechanism"]: r["status"] for r in rows}
    assert status["“1+3+N”网格力量配备模式"] == "both"
    assert status["四清单一目录"] == "only_a"
    assert status["党建联席会议制度"] == "only_b"


def test_co_adoption_counts_places(example_store):
    rows = run(example_store, "co-adoption")
    pairs = {frozenset((r["mechanism_a"], r["mechanism_b"])): r["places"] for r in rows}
    assert pairs[frozenset(("四议两公开", "积分制管理"))] == 1
    assert all(r["mechanism_a"] != r["mechanism_b"] for r in rows)


def test_evidence_lists_every_sentence_with_offsets(example_store):
    from .conftest import EXAMPLES

    rows = run(example_store, "evidence", "--param", "place=白鹭村", "--param", "mechanism=积分制")
    assert len(rows) == 1 and rows[0]["clearest"] is True
    text = (EXAMPLES / rows[0]["doc"]).read_text(encoding="utf-8")
    assert text[rows[0]["start"] : rows[0]["end"]] == rows[0]["sentence"]


def test_outcomes_of_and_matrix(example_store):
    rows = run(example_store, "outcomes-of", "--param", "mechanism=四单一目录")
    assert [(r["place"], r["value"], r["unit"], r["approx"]) for r in rows] == [("桐溪区", 140, "项", True)]
    matrix = run(example_store, "matrix")
    assert {"district": "竹溪区", "city": "岚州市", "mechanism": "党建联席会议制度", "places": 1} in matrix


@pytest.mark.parametrize(
    "value",
    ['x" } DROP ALL ; { "', "'; DELETE WHERE { ?s ?p ?o } #", "}}}", '"""', "\\", "<http://evil/>"],
)
def test_parameters_are_literals(value, example_store):
    text = bind_parameters(named_queries()["outcomes-of"].text, {"mechanism": value})
    assert "VALUES (?mechanism_key) {" in text
    assert run(example_store, "evidence", "--param", "place=桐溪区", "--param", f"mechanism={value}") == []
    # A place parameter is looked up among the store's places first: such a value names none.
    result = CliRunner().invoke(main, ["query", "mechanisms-of", "--param", f"place={value}", "--store", str(example_store)])
    assert result.exit_code == 1
    assert result.output == f"Error: no place called '{value.strip()}' in this store\n"


def test_unknown_parameter_is_reported(example_store):
    result = CliRunner().invoke(main, ["query", "adoptions", "--param", "colour=red", "--store", str(example_store)])
    assert result.exit_code == 1
    assert result.output == "Error: the query has no parameter called colour\n"


def test_table_aligns_wide_characters():
    table = format_table(["place", "n"], [["巴南区", 1], ["x", 22]]).splitlines()
    # The second column starts at the same screen column on every line (巴南区 is 6 columns wide).
    lines = [table[0], table[2], table[3]]
    starts = [display_width(line[: line.rindex(cell)]) for line, cell in zip(lines, ["n", "1", "22"], strict=True)]
    assert starts == [8, 8, 8]


TERMS = [
    ox.Literal('tab\there "quoted" back\\slash\nnewline\r é 中 \x01'),
    ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal("-12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ox.Literal("2.0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ox.Literal("2.5E1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")),
    ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
    ox.Literal("2024-05-06", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ox.Literal("网格“1+3+N”", language="zh"),
    ox.Literal(""),
    ox.NamedNode("https://w3id.org/govkg/id/place/%E5%B2%9A%E5%B7%9E%E5%B8%82"),
    ox.BlankNode("b1"),
]


@pytest.mark.parametrize("term", TERMS, ids=lambda t: str(t)[:24])
def test_tsv_results_give_the_values_of_the_terms(term):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), term, ox.DefaultGraph()))
    data = store.query("SELECT ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?o <urn:none> ?unbound } }").serialize(
        format=ox.QueryResultsFormat.TSV
    )
    assert tsv_rows(data) == [[python_value(term), None]]


def test_tsv_rows_keep_a_row_of_one_unbound_column():
    store = ox.Store()
    data = store.query("SELECT ?x WHERE { VALUES ?x { UNDEF 1 UNDEF } }").serialize(format=ox.QueryResultsFormat.TSV)
    assert tsv_rows(data) == [[None], [1], [None]]


def test_every_named_query_gives_the_values_of_its_terms(example_store):
    store = GraphStore(example_store)
    params = {"mechanism": "1+3+N", "place": "桐溪区", "place_a": "桐溪区", "place_b": "竹溪区"}
    for name, query in named_queries().items():
        declared = next(line for line in query.header.splitlines() if line.startswith("Parameters:"))
        bound = {k: v for k, v in params.items() if re.search(rf"\b{k}\b", declared)}
        columns, rows = store.query(bind_parameters(query.sparql, place_parameters(store, bound)))
        assert run_query(store, name, bound) == (columns, [[python_value(r[c]) for c in columns] for r in rows]), name
