"""`govkg serve`: the store, read-only, over the SPARQL 1.1 protocol on 127.0.0.1.

Queries run in a small pool of worker processes that each hold the store open read-only, so that
a query past its time limit can be stopped for certain (the process is killed and replaced: an
engine's own timeout only stops a query between results, which a big aggregate never yields) and
nothing outlives the server: the workers are this process's children and end when it does, even
when it is killed. Each worker opens the store again when a build has replaced it. `SERVICE`
(a query asking the server to fetch from other URLs) is refused unless allowed.
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from govkg.errors import StoreError

QUERY_PATH = "/query"
RESULT_TYPES = {  # media type -> pyoxigraph QueryResultsFormat name, for SELECT and ASK
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {  # media type -> pyoxigraph RdfFormat name, for CONSTRUCT and DESCRIBE
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
}


@dataclass(frozen=True)
class ServeOptions:
    port: int = 7878
    timeout: float = 30.0  # seconds a query may run before it is stopped
    allow_service: bool = False
    cors_origin: str | None = None  # an origin such as https://example.org, or * for any
    workers: int = 2


# SPARQL's tokens that can hold the word SERVICE without being the keyword: strings, IRIs,
# comments, variables and prefixed names. What is left are keywords and punctuation.
_NOT_KEYWORDS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*|[?$]\w+|[\w.-]*:[\w.%-]*'
)


def asks_for_service(query: str) -> bool:
    """Whether a query has a SERVICE clause (the keyword itself, not a string or name holding
    the word)."""
    return re.search(r"\bSERVICE\b", _NOT_KEYWORDS.sub(" ", query), re.IGNORECASE) is not None


def _preferred(accept: str, offered: dict[str, str]) -> str | None:
    """The media type of `offered` the Accept header prefers (None when it takes none of them)."""
    if not accept.strip():
        return None
    choices = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        choices.append((-quality, position, media.lower()))
    refused = {media for minus_quality, _, media in choices if minus_quality == 0}  # q=0: "not this one"
    for minus_quality, _, media in sorted(choices):
        if minus_quality == 0:
            continue
        if media in offered:
            return media
        if media.endswith("/*"):
            # A wildcard takes the first type offered that it covers and that is not refused; one
            # covering none of them leaves the next choice to be tried.
            covered = next((m for m in offered if (media == "*/*" or m.startswith(media[:-1])) and m not in refused), None)
            if covered is not None:
                return covered
    return None


def _answer(store, request: dict) -> tuple[int, str, bytes]:
    """Run one query on an open store: (HTTP status, content type, body)."""
    import pyoxigraph as ox

    options = {"use_default_graph_as_union": not request["default_graphs"]}
    if request["default_graphs"]:
        options["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
    if request["named_graphs"]:
        options["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    try:
        results = store.query(request["query"], **options)
        if isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
            media = _preferred(request["accept"], RESULT_TYPES)
            if media is None and request["accept"].strip():
                offered = ", ".join(RESULT_TYPES)
                return 406, "text/plain", f"no result format the Accept header takes; offered: {offered}".encode()
            media = media or "application/sparql-results+json"
            body = results.serialize(format=getattr(ox.QueryResultsFormat, RESULT_TYPES[media]))
        else:
            media = _preferred(request["accept"], GRAPH_TYPES) or "text/turtle"
            body = ox.serialize(results, format=getattr(ox.RdfFormat, GRAPH_TYPES[media]))
    except SyntaxError as exc:
        return 400, "text/plain", f"malformed SPARQL (or an update, which this server refuses): {str(exc).splitlines()[0]}".encode()
    except (OSError, RuntimeError, ValueError) as exc:
        return 500, "text/plain", f"the query failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}".encode()
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else ""
    return 200, media + charset, body


def _store_identity(path: str):
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return (status.st_dev, status.st_ino)


def _open_read_only(path: str):
    import pyoxigraph as ox

    for _ in range(50):  # a build swaps the folder with two renames: wait out the instant between
        identity = _store_identity(path)
        if identity is not None:
            try:
                return ox.Store.read_only(path), identity
            except OSError:
                pass
        time.sleep(0.1)
    raise StoreError(f"{path}: cannot open the store")


def _watch_parent(parent: int) -> None:
    """In a worker: end the process when the server that started it is gone, even mid-query."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def _work(store_path: str, connection, parent: int) -> None:
    """A worker process: queries from `connection` until it closes, answers back."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    store, identity = _open_read_only(store_path)
    connection.send("ready")
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if _store_identity(store_path) not in (identity, None):
            del store  # the store was rebuilt: let the replaced files go and read the new ones
            store, identity = _open_read_only(store_path)
        connection.send(_answer(store, request))


class _Worker:
    def __init__(self, context, store_path: str):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_work, args=(store_path, child, os.getpid()), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> bool:
        return self.connection.poll(seconds) and self.connection.recv() == "ready"

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """Worker processes over one store; only the thread that made the pool starts new ones
    (replacements for stopped workers are asked of it), so that each worker is this process's
    own child for as long as the process lives."""

    def __init__(self, store_path: str, size: int):
        import multiprocessing

        self.store_path = store_path
        self.size = size
        self._context = multiprocessing.get_context("spawn")  # the server's threads make fork unsafe
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.wanted = threading.Event()

    def fill(self) -> None:
        """Start workers until the pool has its size; from the thread that made the pool."""
        self.wanted.clear()
        while True:
            with self._lock:
                if len(self._all) >= self.size:
                    return
            worker = _Worker(self._context, self.store_path)
            if not worker.wait_ready(60):
                worker.stop()
                raise StoreError(f"{self.store_path}: a query worker could not open the store")
            with self._lock:
                self._all.add(worker)
            self._idle.put(worker)

    def run(self, request: dict, timeout: float) -> tuple[int, str, bytes]:
        """Answer a request in a worker, or stop the query once `timeout` seconds have passed."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return 503, "text/plain", f"every query worker stayed busy for {timeout:g} s; try again".encode()
        worker.connection.send(request)
        if worker.connection.poll(max(0.0, deadline - time.monotonic())):
            try:
                answer = worker.connection.recv()
            except (EOFError, OSError):
                answer = None
            if answer is not None:
                self._idle.put(worker)
                return answer
            message = b"the query worker ended unexpectedly"
            status = 500
        else:
            message = (f"the query was stopped after {timeout:g} s (the server's time limit; "
                       f"govkg serve --timeout sets it)").encode()
            status = 503
        self._discard(worker)
        return status, "text/plain", message

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)
        self.wanted.set()

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()


