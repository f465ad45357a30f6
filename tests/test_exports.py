"""Exports other tools read as they are: prefixes in Turtle and TriG, a JSON-LD @context, the
format from the file's extension, GEXF 1.2draft without networkx's own attributes, a language
tag on every Chinese label, and no domain on gk:category that would make proposals mechanisms."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from lxml import etree

from govkg.cli import main
from govkg.graph.store import GraphStore


def export(store, path, *extra):
    result = CliRunner().invoke(main, ["export", "--store", str(store), "-o", str(path), *extra])
    assert result.exit_code == 0, result.output
    return result.output, path.read_bytes()


@pytest.mark.parametrize("suffix, fmt", [("ttl", "turtle"), ("trig", "trig"), ("nq", "nquads"), ("nt", "ntriples"),
                                         ("jsonld", "jsonld"), ("gexf", "gexf"), ("graphml", "graphml")])
def test_the_format_comes_from_the_extension(tmp_path, example_store, suffix, fmt):
    output, _ = export(example_store, tmp_path / f"graph.{suffix}")
    assert output == f"{tmp_path / f'graph.{suffix}'}: written ({fmt})\n"


def test_an_unknown_extension_asks_for_the_format(tmp_path, example_store):
    result = CliRunner().invoke(main, ["export", "--store", str(example_store), "-o", str(tmp_path / "graph.xyz")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path / 'graph.xyz'}: cannot tell the format from the extension (")


@pytest.mark.parametrize("suffix, rdflib_format", [("ttl", "turtle"), ("trig", "trig")])
def test_turtle_and_trig_use_the_ontology_prefixes(tmp_path, example_store, suffix, rdflib_format):
    import rdflib

    _, data = export(example_store, tmp_path / f"graph.{suffix}")
    text = data.decode("utf-8")
    assert "@prefix gk: <https://w3id.org/govkg/ontology#> ." in text
    assert re.search(r"\bgk:Adoption\b", text) and "<https://w3id.org/govkg/ontology#Adoption>" not in text
    if suffix == "ttl":
        assert "{" not in text.split("\n", 20)[-1][:2000]  # a Turtle file, not TriG
        rdflib.Graph().parse(data=data, format="turtle")
    else:
        rdflib.Dataset().parse(data=data, format="trig")


def test_jsonld_is_compact_with_a_context_and_holds_the_same_quads(tmp_path, example_store):
    import rdflib
    from rdflib.compare import isomorphic

    _, data = export(example_store, tmp_path / "graph.jsonld")
    document = json.loads(data)
    assert document["@context"]["gk"] == "https://w3id.org/govkg/ontology#"
    assert '"gk:' in data.decode("utf-8")
    back = rdflib.Dataset()
    back.parse(data=data, format="json-ld")
    original = GraphStore(example_store).dataset()
    for graph in original.graphs():
        if len(graph):
            assert isomorphic(graph, back.graph(graph.identifier)), graph.identifier


def test_gexf_is_plain_gexf_1_2(tmp_path, example_store):
    _, data = export(example_store, tmp_path / "graph.gexf")
    root = etree.fromstring(data)
    ns = {"g": "http://www.gexf.net/1.2draft"}
    graph = root.find("g:graph", ns)
    assert "name" not in graph.attrib
    titles = {a.get("title") for a in root.iterfind(".//g:attribute", ns)}
    assert "networkx_key" not in titles
    ids = [e.get("id") for e in root.iterfind(".//g:edge", ns)]
    assert ids and len(ids) == len(set(ids))
    nodes = {n.get("id") for n in root.iterfind(".//g:node", ns)}
    assert all(e.get("source") in nodes and e.get("target") in nodes for e in root.iterfind(".//g:edge", ns))


def test_every_chinese_label_has_a_language_tag(example_store):
    store = GraphStore(example_store)
    _, rows = store.query("""
        SELECT ?s ?label WHERE {
          VALUES ?p { <http://www.w3.org/2004/02/skos/core#prefLabel> <http://www.w3.org/2004/02/skos/core#altLabel>
                      <http://www.w3.org/2004/02/skos/core#hiddenLabel> <http://www.w3.org/2000/01/rdf-schema#label> }
          ?s ?p ?label . FILTER (isLiteral(?label) && lang(?label) = "" && REGEX(STR(?label), "[\\u4e00-\\u9fff]"))
        }""")
    assert rows == []


def test_gk_category_has_no_domain(example_store):
    store = GraphStore(example_store)
    _, rows = store.query("SELECT ?d WHERE { <https://w3id.org/govkg/ontology#category> "
                          "<http://www.w3.org/2000/01/rdf-schema#domain> ?d }")
    assert rows == []
