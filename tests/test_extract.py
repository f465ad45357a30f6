"""Extraction steps on small texts written for the tests, and on the sample corpus."""

from __future__ import annotations

import dataclasses
import re

import pytest

from govkg.extract import Extractor
from govkg.extract.model import SourceDocument
from govkg.extract.normalize import normalize, split_articles, split_sentences
from govkg.ontology import load_thesaurus

from .conftest import EXAMPLES, SHARED_CORPUS, default_extractor, extract, needs_shared


def doc(text: str, name: str = "t.txt") -> SourceDocument:
    return SourceDocument(name, text, "0" * 64)


def adoptions(text: str) -> set[tuple[str, str]]:
    thesaurus = default_extractor().thesaurus
    facts = extract(doc(text))
    return {("/".join(a.place.path), thesaurus.mechanisms[a.mechanism].pref_label) for a in facts.adoptions}


def test_column_layout_is_joined_and_offsets_point_back():
    text = "岚州市竹溪区坚持把党建引领\n贯穿城市基层治理全过程，\n推动治理重心下移。\n\n竹溪区推行\n“1+3+N”网格\n力量配备模式。\n\n第三段很短\n第四行也短\n第五行结束。\n\n再来一段\n最后一句。\n"
    normalized = normalize(doc(text))
    sentences = [s.text for s in split_sentences(normalized)]
    assert "竹溪区推行“1+3+N”网格力量配备模式。" in sentences
    for s in split_sentences(normalized):
        start, end = normalized.source_span(s.start, s.end)
        assert text[start:end].replace("\n", "") == s.text


def test_caption_between_two_halves_of_a_sentence_is_set_aside():
    first = "桐溪区健全社区工作事项准入制度，清理各类事项，压减社区证明材料和各类台账报表，全年减少台账"
    text = first + "\n\n桐溪区网格员走访独居老人。\n\n300余个，切实为基层减负。\n"
    normalized = normalize(doc(text))
    sentences = {s.text: s for s in split_sentences(normalized)}
    assert first + "300余个，切实为基层减负。" in sentences
    assert sentences["桐溪区网格员走访独居老人。"].kind == "caption"


