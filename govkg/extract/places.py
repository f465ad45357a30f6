"""Place recognition: names with a level suffix, compounds linked into paths, parents from context.

Rules, not lists: a place name is a run of name-like tokens ending in a level suffix (省, 市, 区,
县, 街道, 镇, 乡, 社区, 村, 小区 ...). Its start is where segmentation meets a word that cannot be
part of a name (a preposition, a verb, punctuation, another place). Adjacent names of increasing
depth form a compound (重庆市巴南区李家沱街道 → 重庆市 > 巴南区 > 李家沱街道). A name that only
prefixes a body (江北区委组织部, 李家沱街道党工委) is marked as an organization role.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence

from govkg.extract.model import Article, Place, PlaceMention, Sentence
from govkg.extract.segment import NAME_FLAGS, Token, walk_back
from govkg.ontology.gazetteer import Gazetteer
from govkg.ontology.levels import (
    LEVEL_SUFFIXES,
    SUFFIX_LAST_CHARACTERS,
    SUFFIX_WORDS,
    level_of,
    level_of_path,
    level_rank,
    place_of_level,
)
from govkg.ontology.levels import suffix_of as _suffix_of

# Says whether a word is a frequent dictionary word that is no name (see Tagger.common_word).
CommonWord = Callable[[str], bool]

# Words ending like a place that name no particular place.
GENERIC_WORDS = {
    "全区", "该区", "本区", "我区", "各区", "辖区", "城区", "市区", "郊区", "园区", "景区", "街区",
    "片区", "山区", "地区", "新区", "老城区", "住宅区", "示范区", "试验区", "开发区", "功能区",
    "商业区", "生活区", "校区", "院区", "全市", "该市", "本市", "我市", "各市", "城市", "都市",
    "超市", "门市", "集市", "省市", "全省", "本省", "我省", "各省", "全县", "该县", "本县", "各县",
    "全镇", "该镇", "本镇", "各镇", "城镇", "乡镇", "村镇", "全村", "本村", "该村", "各村", "农村",
    "乡村", "山村", "全乡", "城乡", "老乡", "家乡", "故乡", "各社区", "本社区", "该社区", "全社区",
    "小区", "社区", "街道", "镇街", "村居", "居民区", "行政区", "选区", "湾区", "战区", "核心区",
    "自治区", "少数民族地区", "全州", "神州", "盟",
}
# Single characters that end a name when met walking back from the suffix.
STOP_CHARS = set(
    "在对把从向与和及的了是为将由以于到让使给各全该本每我其某等并或经至往如若被也都又还就才所之"
    "这那此其个位名家户支项次年月日进入驻"
)
# jieba part-of-speech flags of words that are never part of a place name.
STOP_FLAGS = {"v", "vn", "vd", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "d", "r", "m",
              "q", "t", "ad", "an", "a", "x", "y", "e", "o", "z", "zg", "b", "l", "i"}
# Words that often precede a suffix but make a kind of place, not a name (示范小区, 老旧小区).
NAME_BREAKERS = {
    "中共", "中国共产党", "共青团",
    "示范", "老旧", "现代", "完整", "智慧", "和谐", "文明", "幸福", "美丽", "新型", "城市", "农村",
    "商品房", "安置", "网格", "党建", "红色", "品牌", "试点", "重点", "周边", "所在", "居住", "相关",
    "基层", "街道", "社区", "村", "小区", "城镇", "乡镇", "镇街", "驻区", "辖区", "全国", "全市",
    "部队", "机关", "单位", "家属", "职工",  # 部队大院, 机关大院, 职工小区: kinds of compound
}
# Common verbs, adverbs and quantifiers of governance texts that jieba tags as nouns: they end a
# name when met walking back from a suffix (关心社区老人 is no place called 关心社区).
NON_NAME_WORDS = {
    "投身", "厘清", "用活", "盘活", "激活", "赋能", "布局", "三无", "无主", "弃管",
    "利用", "关心", "杜绝", "织密", "指导", "做实", "办理", "拓宽", "规范", "服务", "走进", "深入",
    "覆盖", "联系", "进入", "包联", "建设", "打造", "治理", "推动", "推进", "实现", "开展", "组织",
    "引导", "带动", "支持", "帮助", "通过", "依托", "围绕", "聚焦", "结合", "落实", "发动", "动员",
    "回到", "来到", "走访", "入驻", "进驻", "下沉", "扎根", "融入", "涉及", "包括", "选树", "培育",
    "创建", "评选", "命名", "成立", "设立", "建立", "健全", "完善", "提升", "加强", "强化", "优化",
    "更多", "部分", "多个", "各个", "所有", "全部", "其他", "其余", "大量", "一批", "试点", "示范性",
    "口径", "大事", "小事", "难事", "实事", "闲置", "审查", "先进", "优秀", "星级", "五星", "标杆",
    "之间", "以上", "以下", "以来", "之后", "之前", "之中", "其中", "期间", "方面", "上面", "下面",
    "前面", "后面", "里面", "外面", "当中", "之内", "以内", "以外", "周围", "附近", "一线", "身边",
    "居住地", "所在地", "属地", "驻地", "宜居", "科技", "兴业", "新篇章", "无物业", "非物业", "物业", "物业公司", "公租房", "租房",
    "老旧", "开放式", "封闭式", "商品房", "保障房", "安置房", "居住", "城市", "城中", "大街",
}
NEVER_IN_NAMES = {"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "m", "q", "x", "y", "e", "o", "t"}
MAX_NAME = 8  # characters before the suffix
# A name the gazetteer does not know, of a level it covers (province to county), has a short
# stem (巴南, 九龙坡, 呼和浩特); a community's or village's stem may be longer (莲花一村) but not
# a phrase (服务半径科学布局).
MAX_UNKNOWN_STEM = {"province": 4, "city": 4, "district": 4, "county": 4}
MAX_PHRASE_STEM = 5
ORGANIZATION_AFTER = re.compile(
    r"^(?:委组织部|委宣传部|委统战部|委政法委|委办公室|委社会工作部|委|党委|党工委|党组|工委|政府|人民政府|办事处|人大|政协|纪委|居委会|村委会|居民委员会|"
    r"委员会|组织部|宣传部|统战部|政法委|(?![在对把从向与和及的了是为将由以于到让使给通]|地处|位于|成为)[\u4e00-\u9fff]{0,8}?(?:局|部门|中心|公司|办公室|支队|大队|队|所|站|协会|商会|学校|医院|法院|检察院|科学院|研究院|学院|大学))"
)
ENUMERATED = re.compile(
    r"((?:[\u4e00-\u9fff]{2,5}、)+[\u4e00-\u9fff]{2,5})等\s*(?:\d+|[一二三四五六七八九十两]+)\s*个"
    r"(社区|街道|村|小区|镇|乡)"
)
ANONYMISED = re.compile(r"[xX×＊*○□某]")
# Placeholders standing for a place's name: ××市, xx镇, XX社区 (某社区 is left out: news say it of
# a real but unnamed estate).
PLACEHOLDER_PLACE = re.compile(r"(?:[xX]{2}|×{2}|＊{2}|\*{2}|○{2}|□{2})(?:省|市|区|县|镇|乡|街道|社区|村|小区)")

_GENERIC_ENDINGS = tuple(sorted((g for g in GENERIC_WORDS if len(g) >= 2 and g not in SUFFIX_WORDS), key=len, reverse=True))
# The same by their last character (longest first), as a name is only checked against those.
_GENERIC_ENDINGS_BY_LAST = {
    last: tuple(g for g in _GENERIC_ENDINGS if g[-1] == last) for last in {g[-1] for g in _GENERIC_ENDINGS}
}
# One character before a generic ending that makes a kind of place (大城市, 旧城区, 主城区, 这座城市)
# rather than a name spelled by a one-character stem and a level suffix (成都市, 宝山区, 荔湾区).
MODIFIER_CHARS = set("大小老旧新古半主外内各全本该我此其某原这那座片块条个些批每多两几") | STOP_CHARS | set("省市区县镇乡村")
# Generic words that jieba splits off a one-character stem: 云|山区, 璧|山区, 岚|城市.
SPLIT_GENERIC = {"山区", "湾区", "城区", "城市", "都市", "门市", "市区", "郊区"}
# 东城区, 西城区, 上城区: districts named by a direction, though 城区 alone means "urban area".
DIRECTION_DISTRICT = re.compile(r"^[东西南北上下中]城区$")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def anonymised_text(fold: str) -> bool:
    """Whether a text names its places by placeholders (a template, an anonymised report)."""
    return bool(PLACEHOLDER_PLACE.search(fold))


def _generic_kind(name: str) -> bool:
    """A name ending like a generic word (城市, 山区, 都市) is that word with a modifier (文明城市,
    偏远山区, 大城市) unless a single other character precedes it (成都市, 宝山区, 荔湾区)."""
    ending = next((g for g in _GENERIC_ENDINGS_BY_LAST.get(name[-1:], ()) if name.endswith(g)), None)
    if ending is None or DIRECTION_DISTRICT.match(name):
        return False
    head = name[: -len(ending)]
    return len(head) != 1 or head in MODIFIER_CHARS


def _extends_name(token: Token, next_to_suffix: bool) -> bool:
    word = token.word
    if not _HAN.match(word) or word in NAME_BREAKERS or word in GENERIC_WORDS or word in NON_NAME_WORDS:
        return False
    if word.endswith(("化", "式", "型", "性")):
        return False  # 数字化社区, 开放式小区: a kind of place
    if len(word) == 1:
        if next_to_suffix and token.flag in {"v", "d", "p", "c", "u", "r", "m", "q", "a", "h", "k"}:
            return False
        return word not in STOP_CHARS
    if _suffix_of(word) and token.flag == "ns":
        return False  # a place of its own: the start of a compound
    if token.flag in NEVER_IN_NAMES:
        return False
    # jieba tags many names as verbs or adjectives (合建, 忠恕): a rare word may still be a name,
    # a common one (依托, 深入) may not.
    return token.flag not in STOP_FLAGS or token.flag == "ns" or token.rare


def _name_at(tokens: list[Token], index: int, common_word: CommonWord) -> tuple[int, str, bool] | None:
    """The place name ending with tokens[index], if that token closes one: (start token, name,
    whether it needs a body after it to count)."""
    token = tokens[index]
    word = token.word
    suffix = _suffix_of(word)
    if index >= 1 and DIRECTION_DISTRICT.match(tokens[index - 1].word + word):
        return index - 1, tokens[index - 1].word + word, False  # 上|城区
    if word in SPLIT_GENERIC and index >= 1 and _one_character_stem(tokens, index - 1):
        return index - 1, tokens[index - 1].word + word, False  # 云|山区, 岚|城市
    if suffix is None or word in GENERIC_WORDS and word not in SUFFIX_WORDS:
        return None
    own_prefix = word[: -len(suffix)]
    if len(own_prefix) == 1 and own_prefix in STOP_CHARS:
        return None  # 进社区, 在村
    if len(own_prefix) > 1 and token.flag != "ns" and not _name_word(token, own_prefix, common_word):
        return None  # 住宅区, 示范区: a word, not a name (州市 in 岚 州市 may still end one)
    if word not in SUFFIX_WORDS and len(own_prefix) >= 2 and _generic_kind(word):
        return None  # 文明城市, 都市区
    if len(own_prefix) >= 2:
        return (index, word, False) if word not in NON_NAME_WORDS | GENERIC_WORDS else None
    def step(j: int) -> int | None:
        chars = len(own_prefix) + token.start - tokens[j].start
        # 莲花 一村 社区, 长风 新村 街道: a village's name before a community, estate or street is
        # part of that unit's name (a village contains none of them).
        here = tokens[j].word
        village_name = (suffix in ("社区", "小区", "街道") and j == index - 1 and here.endswith("村")
                        and (here not in GENERIC_WORDS | NAME_BREAKERS
                             # 后|村|社区: a one-character stem that jieba split from its 村
                             or (here == "村" and j >= 1 and len(tokens[j - 1].word) == 1
                                 and tokens[j - 1].word not in STOP_CHARS | MODIFIER_CHARS)))
        # 白沙县 打 安镇: right after a place's name, one character before the suffix starts the next
        # name, whatever jieba tags it (a verb here), unless it is a word that ends names.
        after_place = (j == index - 1 and len(here) == 1 and here not in STOP_CHARS and j >= 1
                       and _suffix_of(tokens[j - 1].word) is not None
                       and (tokens[j - 1].flag == "ns" or tokens[j - 1].word in SUFFIX_WORDS))
        if chars > MAX_NAME or not (village_name or after_place or _extends_name(tokens[j], j == index - 1)):
            return None
        if _suffix_of(here) and not village_name:
            return None  # 青石 县 芦花 镇, 岚 州市 竹溪 区: that token closes a name of its own
        return j

    first = walk_back(tokens, index, step)
    prefix = "".join(t.word for t in tokens[first:index]) + own_prefix
    name = prefix + suffix
    if first == index and len(prefix) == 1 and _one_character_name_after_place(tokens, index, suffix):
        return index, name, False  # 安吉县 余村: a one-character stem right after its parent
    if len(prefix) < 2 or prefix in NAME_BREAKERS or name in GENERIC_WORDS or prefix.endswith("地"):
        return None
    if _generic_kind(name):
        return None  # 老城区, 示范小区: a kind of place
    parts = tokens[first:index]
    if not _shaped_like_a_name(prefix, suffix, parts, common_word):
        return None
    if any(_only_as_rare(t) for t in parts) and not any(t.flag in NAME_FLAGS for t in parts):
        return first, prefix + suffix, True  # 夯实社区 or 合建社区: needs more evidence
    return first, prefix + suffix, False


def _shaped_like_a_name(stem: str, suffix: str, parts: list[Token], common_word: CommonWord) -> bool:
    """Whether a stem the rules found has the shape of a name of its level: for the levels the
    gazetteer covers, a short stem of names or rare words, not a common word (先锋 in 先锋西区,
    农业 in 苏中农业大区: a brand, a region); for the others, no phrase of several words."""
    level = dict(LEVEL_SUFFIXES).get(suffix)
    if level in MAX_UNKNOWN_STEM:
        if len(stem) > MAX_UNKNOWN_STEM[level]:
            return False
        return not any(len(t.word) > 1 and t.flag not in NAME_FLAGS and not t.rare and common_word(t.word)
                       for t in parts)
    if len(stem) > MAX_PHRASE_STEM and len(parts) >= 2:
        return all(t.flag in NAME_FLAGS or t.rare for t in parts)
    return True


def _one_character_name_after_place(tokens: list[Token], index: int, suffix: str) -> bool:
    """余村 after 安吉县, 苏镇 after 某县: a unit named by one character and its suffix, right
    after a broader place's name."""
    if index == 0 or len(tokens[index].word) != 1 + len(suffix):
        return False
    stem, before = tokens[index].word[0], tokens[index - 1]
    before_suffix = _suffix_of(before.word)
    return (stem not in MODIFIER_CHARS and before_suffix is not None and len(before.word) > len(before_suffix)
            and before.flag in NAME_FLAGS and level_rank(level_of(before.word)) < level_rank(level_of(tokens[index].word)))