def _handler(pool: WorkerPool, options: ServeOptions):
    class Handler(BaseHTTPRequestHandler):
        server_version = "govkg-serve"
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # one line per request would drown the terminal
            pass

        def _cors_headers(self) -> None:
            origin = self.headers.get("Origin")
            allowed = options.cors_origin
            if allowed and origin and (allowed == "*" or origin == allowed):
                self.send_header("Access-Control-Allow-Origin", "*" if allowed == "*" else origin)
                self.send_header("Vary", "Origin")

        def _reply(self, status: int, content_type: str, body: bytes, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self._cors_headers()
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _text(self, status: int, message: str) -> None:
            self._reply(status, "text/plain; charset=utf-8", message.encode("utf-8"))

        def do_OPTIONS(self):  # noqa: N802 (http.server's naming): a browser's CORS preflight
            self.send_response(204)
            if options.cors_origin:
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
                self.send_header("Access-Control-Max-Age", "600")
            self._cors_headers()
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/":
                self._text(200, f"govkg SPARQL endpoint (read-only): send queries to {QUERY_PATH}?query=...\n")
                return
            if url.path != QUERY_PATH:
                self._text(404, f"no such path; queries go to {QUERY_PATH}")
                return
            self._query(urllib.parse.parse_qs(url.query))

        def do_POST(self):  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if url.path in ("/update", "/store"):
                self._text(403, "this server is read-only: change the store with govkg build, import or remove")
                return
            if url.path != QUERY_PATH:
                self._text(404, f"no such path; queries go to {QUERY_PATH}")
                return
            fields = urllib.parse.parse_qs(url.query)
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if media == "application/x-www-form-urlencoded":
                for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items():
                    fields.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                fields["query"] = [body.decode("utf-8", "replace")]
            else:
                self._text(415, "send the query as application/sparql-query or as a form field 'query'")
                return
            self._query(fields)

        def _query(self, fields: dict[str, list[str]]) -> None:
            if "update" in fields:
                self._text(403, "this server is read-only: SPARQL Update is refused")
                return
            texts = fields.get("query", [])
            if len(texts) != 1:
                self._text(400, "give exactly one 'query' parameter")
                return
            if not options.allow_service and asks_for_service(texts[0]):
                self._text(400, "SERVICE is turned off on this server (it would make the server fetch "
                                "other URLs); start it with govkg serve --allow-service to allow it")
                return
            request = {
                "query": texts[0],
                "accept": self.headers.get("Accept") or "",
                "default_graphs": fields.get("default-graph-uri", []),
                "named_graphs": fields.get("named-graph-uri", []),
            }
            self._reply(*pool.run(request, options.timeout))

    return Handler


class StoreServer:
    """The HTTP server and its worker pool; `serve_forever` in the main thread until stopped."""

    def __init__(self, store_path: str | os.PathLike, options: ServeOptions):
        self.options = options
        self.store_path = str(Path(store_path))
        self.pool = WorkerPool(self.store_path, options.workers)
        try:
            self.http = ThreadingHTTPServer(("127.0.0.1", options.port), _handler(self.pool, options))
        except OSError as exc:
            self.pool.close()
            raise StoreError(f"cannot listen on 127.0.0.1:{options.port} ({exc.strerror or exc}); "
                             f"is another server using it? Choose another with --port") from exc
        self.http.daemon_threads = True
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}{QUERY_PATH}"

    def serve_forever(self, on_ready=None) -> None:
        """Answer queries until `stop` is called or the process is interrupted (Ctrl-C,
        SIGTERM); the workers are stopped whatever ends it."""
        thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        try:
            self.pool.fill()
            thread.start()
            if on_ready is not None:
                on_ready(self)
            while not self._stopping.is_set():
                if self.pool.wanted.wait(0.2):
                    self.pool.fill()
        finally:
            if thread.is_alive():
                self.http.shutdown()
            self.http.server_close()
            self.pool.close()

    def stop(self) -> None:
        self._stopping.set()


def check_servable(store) -> None:
    """Raise the one-line reason why `store` cannot be served, if there is one."""
    from govkg.graph.store import MemoryStore

    if isinstance(store, MemoryStore):
        raise StoreError("serve needs a store on disk: build one with --store FOLDER")
    if not store.exists():
        with store.reading():  # raises the store's own "no store here" error
            pass


def describe(options: ServeOptions) -> str:
    """One line saying what the server does, for the terminal."""
    parts = [f"SPARQL endpoint: http://127.0.0.1:{options.port}{QUERY_PATH} (read-only",
             f"queries stopped after {options.timeout:g} s"]
    parts.append("SERVICE allowed" if options.allow_service else "SERVICE refused")
    if options.cors_origin:
        parts.append(f"CORS for {options.cors_origin}")
    return ", ".join(parts) + "); a rebuilt store is served as soon as it is in place; Ctrl-C stops it"

