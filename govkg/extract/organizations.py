"""Organizations: party organizations, government bodies, companies, property companies, owners'
committees, teams. A name ends in a head word that says the kind (党工委, 局, 公司, 物业, 业委会,
突击队 …); its start is found walking back over name-like words, as for places. The body's place is
the place its name starts with, else the place the sentence names before it, else the article's.
"""

from __future__ import annotations

import re
from collections import defaultdict

from govkg.extract.model import DocumentFacts, Organization, Place
from govkg.extract.places import (
    _HAN,
    GENERIC_WORDS,
    NON_NAME_WORDS,
    STOP_CHARS,
    STOP_FLAGS,
)
from govkg.extract.segment import NAME_FLAGS, Token, walk_back
from govkg.ontology.levels import LEVEL_SUFFIXES, level_of_path, place_of_level

HEADS = {
    "party-organization": ("党工委", "党委", "党总支", "党支部", "党组织", "区委", "市委", "县委", "省委",
                           "组织部", "宣传部", "统战部", "政法委", "纪委", "行业党委", "社会工作部"),
    "government": ("人民政府", "政府", "办事处", "生态环境局", "局", "指挥中心", "保障中心", "大数据中心",
                   "管理中心", "商务部", "民政部", "综治中心", "住建委", "卫健委", "发改委", "网信办", "信访办"),
    "enterprise": ("公司", "商店", "集市", "超市"),
    "property-company": ("物业服务中心", "物业公司", "物业"),
    "owners-committee": ("业主委员会", "业委会"),
    "team": ("突击队", "巡逻队", "护卫队", "志愿服务队", "服务队", "志愿队", "工作队", "宣讲团", "宣讲队",
             "督查队伍", "小组"),
    "other": ("党群服务中心", "党群服务站", "工作站", "医院", "幼儿园", "哨所", "服务站"),
}
KIND_OF_HEAD = {head: kind for kind, heads in HEADS.items() for head in heads}
HEAD = re.compile("|".join(sorted(map(re.escape, KIND_OF_HEAD), key=len, reverse=True)))
# Heads that are common nouns too (物业服务, 工作小组): they need a proper name before them.
WEAK_HEADS = {"物业", "小组", "服务站", "工作站", "集市", "超市", "商店", "局", "服务队"}
# Prefixes that make a kind of body, not a named one.
KIND_WORDS = {"基层", "中基层", "网格", "系统", "企业", "群体", "楼宇", "社区", "街道", "村", "小区", "行业",
              "多功能", "非公", "两新", "机关", "党员", "居民", "业主"}
FIGURE_WORDS = {"格局", "布局", "大局", "全局", "结局", "当局", "破局", "开局"}
# Bodies named by a level word alone are a kind of body, not one body (社区党委, 街道党工委), except
# the committees of a city or district, which the text names that way (市委, 区委).
GENERIC_PARTY_HEADS = set(HEADS["party-organization"]) - {"区委", "市委", "县委", "省委"}
# Bodies named by their level alone: 区委, 市委, 区生态环境局, 街道党工委.
LEVEL_PREFIXES = ("街道", "社区", "区", "市", "县", "镇", "省")
# The level a level word stands for when it names a body of the article's place (区民政局).
LEVEL_WORDS = {word: dict(LEVEL_SUFFIXES)[word] for word in ("街道", "社区", "区", "县", "市", "镇", "乡", "村")}
QUOTES = "“”‘’"
_QUOTED = re.compile(r"[“‘][^”’]*[”’]")
MAX_PREFIX = 12


def _prefix(tokens: list[Token], head_start: int, place_spans: list) -> tuple[int, bool]:
    """Where the name before a head starts (offset in the sentence) and whether it looks proper
    (a place, a quoted name or a proper noun in it). A quoted span counts as one word."""
    before = [t for t in tokens if t.end <= head_start]
    proper = False

    def step(j: int) -> int | None:
        nonlocal proper
        token = before[j]
        if head_start - token.start > MAX_PREFIX:
            return None
        word = token.word
        if word in ("”", "’"):
            opening = next((i for i in range(j - 1, -1, -1) if before[i].word in ("“", "‘")), None)
            proper = proper or opening is not None
            return opening
        in_place = any(a <= token.start < b for a, b in place_spans)
        if not in_place:
            if word in NON_NAME_WORDS or word in GENERIC_WORDS - set(LEVEL_PREFIXES) or not _HAN.match(word):
                return None
            if len(word) == 1 and word in STOP_CHARS | {"属", "牵", "起"}:
                return None
            if token.flag in STOP_FLAGS and word not in LEVEL_PREFIXES:
                return None
        proper = proper or in_place or token.flag in NAME_FLAGS
        return j

    first = walk_back(before, len(before), step)
    return (before[first].start if first < len(before) else head_start), proper