def _name_word(token: Token, stem: str, common_word: CommonWord) -> bool:
    """A word with a level suffix that jieba does not tag as a place may still name one: a rare
    word or one tagged as a name (思明区, 武侯区, 钟祥市), unless its stem is a common word (旅游区,
    保护区, 解放区 are kinds of area)."""
    # nz is also the flag of the thesaurus's own words (党建统领现代社区 is a mechanism).
    if not (token.rare or token.flag in NAME_FLAGS - {"nz"}):
        return False
    if stem.endswith(("化", "式", "型", "性")) and (common_word(stem) or len(stem) > 2):
        return False  # 现代化村, 开放式小区: a kind; 龙化村 is a name
    return not (common_word(stem) or stem in NAME_BREAKERS or stem in NON_NAME_WORDS or _generic_kind(token.word))


def _one_character_stem(tokens: list[Token], index: int) -> bool:
    """tokens[index] is one character that, alone, starts a name before a generic word (云 in
    云|山区), not a modifier (大|城市) and not the end of a longer name (偏远|山区 has two)."""
    token = tokens[index]
    if len(token.word) != 1 or token.word in MODIFIER_CHARS or not _extends_name(token, True):
        return False
    return index == 0 or not _extends_name(tokens[index - 1], False) or bool(_suffix_of(tokens[index - 1].word))


