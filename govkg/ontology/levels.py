"""Place levels: their classes and depths, and the name suffixes that say a place's level.

Province > city > district/county > street/town > community/village > estate. A name's level is
told by its suffix (省, 市, 区, 县, 街道, 镇, 社区, 村, 小区 ...); a city inside a city is a
county-level city (苏州市 > 昆山市).
"""

from __future__ import annotations

# Place levels from the broadest to the most specific; the class IRIs are GK + the class name.
PLACE_LEVELS = {
    "province": ("Province", 1),
    "city": ("City", 2),
    "district": ("District", 3),
    "county": ("County", 3),
    "street": ("Street", 4),
    "town": ("Town", 4),
    "community": ("Community", 5),
    "village": ("Village", 5),
    "estate": ("Estate", 6),
}

# Longest first: a suffix is matched against the end of a name.
LEVEL_SUFFIXES = (
    ("特别行政区", "province"),
    ("自治区", "province"),
    ("自治州", "city"),
    ("自治县", "county"),
    ("街道", "street"),
    ("社区", "community"),
    ("小区", "estate"),
    ("大院", "estate"),  # 棉花大院: old compounds of work units and their housing
    ("生产建设兵团", "province"),  # 新疆生产建设兵团: a province-level unit of its own
    ("开发区", "district"),  # 大连旅顺开发区: run as a district; 经济技术开发区 alone is a kind
    ("新区", "district"),
    ("地区", "city"),  # 喀什地区, 阿里地区: prefecture-level
    ("苏木", "town"),  # the township of Inner Mongolia's pastoral areas
    ("嘎查", "village"),  # its village
    ("省", "province"),
    ("市", "city"),
    ("州", "city"),
    ("盟", "city"),
    ("区", "district"),
    ("县", "county"),
    ("旗", "county"),
    ("镇", "town"),
    ("乡", "town"),
    ("村", "village"),
)
SUFFIX_WORDS = frozenset(suffix for suffix, _ in LEVEL_SUFFIXES)
_LEVEL_OF_SUFFIX = dict(LEVEL_SUFFIXES)
# The suffixes by their last character, longest first: the tagger's every token is asked for its
# suffix, and most end with a character no suffix ends with.
_SUFFIXES_ENDING_WITH = {
    last: tuple(sorted((suffix for suffix in SUFFIX_WORDS if suffix[-1] == last), key=len, reverse=True))
    for last in {suffix[-1] for suffix in SUFFIX_WORDS}
}
SUFFIX_LAST_CHARACTERS = frozenset(_SUFFIXES_ENDING_WITH)


def level_rank(level: str) -> int:
    """Depth of a place level: 1 (province) to 6 (estate)."""
    return PLACE_LEVELS[level][1]


def suffix_of(word: str) -> str | None:
    """The level suffix `word` ends with (街道 in 李家沱街道), or None."""
    for suffix in _SUFFIXES_ENDING_WITH.get(word[-1:], ()):
        if word.endswith(suffix):
            return suffix
    return None


def level_of(name: str) -> str | None:
    """The level a place name's suffix says (None for a bare suffix or no suffix)."""
    suffix = suffix_of(name)
    return _LEVEL_OF_SUFFIX[suffix] if suffix and len(name) > len(suffix) else None


def level_of_path(path: tuple[str, ...]) -> str | None:
    """The level of the last place of a path: that of its name, except that a city inside a city
    is a county-level city (苏州市 > 昆山市)."""
    level = level_of(path[-1])
    if level == "city" and len(path) > 1 and level_of(path[-2]) == "city":
        return "county"
    return level


def place_of_level(path: tuple[str, ...], wanted: str) -> tuple[str, ...] | None:
    """The most specific place of level `wanted` on `path` (a county for "district" too: 全区 and
    区民政局 are said in counties as well), or None."""
    depths = [i + 1 for i, name in enumerate(path) if level_of(name) == wanted
              or (wanted == "district" and level_of(name) == "county")]
    return path[: depths[-1]] if depths else None
