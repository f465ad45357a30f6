"""Outcomes: numbers with a unit, what they count, and the place and mechanism they belong to."""

from __future__ import annotations

import re
from collections import defaultdict

from govkg.extract.model import DocumentFacts, Outcome
from govkg.extract.quantities import UNITS, Quantity, parse_quantities
from govkg.extract.relate import _places_by_sentence, paragraph_subjects, places_for

INDICATOR_STOP = "，。、；：！？,;:!?（）()“”‘’《》"
UNIT_CHARS = {u for u in UNITS if len(u) == 1}
QUOTE_CHARS = set("“”‘’")
YEAR = re.compile(r"(20\d{2}|19\d{2})年")
QUOTED = re.compile(r"[“‘「][^”’」]{0,30}[”’」]")


# Words that make a number a plan, a target or a requirement, not a result: anywhere before it in
# its sentence (力争到2025年，…突破百万元), or in its own clause.
PLAN_SENTENCE = re.compile(r"力争|目标是|目标为|目标任务|计划到|计划在|规划到")
PLAN_CLAUSE = re.compile(r"计划|将要|即将|将于|争取|拟|要求|应当|须达到")
# 由222项缩减到101项: the number a change starts from is a baseline; the one it reaches is the result.
CHANGE_FROM = re.compile(r"[由从]$")
CHANGE_TO = re.compile(r"[^，,；;]{0,6}?(?:减少|缩减|下降|降低|提高|提升|增加|增长|上升|压减|精简|扩大)?(?:到|至)")
# Stock the place already had before anything was done: 现有城市社区网格391个, 网格内有452户;
# and where a body started from (成立伊始仅有11人).
STOCK_WORDS = re.compile(r"现有|约有|原有|目前有|内有|网格内|成立伊始|成立之初|起初|最初")
# The starting point a number is changed from or compared with: 将46个网格细分为433个微网格,
# 在44个网格基础上, 远超全省76.7万元的平均水平.
CHANGED_FROM = re.compile(
    r"[^，,；;。]{0,12}?(?:细分为|划分为|拆分为|整合为|合并为|调整为|优化为|细化成|细化为|基础上|的平均水平|平均水平)"
)
# Rules of a scheme and quotas, not results: 完成一次志愿服务可获得1个积分, 每年招募志愿者250名.
RULE_WORDS = re.compile(r"可获得|可兑换|即可获得|就会获得|则消耗|每年[^，,；;]{0,12}(?:招募|招聘|选派)")
# A duration right before a noun describes the thing (两台24小时异味监测设备), and one before 内
# sets a time limit (3个月内不享受); neither is a result.
DURATION_UNITS = {"小时", "天", "个月"}
# The size of a facility (占地5000平方米的中心, 会议室约为150平方米) describes it.
FACILITY_SIZE = re.compile(r"(?:占地|约为|建筑面积)$")
AREA_UNITS = {"平方米", "平方公里", "亩"}
# A figure from before, followed by what it changed to (不足4000元，……增加到10030元).
EARLIER = re.compile(r"不足|仅有|只有")
LATER_CHANGE = re.compile(r"(?:增加|提高|增长|提升|上升|下降|减少|降低)(?:到|至)")
# The size of a body as set up (由86人组成的代表大会) describes it.
SIZE_OF_BODY = re.compile(r"(?:组成的|组成了)")
# Verbs of doing: a clause with one reports an action, not a stock.
RESULT_VERBS = re.compile(
    r"新建|建成|组建|成立|设立|新增|增设|增加|打造|创建|培育|改造|覆盖|推广|试点|签订|完成|实现|带动|帮助|"
    r"解决|服务|联系|走访|结对|包联|共建|命名|评选|认定|整治|整顿|转化|消除|选派|派驻|下沉|达标|办结|化解|"
    r"收集|开展|建立|组织|发展|招募|培训|吸纳|发动|动员|推动|落实|举办|召开|受理|处理|提供|投入|筹集|安装|"
    r"配备|设置|开通|上线|达到|累计|如今|现在|目前|今年|去年"
)
# A short clause of a noun and a number with no action in it continues the enumeration before it:
# 网格内有老人21人，独居老人4人 (stock, like the first).
ENUMERATION_MAX = 12


def continues_stock(local: str, quantity: Quantity, clause_start: int, previous: str | None) -> bool:
    clause = local[clause_start : quantity.start]
    return previous == "stock" and len(clause) <= ENUMERATION_MAX and not RESULT_VERBS.search(clause)


def non_result(local: str, quantity: Quantity, clause_start: int, clause_end: int) -> str | None:
    """Why a number of a sentence is no result the text reports (a plan or target, the baseline a
    change starts from or a figure is compared with, stock the place already had, a rule of a
    scheme or a quota, a duration describing a thing), or None when it is one. Offsets are in the
    sentence `local`. (The scope of an area, 下辖20个社区, is left in: the sample corpus's
    annotation counts it, the dev set's does not.)"""
    before = local[clause_start : quantity.start]
    if PLAN_SENTENCE.search(local, 0, quantity.start) or PLAN_CLAUSE.search(before):
        return "plan"
    if CHANGE_FROM.search(before) and CHANGE_TO.match(local, quantity.end):
        return "baseline"
    if STOCK_WORDS.search(before):
        return "stock"
    if CHANGED_FROM.match(local, quantity.end):
        return "baseline"
    if RULE_WORDS.search(local, clause_start, quantity.start):
        return "rule"
    if quantity.unit in DURATION_UNITS and "\u4e00" <= local[quantity.end : quantity.end + 1] <= "\u9fff":
        return "attribute"  # 24小时监测设备, 3个月内, 12个月度积分
    if SIZE_OF_BODY.match(local, quantity.end):
        return "attribute"
    if quantity.unit in AREA_UNITS and FACILITY_SIZE.search(local, clause_start, quantity.start):
        return "attribute"
    if EARLIER.search(before) and LATER_CHANGE.search(local, quantity.end):
        return "baseline"
    return None