def test_two_articles_in_one_file_each_have_their_place():
    text = (
        "湖安省漾川市： 党员服务零距离\n\n■本报记者 林晓\n\n漾川市推动机关党员到社区“双报到”。\n\n"
        "湖安省漾川市青石县芦花镇： 积分超市\n\n■本报记者 林晓\n\n芦花镇推行“四议两公开”工作法。\n"
    )
    facts = extract(doc(text))
    assert [a.main_place for a in facts.articles] == [
        ("湖安省", "漾川市"),
        ("湖安省", "漾川市", "青石县", "芦花镇"),
    ]
    assert [a.title for a in split_articles(normalize(doc(text)), "t")] == [
        "湖安省漾川市： 党员服务零距离",
        "湖安省漾川市青石县芦花镇： 积分超市",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("岚州市桐溪区柳岸街道荷塘社区推行“红色物业”。", {("岚州市/桐溪区/柳岸街道/荷塘社区", "红色物业")}),
        ("桐溪区全面推行１＋３＋Ｎ网格力量配备。", {("桐溪区", "“1+3+N”网格力量配备模式")}),
        ("桐溪区推行四单一目录，为社区减负。", {("桐溪区", "四清单一目录")}),
        ("岚州市桐溪区在荷塘社区试点后，全区推广“红色物业”。", {("岚州市/桐溪区", "红色物业")}),
        ("岚州市桐溪区：治理新路\n\n该区推行“红色物业”。", {("岚州市/桐溪区", "红色物业")}),
        ("浙江省杭州市上城区湖滨街道推行“红色物业”。", {("浙江省/杭州市/上城区/湖滨街道", "红色物业")}),
        ("北京市西城区推行“街乡吹哨、部门报到”。", {("北京市/西城区", "网格吹哨、部门报到")}),
        ("老城区推行“红色物业”。", set()),
        ("岚州市桐溪区：治理\n\n桐溪区推行“红色物业”。“红色物业”是指物业企业在党组织领导下服务。", {("岚州市/桐溪区", "红色物业")}),
        ("“网格吹哨”是指网格员发现问题后及时上报的工作方法。", set()),
        ("某社区推行“红色物业”。", set()),
        ("xx市推行“四清单一目录”。", set()),
        ("“红色物业”是指物业服务企业在党组织领导下开展服务。", set()),
    ],
    ids=["compound", "full-width", "variant", "generic-after-specific", "generic-only", "direction-district",
         "beijing", "old-town-is-no-place", "definition-in-article", "definition", "anonymised-mou",
         "anonymised-xx", "general"],
)
def test_adoptions_of_short_texts(text, expected):
    assert adoptions(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Names that end like a generic word (都市, 门市, 山区, 湾区) spelled by a one-character stem.
        ("成都市武侯区推行红色物业。", {"四川省", "四川省/成都市", "四川省/成都市/武侯区"}),
        ("厦门市思明区推行红色物业。", {"福建省", "福建省/厦门市", "福建省/厦门市/思明区"}),
        ("上海市宝山区推行红色物业。", {"上海市", "上海市/宝山区"}),
        ("广州市荔湾区推行红色物业。", {"广东省", "广东省/广州市", "广东省/广州市/荔湾区"}),
        ("岚州市云山区推行红色物业。", {"岚州市", "岚州市/云山区"}),  # jieba: 云|山区
        ("湖北省钟祥市推行红色物业。", {"湖北省", "湖北省/荆门市", "湖北省/荆门市/钟祥市"}),  # jieba tags 钟祥市 as a person
        # Compounds: one jieba word holding two places; a county-level city in its city; a village
        # turned community.
        ("上海市浦东新区陆家嘴街道推行红色物业。", {"上海市", "上海市/浦东新区", "上海市/浦东新区/陆家嘴街道"}),
        ("江苏省苏州市昆山市推行红色物业。", {"江苏省", "江苏省/苏州市", "江苏省/苏州市/昆山市"}),
        ("深圳市福田区莲花一村社区推行红色物业。", {"广东省", "广东省/深圳市", "广东省/深圳市/福田区", "广东省/深圳市/福田区/莲花一村社区"}),
        # Kinds of place, not names.
        ("文明城市创建中推行红色物业。", set()),
        ("偏远山区推行红色物业。", set()),
        ("这座城市推行红色物业。", set()),
        ("大城市推行红色物业。", set()),
        ("重庆主城区推行红色物业。", set()),
        ("旅游区推行红色物业。", set()),
        ("自然保护区推行红色物业。", set()),
        ("嵌入式社区推行红色物业。", set()),
        ("推动党建统领现代社区建设。", set()),  # a mechanism of the thesaurus, not a community
        # A village's name inside a street's name: one street, not a village (none contains a street).
        ("漾川市桐溪区梅岭新村街道推行红色物业。", {"漾川市", "漾川市/桐溪区", "漾川市/桐溪区/梅岭新村街道"}),
        ("芦花镇新华村推行红色物业。", {"芦花镇", "芦花镇/新华村"}),
        # Right after a place's name, a one-character stem tagged as a verb still starts a name.
        ("青石县打安镇推行红色物业。", {"青石县", "青石县/打安镇"}),
        ("加强乡村社区治理，推行红色物业。", set()),  # 乡村 is no village's name
        ("梅林社区纺织大院推行红色物业。", {"梅林社区", "梅林社区/纺织大院"}),  # an old work-unit compound
        ("党员走进部队大院开展服务。", set()),  # a kind of compound, not one
        ("漾川市党校与前村社区共建。", {"漾川市", "漾川市/前村社区"}),  # 前|村|社区 as jieba splits it
    ],
)
def test_place_names(text, expected):
    facts = extract(doc(text))
    assert {"/".join(p.path) for p in facts.places} == expected


def test_a_city_inside_a_city_is_county_level():
    facts = extract(doc("江苏省苏州市昆山市推行红色物业。昆山市组建党建联盟56个。"))
    levels = {"/".join(p.path): p.level for p in facts.places}
    assert levels == {"江苏省": "province", "江苏省/苏州市": "city", "江苏省/苏州市/昆山市": "county"}
    assert {a.place.level for a in facts.adoptions} == {"county"}


def test_body_named_after_a_place_is_an_organization():
    facts = extract(doc("岚州市桐溪区委组织部推动柳岸街道党工委建立党建联席会议制度。"))
    kinds = {o.name: o.kind for o in facts.organizations}
    assert kinds == {"桐溪区委组织部": "party-organization", "柳岸街道党工委": "party-organization"}
    assert {m.place.name for m in facts.place_mentions if m.role == "organization"} == {"桐溪区", "柳岸街道"}


