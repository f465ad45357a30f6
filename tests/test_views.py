"""HTML views in a real headless Chromium (Debian's chromium, driven by Playwright), offline."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.graph.views import render_view

from .conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HOSTILE = '桐溪区推行“红色物业”</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">，成效明显。'

if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must install Debian's chromium for the view tests (see .ci/run)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Loaded:
    def __init__(self, page, attempted, errors):
        self.page, self.attempted, self.errors = page, attempted, errors

    def evaluate(self, script):
        return self.page.evaluate(script)


@pytest.fixture
def open_view(browser):
    pages = []

    def load(path: Path) -> Loaded:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        attempted, errors = [], []

        def route(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                attempted.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri())
        page.wait_for_function("window.govkgView !== undefined && window.govkgView.stable", timeout=30000)
        page.wait_for_timeout(300)
        pages.append(page)
        return Loaded(page, attempted, errors)

    yield load
    for page in pages:
        page.close()


CANVAS_INK = """() => {
  const canvas = document.querySelector('#graph canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
  return ink;
}"""

EDGE_POINT = """(edgeId) => {
  // A point on the edge where the edge, and no node or other edge, is under the pointer.
  const view = window.govkgView, edge = view.edges.get(edgeId);
  const p = view.network.getPositions([edge.from, edge.to]);
  const a = p[edge.from], b = p[edge.to];
  const box = document.getElementById('graph').getBoundingClientRect();
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.35, 0.65]) {
    const dom = view.network.canvasToDOM({x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t});
    if (view.network.getNodeAt(dom) === undefined && view.network.getEdgeAt(dom) === edgeId) {
      return [box.left + dom.x, box.top + dom.y];
    }
  }
  return null;
}"""

EMPTY_CORNER = "(() => { const b = document.getElementById('graph').getBoundingClientRect(); return [b.left + 8, b.top + 8]; })()"


def hover_tooltip(view: Loaded, edge_id: str) -> str:
    """Hover the edge where nothing else is under the pointer, and read the tooltip."""
    view.page.evaluate("window.govkgView.network.fit({animation: false})")
    view.page.wait_for_timeout(300)
    point = view.page.evaluate(EDGE_POINT, edge_id)
    assert point is not None, "no free point on the edge to hover"
    view.last_point = point
    # vis-network opens a tooltip when the pointer rests on the edge for a moment; a busy headless
    # browser can miss the rest, so the pointer comes to it again before the test gives up.
    for attempt in range(6):
        view.page.mouse.move(*view.evaluate(EMPTY_CORNER), steps=2)
        view.page.wait_for_timeout(200 * attempt)
        view.page.mouse.move(*point, steps=4)
        try:
            return view.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=4000).inner_text()
        except Exception:  # playwright's TimeoutError
            continue
    view.page.screenshot(path="/tmp/tooltip-failure.png")
    state = view.evaluate("(() => { const t = document.querySelector('div.vis-tooltip'); return t ? [t.style.visibility, t.style.left, t.style.top, t.innerText.slice(0, 40)] : null; })()")
    raise AssertionError(f"no tooltip on the edge at {point}: {state}")


def write_view(store, tmp_path, *args) -> Path:
    out = tmp_path / "view.html"
    result = CliRunner().invoke(main, ["view", "--store", str(store), *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(
    "args, nodes",
    [
        (["--mechanism", "1+3+N"], {"“1+3+N”网格力量配备模式", "桐溪区", "竹溪区", "岚州市", "云梦省"}),
        (["--place", "芦花镇"], {"芦花镇", "白鹭村", "青石县", "漾川市", "湖安省", "积分制管理", "四议两公开"}),
        (["--all"], None),
        (["--bipartite", "--level", "district"], None),
    ],
    ids=["mechanism", "place", "all", "bipartite"],
)
def test_each_view_loads_offline_and_draws(example_store, tmp_path, open_view, args, nodes):
    from govkg.graph.analysis import adoption_graph, place_mechanism_graph
    from govkg.graph.store import GraphStore

    view = open_view(write_view(example_store, tmp_path, *args))
    assert view.attempted == []
    assert view.errors == []
    assert view.evaluate(CANVAS_INK) > 1000
    labels = set(view.evaluate("window.govkgView.nodes.get().map(n => n.label)"))
    if nodes is not None:
        assert labels == nodes
    else:
        store = GraphStore(example_store)
        expected = place_mechanism_graph(store, "district") if "--bipartite" in args else adoption_graph(store)
        assert len(labels) <= view.evaluate("window.govkgView.nodes.length") == expected.number_of_nodes()


def test_adoption_tooltip_shows_its_evidence(example_store, tmp_path, open_view):
    view = open_view(write_view(example_store, tmp_path, "--place", "白鹭村"))
    edge = view.evaluate("window.govkgView.edges.get().find(e => e.kind === 'adoption' && "
                         "window.govkgView.nodes.get(e.to).label === '四议两公开').id")
    text = hover_tooltip(view, edge)
    assert "白鹭村推行“四议两公开”工作法，全年议定村内事项36项。" in text
    assert "— yangchuan-two-cases.txt" in text


def test_hostile_document_is_shown_as_text_and_runs_nothing(tmp_path, open_view):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(HOSTILE + "\n", encoding="utf-8")
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["build", str(corpus), "--store", str(store)]).exit_code == 0
    view = open_view(write_view(store, tmp_path, "--all"))
    assert view.evaluate("window.pwned") is None
    assert view.evaluate("document.querySelectorAll('img').length") == 0
    assert view.attempted == [] and view.errors == []
    edge = view.evaluate("window.govkgView.edges.get().find(e => e.kind === 'adoption').id")
    assert "</script><script>window.pwned=1</script>" in hover_tooltip(view, edge)
    # Move off the tooltip (it would take the click), then click where the edge was hovered.
    view.page.mouse.move(*view.evaluate(EMPTY_CORNER), steps=3)
    view.page.wait_for_selector("div.vis-tooltip", state="hidden", timeout=5000)
    view.page.mouse.click(*view.last_point)
    details = view.evaluate("document.getElementById('details').textContent")
    assert '<img src=x onerror="window.pwned=2">' in details
    assert view.evaluate("window.pwned") is None


def test_five_thousand_nodes_open_with_a_fixed_layout(tmp_path, open_view):
    graph = nx.DiGraph()
    for i in range(5200):
        graph.add_node(f"p{i}", kind="place", label=f"社区{i}", level="community")
        graph.add_node(f"m{i % 40}", kind="mechanism", label=f"机制{i % 40}", category="other")
        graph.add_edge(f"p{i}", f"m{i % 40}", kind="adoption", evidence=[("d.txt", f"句子{i}")])
    out = tmp_path / "big.html"
    out.write_text(render_view(graph, "big", "test", max_nodes=5000), encoding="utf-8")
    view = open_view(out)
    assert view.errors == [] and view.attempted == []
    assert view.evaluate("window.govkgView.nodes.length") == 5000
    assert view.evaluate("window.govkgView.network.physics.options.enabled") is False
    assert view.evaluate("window.govkgView.nodes.get().every(n => typeof n.x === 'number')")
    assert "This view shows the 5000 best connected of 5240 nodes." in view.evaluate("document.body.innerText")
    view.page.mouse.move(600, 500)
    view.page.mouse.down()
    view.page.mouse.move(700, 550, steps=5)
    view.page.mouse.up()
    assert view.evaluate(CANVAS_INK) > 1000


def test_search_and_filters_hide_nodes(example_store, tmp_path, open_view):
    view = open_view(write_view(example_store, tmp_path, "--all"))
    total = view.evaluate("window.govkgView.nodeView.length")
    view.page.fill("#search", "白鹭")
    # The match and what it links to: its mechanisms and the town it lies in.
    assert sorted(view.evaluate("window.govkgView.nodeView.get().map(n => n.label)")) == sorted(
        ["白鹭村", "芦花镇", "四议两公开", "积分制管理"])
    view.page.fill("#search", "")
    view.page.uncheck("#kinds input[data-value='mechanism']")
    remaining = view.evaluate("window.govkgView.nodeView.get().map(n => n.kind)")
    assert set(remaining) == {"place"} and len(remaining) < total


def test_font_stack_and_charset(example_store, tmp_path):
    page = write_view(example_store, tmp_path, "--all").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page
    assert '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' in page


def test_examples_are_what_the_views_show():
    assert EXAMPLES.is_dir()


MECHANISMS_FOR_SCALE = ["积分制管理", "红色物业", "在职党员“双报到”", "四议两公开", "四清单一目录", "党建联席会议制度",
                        "楼栋党群驿站", "“1+3+N”网格力量配备模式", "共建共治契约"]

LABEL_BOXES = """() => {
  const view = window.govkgView, network = view.network, scale = network.getScale();
  return view.nodeView.getIds().map(id => {
    const box = network.getBoundingBox(id);
    const a = network.canvasToDOM({x: box.left, y: box.top}), b = network.canvasToDOM({x: box.right, y: box.bottom});
    return {id: id, left: a.x, top: a.y, right: b.x, bottom: b.y, font: 14 * scale};
  });
}"""


@pytest.fixture(scope="module")
def six_hundred_places(tmp_path_factory):
    """A store of 600 real districts and counties, each said to use one of nine mechanisms (invented
    sentences: the place names come from the gazetteer of official divisions)."""
    from govkg.ontology.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    paths = []  # every district and county of one city after another, as a corpus covers a region
    for province in gazetteer.children(None):
        for city in gazetteer.children(province):
            if city.level == "city" and len(paths) < 600:
                paths += [gazetteer.path_of(d) for d in gazetteer.children(city) if d.level in ("district", "county")]
    paths = paths[:600]
    assert len(paths) == 600
    corpus = tmp_path_factory.mktemp("six-hundred") / "corpus"
    corpus.mkdir()
    for article in range(30):
        lines = [f"第{article + 1}篇 基层治理动态", ""]
        for k, path in enumerate(paths[article * 20:(article + 1) * 20]):
            mechanism = MECHANISMS_FOR_SCALE[(article * 20 + k) % len(MECHANISMS_FOR_SCALE)]
            lines.append(f"{''.join(path)}全面推行{mechanism}，群众满意度明显提升。")
        (corpus / f"article-{article:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = corpus.parent / "store"
    result = CliRunner().invoke(main, ["build", str(corpus), "--store", str(store), "--quiet"])
    assert result.exit_code == 0, result.output
    return store


def _overlaps(boxes: list[dict]) -> list[tuple[str, str, float]]:
    """Pairs of label boxes that overlap by more than a tenth of the smaller one."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            width = min(a["right"], b["right"]) - max(a["left"], b["left"])
            height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if width > 0 and height > 0:
                smaller = min((a["right"] - a["left"]) * (a["bottom"] - a["top"]), (b["right"] - b["left"]) * (b["bottom"] - b["top"]))
                if width * height > 0.1 * smaller:
                    found.append((a["id"], b["id"], width * height / smaller))
    return found


