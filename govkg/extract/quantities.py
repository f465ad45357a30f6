"""Numbers with units as Chinese reports write them.

Arabic and Chinese numerals (cn2an reads the Chinese ones), 万/亿 multipliers (2.1万名 is 21000
名, but money keeps its unit: 3000余万元 is 3000 万元), decimals, percentages, ranges (300—500户 gives
both ends), and the qualifiers that make a number approximate (余, 多, 超, 近, 约, 左右, 以上, 不低于 …).
Schedules (每月1次), ordinals (第一批), dates and numbers inside names (“1+3+N”, 3号, 12345,
十三届八次全会) are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Units as the texts write them, longest first so that 万元 wins over 元 and 人次 over 人.
UNITS = (
    "平方公里", "平方米", "亩", "公里", "亿元", "万元", "元", "人次", "场次", "户次", "件次", "个百分点", "百分点", "个月", "个",
    "人", "名", "件", "户", "家", "支", "项", "次", "场", "类", "处", "套", "起", "种", "所", "条",
    "批", "栋", "幢", "间", "座", "台", "位", "组", "册", "本", "张", "辆", "吨", "天", "小时", "%",
)
CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
QUANTITY = re.compile(
    r"(?P<pre>超过|不低于|不少于|高达|多达|超|近|约|逾|达)?"
    rf"(?P<num>{_NUMBER})"
    rf"(?:(?P<range>—|－|-|～|~|至|到)(?P<num2>{_NUMBER}))?"
    r"(?P<mult>万|亿)?"
    r"(?P<post>余|多)?"
    r"(?P<unit>" + "|".join(re.escape(u) for u in UNITS) + r")"
    r"(?P<per>/年|/月|/人|/户)?"
    r"(?P<tail>以上|左右|以下|以内)?"
)
APPROX = {"超过", "不低于", "不少于", "超", "近", "约", "逾", "余", "多", "以上", "左右"}
# Text right before a number that makes it no count: an ordinal, a schedule, a formula, a session.
NOT_A_COUNT_BEFORE = re.compile(
    r"(第|每[\u4e00-\u9fff]{0,2}|每(?:年|月|周|天|日|季度?|半年|半月|星期)[^，。；,;]{0,8}|[+＋\-]|届|号|No\.?)$"
)
NOT_A_COUNT_AFTER = re.compile(r"^(步骤|步|届|全会|[+＋])")
# Set phrases whose numerals count nothing: 千家万户, 千方百计.
IDIOMS = re.compile(r"千家万户|万家灯火|千方百计|千头万绪|万无一失|千村万户|百家宴")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    approx: bool
    start: int
    end: int


def chinese_number(text: str) -> float | None:
    """三百 → 300, 两万五千 → 25000, 万 → 10000 (as in 近万); None when it is not a number."""
    import cn2an

    if text[0] in "十百千万亿":
        text = "一" + text
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text)
    return chinese_number(text)


def parse_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text` (folded: half-width digits), in order; a range gives two."""
    out: list[Quantity] = []
    idioms = [m.span() for m in IDIOMS.finditer(text)]
    for match in QUANTITY.finditer(text):
        if any(a <= match.start() < b for a, b in idioms):
            continue
        num = match.group("num")
        before, after = text[: match.start("num")], text[match.end() :]
        if NOT_A_COUNT_BEFORE.search(before) or NOT_A_COUNT_AFTER.match(after):
            continue
        if not num[0].isdigit() and (len(num) == 1 and num not in "十百千万" or match.group("mult")):
            continue  # 一个平台, 四个方面, 七件大事: an article or an enumeration, not a count
        values = [_number(num)]
        if match.group("num2"):
            values.append(_number(match.group("num2")))
        if any(v is None for v in values):
            continue
        unit = match.group("unit")
        multiplier = match.group("mult")
        if multiplier and unit in ("元",):
            unit = multiplier + unit  # money keeps its unit: 14万元 is 14 万元
        elif multiplier:
            values = [v * (10_000 if multiplier == "万" else 100_000_000) for v in values]
        if match.group("per"):
            unit += match.group("per")
        approx = any(match.group(g) in APPROX for g in ("pre", "post", "tail"))
        if values == [0.0]:
            continue
        for value in values:
            out.append(Quantity(value, unit, approx, match.start(), match.end()))
    return out


# Multipliers a unit may be written with (parse_quantities leaves them only on money: 万元, 亿元),
# and units with a base of their own.
_MULTIPLIERS = (("亿", 100_000_000), ("万", 10_000))
_SCALED_UNITS = {"平方公里": ("平方米", 1_000_000)}


def base_amount(value: float, unit: str) -> tuple[float, str]:
    """The value in its base unit: (2.31, 亿元) → (231000000, 元), (14, 万元/年) → (140000, 元/年),
    (3.5, 万人) → (35000, 人), (0.6, 平方公里) → (600000, 平方米); other units as they are."""
    for prefix, factor in _MULTIPLIERS:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return round(value * factor, 6), unit[len(prefix) :]
    stem, slash, per = unit.partition("/")
    if stem in _SCALED_UNITS:
        base, factor = _SCALED_UNITS[stem]
        return round(value * factor, 6), base + slash + per
    return value, unit
