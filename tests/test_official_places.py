"""Official divisions: the gazetteer's codes and parents, names with the right edges, facts on
the right unit, ambiguity said and never guessed, and the tables and queries that name the unit.
Every sentence is written for these tests about real divisions; no fact is taken from a corpus."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.extract.model import SourceDocument
from govkg.graph.build import build
from govkg.ontology.gazetteer import Gazetteer

from .conftest import default_extractor, extract


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_extractor().gazetteer


def doc(text: str, name: str = "t.txt") -> SourceDocument:
    return SourceDocument(name, text, "0" * 64)


# ---- the gazetteer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, expected_path, code",
    [
        (("于洪区",), ("辽宁省", "沈阳市", "于洪区"), "210114"),  # official parents the text omits
        (("河北省", "竞秀区"), ("河北省", "保定市", "竞秀区"), "130602"),  # a skipped level filled in
        (("重庆市", "江北区"), ("重庆市", "江北区"), "500105"),  # a municipality has no city level
        (("湖北省", "仙桃市"), ("湖北省", "仙桃市"), "429004"),  # a county-level city under its province
        (("郫县",), ("四川省", "成都市", "郫都区"), "510117"),  # a former name: today's unit
        (("伊金霍洛旗", "乌兰木伦镇"), ("内蒙古自治区", "鄂尔多斯市", "伊金霍洛旗", "乌兰木伦镇"), "150627110000"),
        (("浦东新区", "川沙新镇", "某某社区"), ("上海市", "浦东新区", "川沙新镇", "某某社区"), None),
        (("岚州市", "桐溪区"), ("岚州市", "桐溪区"), None),  # invented: kept as written
        (("芦花镇",), ("芦花镇",), None),  # a town without its county or city in the text is not placed
        (("成都市", "于洪区"), ("四川省", "成都市", "于洪区"), None),  # not inside that city: not that unit
    ],
)
def test_resolution_gives_official_parents_and_codes(gazetteer, path, expected_path, code):
    resolution = gazetteer.resolve(path)
    assert resolution.path == expected_path
    assert resolution.code == code


def test_a_shared_name_keeps_its_candidates_unless_the_context_tells(gazetteer):
    bare = gazetteer.resolve(("鼓楼区",))
    assert bare.path == ("鼓楼区",) and bare.division is None
    assert {"320106", "320302", "350102", "410204"} <= {c.code for c in bare.candidates}
    in_nanjing = gazetteer.resolve(("鼓楼区",), gazetteer.context_of([("南京市",)]))
    assert in_nanjing.path == ("江苏省", "南京市", "鼓楼区") and in_nanjing.code == "320106"
    # The province holds two of them: still not said which.
    in_jiangsu = gazetteer.resolve(("鼓楼区",), gazetteer.context_of([("江苏省",)]))
    assert in_jiangsu.division is None and {c.code for c in in_jiangsu.candidates} == {"320106", "320302"}


def test_levels_short_and_former_names(gazetteer):
    assert gazetteer.level_of_path(("湖北省", "仙桃市")) == "county"
    assert gazetteer.level_of_path(("湖北省", "神农架林区")) == "district"
    qinzhou = gazetteer.division_of(("甘肃省", "天水市", "秦州区"))
    assert qinzhou.short == "秦州" and qinzhou.parent == "620500"
    assert "郫县" in gazetteer.division_of(("四川省", "成都市", "郫都区")).former


# ---- extraction: names, edges, units ------------------------------------------------------------


def places_of(text: str) -> dict[str, str | None]:
    return {"/".join(p.path): p.code for p in extract(doc(text)).places}


def adopters_of(text: str) -> set[tuple[str, str]]:
    facts = extract(doc(text))
    return {("/".join(a.place.path), a.mechanism.rsplit("/", 1)[-1]) for a in facts.adoptions}


@pytest.mark.parametrize(
    "text, expected",
    [
        # A district jieba splits oddly, and its city: the whole chain with codes.
        ("天水市秦州区推行“红色物业”，效果明显。", {"甘肃省": "620000", "甘肃省/天水市": "620500",
                                               "甘肃省/天水市/秦州区": "620502"}),
        # A compound of three, none dropped.
        ("河北省保定市竞秀区推行“红色物业”。", {"河北省": "130000", "河北省/保定市": "130600",
                                             "河北省/保定市/竞秀区": "130602"}),
        # Towns and sumu-level units the rules alone miss, and no character dropped (乌兰木伦镇).
        ("象山县西周镇组织党员开展“双报到”。", {"浙江省": "330000", "浙江省/宁波市": "330200",
                                             "浙江省/宁波市/象山县": "330225",
                                             "浙江省/宁波市/象山县/西周镇": "330225102000"}),
        ("伊金霍洛旗乌兰木伦镇组织党员开展“双报到”。", {
            "内蒙古自治区": "150000", "内蒙古自治区/鄂尔多斯市": "150600",
            "内蒙古自治区/鄂尔多斯市/伊金霍洛旗": "150627",
            "内蒙古自治区/鄂尔多斯市/伊金霍洛旗/乌兰木伦镇": "150627110000"}),
        # A village named by one character after its county.
        ("安吉县余村组织党员开展“双报到”。", {"浙江省": "330000", "浙江省/湖州市": "330500",
                                           "浙江省/湖州市/安吉县": "330523", "浙江省/湖州市/安吉县/余村": None}),
        # A street written without its 道, then a community of it.
        ("天河区沙河街晨光社区推行“红色物业”。", {"广东省": "440000", "广东省/广州市": "440100",
                                               "广东省/广州市/天河区": "440106",
                                               "广东省/广州市/天河区/沙河街道": "440106004000",
                                               "广东省/广州市/天河区/沙河街道/晨光社区": None}),
        # Short names beside their official parent or child: 天水市秦州, 天水秦州区.
        ("天水市秦州推行“红色物业”。", {"甘肃省": "620000", "甘肃省/天水市": "620500",
                                       "甘肃省/天水市/秦州区": "620502"}),
        ("天水秦州区推行“红色物业”。", {"甘肃省": "620000", "甘肃省/天水市": "620500",
                                       "甘肃省/天水市/秦州区": "620502"}),
        # A former name: today's unit.
        ("郫县推行“红色物业”。", {"四川省": "510000", "四川省/成都市": "510100", "四川省/成都市/郫都区": "510117"}),
        # Development zones run as districts, and the Production and Construction Corps, by their
        # names; a kind of zone is no name.
        ("青松开发区推行“红色物业”。", {"青松开发区": None}),
        ("经济技术开发区推行“红色物业”。", {}),
        ("各类开发区推行“红色物业”。", {}),
        ("新疆生产建设兵团推行“红色物业”。", {"新疆生产建设兵团": None}),
        # No verb glued on, no category or brand taken for a place (黨建聯盟 ends like a 盟 in
        # traditional script, and is a mechanism).
        ("桐溪区推行“黨建聯盟”。", {"桐溪区": None}),
        ("要用好用活街道党建资源，投身社区建设，厘清社区职责。", {}),
        ("三无小区推行“红色物业”。", {}),
        ("先锋西区推行“红色物业”。", {}),
        ("苏中农业大区推行“红色物业”。", {}),
        ("根据每万城镇常住人口配备社区工作者。", {}),  # 万城镇 is a town, not here
        ("街道地处老城区，老旧小区多。", {}),  # 老城区 is a district of 洛阳市 only after its name
        ("乡镇和县级部门联合推行“红色物业”。", {}),  # no 和县 here
        ("洛阳市老城区推行“红色物业”。", {"河南省": "410000", "河南省/洛阳市": "410300",
                                         "河南省/洛阳市/老城区": "410302"}),
    ],
)
def test_official_names_with_the_right_edges(text, expected):
    assert places_of(text) == expected


def test_this_street_is_the_street_last_named():
    text = "于洪区迎宾路街道推行“红色物业”。同时，该街道推行积分制管理。"
    assert adopters_of(text) == {
        ("辽宁省/沈阳市/于洪区/迎宾路街道", "red-property"),
        ("辽宁省/沈阳市/于洪区/迎宾路街道", "points-system"),
    }


def test_a_sentence_opening_with_the_bare_level_word_speaks_of_the_unit_named():
    text = ("天河区召开基层治理推进会。\n\n沙河街道晨光社区推行“红色物业”。\n\n"
            "社区下设三个网格党支部，推行积分制管理。")
    assert ("广东省/广州市/天河区/沙河街道/晨光社区", "points-system") in adopters_of(text)


@pytest.mark.parametrize(
    "text, path, candidates",
    [
        ("鼓楼区推行“红色物业”。", ("鼓楼区",), {"320106", "320302", "350102", "410204"}),
        ("南京市召开推进会。鼓楼区推行“红色物业”。", ("江苏省", "南京市", "鼓楼区"), set()),
        # Inside the province the article is about, but which of its two is not said.
        ("江苏省召开推进会。鼓楼区推行“红色物业”。", ("江苏省", "鼓楼区"), {"320106", "320302"}),
    ],
)
def test_ambiguous_names_are_said_never_guessed(text, path, candidates):
    facts = extract(doc(text))
    (adoption,) = facts.adoptions
    assert adoption.place.path == path
    assert set(adoption.place.candidates) == candidates


# ---- the graph, tables and queries ----------------------------------------------------------------


@pytest.fixture(scope="module")
def official_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("official")
    (folder / "a.txt").write_text("南京市鼓楼区推行“红色物业”，覆盖小区120个。", encoding="utf-8")
    (folder / "b.txt").write_text("鼓楼区推行积分制管理，参与居民达3000人。", encoding="utf-8")
    (folder / "c.txt").write_text("于洪区推行“红色物业”。", encoding="utf-8")
    store = folder / "store"
    build([folder / "a.txt", folder / "b.txt", folder / "c.txt"], store)
    return store


def query(store, *args):
    result = CliRunner().invoke(main, [*args, "--store", str(store), "--format", "json"])
    return result.exit_code, result.output


def test_places_table_has_codes_and_the_ambiguity_flag(official_store):
    code, output = query(official_store, "query", "places")
    assert code == 0, output
    rows = {(r["place"], r["parent"]): r for r in json.loads(output)}
    assert rows[("于洪区", "沈阳市")]["code"] == "210114"
    assert rows[("于洪区", "沈阳市")]["province"] == "辽宁省"
    assert rows[("鼓楼区", "南京市")]["code"] == "320106" and rows[("鼓楼区", "南京市")]["ambiguous"] is False
    # b.txt never says which 鼓楼区: not joined to a.txt's, flagged, no code.
    bare = rows[("鼓楼区", None)]
    assert bare["ambiguous"] is True and bare["code"] is None


def test_adoption_and_outcome_rows_name_the_unit(official_store):
    _, output = query(official_store, "query", "adoptions")
    rows = {(r["doc"], r["place"]): r for r in json.loads(output)}
    assert (rows[("a.txt", "鼓楼区")]["code"], rows[("a.txt", "鼓楼区")]["city"],
            rows[("a.txt", "鼓楼区")]["province"]) == ("320106", "南京市", "江苏省")
    assert rows[("c.txt", "于洪区")]["city"] == "沈阳市"
    _, output = query(official_store, "outcomes")
    outcome = next(r for r in json.loads(output)["outcomes"] if r["doc"] == "a.txt")
    assert (outcome["code"], outcome["district"], outcome["city"]) == ("320106", "鼓楼区", "南京市")


def test_trace_rows_carry_code_and_units(official_store):
    code, output = query(official_store, "trace", "红色物业")
    assert code == 0, output
    rows = {(r["place"], r["code"], r["city"], r["province"]) for r in json.loads(output)}
    assert rows == {("鼓楼区", "320106", "南京市", "江苏省"), ("于洪区", "210114", "沈阳市", "辽宁省")}


@pytest.mark.parametrize("spelling", ["南京市鼓楼区", "江苏省南京市鼓楼区", "320106"])
def test_a_place_parameter_takes_its_parents_or_its_code(official_store, spelling):
    code, output = query(official_store, "query", "mechanisms-of", "--param", f"place={spelling}")
    assert code == 0, output
    assert {r["mechanism"] for r in json.loads(output)} == {"红色物业"}


def test_a_shared_name_as_a_parameter_lists_the_candidates(official_store):
    code, output = query(official_store, "query", "mechanisms-of", "--param", "place=鼓楼区")
    assert code == 1
    assert output == (
        "Error: '鼓楼区' names 2 places in this store: 江苏省南京市鼓楼区 (320106); 鼓楼区 (parent unknown: "
        "one of 320106, 320302, 350102, 410204). Give one with its parents (e.g. 江苏省南京市鼓楼区) or its code\n"
    )


def test_the_store_with_codes_conforms_to_the_shapes(official_store):
    result = CliRunner().invoke(main, ["validate", "--store", str(official_store)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


@pytest.mark.parametrize(
    "text, expected",
    [
        # A village's stem may end in 化 when it is no common word (现代化 is a kind, 桂化 a name).
        ("芦花镇桂化村推行积分制管理。", {("芦花镇/桂化村", "points-system")}),
        ("芦花镇推动现代化村庄建设，推行积分制管理。", {("芦花镇", "points-system")}),
        # 该村, and a sentence opening with 社区 after a time phrase, are the unit named last.
        ("芦花镇白石村召开村民大会。该村推行积分制管理。", {("芦花镇/白石村", "points-system")}),
        ("芦花镇晨光社区召开居民大会。\n\n自今年3月起，社区依托积分制管理激励居民。",
         {("芦花镇/晨光社区", "points-system")}),
        # The clause's subject acts; the village it chose is only acted on.
        ("芦花镇选定白石村作为示范村，推行积分制管理。", {("芦花镇", "points-system")}),
        # A place that starts a clause of its own is its subject.
        ("芦花镇召开推进会，白石村推行积分制管理。", {("芦花镇/白石村", "points-system")}),
    ],
)
def test_facts_go_to_the_unit_that_does_them(text, expected):
    assert adopters_of(text) == expected


@pytest.mark.parametrize("sentence, path", [
    # The text is matched in its simplified fold, where 乾 reads 干: the name is found all the same.
    ("吉林省松原市乾安县推行积分制管理。", ("吉林省", "松原市", "乾安县")),
    ("乾安县推行积分制管理。", ("吉林省", "松原市", "乾安县")),
])
def test_an_official_name_the_simplified_fold_changes_is_found(sentence, path):
    facts = extract(SourceDocument("a.txt", sentence + "\n", "0" * 64))
    assert path in {p.path for p in facts.places}
    assert [a.place.path for a in facts.adoptions] == [path]


@pytest.mark.parametrize("text, start, end", [
    ("岚州市河东区和松原市干安县推行网格化管理，乌兰木伦镇也是。", 0, None),  # overlaps at one end, a folded spelling
    ("沈阳市于洪区、太原市小店区、东区和南区", 0, None),
    ("沈阳市于洪区、太原市小店区", 3, 12),  # a name cut by the slice is not in it
    ("沈阳市于洪区和太原市", 4, None),
    ("没有任何地名的句子。", 0, None),
    ("", 0, None),
])
def test_official_names_are_every_spelling_inside_the_slice_in_the_order_of_their_ends(text, start, end):
    official = default_extractor().steps[3].run.official_names
    stop = len(text) if end is None else end
    # Every substring that spells a name, by the end, longest first (as an automaton reports them).
    expected = sorted(((b, e, official._spellings[text[b:e]]) for e in range(start, stop + 1)
                       for b in range(start, e) if text[b:e] in official._spellings), key=lambda hit: (hit[1], hit[0]))
    assert official(text, start, end) == expected
    names = [name for *_, name in expected]
    if text.startswith("岚州市河东区"):
        assert {"河东区", "东区", "松原市", "乾安县", "乌兰木伦镇"} <= set(names)
        assert names.index("河东区") < names.index("东区")
    if end == 12:
        assert names == ["于洪区", "太原市"]
    if start == 4:
        assert "于洪区" not in names and "太原市" in names