def test_six_hundred_places_by_city_are_a_readable_picture(six_hundred_places, tmp_path, open_view):
    places = CliRunner().invoke(main, ["query", "places", "--store", str(six_hundred_places), "--format", "json"])
    # All but one: the extractor misses 古县 (its one-character stem is a common word).
    assert sum(1 for row in json.loads(places.output) if row["place_level"] in ("district", "county")) >= 599
    path = write_view(six_hundred_places, tmp_path, "--all", "--level", "city")
    view = open_view(path)
    assert view.errors == [] and view.attempted == []
    kinds = view.evaluate("window.govkgView.nodes.get().map(n => n.kind)")
    assert kinds.count("mechanism") == len(MECHANISMS_FOR_SCALE) and 40 <= kinds.count("place") <= 120
    boxes = view.evaluate(LABEL_BOXES)
    assert min(box["font"] for box in boxes) >= 9  # px on the screen at the zoom the page opens with
    assert _overlaps(boxes) == []
    container = view.evaluate("(() => { const b = document.getElementById('graph').getBoundingClientRect(); return [b.width, b.height]; })()")
    assert all(-1 <= box["left"] and box["right"] <= container[0] + 1 and -1 <= box["top"] and box["bottom"] <= container[1] + 1
               for box in boxes)  # everything in view
    view.page.screenshot(path=str(tmp_path / "six-hundred-by-city.png"))
    # The same picture at every load, and from every run of govkg view.
    first = view.evaluate("window.govkgView.network.getPositions()")
    again = open_view(path).evaluate("window.govkgView.network.getPositions()")
    (tmp_path / "second").mkdir()
    rewritten = open_view(write_view(six_hundred_places, tmp_path / "second", "--all", "--level", "city"))
    assert first == again == rewritten.evaluate("window.govkgView.network.getPositions()")


