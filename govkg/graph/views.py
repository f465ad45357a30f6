"""Interactive HTML views (pyvis / vis-network) that work with no network at all.

pyvis's `in_line` mode inlines vis-network but still links Bootstrap from a CDN; the view does not
need Bootstrap, so those tags are removed. Every text that came from a document reaches the page
only as JSON inside the script (Jinja's tojson escapes <, > and &), and vis-network shows a string
title as text, never as markup.
"""

from __future__ import annotations

import html
import re

import networkx as nx

PLACE_COLORS = {
    "province": "#08306b", "city": "#2171b5", "district": "#4292c6", "county": "#4292c6",
    "street": "#6baed6", "town": "#6baed6", "community": "#9ecae1", "village": "#9ecae1",
    "estate": "#c6dbef",
}
CATEGORY_COLORS = {
    "coordination": "#d94801", "staffing": "#f16913", "list-management": "#fd8d3c",
    "service-platform": "#238b45", "organization": "#6a51a3", "participation": "#ce1256",
    "incentive": "#e7298a", "digital": "#41ab5d", "other": "#969696",
}
FONT_STACK = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
_REMOTE_TAG = re.compile(r"<(link|script)\b[^>]*(href|src)=\"https?://[^\"]*\"[^>]*>(\s*</script>)?", re.I)


def _node_title(data: dict) -> str:
    if data["kind"] == "place":
        return f"{data['label']}\n地点 place · {data['level']}"
    return f"{data['label']}\n机制 mechanism · {data.get('category', 'other')}"


def _edge_title(data: dict) -> str:
    lines = []
    for doc, sentence in data.get("evidence", []):
        lines.append(f"{sentence}\n— {doc}")
    return "\n\n".join(lines)


def render_view(graph: nx.DiGraph, title: str, summary: str = "") -> str:
    """The graph as one self-contained HTML page."""
    from pyvis.network import Network

    network = Network(
        height="80vh", width="100%", directed=True, cdn_resources="in_line", heading=""
    )
    for node, data in graph.nodes(data=True):
        if data["kind"] == "place":
            color, shape = PLACE_COLORS.get(data.get("level"), "#9ecae1"), "dot"
        else:
            color, shape = CATEGORY_COLORS.get(data.get("category"), "#969696"), "diamond"
        size = 12 + 3 * min(graph.degree(node), 10)
        network.add_node(node, label=data["label"], title=_node_title(data), color=color, shape=shape, size=size)
    for source, target, data in graph.edges(data=True):
        if data["kind"] == "within":
            network.add_edge(source, target, title="位于 within", color="#bbbbbb", dashes=True)
        else:
            network.add_edge(source, target, title=_edge_title(data), color="#555555")
    network.toggle_physics(graph.number_of_nodes() <= 300)
    page = network.generate_html()
    page = _REMOTE_TAG.sub("", page)
    legend = "".join(
        f'<span class="govkg-key"><span style="background:{c}"></span>{html.escape(k)}</span>'
        for k, c in list(PLACE_COLORS.items()) + list(CATEGORY_COLORS.items())
    )
    header = (
        f"<style>body{{font-family:{FONT_STACK};margin:0 1em}} .govkg-key{{margin-right:1em;font-size:12px}}"
        ".govkg-key span{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:50%}"
        "</style>"
        f"<h1 style=\"font-size:20px\">{html.escape(title)}</h1>"
        f"<p>{html.escape(summary)}</p><p>{legend}</p>"
    )
    page = page.replace("<body>", "<body>\n" + header, 1)
    if "<meta charset" not in page:
        page = page.replace("<head>", '<head>\n<meta charset="utf-8">', 1)
    return page


def remote_references(page: str) -> list[str]:
    """Every URL the page would load from the network (there should be none)."""
    return re.findall(r"(?:src|href)\s*=\s*[\"'](https?://[^\"']+)", page, re.I) + re.findall(
        r"@import\s+url\([\"']?(https?://[^)\"']+)", page, re.I
    )
