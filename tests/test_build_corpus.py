"""Builds at corpus scale that never lose a document: names by relative path, remove and sync,
status, the remembered thesaurus, unreadable files listed at once, mixed encodings, Word and PDF
files, writers taking turns and builds stopped by signals, all with real files and processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.graph.derive import COMPLETES
from govkg.graph.lock import writing
from govkg.graph.store import open_store
from govkg.ontology import CANDIDATES_GRAPH, PLACES_GRAPH

from .conftest import EXAMPLES, assert_told_to_add_a_main_guard

GOVKG = [sys.executable, "-m", "govkg.cli"]
ARTICLE = "桐溪区推行“红色物业”，覆盖小区{n}个。\n竹溪区推行积分制管理。\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def documents(store) -> list[str]:
    result = run("query", "documents", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    return [row["doc"] for row in json.loads(result.output)]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def test_same_file_names_in_two_folders_are_two_documents(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "2021" / "report.txt", ARTICLE.format(n=10))
    write(corpus / "2022" / "report.txt", ARTICLE.format(n=20))
    result = run("build", corpus, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert documents(tmp_path / "store") == ["2021/report.txt", "2022/report.txt"]
    # A file given alone is known by its file name.
    result = run("build", corpus / "2021" / "report.txt", "--store", tmp_path / "alone")
    assert documents(tmp_path / "alone") == ["report.txt"]


def test_remove_takes_a_document_out_and_refuses_unknown_names(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", ARTICLE.format(n=10))
    write(corpus / "b.txt", "芦花镇推行“四议两公开”工作法。\n")
    store = tmp_path / "store"
    assert run("build", corpus, "--store", store).exit_code == 0
    result = run("remove", "b.txt", "nothing.txt", "--store", store)
    assert result.exit_code == 1
    assert result.output == f"Error: {store}: no document called nothing.txt in this store (govkg query documents lists them)\n"
    assert documents(store) == ["a.txt", "b.txt"]
    result = run("remove", "b.txt", "--store", store)
    assert result.exit_code == 0, result.output
    assert documents(store) == ["a.txt"]
    places = json.loads(run("query", "places", "--store", store, "--format", "json").output)
    assert "芦花镇" not in {row["place"] for row in places}  # the places graph is derived again


def test_sync_removes_the_documents_whose_files_are_gone(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", ARTICLE.format(n=10))
    write(corpus / "b.txt", ARTICLE.format(n=20))
    store = tmp_path / "store"
    assert run("build", corpus, "--store", store).exit_code == 0
    (corpus / "b.txt").unlink()
    result = run("build", corpus, "--store", store)
    assert documents(store) == ["a.txt", "b.txt"]  # without --sync a gone file keeps its facts
    result = run("build", corpus, "--store", store, "--sync")
    assert result.exit_code == 0, result.output
    assert "0 added, 0 changed, 1 unchanged, 1 removed, 0 skipped documents" in result.output
    assert documents(store) == ["a.txt"]


def test_status_says_what_the_store_holds(tmp_path):
    store = tmp_path / "store"
    assert run("build", EXAMPLES, "--store", store).exit_code == 0
    result = run("status", "--store", store)
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.output.splitlines())
    assert lines["documents"].strip() == "3"
    assert int(lines["quads"]) > 1000
    assert "extra files: none" in lines["thesaurus"]
    assert lines["last build"].strip().startswith("20")
    assert lines["size on disk"].strip().endswith("MB")
    missing = run("status", "--store", tmp_path / "none")
    assert missing.exit_code == 1
    assert missing.output == f"Error: {tmp_path / 'none'}: no store here; build one first with: govkg build PATH --store {tmp_path / 'none'}\n"


EXTRA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix m: <https://w3id.org/govkg/mechanism/> .
@prefix cat: <https://w3id.org/govkg/category/> .
m:lotus-lamp a skos:Concept ; skos:inScheme m:scheme ; skos:prefLabel "荷灯议事"@zh, "lotus-lamp council"@en ;
    skos:definition "A council invented for this test."@en ; gk:category cat:deliberation .
"""


def test_the_store_remembers_its_extra_thesaurus(tmp_path):
    corpus = write(tmp_path / "corpus" / "a.txt", "桐溪区推行荷灯议事，居民参与。\n").parent
    thesaurus = write(tmp_path / "mine.ttl", EXTRA)
    store = tmp_path / "store"

    def mechanisms() -> set[str]:
        rows = json.loads(run("query", "adoptions", "--store", store, "--format", "json").output)
        return {row["mechanism"] for row in rows}

    assert run("build", corpus, "--store", store, "--thesaurus", thesaurus).exit_code == 0
    assert "荷灯议事" in mechanisms()
    thesaurus.unlink()  # the store has its own copy
    write(corpus / "b.txt", "竹溪区推行荷灯议事。\n")
    again = run("build", corpus, "--store", store)
    assert again.exit_code == 0, again.output
    assert f"using the extra thesaurus kept in the store: {tmp_path / 'mine.ttl'}" in again.output
    assert "1 added, 0 changed, 1 unchanged" in again.output  # same thesaurus: nothing redone
    assert "荷灯议事" in mechanisms()
    assert str(tmp_path / "mine.ttl") in run("status", "--store", store).output
    dropped = run("build", corpus, "--store", store, "--no-extra-thesaurus")
    assert dropped.exit_code == 0, dropped.output
    assert "0 added, 2 changed" in dropped.output  # another thesaurus: every file redone
    assert "荷灯议事" not in mechanisms()


