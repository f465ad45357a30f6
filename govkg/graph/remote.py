"""Other people's SPARQL servers: asking them queries, and mirroring the store into them.

A push makes the server's govkg graphs equal to the store's: every graph of the store is replaced
whole (HTTP PUT of the SPARQL 1.1 Graph Store protocol), and every govkg graph the server holds
that the store no longer has (a removed document, say) is deleted. Which graphs are govkg's is
told by their names: those that start with the push's graph prefix (by default govkg's own
`https://w3id.org/govkg/id/graph/`). Two stores pushed into one server therefore need two datasets
(Fuseki, GraphDB, one Oxigraph server each) or two graph prefixes (Virtuoso, which has one).
"""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pyoxigraph as ox

from govkg.errors import StoreError
from govkg.ontology import ID

GRAPH_BASE = ID + "graph/"


def _server_message(body: bytes, content_type: str) -> str:
    """The gist of an error page: its text without markup, on one line, not too long."""
    text = body.decode("utf-8", "replace")
    if "html" in content_type or text.lstrip().startswith("<"):
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "")


class _DigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """Digest login sent with every request once the server's challenge is known. Otherwise each
    upload is sent twice, and a server that answers 401 before reading the body (Virtuoso)
    resets the connection part-way."""

    challenge: dict | None = None

    def http_error_401(self, req, fp, code, msg, headers):
        header = headers.get("www-authenticate", "")
        if header.lower().startswith("digest "):
            self.challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[7:]))
        return super().http_error_401(req, fp, code, msg, headers)

    def http_request(self, req):
        if self.challenge and not req.has_header("Authorization"):
            authorization = self.get_authorization(req, self.challenge)
            if authorization:
                req.add_unredirected_header("Authorization", f"Digest {authorization}")
        return req

    https_request = http_request


class SparqlEndpoint:
    """A remote SPARQL server: its query endpoint and, for pushes, its Graph Store endpoint.

    `query` answers as GraphStore.query does, so that the named queries and their parameter
    lookups run on a server unchanged."""

    def __init__(self, query_url: str | None = None, store_url: str | None = None, *,
                 user: str | None = None, password: str | None = None, timeout: float = 120.0):
        self.query_url = query_url
        self.store_url = store_url
        self.timeout = timeout
        handlers = []
        if user is not None:
            # Fuseki and GraphDB answer a login challenge with Basic, Virtuoso with Digest.
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (query_url, store_url):
                if url:
                    passwords.add_password(None, url, user, password or "")
            handlers = [urllib.request.HTTPBasicAuthHandler(passwords), _DigestAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def _send(self, request: urllib.request.Request, what: str) -> tuple[str, bytes]:
        url = request.full_url.split("?")[0]
        try:
            # Twice at most: a server may drop the connection of a request it challenged for a
            # login before reading all of it; the login is then known and sent at once.
            for attempt in (1, 2):
                try:
                    with self._opener.open(request, timeout=self.timeout) as response:
                        return response.headers.get("Content-Type", ""), response.read()
                except (ConnectionResetError, urllib.error.URLError) as exc:
                    if attempt == 2 or not isinstance(getattr(exc, "reason", exc), ConnectionResetError):
                        raise
        except urllib.error.HTTPError as exc:
            message = _server_message(exc.read(), exc.headers.get("Content-Type", "") if exc.headers else "")
            raise StoreError(f"{url}: the server refused {what} (HTTP {exc.code}"
                             f"{': ' + message if message else ''})") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{url}: cannot reach the server ({reason})") from exc

    def query(self, sparql: str, substitutions: dict | None = None, *, tsv: bool = False):
        """Run a query on the server. Returns what GraphStore.query returns: (columns, rows or
        TSV bytes) for SELECT, (None, bool) for ASK, (None, triples) for CONSTRUCT."""
        if substitutions:
            raise StoreError("a remote query takes its parameters in the query text")
        if not self.query_url:
            raise StoreError("no SPARQL query endpoint given")
        body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        request = urllib.request.Request(self.query_url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8",
        })
        content_type, data = self._send(request, "the query")
        media = content_type.split(";")[0].strip().lower()
        try:
            if media in ("application/n-triples", "text/turtle", "text/plain"):
                fmt = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.N_TRIPLES
                return None, [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)]
            results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.query_url}: the server's answer is not SPARQL results ({str(exc).splitlines()[0]})") from exc
        if isinstance(results, ox.QueryBoolean):
            return None, bool(results)
        names = [v.value for v in results.variables]
        if tsv:
            return names, results.serialize(format=ox.QueryResultsFormat.TSV)
        return names, [dict(zip(names, row, strict=True)) for row in results]

    def _graph_url(self, graph: str) -> str:
        separator = "&" if "?" in self.store_url else "?"
        return f"{self.store_url}{separator}graph={urllib.parse.quote(graph, safe='')}"

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        request = urllib.request.Request(self._graph_url(graph), data=ntriples, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        self._send(request, f"graph {graph}")

    def delete_graph(self, graph: str) -> None:
        request = urllib.request.Request(self._graph_url(graph), method="DELETE")
        try:
            self._send(request, f"the deletion of graph {graph}")
        except StoreError as exc:
            # Gone already is what a deletion wants.
            if "(HTTP 404" not in str(exc):
                raise


def query_endpoint_for(store_url: str) -> str:
    """The SPARQL query endpoint beside a Graph Store endpoint, for the usual servers:
    Oxigraph's /store -> /query, Fuseki's /DATASET/data -> /DATASET/query, Virtuoso's
    /sparql-graph-crud(-auth) -> /sparql, GraphDB's /repositories/R/rdf-graphs/service ->
    /repositories/R."""
    parts = urllib.parse.urlsplit(store_url)
    path = parts.path
    for ending, replacement in (("/rdf-graphs/service", ""), ("/sparql-graph-crud-auth", "/sparql"), ("/sparql-graph-crud", "/sparql"),
                                ("/store", "/query"), ("/data", "/query")):
        if path.endswith(ending):
            path = path[: -len(ending)] + replacement
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    raise StoreError(f"{store_url}: cannot tell the server's SPARQL query endpoint; give it with --query-endpoint")


def remote_graph_name(graph: str, prefix: str) -> str:
    """The name a graph of the store has on the server under a graph prefix."""
    return prefix + graph.removeprefix(GRAPH_BASE)


@dataclass
class PushPlan:
    """What a push changes on the server: graphs added, replaced (with the server's and the
    store's triple counts) and deleted, by their names on the server."""

    added: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, tuple[int, int]] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.added.values()) + sum(new for _, new in self.replaced.values())

    def lines(self) -> list[str]:
        """One line per graph, for a dry run."""
        out = [f"add      {g} ({n} triples)" for g, n in sorted(self.added.items())]
        out += [f"replace  {g} ({old} -> {new} triples)" for g, (old, new) in sorted(self.replaced.items())]
        out += [f"delete   {g} ({n} triples)" for g, n in sorted(self.deleted.items())]
        return out


