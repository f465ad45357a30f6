"""SHACL validation of a store or graph, reported in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.ontology import shapes_graph


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    value: str

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        value = f": {self.value}" if self.value else ""
        return f"{self.focus}{where}: {self.message}{value}"


def validate_graph(graph) -> list[Violation]:
    """Every violation of the govkg shapes in an rdflib Graph (empty when it conforms)."""
    import pyshacl
    from rdflib import URIRef
    from rdflib.namespace import RDFS, SH

    conforms, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none", allow_warnings=False
    )
    if conforms:
        return []
    violations = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        label = graph.value(focus, RDFS.label) if isinstance(focus, URIRef) else None
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        violations.append(
            Violation(
                f"{label} <{focus}>" if label else f"<{focus}>",
                str(path).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if path else "",
                str(results.value(result, SH.resultMessage) or "does not conform"),
                str(value) if value is not None else "",
            )
        )
    return sorted(violations, key=str)


def union_graph(dataset):
    """All graphs of an rdflib Dataset merged into one Graph (what the shapes are checked against)."""
    from rdflib import Graph

    union = Graph()
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union
