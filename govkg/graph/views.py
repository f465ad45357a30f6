"""Interactive HTML views that work with no network at all.

pyvis builds the network (nodes, edges, vis-network options); the page around it is govkg's own,
because pyvis's template links Bootstrap and tom-select from CDNs even in its `in_line` mode. The
vis-network script and style that pyvis ships are inlined. Every text that came from a document
reaches the page only as JSON inside a script, with <, > and & escaped, and is shown with
`textContent` or as a vis-network string title (plain text), never as markup.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from importlib import resources

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
KIND_SHAPES = {"place": "dot", "mechanism": "diamond", "organization": "square", "outcome": "triangle"}
KIND_NAMES = {"place": "地点 place", "mechanism": "机制 mechanism", "organization": "组织 organization",
              "outcome": "成效 outcome"}
FONT_STACK = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
PHYSICS_LIMIT = 300  # above this many nodes the layout is computed in Python and physics is off
MAX_NODES = 5000


def _vis_asset(name: str) -> str:
    folder = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2")
    return folder.joinpath(name).read_text(encoding="utf-8")


def _script_json(value) -> str:
    """JSON that is safe inside <script>: no </script>, no <!--, no line separators."""
    text = json.dumps(value, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _node_style(data: dict) -> tuple[str, str, str]:
    """(colour, shape, facet) of a node: places by level, mechanisms by category."""
    kind = data.get("kind", "place")
    if kind == "place":
        facet = data.get("level", "place")
        return PLACE_COLORS.get(facet, "#9ecae1"), KIND_SHAPES[kind], facet
    if kind == "mechanism":
        facet = data.get("category", "other")
        return CATEGORY_COLORS.get(facet, "#969696"), KIND_SHAPES[kind], facet
    return "#737373", KIND_SHAPES.get(kind, "dot"), data.get("detail", kind)


def _node_title(data: dict, facet: str) -> str:
    return f"{data['label']}\n{KIND_NAMES.get(data.get('kind'), data.get('kind'))} · {facet}"


def _edge_title(data: dict) -> str:
    if data.get("kind") == "within":
        return "位于 within"
    parts = [f"{sentence}\n— {doc}" for doc, sentence in data.get("evidence", [])]
    return "\n\n".join(parts)


def _cut_down(graph: nx.Graph, max_nodes: int) -> nx.Graph:
    """Keep the best connected nodes (and the places above them) when a graph is too large."""
    keep = sorted(graph.nodes, key=lambda n: (-graph.degree(n), str(n)))[:max_nodes]
    return graph.subgraph(keep).copy()


FONT_SIZE = 14  # px at zoom 1
SEPARATE_UP_TO = 1500  # nodes: above this the page says to zoom in rather than keep every label apart


def _label_box(label: str, size: float) -> tuple[float, float]:
    """Width and height of a node and the label drawn under it, in pixels at zoom 1."""
    width = sum(FONT_SIZE if ord(c) > 0x2E80 else FONT_SIZE * 0.6 for c in str(label)) + 6
    return max(width, 2 * size), 2 * size + FONT_SIZE * 1.4


def _layout(graph: nx.Graph, sizes: dict | None = None, hubs: int = 200) -> dict:
    """Positions computed once in Python, in pixels, the same at every load (seeded). A force
    layout of thousands of nodes takes minutes, so only the best connected nodes (the hubs:
    mechanisms, districts) get one; every other node sits on a small ring around the hubs it
    links to, which takes linear time. Then, up to SEPARATE_UP_TO nodes, nodes are pushed apart
    until no two labels overlap."""
    import math

    sizes = sizes or {}
    undirected = graph.to_undirected(as_view=True)
    ranked = sorted(undirected.nodes, key=lambda n: (-undirected.degree(n), str(n)))
    hub_set = set(ranked[:hubs])
    core = nx.spring_layout(undirected.subgraph(hub_set), seed=7, iterations=60)
    spread = 40 * (graph.number_of_nodes() ** 0.5)
    positions = {n: (float(x) * spread * 1.6, float(y) * spread) for n, (x, y) in core.items()}
    pending = [n for n in ranked if n not in positions]
    crowd: dict = {}
    for _ in range(3):  # nodes two or three steps from a hub are placed in later rounds
        later = []
        for node in pending:
            anchors = [positions[m] for m in undirected.neighbors(node) if m in positions]
            if not anchors:
                later.append(node)
                continue
            cx = sum(a[0] for a in anchors) / len(anchors)
            cy = sum(a[1] for a in anchors) / len(anchors)
            key = (round(cx), round(cy))
            k = crowd[key] = crowd.get(key, 0) + 1
            radius, angle = 30 + 6 * math.sqrt(k), k * 2.39996  # golden-angle spiral
            positions[node] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        pending = later
    for k, node in enumerate(pending):  # not linked to anything placed: an outer ring
        angle = 2 * math.pi * k / max(len(pending), 1)
        positions[node] = (1.3 * spread * math.cos(angle), 1.3 * spread * math.sin(angle))
    if graph.number_of_nodes() <= SEPARATE_UP_TO:
        boxes = {n: _label_box(graph.nodes[n].get("label", n), sizes.get(n, 10)) for n in positions}
        positions = _separated(positions, boxes)
    return positions


def _separated(positions: dict, boxes: dict, rounds: int = 80) -> dict:
    """Positions moved apart until no two boxes (centred under each node) overlap: overlapping
    pairs, found through a grid, are pushed apart along the axis where they overlap least."""
    if not positions:
        return {}
    pos = {n: list(p) for n, p in positions.items()}
    order = sorted(pos, key=str)  # the same moves at every build
    cell = max(max(w for w, _ in boxes.values()), max(h for _, h in boxes.values())) + 1

    def cell_of(n) -> tuple[int, int]:
        return int(pos[n][0] // cell), int(pos[n][1] // cell)

    for _ in range(rounds):
        grid: dict = {}
        for n in order:
            grid.setdefault(cell_of(n), []).append(n)
        moved = False
        for n in order:
            gx, gy = cell_of(n)
            near = [m for dx in (-1, 0, 1) for dy in (-1, 0, 1) for m in grid.get((gx + dx, gy + dy), ())]
            for m in near:
                if str(m) <= str(n):
                    continue  # each pair once
                (wn, hn), (wm, hm) = boxes[n], boxes[m]
                overlap_x = (wn + wm) / 2 + 4 - abs(pos[n][0] - pos[m][0])
                overlap_y = (hn + hm) / 2 + 2 - abs(pos[n][1] - pos[m][1])
                if overlap_x <= 0 or overlap_y <= 0:
                    continue
                moved = True
                axis, overlap = (0, overlap_x) if overlap_x < overlap_y else (1, overlap_y)
                sign = 1 if pos[n][axis] >= pos[m][axis] else -1
                pos[n][axis] += sign * overlap / 2
                pos[m][axis] -= sign * overlap / 2
        if not moved:
            break
    return {n: (x, y) for n, (x, y) in pos.items()}


VIEW_CHOICE = "choose exactly one of --mechanism M, --place P, --all or --bipartite"


def one_view_chosen(mechanism: str | None, place: str | None, show_all: bool, bipartite: bool) -> bool:
    return sum(bool(x) for x in (mechanism, place, show_all, bipartite)) == 1


@dataclass(frozen=True)
class View:
    html: str
    summary: str  # what the page shows, in one line


def view_of_store(store, *, mechanism: str | None = None, place: str | None = None,
                  show_all: bool = False, bipartite: bool = False, level: str | None = None,
                  max_nodes: int = MAX_NODES) -> View:
    """The page of one of govkg view's choices: the places of a mechanism (any spelling), a place
    and the places within it, every adoption (with `level`, places rolled up to it: a corpus of
    hundreds of places becomes a picture of its cities), or places rolled up to `level`
    (district by default) and their mechanisms (`bipartite`)."""
    from govkg.errors import QueryError
    from govkg.graph.analysis import adoption_graph, place_mechanism_graph

    if not one_view_chosen(mechanism, place, show_all, bipartite):
        raise QueryError(VIEW_CHOICE)
    if bipartite or (show_all and level):
        level = level or "district"
        graph = place_mechanism_graph(store, level)
        title = (f"全部采用 all adoptions, places by {level}" if show_all
                 else f"地点–机制 places and mechanisms, by {level}")
    else:
        graph = adoption_graph(store, mechanism=mechanism, place=place)
        title = f"机制 {mechanism}" if mechanism else f"地点 {place}" if place else "全部采用 all adoptions"
    places = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "place")
    mechanisms = graph.number_of_nodes() - places
    adoptions = sum(1 for *_, d in graph.edges(data=True) if d["kind"] == "adoption")
    summary = (f"{places} places, {mechanisms} mechanisms, {adoptions} place–mechanism links. "
               "Hover or click an edge for its evidence.")
    return View(render_view(graph, title, summary, max_nodes=max_nodes), summary)


def render_view(graph: nx.Graph, title: str, summary: str = "", max_nodes: int = MAX_NODES,
                more_hint: str = "") -> str:
    """The graph as one self-contained HTML page (see the module docstring)."""
    from pyvis.network import Network

    total = graph.number_of_nodes()
    note = ""
    if total > max_nodes:
        graph = _cut_down(graph, max_nodes)
        note = (f"This view shows the {max_nodes} best connected of {total} nodes. "
                f"{more_hint or 'Narrow it with --mechanism or --place, or raise --max-nodes.'}")
    large = graph.number_of_nodes() > PHYSICS_LIMIT
    degrees = dict(graph.degree())
    # Grows with the links, slowly: a hub stays a landmark without hiding its neighbours' labels.
    sizes = {node: round(8 + 4 * min(degrees.get(node, 0), 36) ** 0.5, 1) for node in graph.nodes}
    dense = graph.number_of_edges() > 2 * graph.number_of_nodes()
    positions = _layout(graph, sizes)
    if large and graph.number_of_nodes() > SEPARATE_UP_TO:
        note += (" " if note else "") + "Labels of so many nodes overlap: zoom in, search, or roll places up with --level."
    network = Network(height="78vh", width="100%", directed=graph.is_directed(), cdn_resources="remote")
    for node, data in graph.nodes(data=True):
        color, shape, facet = _node_style(data)
        options = {
            "label": data["label"], "title": _node_title(data, facet), "color": color, "shape": shape,
            "size": sizes[node], "kind": data.get("kind", "place"), "facet": facet,
            "x": positions[node][0], "y": positions[node][1], "physics": False,
        }
        network.add_node(str(node), **options)
    for source, target, data in graph.edges(data=True):
        kind = data.get("kind", "adoption")
        evidence = [{"doc": doc, "sentence": sentence} for doc, sentence in data.get("evidence", [])]
        network.add_edge(
            str(source), str(target), title=_edge_title(data), kind=kind, evidence=evidence,
            color="#bbbbbb" if kind == "within" else ("rgba(85,85,85,0.22)" if dense else "#555555"),
            dashes=kind == "within", width=(1 if dense else 1 + min(data.get("weight", 1), 5)),
        )
    nodes, edges, *_ = network.get_network_data()
    options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": large},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": False}}},
        # A white halo keeps each label readable where edges cross it.
        "nodes": {"font": {"face": FONT_STACK, "size": FONT_SIZE, "strokeWidth": 4, "strokeColor": "#ffffff"}},
    }
    return _page(title, summary, note, nodes, edges, options)


def _legend() -> str:
    items = [(f"{KIND_NAMES['place']}: {level}", color, "50%") for level, color in PLACE_COLORS.items()
             if level not in ("county", "town", "village")]
    items += [(f"{KIND_NAMES['mechanism']}: {category}", color, "0") for category, color in CATEGORY_COLORS.items()]
    items += [(KIND_NAMES["organization"], "#737373", "0")]
    return "".join(
        f'<span class="key"><i style="background:{c};border-radius:{r}"></i>{html.escape(k)}</span>'
        for k, c, r in items
    )


def _page(title: str, summary: str, note: str, nodes: list, edges: list, options: dict) -> str:
    return PAGE.format(
        title=html.escape(title),
        summary=html.escape(summary),
        note=f'<p class="note">{html.escape(note)}</p>' if note else "",
        legend=_legend(),
        font=FONT_STACK,
        vis_css=_vis_asset("vis-network.css"),
        vis_js=_vis_asset("vis-network.min.js").replace("</script", "<\\/script"),
        nodes=_script_json(nodes),
        edges=_script_json(edges),
        options=_script_json(options),
    )


PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{vis_css}</style>
<style>
body {{ font-family: {font}; margin: 0 1em; color: #222; }}
h1 {{ font-size: 20px; margin: .5em 0 .2em; }}
.note {{ background: #fff3cd; padding: .3em .6em; }}
.key {{ margin-right: 1em; font-size: 12px; white-space: nowrap; }}
.key i {{ display: inline-block; width: 10px; height: 10px; margin-right: 4px; }}
#controls {{ margin: .4em 0; font-size: 13px; }}
#controls fieldset {{ display: inline-block; border: 1px solid #ddd; margin-right: .5em; padding: .1em .5em; }}
#graph {{ width: 100%; height: 72vh; border: 1px solid #ccc; }}
#details {{ white-space: pre-wrap; font-size: 13px; border-top: 1px solid #ccc; padding: .4em 0; min-height: 3em; }}
div.vis-tooltip {{ white-space: pre-wrap; max-width: 480px; font-family: {font}; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p id="summary">{summary}</p>
{note}
<p id="legend">{legend}</p>
<div id="controls">
  <label>搜索 search <input id="search" type="search" placeholder="名称 name"></label>
  <fieldset id="kinds"><legend>kind</legend></fieldset>
  <fieldset id="facets"><legend>level / category</legend></fieldset>
</div>
<div id="graph"></div>
<div id="details">Click a node or an edge for its details and evidence.</div>
<script>{vis_js}</script>
<script>
(function () {{
  "use strict";
  var nodes = new vis.DataSet({nodes});
  var edges = new vis.DataSet({edges});
  var options = {options};
  var hidden = {{ kind: {{}}, facet: {{}} }};
  var query = "", shown = null;
  function visible(node) {{
    if (hidden.kind[node.kind] || hidden.facet[node.facet]) return false;
    return !shown || shown[node.id] !== undefined;
  }}
  // A search keeps what matches and what it links to (its places, its mechanisms), in view.
  function search(text) {{
    query = text;
    shown = null;
    if (query) {{
      shown = {{}};
      nodes.forEach(function (n) {{ if (String(n.label).indexOf(query) !== -1) shown[n.id] = "match"; }});
      edges.forEach(function (e) {{
        if (shown[e.from] === "match" && shown[e.to] === undefined) shown[e.to] = "neighbour";
        if (shown[e.to] === "match" && shown[e.from] === undefined) shown[e.from] = "neighbour";
      }});
    }}
    view.shown = shown;
    nodeView.refresh();
    var ids = nodeView.getIds();
    if (ids.length) network.fit({{ nodes: ids, animation: false }});
  }}
  var nodeView = new vis.DataView(nodes, {{ filter: visible }});
  var container = document.getElementById("graph");
  var network = new vis.Network(container, {{ nodes: nodeView, edges: edges }}, options);
  function checkboxes(fieldId, field) {{
    var seen = {{}};
    nodes.forEach(function (n) {{ seen[n[field]] = true; }});
    var box = document.getElementById(fieldId);
    Object.keys(seen).sort().forEach(function (value) {{
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox"; input.checked = true; input.dataset.value = value;
      input.addEventListener("change", function () {{
        hidden[field][value] = !input.checked; nodeView.refresh();
      }});
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + value + " "));
      box.appendChild(label);
    }});
  }}
  checkboxes("kinds", "kind");
  checkboxes("facets", "facet");
  document.getElementById("search").addEventListener("input", function (event) {{
    search(event.target.value.trim());
  }});
  var details = document.getElementById("details");
  function show(text) {{ details.textContent = text; }}
  network.on("click", function (params) {{
    if (params.nodes.length) {{
      show(nodes.get(params.nodes[0]).title);
    }} else if (params.edges.length) {{
      var edge = edges.get(params.edges[0]);
      var from = nodes.get(edge.from), to = nodes.get(edge.to);
      var lines = [from.label + " → " + to.label];
      (edge.evidence || []).forEach(function (e) {{ lines.push(e.sentence + "\\n— " + e.doc); }});
      if (!edge.evidence || !edge.evidence.length) lines.push(edge.title);
      show(lines.join("\\n\\n"));
    }}
  }});
  // The layout was computed with the page (seeded: the same at every load); the page opens with
  // all of it in view.
  var view = {{ network: network, nodes: nodes, edges: edges, nodeView: nodeView, stable: true, shown: null }};
  network.fit({{ animation: false }});
  window.govkgView = view;
}})();
</script>
</body>
</html>
"""


def remote_references(page: str) -> list[str]:
    """Every URL the page would load from the network (there should be none)."""
    return re.findall(r"(?:src|href)\s*=\s*[\"'](https?://[^\"']+)", page, re.I) + re.findall(
        r"@import\s+url\([\"']?(https?://[^)\"']+)", page, re.I
    )