def _only_as_rare(token: Token) -> bool:
    """Admitted to a name only because it is rare, though tagged as a verb or adjective."""
    return len(token.word) > 1 and token.flag in STOP_FLAGS and token.flag != "ns"


GLUED_SUFFIXES = ("街道", "社区", "小区", "区", "市", "县", "省", "镇", "乡")
GLUED_FIRST_CHARACTERS = frozenset(suffix[0] for suffix in GLUED_SUFFIXES)


def _glued_name(tokens: list[Token], index: int) -> tuple[int, str, bool] | None:
    """江北 + 区委, 格林 + 小区业主: a place name whose suffix jieba glued to the word after it."""
    word = tokens[index].word
    for suffix in GLUED_SUFFIXES:
        rest = word[len(suffix) :]
        if word.startswith(suffix) and rest and (len(suffix) > 1 or ORGANIZATION_AFTER.match(rest)):
            def step(j: int) -> int | None:
                chars = tokens[index].start - tokens[j].start
                if not _extends_name(tokens[j], j == index - 1) or chars > MAX_NAME or _suffix_of(tokens[j].word):
                    return None
                return j

            first = walk_back(tokens, index, step)
            prefix = "".join(t.word for t in tokens[first:index])
            if len(prefix) >= 2 and tokens[first].flag in NAME_FLAGS:
                return first, prefix + suffix, False
    return None


