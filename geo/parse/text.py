"""A document prepared for scanning: HTML stripped, text folded, sentences found.

Offsets
-------
Every offset the parser reports (``start``, ``end``) counts characters
(Unicode code points) in the *decoded text*: the string handed to
:func:`geo.parse.parse_text`, or a file's bytes decoded as UTF-8. HTML tags
and character references are left in that text, so ``text[start:end]`` is
the mention exactly as written (``Jun&iacute;n`` stays as it is). Inside, the
parser works on a *clean* copy (tags removed, references decoded) and a
*folded* copy of that (lower case, no accents, punctuation blanked) that has
one character per clean character, so that an automaton hit maps straight
back; :meth:`Document.raw_span` turns clean offsets into decoded-text offsets.
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

__all__ = ["Document", "prepare", "looks_like_html"]

_TAG = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>"   # code and style sheets: dropped with their content
    r"|<!--.*?-->"                            # comments
    r"|</?([A-Za-z][A-Za-z0-9]*)\b[^>]*>"     # any other tag
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?",
    re.S,
)
_HTML_HINT = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)
# Tags after which a new line starts (so a headline does not run into the body).
_BLOCK = frozenset("p br div h1 h2 h3 h4 h5 h6 li ul ol tr td th table title header footer article "
                   "section blockquote pre hr figcaption dd dt".split())

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|\n\s*")
_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


class _FoldTable(dict):
    """``str.translate`` table: lower case, accents off, non-word characters to spaces.

    Filled on demand; characters whose fold is not exactly one character
    (combining marks, ligatures, ß) are recorded in :attr:`irregular`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = unicodedata.normalize("NFKD", ch)
        out = "".join(c for c in out if not unicodedata.combining(c)).casefold()
        out = "".join(c if (c.isalnum()) else " " for c in out)
        if len(out) != 1:
            if unicodedata.combining(ch):
                out = ""
            self.irregular.add(ch)
        self[code] = out
        return out


_FOLD = _FoldTable()


@dataclass
class Document:
    """A text ready for scanning.

    Attributes
    ----------
    raw : str
        The decoded text as given.
    clean : str
        ``raw`` without HTML tags, with character references decoded.
    folded : str
        ``" " + fold(clean) + " "``: one character per character of ``clean``
        (shifted by the leading space) unless :attr:`fold_map` says otherwise.
    sentences : list of (int, int)
        Sentence spans in ``clean``.
    """

    raw: str
    clean: str
    folded: str
    clean_map: array | None = None   # clean index -> raw offset where that character starts
    clean_ends: array | None = None  # clean index -> raw offset where that character ends
    fold_map: array | None = None    # folded index -> clean index
    sentences: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)
    _tokens: dict[int, tuple] = field(default_factory=dict, repr=False)

    def words(self, start: int, end: int) -> list[tuple[str, int, int]]:
        """Words of :attr:`clean` lying in ``[start, end)``, as (word, start, end).

        Tokenised once per sentence, on demand: a document is only split into
        words around the names found in it. A word cut by ``end`` is cut too
        ("Peru" of "Peru's").
        """
        i = self.sentence_of(start)
        if end > self.sentences[i][1]:
            return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(self.clean, start, end)]
        starts, ends, toks = self._sentence_tokens(i)
        lo = bisect_left(starts, start)
        hi = bisect_right(ends, end)
        out = toks[lo:hi]
        if hi < len(toks) and hi >= lo and toks[hi][1] < end:
            cut = _WORD.match(self.clean, toks[hi][1], end)
            if cut:
                out.append((cut.group(0), toks[hi][1], cut.end()))
        return out

    def _sentence_tokens(self, i: int) -> tuple[list[int], list[int], list[tuple[str, int, int]]]:
        cached = self._tokens.get(i)
        if cached is None:
            s0, s1 = self.sentences[i]
            toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(self.clean, s0, s1)]
            cached = self._tokens[i] = ([t[1] for t in toks], [t[2] for t in toks], toks)
        return cached

    def clean_span(self, fstart: int, fend: int) -> tuple[int, int]:
        """Clean offsets of a span of :attr:`folded` (``fend`` exclusive)."""
        if self.fold_map is None:
            return fstart - 1, fend - 1
        return self.fold_map[fstart], self.fold_map[fend - 1] + 1

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in :attr:`raw` of a span of :attr:`clean`."""
        if self.clean_map is None:
            return start, end
        if end <= start:
            return self.clean_map[start], self.clean_map[start]
        return self.clean_map[start], self.clean_ends[end - 1]

    def sentence_of(self, pos: int) -> int:
        """Index of the sentence holding clean offset ``pos``."""
        return max(0, bisect_right(self._starts, pos) - 1)

    def sentence_text(self, index: int) -> str:
        start, end = self.sentences[index]
        return self.clean[start:end]


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds tags or character references."""
    return ("<" in text or "&" in text) and _HTML_HINT.search(text) is not None