def graph_sizes(store, prefix: str = "") -> dict[str, int]:
    """The named graphs of a store, an Oxigraph store or a server whose names start with
    `prefix`, with their triple counts."""
    from govkg.queries import select

    return {row["g"]: int(row["n"]) for row in select(store, "graph-sizes", {"prefix": prefix})}


def _renamed(quads: list, prefix: str) -> list:
    """The triples of a graph, with the names of govkg graphs they mention (a document's
    gk:factsGraph) moved under the prefix as the graphs themselves are."""
    def term(t):
        if prefix != GRAPH_BASE and isinstance(t, ox.NamedNode) and t.value.startswith(GRAPH_BASE):
            return ox.NamedNode(remote_graph_name(t.value, prefix))
        return t
    return [ox.Triple(term(q.subject), q.predicate, term(q.object)) for q in quads]


def push(store, endpoint: SparqlEndpoint, *, graph_prefix: str = GRAPH_BASE, dry_run: bool = False) -> PushPlan:
    """Mirror the store's graphs into the server under `graph_prefix` (see the module's
    docstring); with `dry_run`, only say what would change."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$", graph_prefix):
        raise StoreError(f"graph prefix '{graph_prefix}' is not an IRI (e.g. urn:govkg:mystore: or https://example.org/graphs/)")
    remote = graph_sizes(endpoint, graph_prefix)
    plan = PushPlan()
    with store.reading() as oxstore:
        local = {remote_graph_name(name, graph_prefix): (name, size)
                 for name, size in sorted(graph_sizes(oxstore).items())}
        for name, (_, size) in local.items():
            if name in remote:
                plan.replaced[name] = (remote[name], size)
            else:
                plan.added[name] = size
        plan.deleted = {name: count for name, count in sorted(remote.items()) if name not in local}
        if dry_run:
            return plan
        for name, (graph, _) in local.items():  # one graph in memory at a time
            quads = oxstore.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            endpoint.put_graph(name, ox.serialize(_renamed(quads, graph_prefix), format=ox.RdfFormat.N_TRIPLES))
    for name in plan.deleted:
        endpoint.delete_graph(name)
    return plan