def _compound_head(name: str) -> str | None:
    """The province or city at the start of a compound jieba keeps as one word (上海市 in
    上海市浦东新区, 荆州市 in 荆州市沙市区), if the rest is a name of its own."""
    for k in range(3, len(name) - 2):
        head, tail = name[:k], name[k:]
        if level_of(head) in ("province", "city") and level_of(tail) and len(tail) - len(_suffix_of(tail)) >= 2:
            return head
    return None


def _folded(names: Sequence[str], simplify: Callable[[str], str] | None) -> Sequence[str]:
    """Each name in its simplified fold. Converted in one call, not one per name: OpenCC's cost
    is mostly per call (0.11 s for the gazetteer's 33,896 names one by one, 0.013 s at once);
    a name holds no line break, so the lines are the names, one for one."""
    if simplify is None:
        return names
    folded = simplify("\n".join(names)).split("\n")
    return folded if len(folded) == len(names) else [simplify(name) for name in names]


class OfficialNames:
    """Finds the names of official units (provinces to towns, today's and former ones) in a
    text: every name of the gazetteer ends with one of a few characters (镇, 乡, 道, 县, 区, 市, …),
    so the text is read at each of those for the names of each length that end there. Ten times
    faster than an Aho-Corasick automaton of the same names (pyahocorasick, over every character),
    and made in a third of the time."""

    def __init__(self, gazetteer: Gazetteer, simplify=None):
        self.gazetteer = gazetteer
        names = gazetteer.suffixed_names
        self._spellings: dict[str, str] = {}  # as the text may write a name: the name
        for name, folded in zip(names, _folded(names, simplify), strict=True):
            self._spellings[name] = name
            # The text is matched in its simplified fold, where a name written with a character
            # the fold changes reads otherwise (乾安县 becomes 干安县): found under that spelling too.
            if folded != name and len(folded) == len(name) and folded not in self._spellings:
                self._spellings[folded] = name
        lengths: dict[str, set[int]] = {}
        for spelling in self._spellings:
            lengths.setdefault(spelling[-1], set()).add(len(spelling))
        # Longest first: where names overlap at one end, the longer comes first (乌兰木伦镇, 木伦镇).
        self._lengths = {last: sorted(found, reverse=True) for last, found in lengths.items()}
        self._last = re.compile("[" + re.escape("".join(sorted(lengths))) + "]") if lengths else None

    def __call__(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """(start, end, name) of every official name inside text[start:end], overlaps included,
        in the order of their ends."""
        if self._last is None:
            return []
        spellings, lengths = self._spellings, self._lengths
        found = []
        for last in self._last.finditer(text, start, len(text) if end is None else end):
            after = last.end()
            for length in lengths[last.group()]:
                begin = after - length
                if begin >= start:
                    name = spellings.get(text[begin:after])
                    if name is not None:
                        found.append((begin, after, name))
        return found

    def child_written_short(self, parent: str, text: str, at: int) -> tuple[int, str] | None:
        """A unit of `parent` (a province or city) written by its short name at text[at:]
        (天水市秦州 for 秦州区): (end in the text, official name), or None. The short name must
        not run on into its own suffix (then the full name is matched anyway)."""
        for division in self.gazetteer.named(parent):
            for child in self.gazetteer.children(division):
                short = child.short
                if short and len(short) >= 2 and text.startswith(short, at) and not _suffix_of(text[at + len(short) : at + len(short) + 2]):
                    return at + len(short), child.name
        return None

    def parent_written_short(self, child: str, text: str, end: int) -> tuple[int, str] | None:
        """The province or city of an official unit written by its short name right before it
        (天水秦州区): (start in the text, official name of the parent), or None."""
        for division in self.gazetteer.named(child):
            parent = self.gazetteer.by_code.get(division.parent or "")
            if parent and parent.short and len(parent.short) >= 2 and text.endswith(parent.short, 0, end):
                return end - len(parent.short), parent.name
        return None

    def street_written_short(self, county: str, text: str, at: int) -> tuple[int, str] | None:
        """A street of `county` written without its 道 at text[at:] (增城区荔城街 for
        荔城街道): (end in the text, official name), or None."""
        for division in self.gazetteer.named(county):
            for child in self.gazetteer.children(division):
                short = child.name[:-1]
                if child.level == "street" and text.startswith(short, at) and text[at + len(short) : at + len(short) + 1] != "道":
                    return at + len(short), child.name
        return None


def _official_names_in(sentence: Sentence, fold: str, tokens: list[Token], official: OfficialNames | None,
                       hits: list[tuple[int, int, str]] | None = None) -> list:
    """The official names of a sentence that start where a word starts and end where a word
    ends (or where jieba glued the suffix to the next word: 秦州|区委), longest first where they
    overlap: 乌兰木伦镇, never 木伦镇 inside it; 新城镇 is no name in 城镇化. `hits`: the
    official names inside the sentence, when already found (else looked for here)."""
    if official is None:
        return []
    if hits is None:
        hits = official(fold, sentence.start, sentence.end)
    index_at = {sentence.start + t.start: i for i, t in enumerate(tokens)}  # tokens by start
    starts = index_at.keys()
    ends = {sentence.start + t.end for t in tokens}
    found = []
    for start, end, name in hits:
        suffix = _suffix_of(name)
        if start not in starts or not (end in ends or end - len(suffix) in starts):
            continue
        index = index_at[start]
        if tokens[index].flag in ("m", "q") and tokens[index].word != name:
            continue  # 每万城镇常住人口: a number before a word, not 万城镇
        if name in GENERIC_WORDS and not (found and found[-1][1] == start):
            continue  # 老城区 is a district of 洛阳市 only after its city's name
        if level_of(name) in ("street", "town") and _runs_into(tokens, index):
            continue  # 新村街道 in 梅岭新村街道: the rules read the whole name
        if len(name) < 3 and (tokens[index].word != name or _runs_into(tokens, index)):
            continue  # 和县 in 乡镇和县级, 西区 in 先锋西区: a two-character name only as a word of its own
        found.append((start, end, name, False))
    found.sort(key=lambda f: (f[0], -f[1]))
    kept: list = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    for start, end, name, org in list(kept):
        level = level_of(name)
        short = None
        if level in ("district", "county"):
            short = official.street_written_short(name, fold, end)
        elif level in ("province", "city"):
            short = official.child_written_short(name, fold, end)
        if short and short[0] <= sentence.end and not any(k[0] < short[0] and end < k[1] for k in kept):
            kept.append((end, short[0], short[1], org))
        if level in ("city", "district", "county") and start not in {k[1] for k in kept}:
            parent = official.parent_written_short(name, fold, start)
            if parent and parent[0] >= sentence.start and parent[0] in starts:
                kept.append((parent[0], start, parent[1], False))
    return sorted(kept)


def _runs_into(tokens: list[Token], index: int) -> bool:
    """Whether the word before tokens[index] could be the start of a longer name running into it."""
    if index == 0:
        return False
    before = tokens[index - 1]
    return not _suffix_of(before.word) and _extends_name(before, True)


def _outside_officials(name: tuple[int, int, str, bool], officials: list, fold: str):
    """A rule's name that overlaps official names: the part after the last of them, if that is
    a name of its own (荔城街锦绣社区 after 荔城街 → 锦绣社区), else None."""
    start, end, _, org = name
    overlapping = [o for o in officials if start < o[1] and o[0] < end]
    if not overlapping:
        return name
    rest_start = max(o[1] for o in overlapping)
    rest = fold[rest_start:end]
    suffix = _suffix_of(rest)
    if rest_start >= end or not suffix or len(rest) - len(suffix) < 2 or rest in GENERIC_WORDS:
        return None
    return rest_start, end, rest, org


def find_place_names(sentence: Sentence, fold: str, tokens: list[Token], common_word: CommonWord,
                     official: OfficialNames | None = None,
                     official_hits: list[tuple[int, int, str]] | None = None) -> list[tuple[int, int, str, bool]]:
    """(start, end, name, organization role) of each place name in a sentence, offsets in the
    text: the official names the gazetteer knows (`official_hits`: those inside the sentence,
    if already found), and the names the rules find outside them."""
    officials = _official_names_in(sentence, fold, tokens, official, official_hits)
    found = []
    for index, token in enumerate(tokens):
        # _name_at needs a level suffix at the token's end (山区 and 城市 end with one too),
        # _glued_name one at its start; most tokens have neither.
        if token.word[-1] not in SUFFIX_LAST_CHARACTERS and token.word[0] not in GLUED_FIRST_CHARACTERS:
            continue
        hit = _name_at(tokens, index, common_word) or _glued_name(tokens, index)
        if hit is None:
            continue
        first, name, weak = hit
        start = sentence.start + tokens[first].start
        end = start + len(name)
        if ANONYMISED.search(name):
            continue
        organization = bool(ORGANIZATION_AFTER.match(fold[end : end + 12]))
        if weak and not organization:
            continue  # a rare verb before 社区 names a place only where a body follows (合建社区党委)
        head = _compound_head(name) if first == index else None
        if head:
            found.append((start, start + len(head), head, False))  # 上海市 of 上海市浦东新区
            start, name = start + len(head), name[len(head):]
        found.append((start, end, name, organization))
    # 平安、和韵等10个社区: names listed before a shared level word are places of that level.
    for match in ENUMERATED.finditer(fold, sentence.start, sentence.end):
        offset = match.start(1)
        for item in match.group(1).split("、"):
            if not ANONYMISED.search(item) and item not in NON_NAME_WORDS:
                found.append((offset, offset + len(item), item + match.group(2), False))
            offset += len(item) + 1
    # An official name wins over the rules' names it overlaps (木伦镇 inside 乌兰木伦镇); it
    # names a body when one follows it, as the rules' names do.
    officials = [(start, end, name, bool(ORGANIZATION_AFTER.match(fold[end : end + 12])))
                 for start, end, name, _ in officials]
    found = [trimmed for f in found if (trimmed := _outside_officials(f, officials, fold)) is not None]
    # A shorter name inside a longer one found at the same end is the same place.
    found = sorted(found + officials, key=lambda f: (f[0], -f[1]))
    kept: list[tuple[int, int, str, bool]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def link_compounds(names: list[tuple[int, int, str, bool]]) -> list[tuple[tuple[str, ...], int, int, str, bool]]:
    """Give each name its path, chaining adjacent names of increasing depth (and a county-level
    city right after its city: 苏州市昆山市)."""
    out = []
    chain: list[str] = []
    previous_end = -1
    previous_rank = 0
    for start, end, name, org in names:
        rank = level_rank(level_of(name))
        if start == previous_end and chain and level_of(name) == "city" == level_of_path(tuple(chain)):
            rank = level_rank("county")
        if start == previous_end and rank > previous_rank:
            chain = chain + [name]
        else:
            chain = [name]
        out.append((tuple(chain), start, end, name, org))
        previous_end, previous_rank = end, rank
    return out


def recognize_places(
    sentences: list[Sentence], fold: str, tokens_of: list[list[Token]], common_word: CommonWord,
    official: OfficialNames | None = None,
) -> list[PlaceMention]:
    """Place mentions of a document, each with the longest path the document gives it."""
    raw = []
    # One pass over the whole text, not one per sentence.
    hits = official(fold) if official is not None else []
    hit_ends = [end for _, end, _ in hits]
    for sentence, tokens in zip(sentences, tokens_of, strict=True):
        inside = hits[bisect.bisect_left(hit_ends, sentence.start) : bisect.bisect_right(hit_ends, sentence.end)]
        inside = [hit for hit in inside if hit[0] >= sentence.start]
        names = find_place_names(sentence, fold, tokens, common_word, official, inside)
        for path, start, end, name, org in link_compounds(names):
            raw.append((sentence.index, start, end, name, path, org))
    raw += _short_names(sentences, tokens_of, raw)
    longest: dict[str, tuple[str, ...]] = {}
    for *_, name, path, _org in raw:
        if len(path) > len(longest.get(name, ())):
            longest[name] = path
    mentions = []
    for sentence_index, start, end, name, path, org in sorted(raw, key=lambda r: r[1]):
        full = _extend(path, longest)
        mentions.append(
            PlaceMention(
                sentence_index, start, end, name, Place(full, level_of_path(full)),
                "organization" if org else "place",
            )
        )
    return mentions


# The provincial-level divisions (GB/T 2260) by the short names texts use for them.
PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "河北": "河北省", "山西": "山西省",
    "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省",
    "福建": "福建省", "江西": "江西省", "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省",
    "广东": "广东省", "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "台湾": "台湾省", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区",
    "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
}
# Levels whose names texts also write without their suffix (江北 for 江北区).
SHORTENED_LEVELS = {"province", "city", "district", "county"}


def _short_names(sentences: list[Sentence], tokens_of: list[list[Token]], raw: list) -> list:
    """Places written without their suffix: a province by its short name (浙江, 西藏), and a
    district, county or city the same document names in full (江北 once 江北区 is named). Only a
    whole token of a body sentence that jieba tags as a place name counts, outside every name
    found already, and not right before a level suffix (江北城 is no 江北)."""
    stems: dict[str, tuple[str, ...]] = {}
    for *_, name, path, _org in raw:
        suffix = _suffix_of(name)
        if suffix and level_of_path(path) in SHORTENED_LEVELS and len(name) - len(suffix) >= 2:
            stems.setdefault(name[: -len(suffix)], path)
    found = []
    taken = [(start, end) for _, start, end, *_ in raw]
    for sentence, tokens in zip(sentences, tokens_of, strict=True):
        if sentence.kind != "body":
            continue  # a title's 重庆 (全面落实在重庆大地上) names a region, not the article's place
        for index, token in enumerate(tokens):
            if token.flag != "ns" or (token.word not in stems and token.word not in PROVINCES):
                continue
            start = sentence.start + token.start
            end = start + len(token.word)
            following = tokens[index + 1].word if index + 1 < len(tokens) else ""
            if any(a < end and start < b for a, b in taken) or _suffix_of(following[:2]) or following[:1] in "城":
                continue
            if _suffix_of(following):
                continue  # 重庆主城区, 浙江全省: the short name only says whose area the next word is
            path = stems.get(token.word) or (PROVINCES[token.word],)
            found.append((sentence.index, start, end, token.word, path, False))
    return found


def _extend(path: tuple[str, ...], longest: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Prefix a path with the ancestors its first name has elsewhere in the document."""
    seen = set(path)
    while path[0] in longest and len(longest[path[0]]) > 1:
        ancestors = longest[path[0]][:-1]
        if seen & set(ancestors):
            break
        seen |= set(ancestors)
        path = ancestors + path
    return path


def main_places(articles: list[Article], sentences: list[Sentence], mentions: list[PlaceMention]) -> list[Article]:
    """The place each article is about: the most specific place of its title or byline, else the
    place it names most often (the broader one on a tie)."""
    out = []
    for article in articles:
        in_article = [m for m in mentions if sentences[m.sentence].article == article.index]
        heading = [
            m for m in in_article if sentences[m.sentence].kind in ("heading", "byline")
            and sentences[m.sentence].start <= article.start + 200
        ]
        main = None
        if heading:
            first_sentence = heading[0].sentence
            chain = [m for m in heading if m.sentence == first_sentence]
            main = max(chain, key=lambda m: (level_rank(m.place.level), len(m.place.path))).place.path
        elif in_article:
            # 岚州市 in 岚州市桐溪区 only says where 桐溪区 is: count the last name of a compound.
            starts = {m.start for m in in_article}
            counts = Counter(m.place.path for m in in_article if m.end not in starts)
            main = max(counts, key=lambda p: (counts[p], -level_rank(level_of(p[-1]))))
        out.append(Article(article.index, article.start, article.end, article.title, main))
    return out


def with_context_parents(mentions: list[PlaceMention], articles: list[Article], sentences: list[Sentence]) -> list[PlaceMention]:
    """A place named alone inside an article about a broader place lies in that place."""
    main_of = {a.index: a.main_place for a in articles}
    out = []
    for mention in mentions:
        main = main_of.get(sentences[mention.sentence].article)
        path = mention.place.path
        if (
            main
            and path[0] not in main
            and level_rank(level_of(path[0])) > level_rank(level_of(main[-1]))
        ):
            path = main + path
        elif main and path[-1] == main[-1] and len(main) > len(path):
            path = main
        out.append(PlaceMention(mention.sentence, mention.start, mention.end, mention.surface,
                                Place(path, mention.place.level), mention.role, mention.generic))
    return out


# Words that refer to a place the text has already named: 全区 is the district in context.
GENERIC_REFERENCES = {
    "全区": "district", "该区": "district", "本区": "district", "我区": "district",
    "全县": "county", "该县": "county", "本县": "county",
    "全市": "city", "该市": "city", "本市": "city", "我市": "city",
    "全镇": "town", "该镇": "town", "本镇": "town",
    "全街": "street", "全街道": "street", "该街道": "street", "本街道": "street",
    "全社区": "community", "该社区": "community", "本社区": "community",
    "该村": "village", "本村": "village", "该乡": "town", "本乡": "town",
}
# 辖区 is left out: 与辖区28家单位 speaks of the units around the subject, which is named already.
_GENERIC_REFERENCE = re.compile("|".join(sorted(GENERIC_REFERENCES, key=len, reverse=True)))
# A sentence that starts with the bare level word (社区下设…, 街道还…) speaks of the unit of that
# level named last; only where one was named.
SENTENCE_SUBJECTS = {"社区": "community", "街道": "street", "村": "village", "村里": "village"}
_SENTENCE_SUBJECT = re.compile(
    r"(?:[^，,。；;：:“”]{0,12}[，,])?(社区|街道|村里|村)"  # 自2025年4月起，社区依托…
    r"(?![\u4e00-\u9fff]{0,2}(?:工作者|居民|群众|干部|书记|主任|志愿者|党员|组织|服务|治理|建设|工作))"
)


def generic_references(sentences: list[Sentence], fold: str, articles: list[Article],
                       mentions: list[PlaceMention] = ()) -> list[PlaceMention]:
    """Mentions of 全区, 该街道 … resolved from context. 该X and 本X (this street, this community)
    are the unit of that level last named before them in the article; 全X (the whole district)
    and 该X where none was named, the place of that level on the path of the place the article
    is about; where the article is about no such place, nothing is resolved."""
    main_of = {a.index: a.main_place for a in articles}
    named = sorted((m for m in mentions if not m.generic), key=lambda m: m.start)
    starts = [m.start for m in named]
    out = []
    for sentence in sentences:
        main = main_of.get(sentence.article)
        if sentence.kind != "body":
            continue
        found = [(m.start(), m.end(), m.group(), GENERIC_REFERENCES[m.group()])
                 for m in _GENERIC_REFERENCE.finditer(fold, sentence.start, sentence.end)]
        opening = _SENTENCE_SUBJECT.match(fold, sentence.start, sentence.end)
        if opening and not any(f[0] < opening.end(1) and opening.start(1) < f[1] for f in found):
            found.append((opening.start(1), opening.end(1), "该" + opening.group(1), SENTENCE_SUBJECTS[opening.group(1)]))
        for start, end, word, level in found:
            path = None
            if not word.startswith("全"):
                before = named[: bisect.bisect_left(starts, start)]
                path = next((place_of_level(m.place.path, level) for m in reversed(before)
                             if sentences[m.sentence].article == sentence.article
                             and place_of_level(m.place.path, level)), None)
            if path is None and main and fold[start:end] == word:
                path = place_of_level(main, level)
            if path is None:
                continue
            out.append(PlaceMention(sentence.index, start, end, fold[start:end],
                                    Place(path, level_of_path(path)), "place", generic=True))
    return out


def official_places(paths, gazetteer: Gazetteer) -> Callable[[tuple[str, ...]], Place]:
    """A document's resolution of paths against the official divisions, for the paths of its
    mentions (`paths`): official parents added (于洪区 → 辽宁省 > 沈阳市 > 于洪区), a former name
    replaced by today's (郫县 → 郫都区), the code of an official unit, and for a name several
    units share, the one the document's other places point at, or none (the path kept as
    written, with the candidates' codes)."""
    context = gazetteer.context_of(paths)
    resolved: dict[tuple[str, ...], Place] = {}

    def place(path: tuple[str, ...]) -> Place:
        if path not in resolved:
            resolution = gazetteer.resolve(path, context)
            resolved[path] = Place(resolution.path, gazetteer.level_of_path(resolution.path), resolution.code,
                                   tuple(c.code for c in resolution.candidates))
        return resolved[path]

    return place


def with_official_places(mentions: list[PlaceMention], place: Callable[[tuple[str, ...]], Place]) -> list[PlaceMention]:
    """The mentions with their places resolved by `place` (see official_places)."""
    return [PlaceMention(m.sentence, m.start, m.end, m.surface, place(m.place.path), m.role, m.generic)
            for m in mentions]
