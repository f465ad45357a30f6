"""Undo the layout of real articles while keeping a map back to every original character.

Newspaper columns break lines in mid-sentence; photo captions sit between the two halves of a
sentence; a file may hold several articles, each opened by a title and a byline (■…). The steps
here rebuild paragraphs and sentences from that, and never lose where a character came from.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from govkg.extract.model import Article, NormalizedText, Paragraph, Sentence, SourceDocument

SENTENCE_END = "。！？!?；;…"
CLOSERS = "”’」』）)》\"'"
PUNCTUATION = set("，。、；：！？,.;:!?（）()“”‘’《》—…·")
HEADING_MAX = 40  # a line this short with no sentence punctuation reads as a heading
CAPTION_MAX = 60  # a block this short between two halves of a sentence reads as a caption
COLUMN_LINE_MAX = 24  # median line length at or under this: newspaper columns
LOOKAHEAD = 5  # how many blocks a sentence broken by captions may skip
# Characters that seldom open a sentence: a block starting with one carries on a broken sentence.
NON_INITIAL = set("的地得了着过等和与及或类个项名件次户家之而并且但则所以为是在于")
BYLINE = re.compile(r"^(■|●|◆|▲|本报记者|本报讯|记者|通讯员|来源[:：])")


def fold_char(ch: str) -> str:
    """NFKC of one character when that stays one character (１→1, Ｎ→N, ，→,), else the character."""
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def fold_text(text: str) -> str:
    """fold_char of every character. Only the text's distinct characters outside ASCII and the
    CJK ideographs (which NFKC leaves as they are) are looked at, once each."""
    table = {}
    for ch in set(text):
        if ch < "\x80" or "\u4e00" <= ch <= "\u9fff":
            continue
        folded = fold_char(ch)
        if folded != ch:
            table[ord(ch)] = folded
    return text.translate(table) if table else text


@dataclass
class _Piece:
    """A paragraph being built: its text and the source offset of each character."""

    text: str
    origin: list[int]
    kind: str = "body"

    def __add__(self, other: _Piece) -> _Piece:
        return _Piece(self.text + other.text, self.origin + other.origin, self.kind)


def _source_lines(text: str) -> list[_Piece | None]:
    """Each line stripped of surrounding white space, None for a blank line."""
    lines: list[_Piece | None] = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped)
            lines.append(_Piece(stripped, list(range(start, start + len(stripped)))))
        else:
            lines.append(None)
        offset += len(raw) + 1
    return lines


def _blocks(lines: list[_Piece | None]) -> list[list[_Piece]]:
    blocks: list[list[_Piece]] = []
    current: list[_Piece] = []
    for line in lines:
        if line is None:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END + ":："


def is_heading_text(text: str) -> bool:
    if text.startswith("#"):
        return True
    return (
        len(text) <= HEADING_MAX
        and not ends_sentence(text)
        and "，" not in text
        and "。" not in text
        and "," not in text
    )


def _strip_markup(piece: _Piece) -> _Piece:
    """Drop Markdown heading marks (# …) kept by some converters."""
    n = len(piece.text) - len(piece.text.lstrip("#").lstrip())
    return _Piece(piece.text[n:], piece.origin[n:], piece.kind) if n else piece


# A byline is a line of names; a longer paragraph that opens with one (本报讯（记者 刘洋）……。) is
# the article's lead paragraph, the body of the news.
BYLINE_MAX = 40


def _lead_paragraph(text: str) -> bool:
    return len(text) > BYLINE_MAX and any(ch in text for ch in "。；！？")


def _classify(piece: _Piece) -> _Piece:
    if piece.text.startswith("#"):
        piece = _strip_markup(piece)
        piece.kind = "heading"
    elif BYLINE.match(piece.text) and not _lead_paragraph(piece.text):
        piece.kind = "byline"
    elif is_heading_text(piece.text):
        piece.kind = "heading"
    else:
        piece.kind = "body"
    return piece


CLAUSE_BREAKS = ("，", "、", ",")


def _paragraphs_of_block(block: list[_Piece], columns: bool) -> list[_Piece]:
    """Join the lines of one block. In column layout every line break inside a block is layout;
    otherwise a line break is layout only where a long line stops in mid-sentence."""
    if columns:
        joined = block[0]
        for line in block[1:]:
            joined = joined + line
        return [joined]
    paragraphs = [block[0]]
    for line in block[1:]:
        last = paragraphs[-1]
        mid_clause = last.text.endswith(CLAUSE_BREAKS)  # no heading or caption ends with a comma
        if (not ends_sentence(last.text) and (len(last.text) > HEADING_MAX or mid_clause)
                and not last.text.startswith("#")):
            paragraphs[-1] = last + line
        else:
            paragraphs.append(line)
    return paragraphs


def _continues(piece: _Piece) -> bool:
    """Does this block read as the rest of a sentence broken off before it?"""
    if piece.kind == "byline" or piece.text.startswith("#"):
        return False
    if len(piece.text) > CAPTION_MAX:
        return True
    head = piece.text[:3]
    return any(ch in PUNCTUATION for ch in head) or piece.text[0] in NON_INITIAL or piece.text[0].isdigit()


def _mend_broken_sentences(pieces: list[_Piece]) -> list[_Piece]:
    """Join a body paragraph that stops in mid-sentence with the block that carries on, setting
    aside the short blocks (photo captions) found in between."""
    out: list[_Piece] = []
    i = 0
    while i < len(pieces):
        current = pieces[i]
        i += 1
        captions: list[_Piece] = []
        while current.kind == "body" and not ends_sentence(current.text):
            found = None
            for j in range(i, min(len(pieces), i + LOOKAHEAD)):
                if _continues(pieces[j]):
                    found = j
                    break
                if pieces[j].kind == "byline" or len(pieces[j].text) > CAPTION_MAX:
                    break
            if found is None:
                break
            for caption in pieces[i:found]:
                caption.kind = "caption"
                captions.append(caption)
            rest = pieces[found]
            current = current + rest
            i = found + 1
        out.append(current)
        out.extend(captions)
    return out


def normalize(source: SourceDocument, simplify: Callable[[str], str] | None = None) -> NormalizedText:
    """Rebuild the paragraphs of a document (see the module docstring). With `simplify` (a
    traditional-to-simplified converter), the folded text is in simplified characters, so that
    黨建聯盟 matches 党建联盟; the text as written is kept for evidence."""
    lines = _source_lines(source.text.replace("\r", " "))
    blocks = _blocks(lines)
    lengths = [len(line.text) for block in blocks for line in block]
    columns = len(lengths) >= 10 and statistics.median(lengths) <= COLUMN_LINE_MAX
    pieces = [
        _classify(piece) for block in blocks for piece in _paragraphs_of_block(block, columns)
    ]
    pieces = _mend_broken_sentences(pieces)

    text_parts: list[str] = []
    origin: list[int] = []
    paragraphs: list[Paragraph] = []
    article = 0
    position = 0
    for index, piece in enumerate(pieces):
        if _opens_article(pieces, index) and paragraphs:
            article += 1
        if text_parts:
            text_parts.append("\n")
            origin.append(origin[-1] + 1 if origin else 0)
            position += 1
        text_parts.append(piece.text)
        origin.extend(piece.origin)
        paragraphs.append(Paragraph(position, position + len(piece.text), piece.kind, article))
        position += len(piece.text)
    text = "".join(text_parts)
    fold = fold_text(text)
    if simplify is not None:
        fold = _simplified(fold, simplify)
    return NormalizedText(text, fold, tuple(origin), tuple(paragraphs))


def _simplified(fold: str, simplify: Callable[[str], str]) -> str:
    """The text in simplified characters, one character for one, so that offsets hold. OpenCC's
    t2s keeps every length; should a conversion not, the text is converted character by
    character, keeping any character whose conversion is not one character."""
    converted = simplify(fold)
    if len(converted) == len(fold):
        return converted
    singles = (simplify(ch) for ch in fold)
    return "".join(new if len(new) == 1 else ch for ch, new in zip(fold, singles, strict=True))


def _opens_article(pieces: list[_Piece], index: int) -> bool:
    """A heading followed by a byline opens a new article."""
    if pieces[index].kind != "heading":
        return False
    following = [p for p in pieces[index + 1 : index + 3] if p.kind != "caption"]
    return bool(following) and following[0].kind == "byline"


def split_articles(normalized: NormalizedText, fallback_title: str) -> list[Article]:
    articles: list[Article] = []
    for paragraph in normalized.paragraphs:
        if not articles or articles[-1].index != paragraph.article:
            articles.append(Article(paragraph.article, paragraph.start, paragraph.end, ""))
        last = articles[-1]
        title = last.title
        if not title and paragraph.kind == "heading":
            title = normalized.text[paragraph.start : paragraph.end].strip()
        articles[-1] = Article(last.index, last.start, paragraph.end, title)
    return [
        Article(a.index, a.start, a.end, a.title or fallback_title) for a in articles
    ] or [Article(0, 0, 0, fallback_title)]


def split_sentences(normalized: NormalizedText) -> list[Sentence]:
    """Sentences end at 。！？； (with any closing quote) and at paragraph ends."""
    sentences: list[Sentence] = []
    text = normalized.text
    for paragraph in normalized.paragraphs:
        start = paragraph.start
        i = paragraph.start
        while i < paragraph.end:
            ch = text[i]
            i += 1
            if ch in SENTENCE_END:
                while i < paragraph.end and (text[i] in CLOSERS or text[i] in SENTENCE_END):
                    i += 1
                _add_sentence(sentences, text, start, i, paragraph)
                start = i
        _add_sentence(sentences, text, start, paragraph.end, paragraph)
    return sentences


def _add_sentence(sentences: list[Sentence], text: str, start: int, end: int, paragraph) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(
            Sentence(len(sentences), start, end, text[start:end], paragraph.kind, paragraph.article)
        )