def test_thesaurus_names_are_single_jieba_tokens():
    words = [t.word for t in default_extractor().tagger("落实1+3+N网格力量，严格四清单一目录和四单一目录")]
    assert "1+3+N" in words and "四清单一目录" in words and "四单一目录" in words


def test_the_three_named_mechanisms_have_their_variants():
    thesaurus = load_thesaurus()
    for spelling, pref in [
        ("“1+X”党建联建", "“1+X”党建联建"),
        ("区域党建联建", "“1+X”党建联建"),
        ("1+3+N", "“1+3+N”网格力量配备模式"),
        ("网格“N”力量", "“1+3+N”网格力量配备模式"),
        ("四单一目录", "四清单一目录"),
        ("“四清单一目录”", "四清单一目录"),
    ]:
        assert thesaurus.lookup(spelling).pref_label == pref


@needs_shared
def test_evidence_offsets_on_the_sample_corpus():
    from govkg.extract import extract_file

    for path in sorted(SHARED_CORPUS.glob("*.txt")):
        facts = extract_file(path)
        text = path.read_text(encoding="utf-8")
        for adoption in facts.adoptions:
            e = adoption.evidence
            assert text[e.start : e.end].replace("\n", "").replace(" ", "") .startswith(e.text[:5].replace(" ", ""))
            assert adoption.surface in e.text


def discovered(text: str) -> set[tuple[str, str, bool]]:
    """(place, mechanism label, is a candidate) of each adoption."""
    facts = extract(doc(text))
    names = {c.iri: c.pref_label for c in facts.candidates}
    return {
        (
            a.place.name,
            names.get(a.mechanism) or default_extractor().thesaurus.mechanisms[a.mechanism].pref_label,
            a.mechanism in names,
        )
        for a in facts.adoptions
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        ("桐溪区建立“一核多元”共治机制。", {("桐溪区", "“一核多元”共治机制", True)}),
        ("桐溪区推行“1+5+N”，成效明显。", {("桐溪区", "“1+5+N”", True)}),
        ("桐溪区开展“三进三帮”，走访群众。", {("桐溪区", "“三进三帮”", True)}),
        ("桐溪区创建红管家、邻里帮等治理品牌。", {("桐溪区", "红管家", True), ("桐溪区", "邻里帮", True)}),
        ("桐溪区推行社区吹哨、部门报到，问题当天解决。", {("桐溪区", "网格吹哨、部门报到", False)}),
        ("桐溪区梅林社区的志愿者：居民一吹哨，队员来报到。", set()),
        ("桐溪区推行居民点单、社区派单、党员接单。", {("桐溪区", "群众点单、社区派单、党员接单", False)}),
        ("柳岸街道打造“6+1”网格任务清单。", {("柳岸街道", "网格任务清单", False)}),
        ("桐溪区打通服务群众“最后一米”。", set()),
        ("桐溪区吹响党建“集结号”，新生开学报到。", set()),
        ("桐溪区细化“吹哨”事项清单。", set()),
        ("桐溪区开通“12345”热线平台。", set()),
        ("建立“一核多元”共治机制是基层治理的方向。", set()),
        ("xx市推行“1+5+N”。", set()),
        ("桐溪区打造“暖心桐溪”党建品牌。", set()),
        ("桐溪区开展“清洁家园”专项行动。", set()),
        ("桐溪区加强“两新”组织党建。", set()),
        ("柳岸街道塑造“先锋柳岸”服务型组织。", {("柳岸街道", "“先锋柳岸”服务型组织", True)}),
        ("桐溪区构建“共建共治、共享共评、共商共议”的城市治理体系。", set()),
        ("桐溪区形成“支部共建、资源共享、事务共商”的运行模式。",
         {("桐溪区", "“支部共建、资源共享、事务共商”的运行模式", True)}),
        ("桐溪区推出“议事有方”“协商有序”等议事协商机制。",
         {("桐溪区", "“议事有方”", True), ("桐溪区", "“协商有序”", True)}),
        ("桐溪区依托“××智慧党建”平台开展服务。", set()),
        ("桐溪区深化基层治理。一是“三级联动”，区、街、社区协同发力。", set()),
        ("一、抓统筹，形成“三级联动”治理合力。桐溪区推行积分制管理。", {("桐溪区", "积分制管理", False)}),
    ],
    ids=["cue", "formula", "numbered", "listed", "slogan-pair", "slogan-figure", "order-dispatch", "known-variant",
         "figure", "metaphor", "short-core", "phone-number", "general", "anonymised",
         "brand", "campaign", "kind-of-organization", "named-organization", "described", "described-model",
         "named-as-one-of", "anonymised-platform", "list-item-head", "section-heading"],
)
def test_discovery(text, expected):
    assert discovered(text) == expected


