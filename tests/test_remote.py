"""Pushing to and querying real SPARQL servers: Oxigraph's server (without a union default
graph) and Debian's Virtuoso 7, both on 127.0.0.1, started and stopped by the fixtures.

After any sequence of pushes the server holds exactly the store's quads under the push's graph
prefix; every named query answers there as it does on the store. Virtuoso's known differences
(documented in the README) are the only ones allowed: GROUP_CONCAT over nothing is "" there
and unbound here, booleans it computes come back as 1 and 0, and rows that tie in ORDER BY
come in another order."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.graph.remote import GRAPH_BASE, SparqlEndpoint, graph_sizes
from tests.servers import (
    free_port,
    http_server,
    jena_arq,
    jena_installed,
    oxigraph,
    virtuoso,
    virtuoso_binary,
)

GOVKG = str(Path(sys.executable).with_name("govkg"))
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"

# A value for each parameter of the named queries, from the invented example corpus.
PARAMETERS = {
    "candidates": {"min_confidence": "0.5"},
    "compare": {"place_a": "桐溪区", "place_b": "竹溪区"},
    "evidence": {"place": "桐溪区", "mechanism": "1+3+N"},
    "mechanisms-of": {"place": "岚州市"},
    "outcomes-of": {"mechanism": "双报到"},
    "trace": {"mechanism": "1+3+N"},
}


class Server:
    """A running server: where to push, where to query, the login, the name for messages."""

    def __init__(self, name: str, store_url: str, query_url: str, login: tuple[str, str] | None = None):
        self.name, self.store_url, self.query_url, self.login = name, store_url, query_url, login

    def push_args(self, store: Path, *extra: str) -> list[str]:
        args = ["push", "--store", str(store), "--endpoint", self.store_url, "--query-endpoint", self.query_url, *extra]
        return args + (["--user", self.login[0]] if self.login else [])

    @property
    def env(self) -> dict:
        return {"GOVKG_PASSWORD": self.login[1]} if self.login else {}

    def quads(self, prefix: str = GRAPH_BASE) -> set[tuple[str, str, str, str]]:
        """Every quad the server holds in graphs under the prefix, terms in N-Triples form."""
        _, rows = SparqlEndpoint(self.query_url).query(
            f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), {ox.Literal(prefix)})) }}")
        return {(str(r["g"]), str(r["s"]), str(r["p"]), _canonical(r["o"])) for r in rows}


BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _canonical(term) -> str:
    """A term in N-Triples form, a boolean in its canonical lexical form (Virtuoso keeps true as
    "1", which xsd:boolean allows: the same value)."""
    if isinstance(term, ox.Literal) and term.datatype.value == BOOLEAN:
        return str(ox.Literal(term.value in ("true", "1")))
    return str(term)


def store_quads(store: Path, prefix: str = GRAPH_BASE) -> set[tuple[str, str, str, str]]:
    """The store's quads as the server should hold them (graph names under `prefix`)."""
    def name(term):  # the graphs' own names, wherever they are mentioned, go under the prefix
        if isinstance(term, ox.NamedNode) and term.value.startswith(GRAPH_BASE):
            return str(ox.NamedNode(prefix + term.value.removeprefix(GRAPH_BASE)))
        return str(term)
    database = ox.Store.read_only(str(store))
    return {(name(q.graph_name), name(q.subject), str(q.predicate), name(q.object)) for q in database}


def push(server: Server, store: Path, *extra: str):
    result = CliRunner().invoke(main, server.push_args(store, *extra), env=server.env)
    assert result.exit_code == 0, result.output
    return result.output


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def shapes_conform(server: Server, tmp_path: Path, prefix: str = GRAPH_BASE) -> None:
    """Dump what the server holds under the prefix, load it into a new store, validate it."""
    held = server.quads(prefix)
    assert held
    dump_file = tmp_path / "remote-dump.nq"
    dump_file.write_text("".join(f"{s} {p} {o} {g} .\n" for g, s, p, o in sorted(held)), encoding="utf-8")
    check = tmp_path / "checked-store"
    subprocess.run([GOVKG, "import", str(dump_file), "--store", str(check)], check=True, capture_output=True)
    validated = subprocess.run([GOVKG, "validate", "--store", str(check)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """Oxigraph's server without a union default graph: the named queries must not need one."""
    with oxigraph(tmp_path_factory.mktemp("oxigraph-db")) as base:
        yield Server("oxigraph", base + "/store", base + "/query")


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory):
    if virtuoso_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is not installed (.ci/run installs virtuoso-opensource)")
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    with virtuoso(tmp_path_factory.mktemp("virtuoso-db")) as base:
        yield Server("virtuoso", base + "/sparql-graph-crud-auth", base + "/sparql", login=("dba", "dba"))


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request):
    """Each server, emptied of what earlier tests pushed."""
    server = request.getfixturevalue(f"{request.param}_server")
    endpoint = SparqlEndpoint(server.query_url, server.store_url, user=server.login and server.login[0],
                              password=server.login and server.login[1])
    for prefix in (GRAPH_BASE, "urn:govkg:"):
        for graph in graph_sizes(endpoint, prefix):
            endpoint.delete_graph(graph)
    return server


