"""The number parser (table-driven), outcome extraction and the outcomes command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from govkg.cli import main
from govkg.extract.model import SourceDocument
from govkg.extract.normalize import fold_char
from govkg.extract.quantities import chinese_number, parse_quantities

from .conftest import extract


def quantities(text: str) -> list[tuple[float, str, bool]]:
    folded = "".join(fold_char(ch) for ch in text)
    return [(q.value, q.unit, q.approx) for q in parse_quantities(folded)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("配备1.2万余名网格力量", [(12000, "名", True)]),
        ("服务近万人次", [(10000, "人次", True)]),
        ("培训三百余名骨干", [(300, "名", True)]),
        ("群众满意度98.5%以上", [(98.5, "%", True)]),
        ("每个网格配备1—2名网格员", [(1, "名", False), (2, "名", False)]),
        ("按照300—500户标准划分网格", [(300, "户", False), (500, "户", False)]),
        ("整合建设资金3000余万元", [(3000, "万元", True)]),
        ("实现收入14万元/年", [(14, "万元/年", False)]),
        ("新增就业超4.7万人", [(47000, "人", True)]),
        ("网格颗粒度保持400户左右", [(400, "户", True)]),
        ("覆盖率不低于90%", [(90, "%", True)]),
        ("约2.6万名居民", [(26000, "名", True)]),
        ("面积达１２０平方公里", [(120, "平方公里", False)]),
        ("解决问题1200余个、化解矛盾36件", [(1200, "个", True), (36, "件", False)]),
        ("两千多名党员", [(2000, "名", True)]),
        ("满意率提高22个百分点", [(22, "个百分点", False)]),
        ("历时5个月完成改造", [(5, "个月", False)]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_quantities(text, expected):
    assert quantities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "每月1次集中学习",
        "机关党员每周至少1天深入基层",
        "第一批试点社区",
        "第3批名单",
        "推行“1+3+N”模式",
        "金融城3号楼宇",
        "拨打12345热线",
        "区委十三届八次全会",
        "2024年3月15日召开会议",
        "一个平台、两张清单",
        "从四个方面推进",
        "困人事故零发生",
        "按照4个步骤推进",
    ],
)
def test_not_quantities(text):
    assert quantities(text) == []


@pytest.mark.parametrize("text, value", [("三百", 300), ("两万五千", 25000), ("万", 10000), ("十三", 13), ("一百二十", 120)])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


def test_outcomes_link_place_mechanism_and_year():
    text = "2024年，桐溪区柳岸街道深化“1+X”党建联建，解决问题1200余个。桐溪区常住人口20万余人。\n"
    facts = extract(SourceDocument("t.txt", text, "0" * 64))
    got = {(o.place.name, o.value, o.unit, o.approx, o.indicator, o.period, bool(o.mechanism)) for o in facts.outcomes}
    assert got == {
        ("柳岸街道", 1200, "个", True, "解决问题", "2024", True),
        ("桐溪区", 200000, "人", True, "常住人口", None, False),
    }


def test_a_figure_repeated_in_a_closing_list_counts_once():
    text = "桐溪区优选480人组建突击队。\n\n◎优选480人组建12支突击队；\n\n◎走访480户群众。\n"
    facts = extract(SourceDocument("t.txt", text, "0" * 64))
    assert sorted((o.value, o.unit) for o in facts.outcomes) == [(12, "支"), (480, "人"), (480, "户")]


def test_outcomes_command_filters_and_totals(example_store):
    runner = CliRunner()
    result = runner.invoke(main, ["outcomes", "--store", str(example_store), "--mechanism", "“1+3+N”", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted((r["place"], r["value"], r["unit"]) for r in data["outcomes"]) == [
        ("桐溪区", 86, "个"), ("桐溪区", 3200, "名"), ("竹溪区", 412, "个"),
    ]
    # 86 个 社区 and 412 个 网格 share a unit but not an indicator, 3200 名 neither: nothing adds up.
    assert data["totals"] == []

    result = runner.invoke(main, ["outcomes", "--store", str(example_store), "--place", "湖安省", "--format", "json"])
    places = {r["place"] for r in json.loads(result.output)["outcomes"]}
    assert places == {"漾川市", "白鹭村"}


def test_outcomes_totals_add_only_like_to_like(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("桐溪区解决问题1200余个。竹溪区解决问题300个。竹溪区解决问题50件。\n", encoding="utf-8")
    store = tmp_path / "s"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--store", str(store)]).exit_code == 0
    data = json.loads(runner.invoke(main, ["outcomes", "--store", str(store), "--format", "json"]).output)
    assert data["totals"] == [{"indicator": "解决问题", "unit": "个", "outcomes": 2, "total": 1500, "approx": True}]


def test_outcomes_unknown_mechanism(example_store):
    result = CliRunner().invoke(main, ["outcomes", "--store", str(example_store), "--mechanism", "没有"])
    assert result.exit_code == 1
    assert result.output == "Error: no mechanism called '没有' in this store\n"


def outcome_values(text: str) -> list[tuple[float, str]]:
    facts = extract(SourceDocument("t.txt", text, "0" * 64))
    return sorted((o.value, o.unit) for o in facts.outcomes)


@pytest.mark.parametrize(
    "text, expected",
    [
        # A general explainer names no place: its numbers are nobody's results.
        ("网格员是基层治理的神经末梢。一般每个网格配备1名网格员，服务300户左右。\n", []),
        # An anonymised report: ××区 is no place either.
        ("××区××街道推行网格化管理，累计解决问题120件。\n", []),
        # A plan or a target, anywhere before the number in its sentence, or in its clause.
        ("桐溪区提出，力争到2027年，建成示范社区20个。\n", []),
        ("桐溪区计划新建党群服务站15个，已建成8个。\n", [(8, "个")]),
        # The baseline a change starts from is no result; the figure it reaches is.
        ("桐溪区社区工作事项由136项压减到48项。\n", [(48, "项")]),
        # Stock the place had before anything was done.
        ("桐溪区现有网格412个，今年新增微网格96个。\n", [(96, "个")]),
        ("桐溪区梅林社区网格内有380户居民，今年化解矛盾纠纷45件。\n", [(45, "件")]),
        # What a number is changed from or compared with.
        ("桐溪区将全区52个网格细分为310个微网格。\n", [(310, "个")]),
        ("桐溪区在原有28个网格基础上，增设专属网格6个。\n", [(6, "个")]),
        ("桐溪区村均集体经济收入达到96万元，超过全市71万元的平均水平。\n", [(96, "万元")]),
        # Rules of a scheme and quotas.
        ("桐溪区推行积分制管理，居民参加一次志愿服务可获得2个积分，累计兑换商品1800余件。\n", [(1800, "件")]),
        ("桐溪区每年从退役军人中招募网格员60名。\n", []),
        ("桐溪区每半月至少2次走访独居老人。\n", []),
        # A duration that describes a thing, and numerals of a set phrase.
        ("桐溪区安装3台24小时监控设备，让服务走进千家万户。\n", [(3, "台")]),
        ("桐溪区规定，违规者6个月内不得评优，全年办结诉求900件。\n", [(900, "件")]),
        ("桐溪区召开由45人组成的居民代表会议，收集意见120条。\n", [(120, "条")]),
        # Stock continued by a short enumeration, and where a body started from.
        ("桐溪区梅林社区网格内有老人60人，独居老人9人，今年走访老人300余次。\n", [(300, "次")]),
        ("桐溪区志愿队成立伊始仅有8名队员，如今发展到120名。\n", [(120, "名")]),
        # A facility's size, and a figure from before that something changed from.
        ("桐溪区建成占地800平方米的邻里中心1个。\n", [(1, "个")]),
        ("桐溪区村民人均收入不足5000元，去年增加到12000元。\n", [(12000, "元")]),
    ],
)
def test_numbers_that_are_no_results(text, expected):
    assert outcome_values(text) == expected


def test_a_lead_paragraph_opening_with_a_byline_keeps_its_numbers():
    text = (
        "桐溪区：网格里的烟火气\n\n"
        "本报讯（记者 林晓 通讯员 周岚）今年以来，桐溪区推行“红色物业”，组建红色物业服务队12支，"
        "解决群众急难愁盼问题360余件。\n\n■本报记者 林晓\n"
    )
    facts = extract(SourceDocument("t.txt", text, "0" * 64))
    assert sorted((o.value, o.unit) for o in facts.outcomes) == [(12, "支"), (360, "件")]
    assert {a.place.name for a in facts.adoptions} == {"桐溪区"}


@pytest.mark.parametrize(
    "value, unit, base",
    [(2.31, "亿元", (231000000, "元")), (3000, "万元", (30000000, "元")), (14, "万元/年", (140000, "元/年")),
     (0.6, "平方公里", (600000, "平方米")), (12, "个", (12, "个")), (98.5, "%", (98.5, "%"))],
)
def test_base_amounts(value, unit, base):
    from govkg.extract.quantities import base_amount

    assert base_amount(value, unit) == base


def test_outcomes_show_the_year_and_base_values_and_never_add_percentages(tmp_path):
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "2023年，桐溪区投入资金1.2亿元，满意率提高6个百分点。\n\n"
        "2024年，桐溪区投入资金3000万元，满意率提高4个百分点，满意率达到96%。\n\n"
        "桐溪区满意率达到98%。\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(corpus), "--store", str(store)]).exit_code == 0
    data = json.loads(runner.invoke(main, ["outcomes", "--store", str(store), "--format", "json"]).output)
    money = sorted((r["value"], r["unit"], r["base_value"], r["base_unit"], r["period"]) for r in data["outcomes"] if r["base_unit"] == "元")
    assert money == [(1.2, "亿元", 120000000, "元", 2023), (3000, "万元", 30000000, "元", 2024)]
    # 万元 and 亿元 add up in 元; percentages and percentage points are never added.
    assert [(t["indicator"], t["unit"], t["total"]) for t in data["totals"]] == [("投入资金", "元", 150000000)]
