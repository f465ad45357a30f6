"""The command line, good and bad input, through click's CliRunner."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.graph.store import GraphStore

from .conftest import EXAMPLES, ROOT


@pytest.fixture
def runner():
    return CliRunner()


def store_snapshot(path) -> bytes:
    return GraphStore(path).dump("nquads")


def test_every_command_has_help(runner):
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and command.help.split()[0] in result.output, name


def test_build_twice_changes_nothing(runner, tmp_path):
    store = tmp_path / "store"
    first = runner.invoke(main, ["build", str(EXAMPLES), "--store", str(store)])
    assert first.exit_code == 0, first.output
    assert "3 added, 0 changed, 0 unchanged, 0 removed, 0 skipped documents" in first.output
    before = store_snapshot(store)
    second = runner.invoke(main, ["build", str(EXAMPLES), "--store", str(store)])
    assert second.exit_code == 0
    assert "0 added, 0 changed, 3 unchanged, 0 removed, 0 skipped documents" in second.output
    assert store_snapshot(store) == before


def test_changed_file_replaces_its_own_facts(runner, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    store = tmp_path / "store"
    assert runner.invoke(main, ["build", str(corpus), "--store", str(store)]).exit_code == 0
    target = corpus / "zhuxi-newspaper-columns.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("“1+3+N”", "“红色物业”"), encoding="utf-8")
    result = runner.invoke(main, ["build", str(corpus), "--store", str(store)])
    assert "0 added, 1 changed, 2 unchanged, 0 removed, 0 skipped documents" in result.output
    trace = runner.invoke(main, ["trace", "1+3+N", "--store", str(store), "--format", "json"])
    places = {row["place"] for row in json.loads(trace.output)}
    assert "竹溪区" not in places and "桐溪区" in places


@pytest.mark.parametrize(
    "make_input, message",
    [
        (lambda d: d / "missing", "{d}/missing: no such file or folder"),
        (lambda d: (d / "empty").mkdir() or d / "empty", "{d}/empty: folder holds no .txt, .md, .html, .docx or .pdf files to read"),
        (
            lambda d: (d / "mixed.txt").write_bytes("重庆市巴南区".encode() + b"\xff\xfe" + "推行网格治理。".encode("gbk"))
            and d / "mixed.txt",
            "{d}/mixed.txt: line 1 is not text in UTF-8, GBK/GB18030 or Big5; "
            "convert the file to UTF-8 first, e.g. iconv -f GBK -t UTF-8",
        ),
        (
            lambda d: (d / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") and d / "photo.txt",
            "{d}/photo.txt: looks like a binary file, not text",
        ),
        (
            # A page whose article is loaded by JavaScript: nothing to read in the file itself.
            lambda d: (d / "app.html").write_text(
                "<html><head><script src='app.js'></script></head><body><div id='app'></div></body></html>",
                encoding="utf-8",
            ) and d / "app.html",
            "{d}/app.html: no article text found in this HTML page",
        ),
        (lambda d: (d / "blank.txt").write_text("  \n\n", encoding="utf-8") and d / "blank.txt", "{d}/blank.txt: file is empty"),
    ],
    ids=["missing", "empty-folder", "undecodable", "binary", "html-without-article", "blank"],
)
def test_bad_input_leaves_the_store_as_it_was(runner, tmp_path, example_store, make_input, message):
    store = tmp_path / "store"
    shutil.copytree(example_store, store)
    before = store_snapshot(store)
    bad = make_input(tmp_path)
    result = runner.invoke(main, ["build", str(EXAMPLES), str(bad), "--store", str(store)])
    assert result.exit_code == 1
    message = message.format(d=tmp_path)
    if bad.is_file():  # a file that cannot be read is listed with every other one, before any work
        message = ("1 of 4 files cannot be read; nothing was built (--skip-unreadable builds the others):\n  "
                   + message.replace(f"{bad}: ", f"{bad}: ", 1))
    assert result.output == f"Error: {message}\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert store_snapshot(store) == before


def test_build_refuses_a_folder_that_is_not_a_store(runner, tmp_path):
    other = tmp_path / "papers"
    other.mkdir()
    (other / "notes.md").write_text("mine", encoding="utf-8")
    result = runner.invoke(main, ["build", str(EXAMPLES), "--store", str(other)])
    assert result.exit_code == 1
    assert result.output == f"Error: {other}: folder is not empty and is not a govkg store; choose another --store\n"
    assert (other / "notes.md").read_text(encoding="utf-8") == "mine"


def test_query_adoptions_columns_and_rows(runner, example_store):
    result = runner.invoke(main, ["query", "adoptions", "--store", str(example_store), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert list(rows[0]) == ["doc", "place", "place_level", "code", "district", "city", "province", "mechanism", "evidence",
                             "date", "self_claim", "planned"]
    found = {(r["doc"], r["place"], r["place_level"], r["mechanism"]) for r in rows}
    assert ("tongxi-grid-governance.txt", "桐溪区", "district", "四清单一目录") in found
    assert ("yangchuan-two-cases.txt", "白鹭村", "village", "四议两公开") in found
    assert ("zhuxi-newspaper-columns.txt", "梅林街道", "street", "党建联席会议制度") in found
    # Every row names the units its place lies in, the place itself included.
    units = {(r["place"], r["district"], r["city"], r["province"]) for r in rows}
    assert ("桐溪区", "桐溪区", "岚州市", "云梦省") in units
    assert ("梅林街道", "竹溪区", "岚州市", "云梦省") in units  # its province from another document
    assert ("白鹭村", "青石县", "漾川市", "湖安省") in units  # a county for the district column


def test_query_list_names_every_query(runner):
    result = runner.invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert {"adoptions", "outcomes", "mechanisms", "places", "trace"} <= set(names)


def test_query_with_hostile_parameter_matches_nothing(runner, example_store):
    before = store_snapshot(example_store)
    result = runner.invoke(
        main,
        ["query", "trace", "--store", str(example_store), "--param", 'mechanism=x" } DROP ALL ; {', "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
    assert store_snapshot(example_store) == before


@pytest.mark.parametrize(
    "query, message",
    [
        ("adoptoins", "unknown query 'adoptoins'; did you mean adoptions, co-adoption? (govkg query --list shows them all)"),
        ("SELECT ?x WHERE { ?x ", "malformed SPARQL: error at 1:22: expected one of"),
        ("DROP ALL", "SPARQL Update (INSERT, DELETE, DROP, LOAD, CLEAR ...) is not allowed: govkg query only reads"),
        ("nowhere.rq", "nowhere.rq: no such query file"),
    ],
    ids=["unknown-name", "malformed", "update", "missing-file"],
)
def test_bad_queries(runner, example_store, query, message):
    before = store_snapshot(example_store)
    result = runner.invoke(main, ["query", query, "--store", str(example_store)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}")
    assert len(result.output.strip().splitlines()) == 1
    assert store_snapshot(example_store) == before


def test_query_on_missing_store(runner, tmp_path):
    result = runner.invoke(main, ["query", "adoptions", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'none'}: no store here; build one first with: govkg build PATH --store {tmp_path / 'none'}\n"
    )


@pytest.mark.parametrize("spelling", ["1+3+N", "“1+3+N”", "１＋３＋Ｎ", "“1+3+N”网格力量配备模式"])
def test_trace_by_any_spelling(runner, example_store, spelling):
    result = runner.invoke(main, ["trace", spelling, "--store", str(example_store)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("“1+3+N”网格力量配备模式: used by 2 places")
    assert "桐溪区 (district)  in 岚州市" in result.output
    assert "竹溪区 (district)  in 岚州市" in result.output
    assert "— tongxi-grid-governance.txt" in result.output


def test_trace_unknown_mechanism(runner, example_store):
    result = runner.invoke(main, ["trace", "不存在的机制", "--store", str(example_store)])
    assert result.exit_code == 1
    assert result.output == "Error: no mechanism called '不存在的机制' in this store\n"


def test_validate_reports_conformance(runner, example_store):
    result = runner.invoke(main, ["validate", "--store", str(example_store)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{example_store}: conforms to the govkg shapes\n"


@pytest.mark.parametrize("fmt, suffix", [("turtle", "ttl"), ("trig", "trig"), ("nquads", "nq"), ("jsonld", "jsonld")])
def test_export_then_import_round_trip(runner, tmp_path, example_store, fmt, suffix):
    from rdflib.compare import isomorphic

    from govkg.graph.validate import union_graph

    out = tmp_path / f"graph.{suffix}"
    result = runner.invoke(main, ["export", "--store", str(example_store), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    copy = tmp_path / "copy"
    result = runner.invoke(main, ["import", str(out), "--store", str(copy)])
    assert result.exit_code == 0, result.output
    original = GraphStore(example_store).dataset()
    imported = GraphStore(copy).dataset()
    assert isomorphic(union_graph(original), union_graph(imported))
    if fmt != "turtle":
        assert {str(g.identifier) for g in original.graphs()} == {str(g.identifier) for g in imported.graphs()}


def test_import_of_broken_file_leaves_store(runner, tmp_path, example_store):
    store = tmp_path / "store"
    shutil.copytree(example_store, store)
    before = store_snapshot(store)
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .", encoding="utf-8")
    result = runner.invoke(main, ["import", str(broken), "--store", str(store)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {broken}: not valid turtle:")
    assert store_snapshot(store) == before


def test_view_writes_offline_html(runner, tmp_path, example_store):
    from govkg.graph.views import remote_references

    out = tmp_path / "view.html"
    result = runner.invoke(main, ["view", "--store", str(example_store), "--mechanism", "1+3+N", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert remote_references(page) == []
    assert "vis.Network" in page and '<meta charset="utf-8">' in page.lower()
    # Labels reach the page only as JSON strings inside the script.
    assert '"label": "桐溪区"' in page and '"label": "竹溪区"' in page


def test_view_needs_exactly_one_selection(runner, tmp_path, example_store):
    result = runner.invoke(main, ["view", "--store", str(example_store), "-o", str(tmp_path / "v.html")])
    assert result.exit_code == 2
    assert "choose exactly one of --mechanism M, --place P, --all or --bipartite" in result.output


def test_memory_store_works_for_every_command(runner, tmp_path):
    from govkg.graph import store as store_module

    store_module._memory_store = None
    assert "3 added" in runner.invoke(main, ["build", str(EXAMPLES), "--store", "memory"]).output
    assert runner.invoke(main, ["validate", "--store", "memory"]).output == "memory: conforms to the govkg shapes\n"
    trace = runner.invoke(main, ["trace", "1+3+N", "--store", "memory", "--format", "json"])
    assert {r["place"] for r in json.loads(trace.output)} == {"桐溪区", "竹溪区"}
    for args in (["query", "adoptions"], ["candidates"], ["outcomes"], ["view", "--all", "-o", str(tmp_path / "v.html")],
                 ["export", "--format", "nquads", "-o", str(tmp_path / "g.nq")]):
        result = runner.invoke(main, [*args, "--store", "memory"])
        assert result.exit_code == 0, (args, result.output)
    assert runner.invoke(main, ["import", str(tmp_path / "g.nq"), "--store", "memory"]).exit_code == 0
    assert not (tmp_path / "memory").exists() and not (ROOT / "memory").exists()
    served = runner.invoke(main, ["serve", "--store", "memory"])
    assert served.exit_code == 2 and "serve needs a store on disk" in served.output
    # Notebook users get an rdflib Dataset.
    dataset = store_module.open_store("memory").dataset()
    assert sum(len(g) for g in dataset.graphs()) > 1000
    store_module._memory_store = None
