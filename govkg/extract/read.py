"""Finding and reading source files: plain text in any common Chinese encoding, and HTML pages.

Text files may be UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or a
legacy Chinese encoding (GBK/GB2312/GB18030, Big5), which charset-normalizer tells apart. From an
HTML page trafilatura takes the article (title and body) and leaves menus, footers and scripts; the
character offsets of facts from a page count characters of that article text, which
`read_source(path).text` returns.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from govkg.errors import InputError
from govkg.extract.model import SourceDocument

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
SOURCE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its mark starts with UTF-16's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The encodings Chinese texts come in; GB18030 is the superset of GB2312 and GBK.
_CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5"]
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "euc_cn", "hz"}
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<title)", re.IGNORECASE)
_NAMES = {"utf_8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32",
          "gb18030": "GB18030", "big5": "Big5"}


def find_sources(paths: Iterable[str | Path]) -> list[Path]:
    """The source files named by `paths` (files, or folders searched recursively), sorted.

    Raises InputError for a path that does not exist, or when nothing to read is found."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
            )
            if not files:
                raise InputError(f"{path}: folder holds no .txt or .html files to read")
            found.extend(files)
        else:
            found.append(path)
    if not found:
        raise InputError("no input files given")
    seen: dict[str, Path] = {}
    for path in found:
        other = seen.setdefault(path.name, path)
        if other != path and other.resolve() != path.resolve():
            # Documents are known by file name (the `doc` column of every query).
            raise InputError(f"{path}: another input file has the same name ({other})")
    return list(dict.fromkeys(found))


def read_source(path: str | Path) -> SourceDocument:
    """Read a text file or an HTML page as a SourceDocument (its text, encoding and media type)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if path.suffix.lower() in HTML_SUFFIXES or _HTML_START.match(data[:1024]):
        text, encoding = html_article(path, data)
        media_type = "text/html"
    else:
        text, encoding = decode_text(path, data)
        media_type = "text/plain"
    if "\x00" in text:
        raise InputError(f"{path}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return SourceDocument(path.name, text, hashlib.sha256(data).hexdigest(), encoding, media_type)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a file's bytes and the name of its encoding; InputError when no Chinese text
    encoding reads it."""
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(codec), _NAMES[codec]
            except UnicodeDecodeError as exc:
                raise _undecodable(path, data, codec, exc) from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        if b"\x00" in data:
            raise InputError(f"{path}: looks like a binary file, not text") from None
        encoding = detect_encoding(data)
        if encoding is None:
            raise _undecodable(path, data, "utf-8", utf8_error) from None
        return data.decode(encoding), _NAMES.get(encoding, encoding.upper())


def detect_encoding(data: bytes) -> str | None:
    """The Chinese text encoding that reads `data` best (charset-normalizer), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATE_ENCODINGS).best()
    if best is None:
        return None
    return "gb18030" if best.encoding in _GB_FAMILY else best.encoding


def _undecodable(path: Path, data: bytes, codec: str, exc: UnicodeDecodeError) -> InputError:
    return InputError(
        f"{path}: not text in UTF-8, GBK/GB18030 or Big5 (byte {exc.start} is 0x{data[exc.start]:02x}); "
        "convert it to UTF-8 first, e.g. iconv -f GBK -t UTF-8"
    )


def html_article(path: Path, data: bytes) -> tuple[str, str]:
    """The article of an HTML page as text (title, then one paragraph per block) and the page's
    encoding. trafilatura finds the article and drops menus, footers, scripts and tables."""
    import trafilatura

    encoding = _declared_encoding(data)
    if encoding is None:
        # A page that declares nothing is read as a text file is (byte-order mark, UTF-8, detection).
        markup, name = decode_text(path, data)
    else:
        try:
            markup, name = data.decode(encoding), _NAMES.get(encoding, encoding.upper())
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{path}: the page says its encoding is {encoding}, but it is not ({exc})") from exc
    # Precision first (menus and share bars left out); a page it finds too little in is read again
    # favouring recall, since a missed paragraph costs more than a stray menu line.
    for favour in ({"favor_precision": True}, {"favor_recall": True}):
        article = trafilatura.bare_extraction(
            markup, include_tables=False, include_comments=False, include_images=False, with_metadata=True,
            **favour,
        )
        body = (article.text or "").strip() if article is not None else ""
        if len(body) >= MIN_ARTICLE:
            break
    if not body:
        raise InputError(f"{path}: no article text found in this HTML page")
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    title = (article.title or "").strip()
    if title and lines and lines[0] == title:
        lines = lines[1:]
    # The title apart; the article's lines as trafilatura gives them (one per paragraph or <br>):
    # the normalizer joins a line that stops in mid-sentence with the next.
    text = (title + "\n\n" if title else "") + "\n".join(lines) + "\n"
    return text, name


MIN_ARTICLE = 50  # characters: less than this from the precise reading, and the page is read again


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _declared_encoding(data: bytes) -> str | None:
    """The encoding an HTML page declares in a <meta> tag, GB2312 and GBK read as their superset."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower().replace("-", "_")
    try:
        name = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name
