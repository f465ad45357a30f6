"""Publication dates: read from a manifest's cell, a web page's metadata or a date line of the
text, each kept only as precise as it is (a year, a month or a day).

A date line is one the text gives for itself: labelled (发布时间：2023-06-03, 日期：2023年6月3日,
来源：… 2023-06-03) or standing alone as a line (2023年6月3日, 二〇二三年六月), near the start or
the end of the text. A date inside a sentence (2023年6月以来, 截至2023年底) says when something
happened, not when the text was written, and is not taken.
"""

from __future__ import annotations

import datetime
import re

from govkg.extract.model import DocumentDate

_CHINESE_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4",
                   "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CHINESE_NUMBER = "[〇○零一二三四五六七八九十]"

# A date in one of the forms Chinese texts and spreadsheets write: 2023-06-03, 2023/6/3,
# 2023.06.03, 20230603, 2023年6月3日, 2023-06, 2023年6月, 二〇二三年六月三日, 2023.
_DATE = re.compile(
    rf"""(?P<year>(?:19|20)\d\d|(?:{_CHINESE_NUMBER}){{4}})
        (?:\s*(?:[-/.]|年)\s*(?P<month>\d{{1,2}}|{_CHINESE_NUMBER}{{1,2}})
           (?:\s*(?:[-/.]|月)\s*(?P<day>\d{{1,2}}|{_CHINESE_NUMBER}{{1,3}})\s*日?|\s*月)?
        |\s*年)?""",
    re.VERBOSE,
)
_COMPACT = re.compile(r"((?:19|20)\d\d)(\d\d)(\d\d)")
_LABEL = re.compile(r"(发布时间|发布日期|发表时间|发表日期|刊发日期|日期|时间|更新时间|来源)\s*[:：]")
# How many lines from the start (title, byline, date) and from the end (a closing date) are looked at.
HEAD_LINES, TAIL_LINES = 6, 3
LABEL_REACH = 60  # characters after a label (来源：……) within which its date is looked for


def _chinese_number(text: str) -> int:
    """一 .. 三十一, and digit by digit for years (二〇二三)."""
    if "十" not in text:
        return int("".join(_CHINESE_DIGITS.get(c, c) for c in text))
    tens, _, ones = text.partition("十")
    return int(_CHINESE_DIGITS.get(tens, "1") if tens else 1) * 10 + (int(_CHINESE_DIGITS[ones]) if ones else 0)


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else _chinese_number(text)


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if not 1900 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        return False
    if day is not None:
        try:
            datetime.date(year, month, day)
        except ValueError:
            return False
    return True


def _iso(year: int, month: int | None, day: int | None) -> tuple[str, str]:
    if day is not None:
        return f"{year:04d}-{month:02d}-{day:02d}", "day"
    if month is not None:
        return f"{year:04d}-{month:02d}", "month"
    return f"{year:04d}", "year"


def parse_date(text: str) -> tuple[str, str] | None:
    """A whole cell or string read as a date: (ISO value, precision), or None if it is none.

    >>> parse_date("2023年6月3日"), parse_date("二〇二三年六月"), parse_date("2021")
    (('2023-06-03', 'day'), ('2023-06', 'month'), ('2021', 'year'))
    """
    text = text.strip()
    compact = _COMPACT.fullmatch(text)
    if compact:
        year, month, day = (int(g) for g in compact.groups())
        return _iso(year, month, day) if _valid(year, month, day) else None
    # An ISO timestamp from a spreadsheet or a page: the date part.
    text = re.sub(r"^(\d{4}-\d\d-\d\d)[T ]\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:?\d\d)?$", r"\1", text)
    match = _DATE.fullmatch(text)
    if not match:
        return None
    return _checked(match)


def _checked(match: re.Match) -> tuple[str, str] | None:
    try:
        year, month, day = (_number(match.group(g)) for g in ("year", "month", "day"))
    except (KeyError, ValueError):
        return None
    if not _valid(year, month, day):
        return None
    return _iso(year, month, day)


def date_in_text(text: str) -> DocumentDate | None:
    """The date a text gives for itself in a date line (see the module's docstring), or None."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    candidates = lines[:HEAD_LINES] + lines[max(HEAD_LINES, len(lines) - TAIL_LINES):]
    for line in candidates:
        line = line.replace("\u3000", " ").strip(" ()（）[]【】")
        labelled = _LABEL.search(line)
        if labelled:
            # Close after its label: further on, a date belongs to the text, not to its header.
            for match in _DATE.finditer(line, labelled.end(), labelled.end() + LABEL_REACH):
                found = _checked(match) if match.group("month") or len(line) - labelled.end() < 8 else None
                if found:
                    return DocumentDate(found[0], found[1], "text")
            continue
        whole = parse_date(line)
        if whole and (whole[1] != "year" or re.search("年", line)):
            return DocumentDate(whole[0], whole[1], "text")
    return None


def document_date(page_date: str | None, text: str) -> DocumentDate | None:
    """A document's own date: its web page's metadata first, then a date line of its text."""
    if page_date:
        parsed = parse_date(page_date)
        if parsed:
            return DocumentDate(parsed[0], parsed[1], "page")
    return date_in_text(text)