def prepare(raw: str, *, strip_html: bool | None = None) -> Document:
    """Build a :class:`Document` from decoded text.

    Parameters
    ----------
    raw : str
        The text. Control characters are kept (they fold to spaces).
    strip_html : bool, optional
        Remove tags and decode references; by default when the text looks
        like HTML.
    """
    if not isinstance(raw, str):
        raise TypeError(f"text must be a str, not {type(raw).__name__}")
    if strip_html is None:
        strip_html = looks_like_html(raw)
    clean, starts, ends = _strip_html(raw) if strip_html else (raw, None, None)
    folded, fold_map = _fold(clean)
    doc = Document(raw=raw, clean=clean, folded=folded, clean_map=starts, clean_ends=ends, fold_map=fold_map)
    doc.sentences = _sentences(clean)
    doc._starts = [s for s, _ in doc.sentences]
    return doc


def _strip_html(raw: str) -> tuple[str, array, array]:
    parts: list[str] = []
    starts, ends = array("q"), array("q")
    pos = 0
    for m in _TAG.finditer(raw):
        if m.start() > pos:
            parts.append(raw[pos:m.start()])
            starts.extend(range(pos, m.start()))
            ends.extend(range(pos + 1, m.start() + 1))
        token = m.group(0)
        if token.startswith("&"):
            text = html.unescape(token)
        else:
            # A block tag ends a line; any other tag still separates words.
            text = "\n" if (m.group(2) or "").lower() in _BLOCK else " "
        parts.append(text)
        starts.extend([m.start()] * len(text))
        ends.extend([m.end()] * len(text))
        pos = m.end()
    parts.append(raw[pos:])
    starts.extend(range(pos, len(raw)))
    ends.extend(range(pos + 1, len(raw) + 1))
    starts.append(len(raw))
    return "".join(parts), starts, ends


def _fold(clean: str) -> tuple[str, array | None]:
    folded = clean.translate(_FOLD)
    if len(folded) == len(clean) and (not _FOLD.irregular or _FOLD.irregular.isdisjoint(clean)):
        return f" {folded} ", None
    pieces = [" "]
    fmap = array("q", [0])
    for i, ch in enumerate(clean):
        out = _FOLD[ord(ch)]
        if out:
            pieces.append(out)
            fmap.extend([i] * len(out))
    pieces.append(" ")
    fmap.append(len(clean))
    return "".join(pieces), fmap


def _sentences(clean: str) -> list[tuple[int, int]]:
    from .lexicon import lexicon

    words = lexicon()
    abbreviations = words.abbreviations
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(clean):
        end = m.end()
        if not m.group(0).startswith("\n"):
            before = _WORD.findall(clean[max(start, m.start() - 12):m.start()])
            nxt = clean[end:end + 1]
            last = before[-1].casefold() if before else ""
            if last in abbreviations or len(last) == 1 and before[-1].isupper():
                continue  # "Gen. Ruiz", "J. Pérez"
            if last in words.months and nxt.isdigit():
                continue  # "Feb. 20"
            if nxt and nxt.islower():
                continue
        if clean[start:end].strip():
            spans.append((start, end))
        start = end
    if clean[start:].strip():
        spans.append((start, len(clean)))
    return spans or [(0, len(clean))]
