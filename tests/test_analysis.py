"""networkx analysis pinned on small graphs made by hand, and the GraphML/GEXF writer read back."""

from __future__ import annotations

import io

import networkx as nx
import pytest

from govkg.graph.analysis import (
    central_organizations,
    coadoption_graph,
    mechanism_clusters,
    mechanisms_by_reach,
    network_file,
    similar_places,
)
from govkg.queries.formatting import Table, render


def bipartite(adoptions: dict[str, list[str]]) -> nx.Graph:
    graph = nx.Graph()
    for place, mechanisms in adoptions.items():
        graph.add_node(place, kind="place", label=place, level="district")
        for mechanism in mechanisms:
            graph.add_node(mechanism, kind="mechanism", label=mechanism, category="other")
            graph.add_edge(place, mechanism, kind="adoption", weight=1)
    return graph


SMALL = bipartite({
    "甲区": ["红色物业", "双报到", "积分制"],
    "乙区": ["红色物业", "双报到"],
    "丙区": ["积分制"],
    "丁区": ["时间银行", "邻里中心"],
    "戊区": ["时间银行", "邻里中心"],
})


def test_mechanisms_by_reach():
    assert mechanisms_by_reach(SMALL) == [
        ("双报到", 2), ("时间银行", 2), ("积分制", 2), ("红色物业", 2), ("邻里中心", 2),
    ]


def test_similar_places_by_jaccard():
    # Most similar first; 丁区 and 丙区 share nothing, so that pair is not listed.
    assert similar_places(SMALL, top=5) == [
        ("丁区", "戊区", 1.0, 2),
        ("乙区", "甲区", 0.667, 2),
        ("丙区", "甲区", 0.333, 1),
    ]
    assert similar_places(SMALL, top=1) == [("丁区", "戊区", 1.0, 2)]


def test_coadoption_weights_count_places():
    projected = coadoption_graph(SMALL)
    assert projected["红色物业"]["双报到"]["weight"] == 2
    assert projected["红色物业"]["积分制"]["weight"] == 1
    assert not projected.has_edge("红色物业", "时间银行")


def test_mechanism_clusters_group_what_is_used_together():
    assert mechanism_clusters(SMALL) == [["双报到", "积分制", "红色物业"], ["时间银行", "邻里中心"]]
    assert mechanism_clusters(bipartite({"甲区": ["红色物业"], "乙区": ["双报到"]})) == []


def test_central_organizations_by_links():
    graph = nx.MultiDiGraph()
    for node, kind in (("org:a", "organization"), ("org:b", "organization"), ("p:1", "place"), ("m:1", "mechanism")):
        graph.add_node(node, kind=kind, label=node.upper(), detail="PartyOrganization" if kind == "organization" else kind)
    graph.add_edge("org:a", "p:1", kind="located_in")
    graph.add_edge("org:a", "m:1", kind="takes_part_in")
    graph.add_edge("org:b", "p:1", kind="located_in")
    assert central_organizations(graph) == [("ORG:A", "PartyOrganization", 2), ("ORG:B", "PartyOrganization", 1)]
    assert central_organizations(graph, top=1) == [("ORG:A", "PartyOrganization", 2)]


@pytest.mark.parametrize("fmt, read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_files_read_back(fmt, read):
    graph = nx.MultiDiGraph()
    graph.add_node("https://w3id.org/govkg/id/place/甲区", kind="place", label="甲区", detail="district")
    graph.add_node("https://w3id.org/govkg/mechanism/x", kind="mechanism", label="“1+3+N”网格", detail="staffing")
    graph.add_edge("https://w3id.org/govkg/id/place/甲区", "https://w3id.org/govkg/mechanism/x", kind="uses")
    back = read(io.BytesIO(network_file(graph, fmt)))
    labels = {data["label"] for _, data in back.nodes(data=True)}
    assert labels == {"甲区", "“1+3+N”网格"}
    assert [data["kind"] for *_, data in back.edges(data=True)] == ["uses"]
    with pytest.raises(ValueError):
        network_file(graph, "dot")


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("csv", "a,b\n1,甲\n# ignored"),
        ("json", '{\n  "rows": [\n    {\n      "a": 1,\n      "b": "甲"\n    }\n  ],\n  "totals": [\n    {\n      "n": 1\n    }\n  ]\n}'),
        ("table", "rows:\na  b\n-  --\n1  甲\n(1 row)\n\ntotals:\nn\n-\n1\n(1 row)"),
    ],
)
def test_one_renderer_for_several_tables(fmt, expected):
    tables = [Table("rows", ["a", "b"], [[1, "甲"]]), Table("totals", ["n"], [[1]], derived=True)]
    # CSV holds one table of data: the derived totals are left out.
    assert render(tables, fmt) == expected.replace("\n# ignored", "")
