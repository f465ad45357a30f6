"""Every SPARQL text of govkg and the code that runs queries safely.

The named queries users run are the `*.rq` files beside this module; the queries govkg runs for
itself (builds, filters, networkx graphs, evaluation) are the `internal/*.rq` files. Each starts
with a header saying what it answers, its parameters and its columns. No file declares prefixes:
they are generated from the ontology's namespaces (`govkg.ontology.PREFIXES`), one spelling of
each IRI, for every prefix a query uses and does not declare itself (a user's query too).

The named queries, and the lookups behind their parameters, name the graphs their patterns
match in (`GRAPH ?facts { ... }`, `GRAPH ?places { ... }`), so they give the same rows on a
server with or without a union default graph (govkg query --endpoint); they roll places up
with gk:within, stated for every place, rather than a property path that servers answer
differently. Their required patterns come first and each OPTIONAL holds its own GRAPH block:
Oxigraph joins what comes after an OPTIONAL only after it (trace on a store of 3,000
articles took 7 to 16 s with a required pattern after the OPTIONALs, 1.8 s with them last).

Safety: queries run on a store opened read-only, SPARQL Update is refused before anything runs,
and parameters are bound as RDF literals in a VALUES block, never pasted into query text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import QueryError
from govkg.graph.terms import python_value, tsv_rows
from govkg.ontology import PREFIXES, label_key

_QUERY_FORM = re.compile(r"^\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE | re.MULTILINE)


def with_prefixes(text: str) -> str:
    """The query with a PREFIX line for every prefix of the ontology's namespaces that it uses
    and does not declare."""
    declared = set(_DECLARED.findall(text))
    lines = [
        f"PREFIX {prefix}: <{iri}>" for prefix, iri in PREFIXES.items()
        if prefix not in declared and re.search(rf"(?<![\w:/#.-]){re.escape(prefix)}:", text)
    ]
    return "\n".join(lines) + "\n" + text if lines else text


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str  # as written in its file, header included

    @property
    def sparql(self) -> str:
        """The text to run: the file's text with the prefixes it uses declared."""
        return with_prefixes(self.text)

    @property
    def header(self) -> str:
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            lines.append(line.lstrip("#").strip())
        return "\n".join(lines)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The required parameters the header's `Parameters:` line names (those whose description
        starts with "optional" may be left out)."""
        line = next((x for x in self.header.splitlines() if x.startswith("Parameters:")), "")
        listed = re.sub(r"\w+\s*\(optional[^)]*\)", "", line.removeprefix("Parameters:"))
        listed = re.sub(r"\([^)]*\)", "", listed).strip().strip(",").strip().rstrip(".")
        if not listed or listed == "none":
            return ()
        return tuple(name.strip() for name in listed.split(",") if _PARAMETER_NAME.match(name.strip()))

    @property
    def summary(self) -> str:
        first = self.header.splitlines()[0] if self.header else ""
        return first.split(":", 1)[1].strip() if first.startswith(self.name + ":") else first


def _queries_in(folder) -> dict[str, NamedQuery]:
    queries = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            queries[name] = NamedQuery(name, entry.read_text(encoding="utf-8"))
    return queries


def named_queries() -> dict[str, NamedQuery]:
    """The queries users run by name (govkg query NAME)."""
    return _queries_in(resources.files(__package__))


def internal_query(name: str) -> NamedQuery:
    """One of the queries govkg runs for itself (`internal/NAME.rq`)."""
    entry = resources.files(__package__).joinpath("internal", name + ".rq")
    return NamedQuery(name, entry.read_text(encoding="utf-8"))


def select_each(store: ox.Store, name: str) -> Iterator[dict]:
    """The rows of internal query `name` on an Oxigraph store one at a time (for answers the
    size of a corpus, which `select` would hold as one list)."""
    solutions = store.query(internal_query(name).sparql, use_default_graph_as_union=True)
    columns = [v.value for v in solutions.variables]
    for row in solutions:
        yield {c: python_value(row[c]) for c in columns}


def select(store, name: str, params: dict[str, str] | None = None) -> list[dict]:
    """The rows of internal query `name` as dicts of plain values by column name. `store` is a
    GraphStore or an Oxigraph store (a draft being written); all graphs are queried as one."""
    text = bind_parameters(internal_query(name).sparql, params or {})
    if isinstance(store, ox.Store):
        solutions = store.query(text, use_default_graph_as_union=True)
        columns = [v.value for v in solutions.variables]
        return [{c: python_value(row[c]) for c in columns} for row in solutions]
    columns, data = store.query(text, tsv=True)
    return [dict(zip(columns, row, strict=True)) for row in tsv_rows(data)]


def resolve_query(query: str) -> NamedQuery:
    """A query by name (`adoptions`), by path to a .rq file, or as SPARQL text."""
    queries = named_queries()
    if query in queries:
        return queries[query]
    if query.endswith(".rq"):
        path = Path(query)
        if not path.is_file():
            raise QueryError(f"{query}: no such query file")
        try:
            return NamedQuery(path.stem, path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise QueryError(f"{query}: query file is not UTF-8 text") from exc
    if _QUERY_FORM.search(query) or re.search(r"[\s{}?]", query.strip()):
        return NamedQuery("sparql", query)
    close = difflib.get_close_matches(query, list(queries), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise QueryError(f"unknown query '{query}'{hint} (govkg query --list shows them all)")


def parse_parameters(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not _PARAMETER_NAME.match(name):
            raise QueryError(f"parameter '{pair}' is not NAME=VALUE")
        params[name] = value
    return params


def bind_parameters(text: str, params: dict[str, str]) -> str:
    """The query with a VALUES clause binding each parameter as an RDF string literal to
    ?NAME, and its folded form to ?NAME_key (what label matching compares against gk:labelKey).

    The literals are written by Oxigraph's own N-Triples serializer, so a value holding quotes,
    braces or `DROP ALL` stays one string that matches nothing."""
    bound: dict[str, str] = {}
    for name, value in params.items():
        if isinstance(value, ox.NamedNode):  # a place resolved to its IRI (see place_parameters)
            if re.search(rf"[?$]{re.escape(name)}\b", text):
                bound[name] = str(value)
            continue
        for variable, literal in ((name, value), (name + "_key", label_key(value))):
            if re.search(rf"[?$]{re.escape(variable)}\b", text):
                bound[variable] = str(ox.Literal(literal))
    if not bound:
        unknown = ", ".join(sorted(params))
        if unknown:
            raise QueryError(f"the query has no parameter called {unknown}")
        return text
    variables = " ".join("?" + v for v in bound)
    values = " ".join(bound.values())
    clause = f"VALUES ({variables}) {{ ({values}) }}"
    # At the head of every group graph pattern (sub-queries included), so that FILTERs see them.
    bound_text, count = _WHERE.subn(lambda m: f"{m.group(0)}\n  {clause}\n", text)
    if not count:
        raise QueryError("parameters need a query with a WHERE { ... } clause")
    return bound_text


def is_place_parameter(name: str) -> bool:
    """Parameters called place, or place_ and a suffix (place_a), name a place."""
    return name == "place" or name.startswith("place_")


def place_parameters(store, params: dict) -> dict:
    """The parameters with each place parameter resolved to the one place it names (by name,
    name with parents or code): a name several places share is refused, with the candidates."""
    from govkg.queries.lookup import the_place

    return {name: ox.NamedNode(the_place(store, value)) if is_place_parameter(name) and isinstance(value, str) else value
            for name, value in params.items()}


def check_read_only(text: str) -> None:
    """Refuse SPARQL Update, and report a malformed query in one line with its position."""
    try:
        ox.Store().query(text)
        return
    except SyntaxError as query_error:
        try:
            ox.Store().update(text)
        except SyntaxError:
            message = str(query_error).splitlines()[0]
            raise QueryError(f"malformed SPARQL: {message}") from None
        raise QueryError(
            "SPARQL Update (INSERT, DELETE, DROP, LOAD, CLEAR ...) is not allowed: govkg query only reads"
        ) from None


def run_query(store, query: str, params: dict[str, str] | None = None):
    """Run a query (name, .rq path or text) on a GraphStore; returns (columns, rows) for SELECT,
    where rows are lists of Python values (str, int, float, bool or None)."""
    named = resolve_query(query)
    sparql = named.sparql
    check_read_only(sparql)
    missing = [name for name in named.parameters if name not in (params or {})]
    if missing:
        needed = " ".join(f"--param {name}=VALUE" for name in missing)
        raise QueryError(f"query {named.name} needs {', '.join(missing)}: give {needed}")
    text = bind_parameters(sparql, place_parameters(store, params or {}))
    try:
        columns, result = store.query(text, tsv=True)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {str(exc).splitlines()[0]}") from exc
    except (RuntimeError, ValueError) as exc:
        raise QueryError(f"the query failed: {str(exc).splitlines()[0]}") from exc
    if columns is None:
        if isinstance(result, bool):
            return ["answer"], [[result]]
        return ["subject", "predicate", "object"], [
            [python_value(t.subject), python_value(t.predicate), python_value(t.object)] for t in result
        ]
    return columns, tsv_rows(result)


def run_records(store, query: str, params: dict[str, str] | None = None) -> list[dict]:
    """run_query's rows as dicts by column name."""
    columns, rows = run_query(store, query, params)
    return [dict(zip(columns, row, strict=True)) for row in rows]