@pytest.fixture(scope="module")
def three_stores(tmp_path_factory):
    """The example store, the same with one document removed, and a store of other texts."""
    folder = tmp_path_factory.mktemp("stores")
    full = folder / "full"
    subprocess.run([GOVKG, "build", str(EXAMPLES), "--store", str(full), "--quiet"], check=True)
    smaller = copy_store(full, folder / "smaller")
    subprocess.run([GOVKG, "remove", "zhuxi-newspaper-columns.txt", "--store", str(smaller)], check=True, capture_output=True)
    other_texts = folder / "other-texts"
    other_texts.mkdir()
    (other_texts / "qingshi-county.txt").write_text(
        "湖安省漾川市青石县芦花镇白鹭村推行“四议两公开”工作法。\n青石县全面推行积分制管理，建立红色物业联盟。\n",
        encoding="utf-8")
    other = folder / "other"
    subprocess.run([GOVKG, "build", str(other_texts), "--store", str(other), "--quiet"], check=True)
    return full, smaller, other


def test_a_push_mirrors_the_store_through_any_sequence(server, three_stores, tmp_path):
    full, smaller, other = three_stores
    for store in (full, smaller, full, other, smaller):
        push(server, store)
        assert server.quads() == store_quads(store), f"{server.name} after pushing {store.name}"
    shapes_conform(server, tmp_path)


def test_a_push_says_what_it_changed_and_a_dry_run_changes_nothing(server, three_stores):
    full, smaller, _ = three_stores
    push(server, full)
    before = server.quads()
    dry = CliRunner().invoke(main, server.push_args(smaller, "--dry-run"), env=server.env)
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    removed_graph = GRAPH_BASE + "doc/zhuxi-newspaper-columns.txt"
    assert [line for line in lines if line.startswith("delete ")] == [
        f"delete   {removed_graph} ({sum(1 for q in before if q[0] == f'<{removed_graph}>')} triples)"]
    assert not [line for line in lines if line.startswith("add ")]
    assert lines[-1] == f"{server.store_url}: would add 0, replace 5 and delete 1 graphs (dry run: nothing changed)"
    assert server.quads() == before
    output = push(server, smaller)
    assert output == f"{server.store_url}: 0 graphs added, 5 replaced, 1 deleted; {len(store_quads(smaller))} triples pushed\n"


def test_two_stores_in_one_server_under_two_prefixes(server, three_stores, tmp_path):
    full, _, other = three_stores
    push(server, full)
    push(server, other, "--graph-prefix", "urn:govkg:survey-b:")
    push(server, full, "--graph-prefix", "urn:govkg:survey-a:")
    assert server.quads("urn:govkg:survey-a:") == store_quads(full, "urn:govkg:survey-a:")
    assert server.quads("urn:govkg:survey-b:") == store_quads(other, "urn:govkg:survey-b:")
    assert server.quads() == store_quads(full)  # the unprefixed push is left alone
    shapes_conform(server, tmp_path, "urn:govkg:survey-b:")


def _rows(args: list[str], env: dict | None = None) -> Counter:
    result = CliRunner().invoke(main, args + ["--format", "json"], env=env or {})
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    return Counter(tuple(None if v == "" else v for v in row.values()) for row in rows)


def test_every_named_query_answers_on_the_server_as_on_the_store(server, three_stores):
    from govkg.queries import named_queries

    full, _, _ = three_stores
    push(server, full)
    login = ["--user", server.login[0]] if server.login else []
    answered = 0
    for name in named_queries():
        params = [arg for key, value in PARAMETERS.get(name, {}).items() for arg in ("--param", f"{key}={value}")]
        local = _rows(["query", name, "--store", str(full), *params])
        remote = _rows(["query", name, "--endpoint", server.query_url, *login, *params], server.env)
        assert remote == local, f"{name} on {server.name}"
        answered += bool(local)
    assert answered == len(named_queries()) - 1  # the example corpus has no candidates


