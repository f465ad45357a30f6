"""The SPARQL library (`*.rq` files beside this module) and the code that runs queries safely.

Safety: queries run on a store opened read-only, SPARQL Update is refused before anything runs,
and parameters are bound as RDF terms (Oxigraph substitutions), never pasted into query text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import QueryError
from govkg.ontology import label_key

_QUERY_FORM = re.compile(r"^\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str

    @property
    def header(self) -> str:
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            lines.append(line.lstrip("#").strip())
        return "\n".join(lines)

    @property
    def summary(self) -> str:
        first = self.header.splitlines()[0] if self.header else ""
        return first.split(":", 1)[1].strip() if first.startswith(self.name + ":") else first


def named_queries() -> dict[str, NamedQuery]:
    folder = resources.files(__package__)
    queries = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            queries[name] = NamedQuery(name, entry.read_text(encoding="utf-8"))
    return queries


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
    check_read_only(named.text)
    text = bind_parameters(named.text, params or {})
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


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _number(text: str):
    number = float(text)
    return int(number) if number.is_integer() else number


# Literal datatypes that become Python numbers or booleans; every other literal becomes its text.
_CONVERTERS = {
    _XSD + "integer": int,
    _XSD + "nonNegativeInteger": int,
    _XSD + "decimal": _number,
    _XSD + "double": _number,
    _XSD + "boolean": lambda text: text == "true",
}


def python_value(term):
    """An Oxigraph term as a plain value: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if type(term) is ox.Literal:
        convert = _CONVERTERS.get(term.datatype.value)
        return term.value if convert is None else convert(term.value)
    return term.value


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match) -> str:
    short, long, char = match.groups()
    return chr(int(short or long, 16)) if char is None else _ESCAPED.get(char, char)


def tsv_value(cell: str):
    """One cell of SPARQL TSV results as python_value gives it for the same term."""
    if not cell:
        return None  # unbound
    first = cell[0]
    if first == '"':
        end = cell.rindex('"')
        text = cell[1:end]
        if "\\" in text:
            text = _ESCAPE.sub(_unescape, text)
        if cell.startswith("^^<", end + 1):
            convert = _CONVERTERS.get(cell[end + 4 : -1])
            return text if convert is None else convert(text)
        return text  # plain or language-tagged
    if first == "<":
        return cell[1:-1]
    if first == "_":
        return cell[2:]  # blank node _:id
    if cell in ("true", "false"):
        return cell == "true"
    # Turtle's short forms: 3 is an integer, 1.5 a decimal, 2.5E1 a double.
    return int(cell) if cell.lstrip("+-").isdigit() else _number(cell)


def tsv_rows(data: bytes) -> list[list]:
    """The rows of SPARQL TSV results (the header line left out) as lists of plain values."""
    lines = data.decode("utf-8").split("\n")[1:]
    if lines and not lines[-1]:
        lines.pop()  # after the last newline; other empty lines are rows of one unbound column
    return [[tsv_value(cell) for cell in line.split("\t")] for line in lines]
