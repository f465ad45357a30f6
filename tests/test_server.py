"""govkg serve as a real process on loopback: answers, refuses, times out, follows rebuilds, and
leaves no process behind however it is stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from govkg.graph.serve import asks_for_service
from tests.servers import free_port, oxigraph, sparql, stop, wait_until_answering

GOVKG = str(Path(sys.executable).with_name("govkg"))
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT_ADOPTIONS = "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a gk:Adoption }"


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def query_workers(pid: int) -> set[int]:
    """The worker processes of a govkg serve (not multiprocessing's resource tracker)."""
    return {p for p in children_of(pid) if b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: set[int], seconds: float = 10) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return {p for p in pids if alive(p)}


class Served:
    def __init__(self, store: Path, *options: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process = subprocess.Popen(
            [GOVKG, "serve", "--store", str(store), "--port", str(self.port), *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def __enter__(self):
        try:
            wait_until_answering(self.url, self.process)
        except Exception:
            stop(self.process)
            raise
        return self

    def __exit__(self, *exc):
        stop(self.process)
        self.process.communicate(timeout=10)


def request(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) of a request, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def query_url(url: str, query: str) -> str:
    return url + "?" + urllib.parse.urlencode({"query": query})


@pytest.fixture
def own_store(tmp_path):
    """A store of the example corpus that a test may rebuild."""
    store = tmp_path / "store"
    subprocess.run([GOVKG, "build", str(EXAMPLES), "--store", str(store), "--quiet"], check=True)
    return store


def test_serve_answers_queries_and_refuses_updates(example_store):
    with Served(example_store) as served:
        assert int(sparql(served.url, COUNT_ADOPTIONS)[0]["n"]) == 13
        status, _, body = request(f"http://127.0.0.1:{served.port}/update", b"DROP ALL",
                                  {"Content-Type": "application/sparql-update"})
        assert status == 403 and b"read-only" in body
        status, _, body = request(served.url, urllib.parse.urlencode({"query": "DROP ALL"}).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 400 and body.startswith(b"malformed SPARQL (or an update")
        assert int(sparql(served.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]) > 1000
        # The result formats a client asks for.
        status, headers, body = request(query_url(served.url, COUNT_ADOPTIONS), headers={"Accept": "text/csv"})
        assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.splitlines() == [b"n", b"13"]
        status, headers, body = request(
            query_url(served.url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"),
            headers={"Accept": "application/n-triples"})
        assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
        assert len(body.decode().strip().splitlines()) == 3


@pytest.mark.parametrize("stop_signal, code", [(signal.SIGTERM, 0), (signal.SIGINT, 0), (signal.SIGKILL, -9)])
def test_no_process_outlives_a_stopped_serve(example_store, stop_signal, code):
    with Served(example_store) as served:
        workers = children_of(served.process.pid)
        assert len(query_workers(served.process.pid)) == 2
        assert all(alive(p) for p in workers)
        served.process.send_signal(stop_signal)
        assert served.process.wait(timeout=15) == code
        assert wait_gone(workers, 10) == set()
        if stop_signal != signal.SIGKILL:
            assert served.process.stderr.read().strip().endswith("govkg serve stopped.")
        # The port is free again: a new server starts on it at once.
        again = subprocess.Popen([GOVKG, "serve", "--store", str(example_store), "--port", str(served.port)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_answering(served.url, again)
        finally:
            stop(again)


def test_a_query_past_the_timeout_is_stopped_and_the_server_goes_on(example_store):
    with Served(example_store, "--timeout", "1") as served:
        started = time.monotonic()
        status, _, body = request(query_url(served.url, CROSS_PRODUCT))
        took = time.monotonic() - started
        assert status == 503, body
        assert body.decode() == "the query was stopped after 1 s (the server's time limit; govkg serve --timeout sets it)"
        assert took < 2.0
        # The stopped worker is replaced: queries are answered again, two at a time.
        assert int(sparql(served.url, COUNT_ADOPTIONS)[0]["n"]) == 13
        deadline = time.monotonic() + 20
        while len(query_workers(served.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert int(sparql(served.url, COUNT_ADOPTIONS)[0]["n"]) == 13


def test_a_busy_core_is_freed_when_the_query_is_stopped(example_store):
    with Served(example_store, "--timeout", "1", "--workers", "1") as served:
        (before,) = query_workers(served.process.pid)
        request(query_url(served.url, CROSS_PRODUCT))
        assert wait_gone({before}, 5) == set()  # the worker that ran it is gone, not computing on


def test_service_is_refused_unless_allowed(example_store, tmp_path):
    with oxigraph(tmp_path / "other") as other:
        urllib.request.urlopen(urllib.request.Request(
            other + "/store?default", data=b'<urn:x:s> <urn:x:p> "from elsewhere" .',
            headers={"Content-Type": "application/n-triples"}, method="POST"), timeout=10).read()
        federated = f"SELECT ?o WHERE {{ SERVICE <{other}/query> {{ ?s ?p ?o }} }}"
        with Served(example_store) as served:
            status, _, body = request(query_url(served.url, federated))
            assert status == 400
            assert body.decode() == ("SERVICE is turned off on this server (it would make the server fetch other "
                                     "URLs); start it with govkg serve --allow-service to allow it")
        with Served(example_store, "--allow-service") as served:
            assert sparql(served.url, federated) == [{"o": "from elsewhere"}]


@pytest.mark.parametrize("query, asks", [
    ("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }", True),
    ("select * where { service silent <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * WHERE {\n  Service\t<http://x/> {} }", True),
    ('SELECT * WHERE { ?s ?p "SERVICE" }', False),
    ("SELECT ?service WHERE { ?service a <http://x/SERVICE> }", False),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o }", False),
    ("SELECT * WHERE { ?s ?p ?o } # SERVICE in a comment", False),
    ('SELECT * WHERE { ?s ?p """a\nSERVICE <http://x/> {}""" }', False),
])
def test_what_counts_as_a_service_clause(query, asks):
    assert asks_for_service(query) is asks


def test_cors_only_for_the_origin_given(example_store):
    with Served(example_store, "--cors", "https://yasgui.example.org") as served:
        url = query_url(served.url, COUNT_ADOPTIONS)
        _, headers, _ = request(url, headers={"Origin": "https://yasgui.example.org"})
        assert headers["Access-Control-Allow-Origin"] == "https://yasgui.example.org"
        _, headers, _ = request(url, headers={"Origin": "https://elsewhere.example.com"})
        assert headers["Access-Control-Allow-Origin"] is None
        status, headers, _ = request(served.url, method="OPTIONS", headers={
            "Origin": "https://yasgui.example.org", "Access-Control-Request-Method": "POST"})
        assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    with Served(example_store) as served:  # no --cors: no header for any page
        _, headers, _ = request(query_url(served.url, COUNT_ADOPTIONS), headers={"Origin": "https://yasgui.example.org"})
        assert headers["Access-Control-Allow-Origin"] is None


def test_after_a_rebuild_the_new_store_is_served(own_store, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    subprocess.run([GOVKG, "build", str(corpus), "--store", str(own_store), "--quiet", "--sync"], check=True)
    with Served(own_store) as served:
        assert int(sparql(served.url, COUNT_ADOPTIONS)[0]["n"]) == 13
        (corpus / "lanzhou-new-article.txt").write_text(
            "岚州市桐溪区柳岸街道推行“四议两公开”工作法，全面推行积分制管理。\n", encoding="utf-8")
        subprocess.run([GOVKG, "build", str(corpus), "--store", str(own_store), "--quiet", "--sync"], check=True)
        assert int(sparql(served.url, COUNT_ADOPTIONS)[0]["n"]) > 13
        os.remove(corpus / "lanzhou-new-article.txt")
        subprocess.run([GOVKG, "build", str(corpus), "--store", str(own_store), "--quiet", "--sync"], check=True)
        assert int(sparql(served.url, COUNT_ADOPTIONS)[0]["n"]) == 13


def test_a_port_in_use_is_one_line(example_store):
    with Served(example_store) as served:
        second = subprocess.run([GOVKG, "serve", "--store", str(example_store), "--port", str(served.port)],
                                capture_output=True, text=True, timeout=30)
    assert second.returncode == 1
    assert second.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{served.port} (")
    assert second.stderr.rstrip().endswith("is another server using it? Choose another with --port")
    assert len(second.stderr.strip().splitlines()) == 1


def test_serve_needs_a_store_on_disk(tmp_path):
    result = subprocess.run([GOVKG, "serve", "--store", str(tmp_path / "nothing")], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr == f"Error: {tmp_path / 'nothing'}: no store here; build one first with: govkg build PATH --store {tmp_path / 'nothing'}\n"


def test_json_results_of_the_served_store_parse(example_store):
    with Served(example_store) as served:
        status, headers, body = request(query_url(served.url, COUNT_ADOPTIONS), headers={"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "13"


# Accept headers and the result format chosen for a SELECT (None: the server answers 406).
ACCEPT_CHOICES = {
    "text/csv": "text/csv",
    "application/sparql-results+xml;q=0.5, text/tab-separated-values": "text/tab-separated-values",
    "text/*": "text/csv",
    "text/csv;q=0, text/*": "text/tab-separated-values",
    "image/*, application/json;q=0.4": "application/json",
    "image/*": None,
    "*/*": "application/sparql-results+json",
    "application/sparql-results+json;q=0, */*": "application/json",
    "image/png, text/csv;q=0": None,
}


@pytest.mark.parametrize("accept, chosen", ACCEPT_CHOICES.items(), ids=ACCEPT_CHOICES.keys())
def test_the_result_format_follows_the_accept_header(accept, chosen):
    from govkg.graph.serve import RESULT_TYPES, _preferred

    assert _preferred(accept, RESULT_TYPES) == chosen