def test_discovered_core_quoted_again_is_the_same_candidate():
    facts = extract(doc("桐溪区建立“一核多元”共治机制。“一核多元”让居民有了主心骨。"))
    assert len(facts.candidates) == 1
    assert set(facts.candidates[0].labels) == {"“一核多元”共治机制", "“一核多元”"}
    assert {m.mechanism for m in facts.mechanism_mentions} == {facts.candidates[0].iri}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("岚州市桐溪区委组织部制定实施方案。", {("桐溪区委组织部", "party-organization", "桐溪区")}),
        ("荷塘社区组建“先锋骑士”志愿服务队2支。", {("先锋骑士志愿服务队", "team", "荷塘社区")}),
        ("翠屏小区业主委员会与荷塘物业签订协议。", {
            ("翠屏小区业主委员会", "owners-committee", "翠屏小区"), ("荷塘物业", "property-company", "翠屏小区"),
        }),
        ("桐溪区生态环境局到场处置。", {("桐溪区生态环境局", "government", "桐溪区")}),
        ("社区党委牵头，基层党组织参与，形成良好格局。", set()),
        # A level word names a body of the article's place of that level; elsewhere it stays generic.
        ("临江市白塔区：基层治理\n\n白塔区委组织部牵头，联合区民政局、区住建委成立工作专班。", {
            ("白塔区委组织部", "party-organization", "白塔区"), ("白塔区民政局", "government", "白塔区"),
            ("白塔区住建委", "government", "白塔区"),
        }),
        ("白塔区白沙街道：红色物业\n\n白沙街道推行红色物业，街道党工委每月调度。", {
            ("白沙街道党工委", "party-organization", "白沙街道"),
        }),
        ("临江市白塔区：基层治理\n\n各街道党工委每月调度，市场监管局和市民服务中心参与。", set()),
    ],
    ids=["party", "quoted-team", "owners-committee", "bureau", "kinds-not-bodies", "level-word-district",
         "level-word-street", "level-word-without-that-place"],
)
def test_organizations(text, expected):
    facts = extract(doc(text))
    assert {(o.name, o.kind, o.place.name if o.place else None) for o in facts.organizations} == expected


def test_extraction_in_worker_processes_gives_the_same_facts(monkeypatch):
    sources = [
        SourceDocument(f"{i}-{path.name}", path.read_text(encoding="utf-8"), "0" * 64)
        for i in range(11) for path in sorted(EXAMPLES.glob("*.txt"))
    ]
    expected = [extract(source) for source in sources]
    assert all(facts.tokens for facts in expected)
    # Facts from workers come without the words of each sentence (the steps' own working data).
    expected = [dataclasses.replace(facts, tokens=[]) for facts in expected]
    extractor = Extractor(default_extractor().thesaurus)

    def not_here(*args, **kwargs):
        raise AssertionError("extracted in the calling process, not in workers")

    # Workers import govkg afresh, so this only stops extraction in this process.
    monkeypatch.setattr(Extractor, "__call__", not_here)
    assert list(extractor.pipe(sources, workers=2)) == expected
    # The workers' step timings are added to the calling extractor's.
    assert all(extractor.timings[name] > 0 for name in extractor.step_names)


def test_traditional_script_matches_through_a_simplified_fold():
    text = "湖安省漾川市桐溪區柳岸街道推行「紅色物業」，組建黨建聯盟12個。\n"
    facts = extract(doc(text))
    names = default_extractor().thesaurus.mechanisms
    assert {(a.place.name, names[a.mechanism].pref_label) for a in facts.adoptions} == {
        ("柳岸街道", "红色物业"), ("柳岸街道", "党建联盟"),
    }
    # Evidence and surfaces stay as written; offsets point into the text as read.
    adoption = next(a for a in facts.adoptions if names[a.mechanism].pref_label == "红色物业")
    assert adoption.surface == "「紅色物業」"
    assert text[adoption.evidence.start : adoption.evidence.end] == adoption.evidence.text == text.strip()
    assert [(o.value, o.unit, o.surface) for o in facts.outcomes] == [(12, "个", "12個")]
    assert [p.path for p in facts.places][-1] == ("湖安省", "漾川市", "桐溪区", "柳岸街道")


