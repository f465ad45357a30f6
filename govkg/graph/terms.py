"""Term conversion in one place: Oxigraph terms into rdflib terms, and Oxigraph terms or SPARQL
TSV cells into plain Python values (str, int, float, bool or None)."""

from __future__ import annotations

import re

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term):
    """An Oxigraph term as an rdflib term."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            # RDF 1.1: a simple literal is an xsd:string; rdflib keeps the two apart, so give it
            # the form it compares equal to the literals of Turtle files ("district", not "district"^^xsd:string).
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"not an RDF term: {term!r}")


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
    _XSD + "boolean": lambda text: text in ("true", "1"),  # the lexical forms of true (Virtuoso writes 1)
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