def test_unreadable_files_are_listed_at_once_before_anything_is_built(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "good.txt", ARTICLE.format(n=10))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    store = tmp_path / "store"
    result = run("build", corpus, "--store", store)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: 3 of 4 files cannot be read; nothing was built (--skip-unreadable builds the others):"
    assert sorted(line.split(":")[0].strip() for line in lines[1:]) == sorted(
        str(corpus / n) for n in ("binary.txt", "empty.txt", "scan.pdf"))
    assert f"  {corpus / 'empty.txt'}: file is empty" in lines
    assert not store.exists()
    result = run("build", corpus, "--store", store, "--skip-unreadable")
    assert result.exit_code == 0, result.output
    assert "1 added, 0 changed, 0 unchanged, 0 removed, 3 skipped documents" in result.output
    assert f"skipped {corpus / 'empty.txt'}: file is empty" in result.output
    assert documents(store) == ["good.txt"]


def test_a_text_mixing_encodings_is_read_line_by_line(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("桐溪区推行“红色物业”。\n".encode("gbk") * 3 + "竹溪区推行积分制管理。\n".encode())
    result = run("text", path)
    assert result.exit_code == 0, result.output
    assert "桐溪区推行“红色物业”。\n" * 3 + "竹溪区推行积分制管理。" in result.output
    assert "mixed (GB18030, UTF-8)" in result.output
    path.write_bytes("桐溪区推行“红色物业”。\n".encode("gbk") + b"\xff\xfe\xfa\xff\n")
    result = run("text", path)
    assert result.exit_code == 1
    assert result.output == (f"Error: {path}: line 2 is not text in UTF-8, GBK/GB18030 or Big5; "
                             "convert the file to UTF-8 first, e.g. iconv -f GBK -t UTF-8\n")


def test_word_files_are_read(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("岚州市桐溪区：治理新路")
    document.add_paragraph("桐溪区推行“红色物业”，覆盖小区120个。")
    path = tmp_path / "report.docx"
    document.save(path)
    store = tmp_path / "store"
    assert run("build", path, "--store", store).exit_code == 0
    rows = json.loads(run("query", "adoptions", "--store", store, "--format", "json").output)
    assert {(r["doc"], r["place"], r["mechanism"]) for r in rows} == {("report.docx", "桐溪区", "红色物业")}


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium makes the PDF")
def test_pdf_text_layers_are_read_and_scans_refused(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><head><meta charset="utf-8"></head><body><p>桐溪区推行“红色物业”，覆盖小区120个。</p>'
                    "</body></html>", encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", str(page)],
                   check=True, capture_output=True, timeout=120)
    result = run("text", pdf)
    assert result.exit_code == 0, result.output
    # The font's Kangxi radicals (⾏) read as the characters texts are matched in (行).
    assert "桐溪区推行“红色物业”，覆盖小区120个。" in result.output
    # A page with no text: what a scan looks like to a PDF reader.
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body></body></html>", encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-pdf-header-footer", f"--print-to-pdf={scan}", str(blank)],
                   check=True, capture_output=True, timeout=120)
    result = run("text", scan)
    assert result.exit_code == 1
    assert result.output == f"Error: {scan}: this PDF has no text layer (a scan?); govkg reads text, not images\n"


# ---- real processes --------------------------------------------------------------------------------


def corpus_of(folder: Path, count: int, prefix: str) -> Path:
    for n in range(count):
        write(folder / f"{prefix}-{n:03d}.txt", ARTICLE.format(n=n + 1) * 3)
    return folder