@pytest.mark.parametrize(
    "text, confidence",
    [("桐溪区建立“一核多元”共治机制。", 0.8), ("桐溪区推行“1+5+N”，成效明显。", 0.7), ("桐溪区开展“三进三帮”，走访群众。", 0.5)],
)
def test_candidates_carry_a_confidence(text, confidence):
    assert [c.confidence for c in extract(doc(text)).candidates] == [confidence]


@pytest.mark.parametrize(
    "text, expected",
    [
        # A sentence that names no place belongs to the place its paragraph is about.
        ("漾川市桐溪区柳岸街道梅林社区成立于2015年。社区推行“红色物业”。\n",
         {("漾川市/桐溪区/柳岸街道/梅林社区", "红色物业")}),
        # ... but only a place within the one the article is about: else the article's place.
        ("桐溪区推行积分制管理。\n\n桐溪区的经验在漾川市推广。社区推行“红色物业”。\n",
         {("桐溪区", "积分制管理"), ("桐溪区", "红色物业")}),
        # A province by its short name, a district by the stem the document names in full.
        ("浙江推行“红色物业”。\n", {("浙江省", "红色物业")}),
        ("漾川市桐溪区推行积分制管理。\n\n同时，桐溪深化“红色物业”。\n",
         {("漾川市/桐溪区", "积分制管理"), ("漾川市/桐溪区", "红色物业")}),
    ],
    ids=["paragraph-subject", "subject-outside-the-article", "province-short-name", "district-stem"],
)
def test_facts_go_to_the_right_unit(text, expected):
    assert adoptions(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # A city that only prefixes a body's name (an academy) is no adopter; its partner is.
        ("漾川市社会科学院党总支与梅林社区开展“1+X”党建联建。\n", {("漾川市/梅林社区", "“1+X”党建联建")}),
        # A province's directive: what it says others must do is nobody's adoption.
        ("云梦省民政厅印发《关于推行积分制管理的指导意见》。《指导意见》明确，积分制管理应覆盖所有村。"
         "《指导意见》要求，各地要推行积分制管理。\n", set()),
    ],
    ids=["body-of-a-city", "provincial-directive"],
)
def test_a_place_naming_a_body_does_not_adopt(text, expected):
    assert adoptions(text) == expected


def test_a_template_with_placeholder_places_gives_nothing():
    text = "××市××区××社区党委推行“红色物业”，组建服务队12支。\n\n社区党委书记介绍，累计解决问题300余个。\n"
    facts = extract(doc(text))
    assert facts.anonymised and facts.adoptions == [] and facts.outcomes == []

    # Anonymised names (某小区) in a text about real places do not make it a template.
    assert not extract(doc("桐溪区梅林社区推行“红色物业”，某小区居民反映问题。\n")).anonymised


@pytest.mark.parametrize(
    "text, names",
    [
        ("把嘱托落实在浙江大地上\n\n桐溪区推行“红色物业”。\n", ["桐溪区"]),  # a title's region
        ("漾川市桐溪区推行积分制管理。桐溪城街道推行“红色物业”。\n", ["漾川市", "桐溪区", "桐溪城街道"]),
    ],
    ids=["title-region", "stem-before-a-suffix"],
)
def test_short_names_only_where_they_name_a_place(text, names):
    assert [m.place.name for m in extract(doc(text)).place_mentions if m.role == "place"] == names


TRIE_KEYS = ["红色", "红色物业", "红色物业服务", "红色网格", "红管家", "1+x", "1+x+n", "1+3+n", "四单一目录", "四清单一目录", "x"]


@pytest.mark.parametrize("text", [
    "推行红色物业服务和红色物业，红色引领，红管家上岗，红色网格",
    "1+x+n网格和1+x联建、1+3+n，1+3不是",
    "四清单一目录与四单一目录",
    "红红色色物物业",
    "没有任何名称",
    "",
])
def test_the_trie_of_keys_matches_what_an_alternation_longest_first_matches(text):
    from govkg.extract.mechanisms import trie_pattern

    alternation = re.compile("|".join(re.escape(k) for k in sorted(TRIE_KEYS, key=len, reverse=True)))
    expected = [(m.start(), m.group()) for m in alternation.finditer(text)]
    assert [(m.start(), m.group()) for m in trie_pattern(TRIE_KEYS).finditer(text)] == expected
    if text.startswith("推行"):
        assert [key for _, key in expected] == ["红色物业服务", "红色物业", "红色", "红管家", "红色网格"]
    assert trie_pattern([]) is None
