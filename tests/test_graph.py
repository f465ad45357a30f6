"""RDF, shapes and the store."""

from __future__ import annotations

import dataclasses
import json
import re

from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

from govkg.cli import main
from govkg.extract.model import SourceDocument
from govkg.graph.build import build, stored_documents
from govkg.graph.rdf import document_graph, place_resolver
from govkg.graph.store import GraphStore
from govkg.graph.validate import union_graph, validate_graph
from govkg.ontology import vocabulary_graph
from govkg.queries import named_queries, run_query

from .conftest import EXAMPLES, ROOT, extract, needs_shared

GOLDEN = ROOT / "tests" / "golden"
GOLDEN_TEXT = "岚州市桐溪区：网格治理\n\n岚州市桐溪区推行“1+3+N”网格力量配备模式，配备网格员320名。\n"


def test_ontology_and_thesaurus_conform():
    assert validate_graph(vocabulary_graph()) == []


def test_example_store_conforms(example_store):
    assert validate_graph(union_graph(GraphStore(example_store).dataset())) == []


@needs_shared
def test_sample_store_conforms(sample_store):
    assert validate_graph(union_graph(GraphStore(sample_store).dataset())) == []


def test_shapes_catch_a_broken_adoption(example_store):
    graph = union_graph(GraphStore(example_store).dataset())
    from rdflib import URIRef
    from rdflib.namespace import RDF

    gk = "https://w3id.org/govkg/ontology#"
    adoption = next(graph.subjects(RDF.type, URIRef(gk + "Adoption")))
    graph.remove((adoption, URIRef(gk + "place"), None))
    violations = validate_graph(graph)
    assert [v.message for v in violations] == ["an adoption names exactly one place"]


def test_document_graph_matches_golden_file():
    source = SourceDocument("golden.txt", GOLDEN_TEXT, "0" * 64)
    graph = document_graph(extract(source))
    # Through Turtle and back, so that both sides have the same lexical forms of numbers.
    graph = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    expected = Graph().parse(GOLDEN / "golden.ttl", format="turtle")
    assert isomorphic(to_isomorphic(graph), to_isomorphic(expected))


# Characters N-Triples must escape inside a literal (" and \\ in the name, the title and a sentence).
ESCAPED_NAME = 'a "quoted" \\ name.txt'
ESCAPED_TEXT = '岚州市桐溪区："网格"治理\\试点\n\n岚州市桐溪区推行"1+3+N"网格力量配备模式\\试点，配备网格员320名。\n'


def test_literals_that_need_escaping_come_back_as_written():
    import pyoxigraph as ox

    from govkg.graph.rdf import document_triples
    from govkg.ontology import DCTERMS, GK, OA

    facts = extract(SourceDocument(ESCAPED_NAME, ESCAPED_TEXT, "0" * 64))
    assert facts.adoptions and '"' in facts.title and "\\" in facts.adoptions[0].evidence.text
    by_predicate: dict[str, set[str]] = {}
    for t in document_triples(facts):
        if isinstance(t.object, ox.Literal):
            by_predicate.setdefault(t.predicate.value, set()).add(t.object.value)
    assert by_predicate[GK + "fileName"] == {ESCAPED_NAME}
    assert by_predicate[DCTERMS + "title"] == {facts.title}
    evidence = {e.text for e in [a.evidence for a in facts.adoptions] + [o.evidence for o in facts.outcomes]}
    assert by_predicate[OA + "exact"] >= evidence
    assert by_predicate[GK + "surface"] >= {a.surface for a in facts.adoptions}
    # A title given with line breaks (as a manifest's may be).
    broken = dataclasses.replace(facts, title="第一行\r\n第二行\n")
    titles = {t.object.value for t in document_triples(broken) if t.predicate.value == DCTERMS + "title"}
    assert titles == {"第一行\r\n第二行\n"}


def test_place_resolver_joins_a_place_to_its_known_parent_only_when_unique():
    resolve = place_resolver({("重庆市", "江北区"), ("重庆市", "江北区", "观音桥街道")})
    assert resolve(("江北区",)) == ("重庆市", "江北区")
    assert resolve(("观音桥街道", "黄葛社区")) == ("重庆市", "江北区", "观音桥街道", "黄葛社区")
    ambiguous = place_resolver({("重庆市", "江北区"), ("宁波市", "江北区")})
    assert ambiguous(("江北区",)) == ("江北区",)


@needs_shared
def test_trace_1_3_n_on_the_sample_corpus(sample_store):
    result = CliRunner().invoke(main, ["trace", "1+3+N", "--store", str(sample_store), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    by_place = {row["place"]: row for row in rows}
    assert {"巴南区", "李家沱街道"} <= set(by_place)
    assert by_place["李家沱街道"]["district"] == "巴南区"
    assert by_place["李家沱街道"]["city"] == "重庆市"
    assert "1+3+N" in by_place["李家沱街道"]["evidence"]


def _parameters_for(store) -> dict[str, str]:
    """Parameter values that make every named query answer something on the example corpus."""
    columns, rows = run_query(store, "trace", {"mechanism": "1+3+N"})
    places = sorted({row[columns.index("place")] for row in rows})
    return {"mechanism": "1+3+N", "place": places[0], "place_a": places[0], "place_b": places[-1]}


def test_in_memory_copy_answers_every_named_query_as_the_files_do(example_store):
    on_disk = GraphStore(example_store)
    in_memory = on_disk.in_memory()
    parameters = _parameters_for(on_disk)
    answered = 0
    for name, query in named_queries().items():
        declared = next(line for line in query.header.splitlines() if line.startswith("Parameters:"))
        params = {k: v for k, v in parameters.items() if re.search(rf"\b{k}\b", declared)}
        expected = run_query(on_disk, name, params)
        assert run_query(in_memory, name, params) == expected, name
        answered += bool(expected[1])
    assert answered >= len(named_queries()) - 1  # only `candidates` may be empty
    assert sorted(in_memory.dump("nquads").splitlines()) == sorted(on_disk.dump("nquads").splitlines())


def test_writing_to_the_in_memory_copy_leaves_the_files_alone(example_store):
    on_disk = GraphStore(example_store)
    before = on_disk.dump("nquads")
    copy = on_disk.in_memory()
    copy.load(b'<urn:x:a> <urn:x:b> "c" .\n', "nquads")
    assert b"urn:x:a" in copy.dump("nquads")
    assert on_disk.dump("nquads") == before


def test_a_built_store_keeps_no_stale_write_ahead_log(tmp_path):
    # Closing RocksDB after a write used to leave its logs behind: 700 MB beside a million quads.
    store, extra = tmp_path / "store", tmp_path / "extra"
    extra.mkdir()
    (extra / "golden.txt").write_text(GOLDEN_TEXT, encoding="utf-8")
    build([EXAMPLES], store)
    build([EXAMPLES, extra], store)
    logs = sum(f.stat().st_size for f in store.glob("*.log"))
    assert logs < 64 * 1024, f"{logs} bytes of write-ahead log left in the store"
    assert stored_documents(GraphStore(store))