def lock_held(store: Path) -> bool:
    """Whether a writer has taken the store's lock: it writes its process id into the lock file
    once it holds it (looked at without touching the lock itself)."""
    from govkg.graph.lock import lock_path

    try:
        return bool(lock_path(store).read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return False


def marked_env(mark: str) -> dict:
    # A mark in the environment of the build and of every worker it spawns, to find them all;
    # faulthandler, to see where they are if one does not end (see `ended`).
    return {**os.environ, "GOVKG_TEST_MARK": mark, "PYTHONFAULTHANDLER": "1"}


def processes_marked(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"GOVKG_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def ended(process: subprocess.Popen, mark: str, timeout: float) -> tuple[str, str]:
    """The output of a process started with `marked_env(mark)` once it ends; if it has not ended
    after `timeout` seconds, the test fails with the Python stacks of it and of its workers."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        for pid in processes_marked(mark):
            os.kill(pid, signal.SIGABRT)  # faulthandler prints every thread's stack on it
        _, err = process.communicate(timeout=30)
        pytest.fail(f"still running after {timeout} s; where its processes were:\n{err}")


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_concurrent_builds_take_turns_and_lose_no_document(tmp_path):
    first = corpus_of(tmp_path / "first", 40, "f")
    second = corpus_of(tmp_path / "second", 40, "s")
    store = tmp_path / "store"
    mark = uuid.uuid4().hex

    def start(folder):
        return subprocess.Popen([*GOVKG, "build", str(folder), "--store", str(store), "--workers", "2"],
                                env=marked_env(mark), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    # The second starts once the first holds the lock: started together, a fast first build
    # could be done before the second reaches the lock, and then neither waits.
    builds = [start(first)]
    try:
        deadline = time.monotonic() + 120
        while not lock_held(store) and builds[0].poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        builds.append(start(second))
        outputs = [ended(b, mark, timeout=600) for b in builds]
    finally:
        for b in builds:
            b.kill()
    assert [b.returncode for b in builds] == [0, 0], outputs
    assert any("waiting for process" in err for _, err in outputs)  # one waited, and said so
    names = documents(store)
    assert len(names) == 80 and {n[0] for n in names} == {"f", "s"}
    assert processes_marked(mark) == []


def test_no_wait_names_the_writer(tmp_path):
    corpus = corpus_of(tmp_path / "corpus", 1, "a")
    store = tmp_path / "store"
    with writing(store, command="govkg build (this test)"):
        done = subprocess.run([*GOVKG, "build", str(corpus), "--store", str(store), "--no-wait"],
                              capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr == (f"Error: {store}: being written by process {os.getpid()} (govkg build (this test)); "
                           "try again when it is done, or leave out --no-wait to wait\n")
    assert not store.exists()


@pytest.mark.parametrize("how, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -9)])
def test_a_build_stopped_part_way_leaves_the_previous_store(tmp_path, how, code):
    store = tmp_path / "store"
    assert run("build", EXAMPLES, "--store", store).exit_code == 0
    before = documents(store)
    corpus = corpus_of(tmp_path / "big", 120, "b")
    mark = uuid.uuid4().hex
    build = subprocess.Popen([*GOVKG, "build", str(corpus), str(EXAMPLES), "--store", str(store), "--workers", "2"],
                             env=marked_env(mark), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Stopped while extracting: its copy of the store exists, its workers (and their resource
        # tracker) run.
        wait_for(lambda: any(tmp_path.glob(".store.building-*")) and len(processes_marked(mark)) >= 4)
        build.send_signal(how)
        _, err = ended(build, mark, timeout=120)
    finally:
        build.kill()
    assert build.returncode == code
    if how == signal.SIGTERM:
        assert err == "Stopped (SIGTERM): nothing was changed.\n"
    if how == signal.SIGINT:
        assert err.endswith("Stopped (Ctrl-C): nothing was changed.\n")
    assert documents(store) == before
    wait_for(lambda: processes_marked(mark) == [], timeout=30)  # no worker outlives its build
    # The next build cleans up what a killed one left, and works.
    again = run("build", EXAMPLES, "--store", store)
    assert again.exit_code == 0, again.output
    assert not list(tmp_path.glob(".store.building-*"))


def _all_but_the_store_graph(path: Path) -> set[str]:
    """Every quad of the store at `path` but those of the store graph (its time of last build)."""
    from govkg.graph.build import STORE_GRAPH
    from govkg.graph.store import open_store

    with open_store(path).reading() as store:
        return {str(q) for q in store if q.graph_name.value != STORE_GRAPH}


def test_a_new_document_completes_the_places_of_documents_built_before(tmp_path):
    from govkg.graph.build import build
    from govkg.graph.rdf import document_graph_iri, place_iri
    from govkg.graph.store import open_store

    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", "竹溪区推行积分制管理，覆盖小区3个。\n")  # 竹溪区 named alone, as in every f*.txt
    for n in range(5):
        write(corpus / f"f{n}.txt", ARTICLE.format(n=n + 1))
    store = tmp_path / "store"
    build([corpus], store)
    # b.txt gives 竹溪区 a city, then d.txt gives that city a province: the earlier files follow,
    # as they do when everything is built afresh.
    for name, text in (("b.txt", "岚州市竹溪区推行“红色物业”。\n"), ("d.txt", "浙江省岚州市推行积分制管理。\n")):
        write(corpus / name, text)
        report = build([corpus], store)
        assert report.added == [name] and "a.txt" in report.unchanged
        fresh = tmp_path / f"fresh-{name}"
        build([corpus], fresh)
        assert _all_but_the_store_graph(store) == _all_but_the_store_graph(fresh)
    full = ox.NamedNode(place_iri(("浙江省", "岚州市", "竹溪区")))
    with open_store(store).reading() as oxigraph:
        assert next(oxigraph.quads_for_pattern(None, None, full, ox.NamedNode(document_graph_iri("a.txt"))), None)


def test_a_place_named_by_old_and_new_documents_is_joined_in_both_as_in_a_fresh_build(tmp_path):
    from govkg.graph.build import build

    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", "竹溪区青石街道推行积分制管理。\n")  # named alone, no city known yet
    for n in range(5):
        write(corpus / f"f{n}.txt", "漾川市北塘区推行积分制管理。\n")
    store = tmp_path / "store"
    build([corpus], store)
    # A new file names the same 竹溪区 > 青石街道, and another gives 竹溪区 its city.
    write(corpus / "b.txt", "竹溪区青石街道推行“红色物业”。\n")
    write(corpus / "c.txt", "岚州市竹溪区推行积分制管理。\n")
    report = build([corpus], store)
    assert report.added == ["b.txt", "c.txt"] and "a.txt" in report.unchanged
    fresh = tmp_path / "fresh"
    build([corpus], fresh)
    assert _all_but_the_store_graph(store) == _all_but_the_store_graph(fresh)


def _graph(path: Path, graph_iri: str, derived: bool = False) -> set[str]:
    """The quads of one named graph of the store at `path`, or (`derived`) of that graph as
    derive_graphs makes it from every document graph, in a transaction that is then abandoned
    (the store is not changed)."""
    from govkg.graph.derive import derive_graphs
    from govkg.graph.store import open_store
    from govkg.ontology.gazetteer import Gazetteer

    class Abandoned(Exception):
        pass

    graph = ox.NamedNode(graph_iri)
    if not derived:
        with open_store(path).reading() as store:
            return {str(q) for q in store.quads_for_pattern(None, None, None, graph)}
    try:
        with open_store(path).transaction() as draft:
            derive_graphs(draft.store, Gazetteer.load())
            made = {str(q) for q in draft.store.quads_for_pattern(None, None, None, graph)}
            raise Abandoned
    except Abandoned:
        return made


def test_an_incremental_build_updates_the_candidates_graph_as_derived_from_every_document(tmp_path):
    from govkg.graph.build import build

    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", "岚州市桐溪区柳岸街道建立“一核多元”共治机制，居民议事有了平台。\n")
    write(corpus / "b.txt", "竹溪区芦花镇建立“一核多元”共治机制。\n")
    write(corpus / "c.txt", "竹溪区探索“五线谱”工作法。\n")
    for n in range(5):
        write(corpus / f"f{n}.txt", ARTICLE.format(n=n + 1))
    store = tmp_path / "store"
    build([corpus], store)
    before = _graph(store, CANDIDATES_GRAPH)
    assert before == _graph(store, CANDIDATES_GRAPH, derived=True)
    assert any("%E4%B8%80%E6%A0%B8%E5%A4%9A%E5%85%83" in q for q in before)  # 一核多元
    # a.txt now proposes the other concept, b.txt (the last to propose 一核多元) is gone, e.txt is new.
    write(corpus / "a.txt", "岚州市桐溪区柳岸街道探索“五线谱”工作法。\n")
    (corpus / "b.txt").unlink()
    write(corpus / "e.txt", "竹溪区探索“五线谱”工作法，群众满意。\n")
    report = build([corpus], store, sync=[corpus])
    assert (report.added, report.replaced, report.removed, len(report.unchanged)) == (["e.txt"], ["a.txt"], ["b.txt"], 6)
    after = _graph(store, CANDIDATES_GRAPH)
    assert after == _graph(store, CANDIDATES_GRAPH, derived=True) != before
    assert not any("%E4%B8%80%E6%A0%B8%E5%A4%9A%E5%85%83" in q for q in after)
    fresh = tmp_path / "fresh"
    build([corpus], fresh)
    assert _graph(fresh, CANDIDATES_GRAPH) == after


# Python may handle a signal between a lock's acquire and the `with` body that releases it; here
# that moment is made certain: Ctrl-C arrives just as a queue's put has taken its lock.
SIGNAL_INSIDE_A_PUT = """
import signal, sys, threading
from govkg.extract.model import SourceDocument
from govkg.extract.pipeline import pipe_in_workers
from govkg.ontology import load_thesaurus

puts = []

def enter_then_interrupt(self, _enter=threading.Condition.__enter__):
    held = _enter(self)
    caller = sys._getframe(1).f_code
    if caller.co_name == "put" and "multiprocessing" in caller.co_filename:
        puts.append(1)
        if len(puts) == 5:  # the thesaurus for each worker, then documents to running workers
            signal.raise_signal(signal.SIGINT)
    return held

if __name__ == "__main__":
    thesaurus = load_thesaurus()
    sources = [SourceDocument(f"d{n}.txt", "岚州市竹溪区推行红色物业。", str(n)) for n in range(40)]
    threading.Condition.__enter__ = enter_then_interrupt
    for facts in pipe_in_workers(thesaurus, sources, 2):
        pass
"""


def test_ctrl_c_while_documents_are_handed_to_workers_ends_the_process(tmp_path):
    script = tmp_path / "stopped.py"
    script.write_text(SIGNAL_INSIDE_A_PUT, encoding="utf-8")
    mark = uuid.uuid4().hex
    process = subprocess.Popen([sys.executable, str(script)], env=marked_env(mark), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _, err = ended(process, mark, timeout=120)  # a lock left taken: it waited at exit for ever
    finally:
        process.kill()
    assert process.returncode == -signal.SIGINT, err
    assert err.rstrip().endswith("KeyboardInterrupt"), err
    wait_for(lambda: processes_marked(mark) == [], timeout=30)


def test_a_small_rebuild_updates_the_places_graph_as_a_fresh_build_would(tmp_path):
    corpus = tmp_path / "corpus"
    for n in range(4):
        write(corpus / f"a{n}.txt", ARTICLE.format(n=n + 1))
    write(corpus / "a3.txt", "芦花镇白石村推行积分制管理。\n")
    store = tmp_path / "store"
    assert run("build", corpus, "--store", store).exit_code == 0
    write(corpus / "a3.txt", "芦花镇青松村推行积分制管理。\n")  # one file changed: the places graph is patched
    again = run("build", corpus, "--store", store)
    assert "0 added, 1 changed, 3 unchanged" in again.output
    fresh = tmp_path / "fresh"
    assert run("build", corpus, "--store", fresh).exit_code == 0

    def places(path):
        return json.loads(run("query", "places", "--store", path, "--format", "json").output)

    assert places(store) == places(fresh)
    assert "白石村" not in {row["place"] for row in places(store)}


# Each edit of a 10-article corpus (file -> new text, None to delete the file), built again with
# --sync: the places graph patched by the small rebuild must equal that of a fresh build.
PLACE_EDITS = {
    "a village replaced by another": {"p3.txt": "岚州市芦花镇青松村推行积分制管理。\n"},
    "a town only this file named goes": {"p4.txt": "岚州市桐溪区推行积分制管理。\n"},
    "a file deleted, its places named elsewhere stay": {"p0.txt": None},
    "a file deleted, its own village and town go": {"p5.txt": None},
    "a new file with a new county": {"p10.txt": "湖安省青石县柳岸镇推行“红色物业”。\n"},
    "two edits and a deletion": {"p1.txt": "岚州市松岗区白沙街道推行积分制管理。\n", "p2.txt": None,
                                 "p6.txt": "漾川市南湖区推行“红色物业”。\n"},
}


@pytest.mark.parametrize("edit", PLACE_EDITS.values(), ids=PLACE_EDITS.keys())
def test_a_patched_places_graph_equals_a_fresh_one(tmp_path, edit):
    from govkg.graph.build import build

    corpus = tmp_path / "corpus"
    for n in range(10):
        write(corpus / f"p{n}.txt", ARTICLE.format(n=n + 1))
    write(corpus / "p3.txt", "岚州市芦花镇白石村推行积分制管理。\n")
    write(corpus / "p4.txt", "岚州市桐溪区柳岸镇推行积分制管理。\n")
    # The other files' 竹溪区, named alone, are completed from this path (see rdf.place_resolver),
    # and no longer once this file is gone.
    write(corpus / "p5.txt", "漾川市竹溪区杏林镇东坡村推行积分制管理。\n")
    store = tmp_path / "store"
    build([corpus], store)
    for name, text in edit.items():
        if text is None:
            (corpus / name).unlink()
        else:
            write(corpus / name, text)
    report = build([corpus], store, sync=[corpus])
    assert len(report.unchanged) >= 7  # small enough to be patched, not derived again
    fresh = tmp_path / "fresh"
    build([corpus], fresh)
    assert _graph(store, PLACES_GRAPH) == _graph(fresh, PLACES_GRAPH)


# A corpus whose places a build describes as it loads the documents: a.txt's 竹溪区 > 芦花镇 is
# joined to the 岚州市 > 竹溪区 the other files give, a path no file names in full.
JOINED_CORPUS = {
    "a.txt": "竹溪区芦花镇推行“红色物业”。竹溪区推行积分制管理。\n",
    "b.txt": "岚州市竹溪区推行积分制管理。\n",
    "c.txt": "岚州市竹溪区梅林街道青松社区推行“红色物业”，覆盖小区12个。\n",
    "d.txt": "浙江省杭州市西湖区推行“红色物业”。\n",
}


@pytest.mark.parametrize("recent", [100_000, 1], ids=["remembered", "forgotten and described again"])
def test_places_described_while_loading_equal_those_derived_from_every_document(tmp_path, monkeypatch, recent):
    from govkg.graph import derive
    from govkg.graph.build import build

    monkeypatch.setattr(derive, "RECENT_PLACES", recent)
    corpus = tmp_path / "corpus"
    for name, text in JOINED_CORPUS.items():
        write(corpus / name, text)
    store = tmp_path / "store"
    build([corpus], store)
    described = _graph(store, PLACES_GRAPH)
    assert any("%E6%A2%85%E6%9E%97%E8%A1%97%E9%81%93" in q for q in described)  # 梅林街道
    assert described == _graph(store, PLACES_GRAPH, derived=True)
    # Every document extracted again (another thesaurus): the places graph is made again the same way.
    report = build([corpus], store, thesaurus_files=(str(write(tmp_path / "mine.ttl", EXTRA)),))
    assert len(report.replaced) == len(JOINED_CORPUS)
    assert _graph(store, PLACES_GRAPH) == described == _graph(store, PLACES_GRAPH, derived=True)
    # A few documents changed: the places graph is patched, still as if made from every document.
    write(corpus / "e.txt", "竹溪区推行荷灯议事。\n")
    (corpus / "c.txt").unlink()
    report = build([corpus], store, sync=[corpus])
    assert report.added == ["e.txt"] and report.removed == ["c.txt"]
    assert _graph(store, PLACES_GRAPH) == _graph(store, PLACES_GRAPH, derived=True) != described


# Joins in a fresh build: 青石街道 inside a 竹溪区 named alone follows 竹溪区 to 岚州市; 松岭区, which
# two files put in two cities, stays alone, as does the 芦花镇 inside it.
FRESH_JOINS = {
    "a.txt": "竹溪区青石街道推行“红色物业”。松岭区芦花镇推行积分制管理。\n",
    "b.txt": "岚州市竹溪区推行积分制管理。\n",
    "c.txt": "岚州市松岭区推行“红色物业”。\n",
    "d.txt": "漾川市松岭区推行积分制管理。\n",
}


def test_a_fresh_build_joins_from_its_places_graph_as_from_the_paths_themselves(tmp_path, monkeypatch):
    from govkg.graph import build as build_module
    from govkg.graph.rdf import document_graph_iri, place_iri

    corpus = tmp_path / "corpus"
    for name, text in FRESH_JOINS.items():
        write(corpus / name, text)
    build_module.build([corpus], tmp_path / "heads")
    with open_store(tmp_path / "heads").reading() as oxigraph:
        def named_in_a(path):
            node = ox.NamedNode(place_iri(path))
            return any(q.predicate != COMPLETES
                       for q in oxigraph.quads_for_pattern(None, None, node, ox.NamedNode(document_graph_iri("a.txt"))))

        assert named_in_a(("岚州市", "竹溪区", "青石街道")) and not named_in_a(("竹溪区", "青石街道"))
        assert named_in_a(("松岭区", "芦花镇"))
    # The same build keeping every path the documents name, as an incremental one does.
    real = build_module._NewPlaces
    monkeypatch.setattr(build_module, "_NewPlaces", lambda keep_paths: real(keep_paths=True))
    build_module.build([corpus], tmp_path / "paths")
    assert _all_but_the_store_graph(tmp_path / "heads") == _all_but_the_store_graph(tmp_path / "paths")


def test_documents_loaded_in_many_background_batches_make_the_same_store(tmp_path, monkeypatch):
    from govkg.graph import build as build_module
    from govkg.graph import derive

    corpus = tmp_path / "corpus"
    for name, text in JOINED_CORPUS.items():
        write(corpus / name, text)
    corpus_of(corpus, 6, "z")
    build_module.build([corpus], tmp_path / "one")
    # A batch every few quads, and every place forgotten as soon as described: described again,
    # in the same quads, while the batch that described it may still be loading.
    monkeypatch.setattr(build_module, "BATCH_QUADS", 20)
    monkeypatch.setattr(derive, "RECENT_PLACES", 1)
    loads = []
    real_load = build_module._BackgroundLoader.load
    monkeypatch.setattr(build_module._BackgroundLoader, "load",
                        lambda self, batch, done: (loads.append(batch.count), real_load(self, batch, done))[1])
    report = build_module.build([corpus], tmp_path / "many")
    assert len(loads) > 10 and len(report.added) == len(JOINED_CORPUS) + 6
    assert _all_but_the_store_graph(tmp_path / "many") == _all_but_the_store_graph(tmp_path / "one")


def test_a_failed_background_load_stops_the_build_and_leaves_the_store(tmp_path, monkeypatch):
    import threading

    from govkg.graph import build as build_module

    store = tmp_path / "store"
    assert run("build", EXAMPLES, "--store", store).exit_code == 0
    before = _all_but_the_store_graph(store)
    monkeypatch.setattr(build_module, "BATCH_QUADS", 20)
    # What the loading thread is given cannot be parsed: its error comes out of build().
    monkeypatch.setattr(build_module.ox, "serialize", lambda quads, format: b"<not n-quads")
    threads = threading.active_count()
    with pytest.raises(SyntaxError):
        build_module.build([corpus_of(tmp_path / "corpus", 5, "f")], store)
    assert threading.active_count() == threads  # the loading thread is gone
    assert _all_but_the_store_graph(store) == before


def test_a_script_that_builds_with_workers_without_a_main_guard_is_told_so(tmp_path):
    corpus = corpus_of(tmp_path / "corpus", 40, "g")
    script = tmp_path / "no_guard.py"
    script.write_text(
        "from govkg.graph.build import build\n"
        f"build([{str(corpus)!r}], {str(tmp_path / 'store')!r}, workers=2)\n",
        encoding="utf-8",
    )
    # Once both waited for ever: the workers, importing the script again, for the store's lock,
    # which the script held while it waited for them.
    assert_told_to_add_a_main_guard(script)
    assert not (tmp_path / "store").exists()


def _store_graph_but_its_time(path: Path) -> set[str]:
    from govkg.graph.build import STORE_GRAPH

    return {q for q in _graph(path, STORE_GRAPH) if "lastBuild" not in q}


def test_the_store_graph_a_build_patches_is_the_one_a_fresh_build_writes(tmp_path):
    from govkg.graph.build import build

    first, second = tmp_path / "first", tmp_path / "second"
    for n in range(3):
        write(first / f"a{n}.txt", ARTICLE.format(n=n))
        write(second / f"sub/b{n}.txt", ARTICLE.format(n=10 + n))
    thesaurus = str(write(tmp_path / "mine.ttl", EXTRA))
    store = tmp_path / "store"
    build([first, second], store, thesaurus_files=(thesaurus,))
    # One file changed, one gone (synced), one moved from the second folder to the first.
    write(first / "a0.txt", ARTICLE.format(n=99))
    (second / "sub" / "b1.txt").unlink()
    write(first / "sub/b2.txt", (second / "sub" / "b2.txt").read_text(encoding="utf-8"))
    (second / "sub" / "b2.txt").unlink()
    report = build([first, second], store, sync=[first, second])  # the kept thesaurus, again
    assert (report.removed, report.thesaurus_kept) == (["sub/b1.txt"], [thesaurus])
    fresh = tmp_path / "fresh"
    build([first, second], fresh, thesaurus_files=(thesaurus,))
    written = _store_graph_but_its_time(store)
    assert written == _store_graph_but_its_time(fresh)
    assert sum("sourceFolder" in q for q in written) == 5 and sum(str(first.resolve()) in q for q in written) == 4
    # Dropping the extra thesaurus takes its file out of the store graph, as a fresh build leaves it out.
    build([first, second], store, thesaurus_files=())
    build([first, second], fresh := tmp_path / "fresh-without", thesaurus_files=())
    assert _store_graph_but_its_time(store) == _store_graph_but_its_time(fresh)
    assert not any("extraThesaurus" in q for q in _store_graph_but_its_time(store))


def test_an_incremental_build_says_how_many_quads_it_loaded_without_counting_the_store(tmp_path):
    from govkg.graph.derive import referenced_in
    from govkg.graph.rdf import document_graph_iri, place_iri, place_path

    corpus = tmp_path / "corpus"
    for n in range(5):  # one changed of five: an incremental build (under half changed)
        write(corpus / f"a{n}.txt", ARTICLE.format(n=n))
    store = tmp_path / "store"
    fresh = run("build", corpus, "--store", store)
    assert fresh.exit_code == 0, fresh.output
    with open_store(store).reading() as oxigraph:
        count = len(oxigraph)
    assert f"5 added, 0 changed, 0 unchanged, 0 removed, 0 skipped documents; {count} quads in the store;" in fresh.output
    # A sentence naming no place: what was loaded is the document's own graph and the
    # descriptions of the places it refers to (described again, which the store holds once).
    write(corpus / "a1.txt", ARTICLE.format(n=1) + "这项工作得到群众好评。\n")
    again = run("build", corpus, "--store", store)
    assert again.exit_code == 0, again.output
    graph = ox.NamedNode(document_graph_iri("a1.txt"))
    with open_store(store).reading() as oxigraph:
        own = len(list(oxigraph.quads_for_pattern(None, None, None, graph)))
        paths = [place_path(iri) for iri in referenced_in(oxigraph, graph)]
        described = {place_iri(path[:depth]) for path in paths for depth in range(1, len(path) + 1)}
        descriptions = sum(len(list(oxigraph.quads_for_pattern(ox.NamedNode(iri), None, None, ox.NamedNode(PLACES_GRAPH))))
                           for iri in described)
        assert len(oxigraph) == count
    assert own > 10 and descriptions > 0
    assert f"0 added, 1 changed, 4 unchanged, 0 removed, 0 skipped documents; {own + descriptions} quads loaded;" in again.output


class _RecordingStore:
    """An Oxigraph store that records the calls QuadWriter makes (ox.Store's methods cannot be
    patched), passing them on."""

    def __init__(self):
        self.store = ox.Store()
        self.calls: list[str] = []

    def add(self, quad):
        self.calls.append("add")
        self.store.add(quad)

    def remove(self, quad):
        self.calls.append("remove")
        self.store.remove(quad)

    def flush(self):
        self.calls.append("flush")


def test_single_quad_writes_are_flushed_every_so_many_and_at_the_end(monkeypatch):
    from govkg.graph import store as store_module

    monkeypatch.setattr(store_module, "FLUSH_EVERY", 3)
    recording = _RecordingStore()
    quads = [ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                     ox.Literal(f"第{i}个"), ox.NamedNode("http://example.org/g")) for i in range(7)]
    with store_module.QuadWriter(recording) as writer:
        for quad in quads:
            writer.add(quad)
        writer.remove(quads[0])
    assert recording.calls == ["add"] * 3 + ["flush"] + ["add"] * 3 + ["flush"] + ["add", "remove", "flush"]
    assert set(recording.store) == set(quads[1:])
    # Nothing written since the last flush: none more at the end.
    recording.calls.clear()
    with store_module.QuadWriter(recording) as writer:
        for quad in quads[1:4]:
            writer.remove(quad)
    assert recording.calls == ["remove"] * 3 + ["flush"]


def test_a_build_of_many_documents_compacts_the_store_before_its_joins_and_a_small_rebuild_does_not(tmp_path, monkeypatch):
    from govkg.graph import build as build_module

    corpus = tmp_path / "corpus"
    for name, text in FRESH_JOINS.items():
        write(corpus / name, text)
    events = []
    real_join, real_compact = build_module._join_places, build_module._compact
    monkeypatch.setattr(build_module, "_join_places", lambda *a, **k: (events.append("joins"), real_join(*a, **k))[1])
    monkeypatch.setattr(build_module, "_compact", lambda store: (events.append("compact"), real_compact(store))[1])
    plain = build_module.build([corpus], tmp_path / "plain")
    assert events == ["joins"] and "compact" not in plain.timings  # 4 documents, under COMPACT_FROM
    monkeypatch.setattr(build_module, "COMPACT_FROM", 2)
    events.clear()
    compacted = build_module.build([corpus], tmp_path / "compacted")
    assert events == ["compact", "joins"] and "compact" in compacted.timings
    assert _all_but_the_store_graph(tmp_path / "compacted") == _all_but_the_store_graph(tmp_path / "plain")
    # One changed document is fewer than COMPACT_FROM (2 here): the rebuild does not compact.
    write(corpus / "a.txt", FRESH_JOINS["a.txt"] + "竹溪区推行荷灯议事。\n")
    events.clear()
    again = build_module.build([corpus], tmp_path / "compacted")
    assert again.replaced == ["a.txt"] and events == ["joins"]


# Paths whose names have one parent chain (梅林街道 in 竹溪区 in 岚州市, also met as 竹溪区 >
# 梅林街道), two that conflict (松岭区 in 岚州市 and in 漾川市, 芦花镇 in each), or chains of the
# same length that differ (青石社区).
DESCRIBED_PATHS = [
    ("岚州市", "竹溪区", "梅林街道"), ("竹溪区", "梅林街道"), ("岚州市", "松岭区", "芦花镇"),
    ("漾川市", "松岭区", "芦花镇"), ("梅林街道", "青石社区"), ("芦花镇", "青石社区"), ("竹溪区",),
]


@pytest.mark.parametrize("order", [1, -1], ids=["in order", "reversed"])
def test_the_parents_a_build_remembers_resolve_as_those_the_places_graph_gives(order):
    from govkg.graph.derive import PlaceDescriptions, described_parents
    from govkg.graph.rdf import place_iri, place_resolver

    places = PlaceDescriptions(None)
    store = ox.Store()
    store.bulk_extend(list(places.quads(place_iri(path) for path in DESCRIBED_PATHS[::order])))
    names = {name for path in DESCRIBED_PATHS for name in path}

    def resolved(stored_parents):
        resolve = place_resolver((), official=lambda name: False, stored_parents=stored_parents)
        return {name: resolve((name,)) for name in sorted(names)}

    from_memory = resolved(places.parents_of)
    assert from_memory == resolved(lambda name: described_parents(store, name))
    assert from_memory["梅林街道"] == ("岚州市", "竹溪区", "梅林街道")
    assert from_memory["芦花镇"] == ("芦花镇",) and from_memory["青石社区"] == ("青石社区",)


def test_a_fresh_build_joins_without_looking_up_names_in_the_store(tmp_path, monkeypatch):
    from govkg.graph import build as build_module

    corpus = tmp_path / "corpus"
    for name, text in FRESH_JOINS.items():
        write(corpus / name, text)
    build_module.build([corpus], tmp_path / "looked-up")

    def refused(store, name):
        raise AssertionError(f"looked up {name} in the store")

    monkeypatch.setattr(build_module, "described_parents", refused)
    build_module.build([corpus], tmp_path / "remembered")
    assert _all_but_the_store_graph(tmp_path / "remembered") == _all_but_the_store_graph(tmp_path / "looked-up")
    # An incremental build reads them of the store, which holds places it did not describe.
    write(corpus / "e.txt", "竹溪区推行荷灯议事。\n")
    with pytest.raises(AssertionError, match="looked up"):
        build_module.build([corpus], tmp_path / "remembered")


# q.txt names 竹溪区 > 梅林社区 without a city, and is completed from the 岚州市 > 竹溪区 of p.txt. Each
# edit (file -> new text, None to delete it) changes, or not, what the other documents give 竹溪区:
# a rebuild with --sync makes the store a fresh build makes, taking back to what they named and
# completing again the documents (those listed) whose completion may change, and only those.
COMPLETING = {"p.txt": "岚州市竹溪区推行“红色物业”。\n", "q.txt": "竹溪区梅林社区开展“吹哨报到”。\n"}
COMPLETING_FILLERS = {f"f{n}.txt": f"白沙镇第{n}村推行积分制管理，开展志愿服务。\n" for n in range(6)}
OTHER_CITY = "澄州市竹溪区推行“双报到”。\n"
COMPLETION_EDITS = {
    "the only document giving the city removed": ({}, {"p.txt": None}, ["q.txt"]),
    "its city changed": ({}, {"p.txt": OTHER_CITY}, ["q.txt"]),
    "a second city given": ({}, {"r.txt": OTHER_CITY}, ["q.txt"]),
    "the second city gone": ({"r.txt": OTHER_CITY}, {"r.txt": None}, []),
    "one of three cities gone": ({"r.txt": OTHER_CITY, "s.txt": "沅州市竹溪区推行积分制管理。\n"}, {"p.txt": None}, []),
    "one of two cities given again": ({"r.txt": OTHER_CITY}, {"s.txt": "岚州市竹溪区推行积分制管理。\n"}, []),
    "the giving document edited, its places kept": ({}, {"p.txt": "岚州市竹溪区推行“红色物业”。开展志愿服务。\n"}, []),
    "one of two giving documents removed": ({"s.txt": "岚州市竹溪区推行积分制管理。\n"}, {"p.txt": None}, []),
    "the completed document edited": ({}, {"q.txt": "竹溪区梅林社区开展“吹哨报到”。开展志愿服务。\n"}, []),
    "one of two completed documents edited": ({"u.txt": "竹溪区梅林社区推行积分制管理。\n"},
                                              {"q.txt": "竹溪区梅林社区开展“吹哨报到”。开展志愿服务。\n"}, []),
    "a completion of a completion undone": ({"t.txt": "梅林社区推行积分制管理。\n"}, {"p.txt": None}, ["q.txt", "t.txt"]),
}


@pytest.mark.parametrize("before, edit, completed_again", COMPLETION_EDITS.values(), ids=COMPLETION_EDITS.keys())
def test_a_rebuild_completes_places_as_a_fresh_build_when_the_documents_giving_parents_change(tmp_path, before, edit,
                                                                                              completed_again):
    from govkg.graph.build import build

    corpus = tmp_path / "corpus"
    for name, text in {**COMPLETING_FILLERS, **COMPLETING, **before}.items():
        write(corpus / name, text)
    store = tmp_path / "store"
    build([corpus], store)
    for name, text in edit.items():
        if text is None:
            (corpus / name).unlink()
        else:
            write(corpus / name, text)
    report = build([corpus], store, sync=[corpus])
    assert report.completed_again == completed_again
    assert len(report.unchanged) >= 6  # patched, not built again
    fresh = tmp_path / "fresh"
    build([corpus], fresh)
    assert _all_but_the_store_graph(store) == _all_but_the_store_graph(fresh)


def test_a_completed_place_says_in_its_document_what_the_document_named(tmp_path):
    from govkg.graph.rdf import document_graph_iri, place_iri

    corpus = tmp_path / "corpus"
    for name, text in COMPLETING_FILLERS.items():
        write(corpus / name, text)
    write(corpus / "p.txt", "岚州市竹溪区推行“红色物业”。竹溪区开展志愿服务。\n")  # both paths: nothing to say
    write(corpus / "q.txt", COMPLETING["q.txt"])
    store = tmp_path / "store"
    assert run("build", corpus, "--store", store).exit_code == 0
    with open_store(store).reading() as oxigraph:
        def completions(name):
            graph = ox.NamedNode(document_graph_iri(name))
            return sorted((q.subject.value, q.object.value) for q in oxigraph.quads_for_pattern(None, COMPLETES, None, graph))

        assert completions("q.txt") == sorted([
            (place_iri(("岚州市", "竹溪区")), place_iri(("竹溪区",))),
            (place_iri(("岚州市", "竹溪区", "梅林社区")), place_iri(("竹溪区", "梅林社区"))),
        ])
        assert completions("p.txt") == []


def test_a_document_remembers_each_path_it_named_that_joins_completed():
    from govkg.graph.build import _note_completion, _undo_completions
    from govkg.graph.derive import named_paths_in
    from govkg.graph.rdf import document_graph_iri, place_iri
    from govkg.graph.store import QuadWriter
    from govkg.ontology import GK

    store = ox.Store()
    graph = ox.NamedNode(document_graph_iri("a.txt"))
    place = ox.NamedNode(GK + "place")
    full, town = ("岚州市", "竹溪区", "芦花镇"), ("岚州市", "竹溪区")
    named = [("竹溪区", "芦花镇"), ("芦花镇",)]  # two paths the joins complete to the same one
    for n, path in enumerate([*named, town]):  # the document names 岚州市 > 竹溪区 itself
        store.add(ox.Quad(ox.NamedNode(f"urn:example:mention{n}"), place, ox.NamedNode(place_iri(path)), graph))

    def join(old, new):
        old, new = ox.NamedNode(place_iri(old)), ox.NamedNode(place_iri(new))
        with QuadWriter(store) as writer:
            _note_completion(store, writer, graph, old, new)
            for quad in [q for q in store.quads_for_pattern(None, place, old, graph)]:
                writer.remove(quad)
                writer.add(ox.Quad(quad.subject, place, new, graph))

    for path in named:
        join(path, full)
    join(("竹溪区",), town)  # named alone too: the longer path the document names says it all
    completions = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, COMPLETES, None, graph)}
    assert completions == {(place_iri(full), place_iri(path)) for path in named}
    assert named_paths_in(store, graph) == {*named, town}
    # Completed once more (岚州市 given a province): still the paths the document named.
    join(full, ("浙江省", *full))
    completions = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, COMPLETES, None, graph)}
    assert completions == {(place_iri(("浙江省", *full)), place_iri(path)) for path in named}
    assert named_paths_in(store, graph) == {*named, town}
    # Undone (as govkg remove does), the references go back to the longer path named.
    assert _undo_completions(store, {graph.value}) == [(graph.value, place_iri(("浙江省", *full)), place_iri(named[0]))]
    assert not list(store.quads_for_pattern(None, COMPLETES, None, graph))
    assert sorted(q.object.value for q in store.quads_for_pattern(None, place, None, graph)) == sorted(
        [place_iri(named[0])] * 2 + [place_iri(town)])


REMOVALS = {
    "the document giving the city": ({"t.txt": "梅林社区推行积分制管理。\n"}, "p.txt"),
    "the document giving a second city": ({"r.txt": OTHER_CITY}, "r.txt"),
    "a document with nothing to do with it": ({}, "f0.txt"),
}


@pytest.mark.parametrize("before, removed", REMOVALS.values(), ids=REMOVALS.keys())
def test_removing_a_document_completes_the_others_as_a_fresh_build_of_them_does(tmp_path, before, removed):
    corpus = tmp_path / "corpus"
    for name, text in {**COMPLETING_FILLERS, **COMPLETING, **before}.items():
        write(corpus / name, text)
    store = tmp_path / "store"
    assert run("build", corpus, "--store", store).exit_code == 0
    result = run("remove", removed, "--store", store)
    assert result.exit_code == 0, result.output
    (corpus / removed).unlink()
    fresh = tmp_path / "fresh"
    assert run("build", corpus, "--store", fresh).exit_code == 0
    assert _all_but_the_store_graph(store) == _all_but_the_store_graph(fresh)
