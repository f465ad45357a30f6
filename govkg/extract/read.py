"""Finding and reading source files: plain text in any common Chinese encoding, HTML pages, Word
files (.docx, python-docx) and PDFs with a text layer (pdfplumber).

Text files may be UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or a
legacy Chinese encoding (GBK/GB2312/GB18030, Big5), which charset-normalizer tells apart. From an
HTML page trafilatura takes the article (title and body) and leaves menus, footers and scripts; the
character offsets of facts from a page count characters of that article text, which
`read_source(path).text` returns.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from govkg.errors import InputError
from govkg.extract.model import SourceDocument

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
SOURCE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES


@dataclass(frozen=True)
class SourceFile:
    """A file to build from: its path, its name as a document (its path relative to the folder
    given, 2021/a.txt, or its file name when given alone) and that folder (None for a file)."""

    path: Path
    name: str
    folder: Path | None = None

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


def find_sources(paths: Iterable[str | Path]) -> list[SourceFile]:
    """The source files named by `paths` (files, or folders searched recursively), sorted, each
    with its document name: its path relative to the folder given, or its file name.

    Raises InputError for a path that does not exist, when nothing to read is found, or when two
    inputs would be the same document."""
    found: list[SourceFile] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            names = _files_under(path)
            if not names:
                raise InputError(f"{path}: folder holds no .txt, .md, .html, .docx or .pdf files to read")
            folder = path.resolve()
            found.extend(SourceFile(path / name, name, folder) for name in names)
        else:
            found.append(SourceFile(path, path.name))
    if not found:
        raise InputError("no input files given")
    seen: dict[str, SourceFile] = {}
    unique = []
    for source in found:
        other = seen.setdefault(source.name, source)
        if other is source:
            unique.append(source)
        elif other.path.resolve() != source.path.resolve():
            # Documents are known by their name (the `doc` column of every query).
            raise InputError(f"{source.path}: another input is the same document '{source.name}' ({other.path})")
    return unique


def _files_under(folder: Path) -> list[str]:
    """The source files under `folder`, as paths relative to it, in the order of their parts
    (as Paths sort), leaving out hidden files and folders. Symbolic links to folders are not
    followed (as Path.rglob). os.walk, not rglob: it asks the file system no more than the
    listing of each folder (a fifth of the time on 2,000 files)."""
    found = []
    for top, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        under = Path(top).relative_to(folder).parts
        for name in files:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in SOURCE_SUFFIXES \
                    and os.path.isfile(os.path.join(top, name)):
                found.append((*under, name))
    return ["/".join(parts) for parts in sorted(found)]


def read_source(path: str | Path, name: str | None = None) -> SourceDocument:
    """Read a text file, an HTML page, a Word file or a PDF as a SourceDocument (its text,
    encoding and media type), named `name` (default: the file name)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    suffix = path.suffix.lower()
    page_date = None
    if suffix in DOCX_SUFFIXES:
        text, encoding, media_type = docx_text(path, data), "UTF-8", DOCX_MEDIA_TYPE
    elif suffix in PDF_SUFFIXES:
        text, encoding, media_type = pdf_text(path, data), "UTF-8", "application/pdf"
    elif suffix in HTML_SUFFIXES or _HTML_START.match(data[:1024]):
        text, encoding, page_date = html_article(path, data)
        media_type = "text/html"
    else:
        text, encoding = decode_text(path, data)
        media_type = "text/plain"
    if "\x00" in text:
        raise InputError(f"{path}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return SourceDocument(name or path.name, text, hashlib.sha256(data).hexdigest(), encoding, media_type, page_date)


DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(path: Path, data: bytes) -> str:
    """The paragraphs of a Word file (python-docx), one per line, tables' cells after them."""
    import io
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, Exception) as exc:  # python-docx raises many exception types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: not a readable .docx file ({first})") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines) + "\n"


def _unified_ideographs(text: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs that PDF fonts map characters to (⾏ for
    行) as the unified ideographs texts are matched in; one character for one, so offsets hold."""
    import unicodedata

    def unified(ch: str) -> str:
        if "\u2f00" <= ch <= "\u2fdf" or "\u2e80" <= ch <= "\u2eff" or "\uf900" <= ch <= "\ufaff":
            mapped = unicodedata.normalize("NFKC", ch)
            return mapped if len(mapped) == 1 else ch
        return ch

    return "".join(unified(ch) for ch in text)


def pdf_text(path: Path, data: bytes) -> str:
    """The text layer of a PDF (pdfplumber), page after page; a scanned PDF (images only) is
    refused in one line, since govkg does no OCR."""
    import io
    import logging

    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    # pdfminer logs a warning per glyph of fonts without metrics (as Chromium writes them).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many exception types
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: not a readable PDF ({first})") from exc
    text = _unified_ideographs("\n\n".join(page.strip() for page in pages if page.strip()))
    if not text:
        raise InputError(f"{path}: this PDF has no text layer (a scan?); govkg reads text, not images")
    return text + "\n"


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
        # Lines in UTF-8 among lines in GB18030 (a GBK file with a UTF-8 line appended): each
        # line in its own encoding, before detection reads the UTF-8 lines as GB18030 mojibake.
        mixed = _decode_by_line(path, data)
        if mixed is not None:
            return mixed
        encoding = detect_encoding(data)
        if encoding is None:
            raise _undecodable(path, data, "utf-8", utf8_error) from None
        try:
            return data.decode(encoding), _NAMES.get(encoding, encoding.upper())
        except UnicodeDecodeError as exc:
            raise _undecodable(path, data, encoding, exc) from None


def _decode_by_line(path: Path, data: bytes) -> tuple[str, str] | None:
    """A text whose lines are in different encodings (a GBK file with a UTF-8 line appended):
    each line read in the first of UTF-8, GB18030 and Big5 that reads it; InputError naming the
    first line none reads; None when the lines are not in two encodings."""
    lines, used = [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        for codec in ("utf_8", "gb18030", "big5"):
            try:
                lines.append(line.decode(codec))
            except UnicodeDecodeError:
                continue
            if line.strip() and _NAMES[codec] not in used and not line.isascii():
                used.append(_NAMES[codec])
            break
        else:
            raise InputError(
                f"{path}: line {number} is not text in UTF-8, GBK/GB18030 or Big5; "
                "convert the file to UTF-8 first, e.g. iconv -f GBK -t UTF-8"
            ) from None
    if len(used) < 2:
        return None
    return "\n".join(lines), "mixed (" + ", ".join(used) + ")"


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


def html_article(path: Path, data: bytes) -> tuple[str, str, str | None]:
    """The article of an HTML page as text (title, then one paragraph per block), the page's
    encoding and its publication date (YYYY-MM-DD, from its metadata, or None). trafilatura finds
    the article and drops menus, footers, scripts and tables; the date is htmldate's reading of
    the page's meta tags and markup, as trafilatura asks for it."""
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
    return text, name, (article.date or None)


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
