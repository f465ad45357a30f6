"""A real Oxigraph server on loopback: govkg serve, and govkg push to a Graph Store endpoint."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.graph.remote import oxigraph_binary

COUNT_IN_GRAPHS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sparql(port: int, query: str) -> list[dict]:
    url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read() if process.stderr else ''}")
        try:
            sparql(port, "SELECT * WHERE { } LIMIT 1")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise TimeoutError(f"no server on port {port}")


def start(command: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(port, process)
    except Exception:
        process.kill()
        raise
    return process


@pytest.fixture
def oxigraph_server(tmp_path):
    port = free_port()
    process = start([oxigraph_binary(), "serve", "--location", str(tmp_path / "server-db"),
                     "--bind", f"127.0.0.1:{port}", "--union-default-graph"], port)
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_push_then_push_again_never_doubles(oxigraph_server, example_store):
    from govkg.queries import bind_parameters, named_queries

    port = oxigraph_server
    endpoint = f"http://127.0.0.1:{port}/store"
    runner = CliRunner()
    first = runner.invoke(main, ["push", "--store", str(example_store), "--endpoint", endpoint])
    assert first.exit_code == 0, first.output
    graphs, triples = map(int, re.fullmatch(rf"{re.escape(endpoint)}: (\d+) graphs, (\d+) triples pushed\n", first.output).groups())
    assert graphs == 6  # three documents, the places, the vocabulary and the store's own, each a named graph
    count = int(sparql(port, COUNT_IN_GRAPHS)[0]["n"])
    assert count == triples
    second = runner.invoke(main, ["push", "--store", str(example_store), "--endpoint", endpoint])
    assert second.output == first.output
    assert int(sparql(port, COUNT_IN_GRAPHS)[0]["n"]) == count
    # Over HTTP the server answers govkg's own trace query as the local store does.
    rows = sparql(port, bind_parameters(named_queries()["trace"].sparql, {"mechanism": "1+3+N"}))
    assert {(r["place"], r["city"]) for r in rows} == {("桐溪区", "岚州市"), ("竹溪区", "岚州市")}


def test_push_to_nowhere_is_one_line(example_store):
    port = free_port()
    result = CliRunner().invoke(main, ["push", "--store", str(example_store), "--endpoint", f"http://127.0.0.1:{port}/store"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: http://127.0.0.1:{port}/store: cannot reach the server (")
    assert len(result.output.splitlines()) == 1


def test_push_refused_by_the_server(oxigraph_server, example_store):
    endpoint = f"http://127.0.0.1:{oxigraph_server}/no-such-path"
    result = CliRunner().invoke(main, ["push", "--store", str(example_store), "--endpoint", endpoint])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {endpoint}: the server refused graph ")


def test_serve_answers_queries_and_refuses_updates(example_store):
    port = free_port()
    govkg = str(Path(sys.executable).with_name("govkg"))
    process = start([govkg, "serve", "--store", str(example_store), "--port", str(port)], port)
    try:
        rows = sparql(port, "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a gk:Adoption }")
        assert int(rows[0]["n"]) == 13
        update = urllib.request.Request(
            f"http://127.0.0.1:{port}/update", data=b"DROP ALL", method="POST",
            headers={"Content-Type": "application/sparql-update"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(update, timeout=10)
        assert int(sparql(port, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]) > 1000
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_push_with_a_login_answers_the_servers_challenge(example_store):
    """A small Graph Store endpoint on loopback that wants Basic credentials, as Fuseki does."""
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):  # noqa: N802 (http.server's naming)
            expected = "Basic " + base64.b64encode(b"admin:s3cret").decode()
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="govkg-test"')
                self.end_headers()
                return
            received.append((self.path, len(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/ds/data"
        denied = CliRunner().invoke(main, ["push", "--store", str(example_store), "--endpoint", endpoint])
        assert denied.exit_code == 1 and "(HTTP 401" in denied.output
        result = CliRunner().invoke(
            main, ["push", "--store", str(example_store), "--endpoint", endpoint, "--user", "admin"],
            env={"GOVKG_PASSWORD": "s3cret"},
        )
        assert result.exit_code == 0, result.output
        assert len(received) == 6 and all(path.startswith("/ds/data?graph=https%3A%2F%2Fw3id.org") for path, _ in received)
    finally:
        server.shutdown()