def test_a_search_keeps_the_match_and_its_neighbours_in_view(six_hundred_places, tmp_path, open_view):
    view = open_view(write_view(six_hundred_places, tmp_path, "--all", "--level", "city"))
    city = view.evaluate("window.govkgView.nodes.get().filter(n => n.kind === 'place').map(n => n.label).sort()[0]")
    view.page.fill("#search", city)
    shown = view.evaluate("window.govkgView.shown")
    matches = [node for node, why in shown.items() if why == "match"]
    neighbours = [node for node, why in shown.items() if why == "neighbour"]
    assert len(matches) >= 1 and len(neighbours) >= 1
    visible = set(view.evaluate("window.govkgView.nodeView.getIds()"))
    assert visible == set(matches) | set(neighbours)
    linked = view.evaluate(f"window.govkgView.edges.get().filter(e => e.from === {json.dumps(matches[0])} || e.to === {json.dumps(matches[0])}).length")
    assert linked >= 1
    boxes = view.evaluate(LABEL_BOXES)
    container = view.evaluate("(() => { const b = document.getElementById('graph').getBoundingClientRect(); return [b.width, b.height]; })()")
    assert all(-1 <= b["left"] and b["right"] <= container[0] + 1 and -1 <= b["top"] and b["bottom"] <= container[1] + 1 for b in boxes)
    view.page.screenshot(path=str(tmp_path / "search.png"))


def test_above_the_cap_the_page_says_what_was_left_out(six_hundred_places, tmp_path, open_view):
    view = open_view(write_view(six_hundred_places, tmp_path, "--all", "--level", "city", "--max-nodes", "30"))
    assert view.evaluate("window.govkgView.nodes.length") == 30
    text = view.evaluate("document.body.innerText")
    assert "This view shows the 30 best connected of" in text and "--max-nodes" in text


def test_an_empty_graph_is_a_page_with_no_nodes():
    page = render_view(nx.DiGraph(), "empty", "nothing matched")
    assert "new vis.DataSet([])" in page and "nothing matched" in page