def indicator_of(fold: str, quantity: Quantity) -> str:
    """The words counted: the noun after the number (23个基层治理指挥中心), else the words before it
    in the same clause (解决问题1200余个)."""
    after = ""
    for ch in fold[quantity.end :]:
        if ch in INDICATOR_STOP or ch.isdigit():
            break
        after += ch
    if after and quantity.unit != "%":
        return after[:12]
    before = ""
    after_number = False
    for ch in reversed(fold[: quantity.start]):
        if ch.isdigit():
            after_number = True
            break
        if ch in INDICATOR_STOP and ch not in QUOTE_CHARS:
            break
        before = ch + before
    before = "".join(ch for ch in before if ch not in QUOTE_CHARS)  # 组建“银发护卫队”3支
    if after_number:
        # 86个社区配备网格力量3200名: what stands before this number starts after the last one's unit.
        before = before.lstrip("".join(UNIT_CHARS) + "余多万亿")
    return before[-12:] or after[:12] or quantity.unit


def extract_outcomes(facts: DocumentFacts) -> list[Outcome]:
    """Outcomes of a document: each quantity with its indicator, the place and the mechanism its
    clause ties it to, and the year its sentence states; a figure repeated (a closing list of
    figures) is kept once."""
    by_sentence = _places_by_sentence(facts.place_mentions)
    subjects = paragraph_subjects(facts, by_sentence)
    articles = {a.index: a for a in facts.articles}
    mechanisms_in = defaultdict(list)
    for mention in facts.mechanism_mentions:
        mechanisms_in[mention.sentence].append(mention)
    fold = facts.normalized.fold
    figures: list[tuple[Outcome, str, str]] = []
    for sentence in facts.sentences:
        if sentence.kind not in ("body", "caption"):
            continue
        local = fold[sentence.start : sentence.end]
        quoted = [m.span() for m in QUOTED.finditer(local)]
        previous_reason = None
        for quantity in parse_quantities(local):
            start = sentence.start + quantity.start
            number_text = local[quantity.start : quantity.end]
            if any(a <= quantity.start < b for a, b in quoted):
                continue  # inside a quoted name: “四个一”, “1+3+N”
            if not any(ch.isdigit() for ch in number_text) and any(
                m.start <= start < m.end for m in mechanisms_in[sentence.index]
            ):
                continue  # 三张清单: a number that is part of a mechanism's name
            clause_start = max(local.rfind(ch, 0, quantity.start) for ch in "，,；;") + 1
            clause_end = min(
                [i for i in (local.find(ch, quantity.end) for ch in "，,；;") if i >= 0] or [len(local)]
            )
            reason = non_result(local, quantity, clause_start, clause_end)
            if reason is None and continues_stock(local, quantity, clause_start, previous_reason):
                reason = "stock"
            previous_reason = reason
            if reason:
                continue
            in_clause = [
                m for m in mechanisms_in[sentence.index]
                if clause_start <= m.start - sentence.start < clause_end
            ]
            in_sentence = {m.mechanism for m in mechanisms_in[sentence.index]}
            mechanism = in_clause[0].mechanism if in_clause else (
                next(iter(in_sentence)) if len(in_sentence) == 1 else None
            )
            places = places_for(sentence.index, start, by_sentence, articles[sentence.article], facts.normalized.text,
                                subjects.get(sentence.index))
            if not places:
                continue  # no concrete unit to report it (an explainer, an anonymised or national text)
            years = [m for m in YEAR.finditer(local) if m.end() <= quantity.start]
            indicator = indicator_of(local, quantity)
            for mention in sorted(by_sentence.get(sentence.index, []), key=lambda m: -len(m.surface)):
                # 桐溪区常住人口: the place is a column of its own, the indicator is 常住人口.
                if indicator.startswith(mention.surface) and len(indicator) > len(mention.surface):
                    indicator = indicator[len(mention.surface) :]
            outcome = Outcome(
                quantity.value, quantity.unit, indicator, quantity.approx,
                facts.normalized.text[start : sentence.start + quantity.end],
                places[0], mechanism, facts.evidence(sentence),
                period=years[-1].group(1) if years else None, start=start,
            )
            figure = (outcome, local[max(0, quantity.start - 2) : quantity.start], local[quantity.end : quantity.end + 2])
            if not any(_same_figure(figure, other) for other in figures):
                figures.append(figure)
    return [figure[0] for figure in figures]


def _same_figure(a: tuple, b: tuple) -> bool:
    """The same figure stated twice (a closing list of figures): same value and unit, in another
    sentence, with the same two characters before or after it. Percentages recur too often."""
    (oa, before_a, after_a), (ob, before_b, after_b) = a, b
    if (oa.value, oa.unit) != (ob.value, ob.unit) or oa.evidence == ob.evidence or oa.unit == "%":
        return False
    return before_a == before_b or after_a == after_b
