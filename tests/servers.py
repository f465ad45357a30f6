"""Real SPARQL servers for the tests, on 127.0.0.1 only, each stopped by its fixture whatever
happens; started with a parent-death signal, so that not even a killed test run leaves one."""

from __future__ import annotations

import contextlib
import ctypes
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PR_SET_PDEATHSIG = 1

VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: be killed when the test process ends, however it ends."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def sparql(url: str, query: str, timeout: float = 60) -> list[dict]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=body, headers={
        "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def wait_until_answering(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            sparql(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", timeout=5)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise TimeoutError(f"no server answering at {url}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def running(command: list[str], query_url: str, cwd: Path | None = None, **popen):
    """A server process answering SPARQL at `query_url` for the block, stopped after it."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=_die_with_parent, **popen)
    try:
        wait_until_answering(query_url, process)
        yield process
    finally:
        stop(process)


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph") or "oxigraph"


@contextlib.contextmanager
def oxigraph(folder: Path, union_default_graph: bool = False):
    """Oxigraph's server, writable, on a fresh database: yields its base URL."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    base = f"http://127.0.0.1:{port}"
    with running(command, base + "/query"):
        yield base


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@contextlib.contextmanager
def virtuoso(folder: Path):
    """Debian's Virtuoso 7 on a fresh database (user dba, password dba): yields its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    with running([virtuoso_binary(), "+foreground", "+configfile", "virtuoso.ini"], base + "/sparql", cwd=folder):
        yield base


@contextlib.contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]):
    """A small HTTP server of the test's own on loopback (a thread): yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


JENA_JARS = Path("/usr/share/java")  # Debian's libapache-jena-java (Jena 4.5)
# The jars Jena's ARQ needs besides its own, from the same Debian packages (without the logging
# bridges that the whole folder would bring, which refuse to start together).
JENA_DEPENDENCIES = ("commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
                     "dexx.collection", "gson", "httpclient", "httpcore", "jackson-core", "jackson-databind",
                     "jackson-annotations", "slf4j-api", "slf4j-nop", "caffeine", "guava", "thrift", "protobuf",
                     "jsonld-java")


def jena_installed() -> bool:
    return shutil.which("java") is not None and (JENA_JARS / "jena-arq.jar").exists()


def jena_classpath(folder: Path) -> str:
    """Jena's ARQ with what it needs. Debian's jena-core moved Xerces's classes to `xerces/` but
    left their message files under `org/apache/jena/ext/xerces/`, and its XSD datatypes fail to
    start without them: a jar of those files under the name the classes look for mends it."""
    import zipfile

    helper = folder / "xerces-messages.jar"
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(JENA_JARS / "jena-core.jar") as core, zipfile.ZipFile(helper, "w") as out:
        for name in core.namelist():
            if name.startswith(prefix) and not name.endswith((".class", "/")):
                out.writestr("xerces/" + name[len(prefix):], core.read(name))
    jars = sorted(str(j) for j in JENA_JARS.glob("jena-*-[0-9]*.jar"))
    jars += [str(JENA_JARS / f"{name}.jar") for name in JENA_DEPENDENCIES]
    return ":".join([*jars, str(helper)])


@contextlib.contextmanager
def jena_arq(dump: Path, folder: Path):
    """Jena's SPARQL engine (ARQ) over an N-Quads or TriG file, behind a SPARQL protocol endpoint
    of the test's own (Fuseki is not packaged for Debian): each query runs `arq.sparql` on the
    file in a process of its own, stopped with the test. Yields the query URL."""
    classpath = jena_classpath(folder)

    class Arq(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", 0))
            query = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))["query"][0]
            with tempfile.NamedTemporaryFile("w", suffix=".rq", dir=folder, encoding="utf-8", delete=False) as file:
                file.write(query)
            done = subprocess.run(["java", "-cp", classpath, "arq.sparql", "--data", str(dump), "--query", file.name,
                                   "--results", "JSON"], capture_output=True, timeout=300, preexec_fn=_die_with_parent)
            status, kind = (200, "application/sparql-results+json") if done.returncode == 0 else (400, "text/plain")
            body = done.stdout if done.returncode == 0 else done.stderr
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http_server(Arq) as base:
        yield base + "/query"
