"""Discovering mechanisms the thesaurus has never seen.

Governance texts mark a named mechanism in a few regular ways, and these rules look for them:
- a quoted name followed by a cue word: “一盘棋”运行机制, “江北头雁”工程, “9S”城市党建共同体;
- a quoted formula: “1+5+N”, “6+1”;
- a quoted numbered slogan right after a verb of doing: 开展“三服务”, 探索以“四强”破“四难”;
- names listed before a cue: 创建红网易贷、马甲妈妈等治理品牌;
- paired slogans: X吹哨、Y报到; X点单、Y派单、Z接单 (mapped to the known concept when there is one).
A discovered name becomes a candidate concept, known by its quoted core, with every spelling seen.
Nothing is discovered where a thesaurus mechanism already stands.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from urllib.parse import quote

from govkg.extract.model import MechanismMention, Sentence
from govkg.extract.places import ANONYMISED
from govkg.ontology import MECHANISM, Mechanism, Thesaurus, label_key

# Heads that give a quoted name the shape of a mechanism, longest first so that 运行机制 wins
# over 机制. Brands (党建品牌), campaigns (行动), plans (计划), practices (做法), ways of
# thinking (思路) and kinds of organization (“两新”组织) are named that way too, but are no
# mechanisms: they are not cues.
CUES = (
    "工作机制", "运行机制", "工作模式", "运行模式", "治理模式", "服务模式", "工作思路", "工作体系",
    "组织体系", "服务体系", "工作法", "机制", "模式", "制度", "体系", "工程", "清单", "平台",
    "共同体", "议事会", "议事厅", "圆桌会", "联席会", "联盟", "工作室", "组织",
)
# Heads that make a mechanism only with a word between them and the quote: “红岩先锋”变革型组织
# is one, “两新”组织 is a kind of organization.
NEEDS_MODIFIER = {"组织"}
# A quote described with 的 is a mechanism only when the head is the bare working model it
# spells out part by part (“组织共建、资源共享……”的运行模式), and then with less confidence.
DESCRIBED_HEADS = {"运行模式", "工作模式", "运行机制", "工作机制", "工作法"}
# How sure a discovery is that it names a mechanism, by the way it was found.
CONFIDENCE = {"head": 0.8, "formula": 0.7, "listed": 0.5, "numbered": 0.5, "described": 0.5}
CUE_CATEGORY = {
    "清单": "list-management", "平台": "service-platform", "阵地": "service-platform",
    "体系": "organization", "组织": "organization", "共同体": "coordination", "联盟": "coordination",
    "议事会": "participation", "圆桌会": "participation", "机制": "coordination",
}
ADOPTION_VERBS = (
    "实施", "推行", "推广", "建立", "探索", "打造", "开展", "实行", "落实", "构建", "创新", "运行",
    "坚持", "深化", "形成", "采用", "健全", "完善", "践行", "推进", "创建", "组建", "搭建", "设立",
    "建成", "启动", "拓展", "以", "用好", "引入", "试行", "首创", "创设", "培育", "设置", "成立",
)
NUMERALS = "一二三四五六七八九十两双百千"
_QUOTED = re.compile(r"[“‘「]([^“”‘’「」\n，。；！？]{2,30}?)[”’」]")
_CUE = re.compile(r"(的|等)?([^\W\d_等的]{0,8}?)(" + "|".join(CUES) + ")")
_FORMULA = re.compile(r"^[0-9A-Za-z]+(?:[+＋][0-9A-Za-z]+)*$")
_LISTED = re.compile(
    r"(?:创建|打造|培育|形成|推出|涌现出)((?:[\u4e00-\u9fff]{2,8}、)+[\u4e00-\u9fff]{2,8})等"
    r"[\u4e00-\u9fff]{0,4}(品牌|模式|做法|机制|经验)"
)
# Paired slogans and the label of the known concept each maps to.
PAIRED_SLOGANS = (
    # Not 居民一吹哨，马甲来报到 ("as soon as … whistle, … come"): a figure of speech.
    (re.compile(r"[\u4e00-\u9fff]{1,4}(?<!一)吹哨[、，,]\s*[\u4e00-\u9fff]{1,4}(?<!来)报到"), "网格吹哨、部门报到"),
    (re.compile(r"[\u4e00-\u9fff]{1,4}点单[、，,][\u4e00-\u9fff]{1,4}派单[、，,][\u4e00-\u9fff]{1,4}接单"),
     "群众点单、社区派单、党员接单"),
)
# Quoted phrases that are figures of speech in these texts, never a mechanism.
FIGURES = re.compile(r"^(最后|最|第一|零|双降|双向奔赴|一池春水|金钥匙|硬骨头|集结号)")


@dataclass(frozen=True)
class Discovery:
    start: int
    end: int
    core: str  # the quoted name without quotes, the candidate's identity
    name: str  # as written, with quotes and cue
    category: str
    confidence: float = CONFIDENCE["head"]


def candidate_iri(core: str) -> str:
    return f"{MECHANISM}candidate/{quote(label_key(core), safe='')}"


# A quote opening an item of a list (一是“三级联动”，…; （二）“三治融合”：…) heads the item: it
# names a topic of the report, not a working method.
_LIST_HEAD = re.compile(r"(?:^|[。；;：:\n])\s*(?:[一二三四五六七八九十]+是|（[一二三四五六七八九十]+）|\([一二三四五六七八九十\d]+\)|"
                        r"[一二三四五六七八九十]+、|\d+[.、．])\s*$")


# A numbered section heading of a report (一、抓统筹，形成“三级联动”治理合力): short, no full stop.
_SECTION_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])[^。！？]{0,28}。?$")


def _list_head(text: str, start: int, match: re.Match) -> bool:
    return bool(_LIST_HEAD.search(text, start, match.start())) and text[match.end() : match.end() + 1] in "，,：:。"


def _quoted_names(text: str, start: int, end: int) -> list[Discovery]:
    found = []
    for match in _QUOTED.finditer(text, start, end):
        if _list_head(text, start, match):
            continue
        core = match.group(1).strip()
        numbered = core[0] in NUMERALS or bool(_FORMULA.match(core))
        if FIGURES.match(core) or (len(core) < 3 and not numbered) or re.fullmatch(r"\d{5,}", core):
            continue  # figures of speech, two-character words (“吹哨”), telephone numbers
        cue = _CUE.match(text, match.end(), min(end, match.end() + 14))
        if cue is None:
            # “议事有方”“协商有序”等协商机制: each quote of a run before 等 and a head is one.
            after = _after_quotes(text, match.end(), end)
            listed = _CUE.match(text, after, min(end, after + 14)) if after > match.end() else None
            if listed and listed.group(1) == "等":
                cue = listed
        described = bool(cue) and cue.group(1) == "的"
        if described and not (cue.group(2) == "" and cue.group(3) in DESCRIBED_HEADS):
            continue  # “资源整合、责任共担”的防护体系: the quote describes, it names nothing
        if ANONYMISED.search(core) or "，" in core or (core.count("、") >= 2 and not described):
            continue  # an anonymised name (“xx智慧党建”), a list of goals or values
        if cue and cue.group(3) in NEEDS_MODIFIER and not cue.group(2):
            continue  # “两新”组织
        if described:
            name = text[match.start() : cue.end()]
            found.append(Discovery(match.start(), cue.end(), core, name, "other", CONFIDENCE["described"]))
        elif cue:
            category = next((c for k, c in CUE_CATEGORY.items() if cue.group(3).endswith(k)), "other")
            if cue.group(1) == "等":
                # “五融五筑·和睦家”等党建工作机制: the quote is one of the mechanisms so named.
                found.append(Discovery(match.start(), match.end(), core, match.group(), category))
            else:
                found.append(Discovery(match.start(), cue.end(), core, text[match.start() : cue.end()], category))
        elif _FORMULA.match(core) and not core.isdigit():
            found.append(Discovery(match.start(), match.end(), core, match.group(), "other", CONFIDENCE["formula"]))
        elif core[0] in NUMERALS and len(core) <= 12 and _after_verb(text, start, match.start()):
            found.append(Discovery(match.start(), match.end(), core, match.group(), "other", CONFIDENCE["numbered"]))
    return found


def _after_quotes(text: str, at: int, end: int) -> int:
    """Where a run of quoted names that starts at `at` ends (`at` when no quote starts there)."""
    while at < end and text[at] in "“‘":
        closing = _QUOTED.match(text, at, end)
        if closing is None:
            break
        at = closing.end()
    return at


def _after_verb(text: str, sentence_start: int, at: int) -> bool:
    before = text[max(sentence_start, at - 4) : at]
    return any(before.endswith(verb) for verb in ADOPTION_VERBS)


def _listed_names(text: str, start: int, end: int) -> list[Discovery]:
    found = []
    for match in _LISTED.finditer(text, start, end):
        offset = match.start(1)
        for name in match.group(1).split("、"):
            found.append(Discovery(offset, offset + len(name), name, name, "other", CONFIDENCE["listed"]))
            offset += len(name) + 1
    return found


def discover_mechanisms(
    text: str,
    sentences: list[Sentence],
    known: list[MechanismMention],
    thesaurus: Thesaurus,
) -> tuple[list[MechanismMention], list[Mechanism], list[MechanismMention]]:
    """Mentions of mechanisms not in the thesaurus, the candidate concepts they name, and the known
    mentions that a longer discovered name replaces."""
    taken = sorted((m.start, m.end) for m in known)

    def free(start: int, end: int) -> bool:
        i = bisect.bisect_left(taken, (start, -1))
        for a, b in taken[max(0, i - 1) : i + 2]:
            if a < end and start < b:
                return False
        return True

    mentions: list[MechanismMention] = []
    dropped: list[MechanismMention] = []
    labels: dict[str, dict] = {}
    for sentence in sentences:
        if sentence.kind in ("byline", "heading") or _SECTION_HEADING.match(sentence.text):
            continue  # a title or a section heading (“三级联动”) names a topic, not a working method
        for pattern, label in PAIRED_SLOGANS:
            concept = thesaurus.lookup(label)
            for match in pattern.finditer(text, sentence.start, sentence.end):
                if concept and free(match.start(), match.end()):
                    mentions.append(MechanismMention(sentence.index, match.start(), match.end(), match.group(), concept.iri))
                    taken.append((match.start(), match.end()))
                    taken.sort()
        for found in _quoted_names(text, sentence.start, sentence.end) + _listed_names(text, sentence.start, sentence.end):
            core_end = text.find(found.core, found.start) + len(found.core)
            gap_start = core_end + 1 + (text[core_end + 1 : core_end + 2] in ("的", "等"))
            inside = [m for m in known if core_end < m.start and m.end <= found.end]
            if any(m.start == gap_start for m in inside):
                continue  # “资源共享、…”的区域党建共同体: the quote describes a known mechanism
            if inside:
                # A known label inside the cue part (“9S”城市党建共同体): the longer name wins.
                known = [m for m in known if m not in inside]
                taken = sorted(t for t in taken if (t[0], t[1]) not in {(m.start, m.end) for m in inside})
                dropped.extend(inside)
            if not free(found.start, found.end):
                continue
            concept = thesaurus.lookup(found.core) or thesaurus.lookup(found.name)
            iri = concept.iri if concept else candidate_iri(found.core)
            if concept is None:
                entry = labels.setdefault(
                    iri, {"pref": found.name, "labels": {}, "category": found.category, "confidence": 0.0}
                )
                entry["labels"][found.name] = None
                entry["confidence"] = max(entry["confidence"], found.confidence)
                if entry["category"] == "other":
                    entry["category"] = found.category
            mentions.append(MechanismMention(sentence.index, found.start, found.end, found.name, iri))
            taken.append((found.start, found.end))
            taken.sort()
    # The core of a candidate quoted elsewhere without its cue is the same mechanism.
    cores = {label_key(m.surface.split("”")[0]): m.mechanism for m in mentions if m.mechanism in labels}
    for sentence in sentences:
        for match in _QUOTED.finditer(text, sentence.start, sentence.end):
            iri = cores.get(label_key(match.group()))
            if iri and free(match.start(), match.end()):
                mentions.append(MechanismMention(sentence.index, match.start(), match.end(), match.group(), iri))
                labels[iri]["labels"][match.group()] = None
                taken.append((match.start(), match.end()))
                taken.sort()
    candidates = [
        Mechanism(iri, entry["pref"], tuple(entry["labels"]), entry["category"], "", candidate=True,
                  confidence=entry["confidence"])
        for iri, entry in labels.items()
    ]
    return sorted(mentions, key=lambda m: m.start), candidates, dropped