def test_every_named_query_answers_on_jena_as_on_the_store(three_stores, tmp_path):
    """Jena's own SPARQL engine (ARQ, Debian's Jena 4.5) over the store's N-Quads export: the
    named queries need no union default graph there either."""
    from govkg.queries import named_queries

    if not jena_installed():
        if os.environ.get("CI"):
            pytest.fail("Jena is not installed (.ci/run installs libapache-jena-java and a Java runtime)")
        pytest.skip("Jena is not installed (apt-get install libapache-jena-java default-jre-headless)")
    full, _, _ = three_stores
    dump = tmp_path / "full.nq"
    assert CliRunner().invoke(main, ["export", "--store", str(full), "-o", str(dump)]).exit_code == 0
    answered = 0
    with jena_arq(dump, tmp_path) as url:
        for name in named_queries():
            params = [arg for key, value in PARAMETERS.get(name, {}).items() for arg in ("--param", f"{key}={value}")]
            local = _rows(["query", name, "--store", str(full), *params])
            assert _rows(["query", name, "--endpoint", url, *params]) == local, f"{name} on Jena"
            answered += bool(local)
    assert answered == len(named_queries()) - 1  # the example corpus has no candidates


def test_server_errors_are_one_line_with_the_servers_message(three_stores):
    """A server that refuses with an HTML page (as a proxy or Tomcat does) and one that is not there."""
    full, _, _ = three_stores

    class Refusing(BaseHTTPRequestHandler):
        def _refuse(self):
            body = (b"<html><head><title>403 Forbidden</title><style>p{}</style></head><body><h1>Forbidden</h1>"
                    b"<p>You don&#39;t have permission to write to this dataset.</p></body></html>")
            self.send_response(403)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _refuse  # noqa: N815 (http.server's naming)

        def log_message(self, *args):
            pass

    with http_server(Refusing) as base:
        result = CliRunner().invoke(main, ["push", "--store", str(full), "--endpoint", base + "/ds/data"])
        assert result.exit_code == 1
        assert result.output == (f"Error: {base}/ds/query: the server refused the query (HTTP 403: "
                                 "Forbidden You don't have permission to write to this dataset.)\n")
    nowhere = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(main, ["push", "--store", str(full), "--endpoint", nowhere])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {nowhere.replace('/store', '/query')}: cannot reach the server (")
    assert len(result.output.splitlines()) == 1


def test_push_with_a_login_answers_the_servers_challenge(three_stores):
    """A Graph Store endpoint on loopback that wants Basic credentials, as Fuseki does."""
    full, _, _ = three_stores
    received = []
    expected = "Basic " + base64.b64encode(b"admin:s3cret").decode()

    class Handler(BaseHTTPRequestHandler):
        def _challenge(self) -> bool:
            if self.headers.get("Authorization") == expected:
                return False
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="govkg-test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True

        def do_POST(self):  # noqa: N802 (the query listing the server's graphs: none yet)
            self.rfile.read(int(self.headers["Content-Length"]))
            if self._challenge():
                return
            body = b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self._challenge():
                return
            received.append((self.path, len(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    with http_server(Handler) as base:
        endpoint = base + "/ds/data"
        denied = CliRunner().invoke(main, ["push", "--store", str(full), "--endpoint", endpoint])
        assert denied.exit_code == 1 and "(HTTP 401" in denied.output
        result = CliRunner().invoke(main, ["push", "--store", str(full), "--endpoint", endpoint, "--user", "admin"],
                                    env={"GOVKG_PASSWORD": "s3cret"})
        assert result.exit_code == 0, result.output
        assert len(received) == 6 and all(path.startswith("/ds/data?graph=https%3A%2F%2Fw3id.org") for path, _ in received)


@pytest.mark.parametrize("args, message", [
    (["--endpoint", "http://127.0.0.1:1/somewhere"],
     "Error: http://127.0.0.1:1/somewhere: cannot tell the server's SPARQL query endpoint; give it with --query-endpoint\n"),
    (["--endpoint", "http://127.0.0.1:1/store", "--graph-prefix", "not an iri"],
     "Error: graph prefix 'not an iri' is not an IRI (e.g. urn:govkg:mystore: or https://example.org/graphs/)\n"),
])
def test_bad_push_options(three_stores, args, message):
    full, _, _ = three_stores
    result = CliRunner().invoke(main, ["push", "--store", str(full), *args])
    assert result.exit_code == 1
    assert result.output == message