def recognize_organizations(facts: DocumentFacts) -> list[Organization]:
    """Every body the document names, with its place and the mechanisms its sentence names."""
    text = facts.normalized.text
    fold = facts.normalized.fold
    mechanisms_in: dict[int, list[str]] = defaultdict(list)
    for mention in facts.mechanism_mentions:
        mechanisms_in[mention.sentence].append(mention.mechanism)
    places_in: dict[int, list] = defaultdict(list)
    for mention in facts.place_mentions:
        places_in[mention.sentence].append(mention)
    articles = {a.index: a for a in facts.articles}
    found: dict[tuple[str, tuple[str, ...]], Organization] = {}
    for sentence, tokens in zip(facts.sentences, facts.tokens, strict=True):
        local = fold[sentence.start : sentence.end]
        quoted = [m.span() for m in _QUOTED.finditer(local)]
        # A head inside quotes is part of a quoted name (“红色物业”), unless the quote ends with it
        # (“银发护卫队”: the quote is the body's name).
        matches = [
            m for m in HEAD.finditer(local)
            if not any(a < m.start() < b and m.end() != b - 1 for a, b in quoted)
        ]
        place_spans = [(m.start - sentence.start, m.end - sentence.start) for m in places_in[sentence.index]]
        for i, match in enumerate(matches):
            if i + 1 < len(matches) and matches[i + 1].start() == match.end():
                continue  # 区委 + 组织部: the name runs on to the next head
            first = match
            while i > 0 and matches[i - 1].end() == first.start():
                i -= 1
                first = matches[i]
            head = match.group()
            start, proper = _prefix(tokens, first.start(), place_spans)
            # 重庆市巴南区委组织部 is named after its most specific place: 巴南区委组织部.
            chain = [(a, b) for a, b in place_spans if start <= a < first.start()]
            while len(chain) > 1 and chain[0][1] == chain[1][0]:
                chain.pop(0)
                start = chain[0][0]
            name = text[sentence.start + start : sentence.start + match.end()]
            unbalanced = sum(name.count(q) for q in "“‘") != sum(name.count(q) for q in "”’")
            if unbalanced or name[:1] in QUOTES:
                name = "".join(ch for ch in name if ch not in QUOTES)  # “先锋骑士”志愿服务队
            name = name.strip(QUOTES)
            prefix = local[start : first.start()].strip(QUOTES)
            if local[max(0, first.start() - 1) : first.end()] in FIGURE_WORDS:
                continue  # 格局 is no bureau
            article = articles[sentence.article]
            own = _level_body(tokens, start, first.start(), name, article.main_place)
            if own is None and prefix in KIND_WORDS:
                continue  # 基层党组织, 网格党群服务站: a kind of body
            if not prefix and first.group() not in ("区委", "市委", "县委", "省委"):
                continue
            if own is not None:
                name, own_place = own  # 区民政局 in an article about 白塔区: 白塔区民政局
                proper = True
            elif prefix in LEVEL_PREFIXES and first.group() in GENERIC_PARTY_HEADS:
                continue
            if head in WEAK_HEADS and not proper:
                continue
            if len(name) < 3 or name in GENERIC_WORDS:
                continue
            absolute = sentence.start + start
            place = own_place if own is not None else _place_of(name, absolute, places_in[sentence.index], article)
            key = (name, place.path if place else ())
            previous = found.get(key)
            mechanisms = tuple(dict.fromkeys(
                (previous.mechanisms if previous else ()) + tuple(mechanisms_in[sentence.index])
            ))
            evidence = previous.evidence if previous else facts.evidence(sentence)
            found[key] = Organization(name, KIND_OF_HEAD[head], place, evidence, mechanisms)
    return list(found.values())


def _level_body(tokens: list[Token], start: int, head_start: int, name: str,
                main_place: tuple[str, ...]) -> tuple[str, Place] | None:
    """A body named by a level word that stands for the article's place of that level: 区民政局,
    县公安局, 区委组织部 in an article about 白塔区, 街道党工委 in one about 白沙街道. Returns the
    name with the place's own name in front, and that place; None when the article is about no
    place of that level (then 街道党工委 means street committees in general)."""
    token = next((t for t in tokens if t.start == start), None)
    if token is None or not main_place:
        return None
    for word, level in LEVEL_WORDS.items():
        # The level word is a token of its own (区 民政局), or starts the one word jieba made of the
        # whole body (县公安局, 区委): never the start of another word (市民, 市场, 社区服务).
        alone = token.word == word
        whole = token.word.startswith(word) and token.end >= head_start and len(token.word) > len(word)
        if (alone or whole) and name.startswith(word) and len(name) > len(word):
            path = place_of_level(main_place, level)
            if path is None:
                return None
            return path[-1] + name[len(word):], Place(path, level_of_path(path))
    return None


def _place_of(name: str, start: int, mentions: list, article) -> Place | None:
    inside = [m for m in mentions if start <= m.start < start + len(name)]
    if inside:
        return inside[-1].place
    before = [m for m in mentions if m.end <= start]
    if before:
        return before[-1].place
    if article.main_place:
        return Place(article.main_place, level_of_path(article.main_place))
    return None
