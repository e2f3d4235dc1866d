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
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

__all__ = ["Document", "looks_like_html", "prepare"]

_TAG = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>"   # code and style sheets: dropped with their content
    r"|<!--.*?-->"                            # comments
    r"|</?([A-Za-z][A-Za-z0-9]*)\b[^>]*>"     # any other tag
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?",
    re.DOTALL,
)
_HTML_HINT = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
# Tags after which a new line starts (so a headline does not run into the body).
_BLOCK = frozenset(["p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td", "th", "table", "title", "header", "footer", "article", "section", "blockquote", "pre", "hr", "figcaption", "dd", "dt"])

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


class Tokens:
    """The words of a stretch of a document: parallel lists of start and end.

    A word is a run of letters and digits, with one inner apostrophe
    ("Peru's", "d'Ayacucho"); offsets are in :attr:`Document.clean`.
    ``lo``/``hi`` limit the stretch (whole sentences, so no word is cut).
    """

    __slots__ = ("clean", "ends", "starts")

    def __init__(self, clean: str, lo: int = 0, hi: int | None = None) -> None:
        self.clean = clean
        self.starts: list[int] = []
        self.ends: list[int] = []
        add_start, add_end = self.starts.append, self.ends.append
        for m in _TOKEN.finditer(clean, lo, len(clean) if hi is None else hi):
            a, b = m.span()
            add_start(a)
            add_end(b)

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, lo: int, hi: int) -> list[tuple[str, int, int]]:
        """Words ``lo`` to ``hi`` (indices), as (word, start, end)."""
        clean = self.clean
        return [(clean[a:b], a, b) for a, b in zip(self.starts[lo:hi], self.ends[lo:hi])]


class _OffsetMap:
    """Clean offsets to raw offsets, piece by piece (one piece per run of text or per tag).

    A run of text copied verbatim maps linearly; the characters a tag or a
    character reference turned into all map to the whole tag or reference.
    """

    __slots__ = ("clean", "linear", "raw", "raw_end")

    def __init__(self) -> None:
        self.clean: list[int] = []     # clean offset where each piece starts
        self.raw: list[int] = []       # raw offset where it starts
        self.raw_end: list[int] = []   # raw offset where a replaced piece ends
        self.linear: list[bool] = []   # copied verbatim (True) or replaced (False)

    def add(self, clean: int, raw: int, raw_end: int, linear: bool) -> None:
        self.clean.append(clean)
        self.raw.append(raw)
        self.raw_end.append(raw_end)
        self.linear.append(linear)

    def start(self, i: int) -> int:
        """Raw offset where clean character ``i`` starts (``len(clean)`` gives ``len(raw)``)."""
        k = bisect_right(self.clean, i) - 1
        return self.raw[k] + (i - self.clean[k]) if self.linear[k] else self.raw[k]

    def end(self, i: int) -> int:
        """Raw offset where clean character ``i`` ends."""
        k = bisect_right(self.clean, i) - 1
        return self.raw[k] + (i - self.clean[k]) + 1 if self.linear[k] else self.raw_end[k]


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
    offsets: _OffsetMap | None = None  # clean -> raw, when HTML was stripped
    fold_map: array | None = None      # folded index -> clean index
    sentences: list[tuple[int, int]] = field(default_factory=list)
    #: Clean offsets of the cue phrases before possibly misspelt names, set by the scanner.
    cues: list[int] | None = field(default=None, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)
    _tokens: dict[int, Tokens] = field(default_factory=dict, repr=False)
    _all_tokens: Tokens | None = field(default=None, repr=False)

    def tokens_for(self, start: int, end: int) -> Tokens:
        """The words of the sentences holding ``[start, end)``, tokenised on first use.

        Only sentences where something is looked at are tokenised: most of a
        long report's prose never is. Once half the sentences have been
        asked for (dense text), the whole document is tokenised in one pass.
        """
        if self._all_tokens is not None:
            return self._all_tokens
        i = self.sentence_of(start)
        j = self.sentence_of(max(start, end - 1))
        toks = self._tokens.get(i)
        if toks is None:
            if 2 * len(self._tokens) >= len(self.sentences):
                return self._tokenise_all()
            start_i, end_i = self.sentences[i]
            toks = self._tokens[i] = Tokens(self.clean, start_i, end_i)
        if j == i:
            return toks
        # A span across sentences (rare): the words of all of them, in order.
        joined = Tokens(self.clean, 0, 0)
        for k in range(i, j + 1):
            part = self._tokens.get(k) or Tokens(self.clean, *self.sentences[k])
            joined.starts.extend(part.starts)
            joined.ends.extend(part.ends)
        return joined

    def expect_words(self, spans: int) -> None:
        """Say how many spans will be looked around: when they touch most sentences, tokenise all at once."""
        if self._all_tokens is None and 2 * spans >= len(self.sentences):
            self._tokenise_all()

    def _tokenise_all(self) -> Tokens:
        self._all_tokens = Tokens(self.clean)
        self._tokens = {}
        return self._all_tokens

    def forget_tokens(self) -> None:
        """Free the word index (it is rebuilt if asked for again)."""
        self._tokens = {}
        self._all_tokens = None

    def words(self, start: int, end: int, n: int | None = None) -> list[tuple[str, int, int]]:
        """Words of :attr:`clean` lying in ``[start, end)``, as (word, start, end); the first ``n`` if given.

        Within a sentence, words come from :meth:`tokens_for` (found once per
        sentence) and a word cut by ``end`` is cut too ("Peru" of "Peru's");
        a span running past its sentence is tokenised on its own.
        """
        i = self.sentence_of(start)
        if end > self.sentences[i][1]:
            found = _TOKEN.finditer(self.clean, start, end)
            return [(m.group(0), m.start(), m.end()) for m in (islice(found, n) if n is not None else found)]
        return self.words_after(start, end, n)

    def words_after(self, start: int, end: int, n: int | None = None) -> list[tuple[str, int, int]]:
        """``words(start, end)[:n]`` for a span inside one sentence, without building the rest."""
        toks = self.tokens_for(start, end)
        starts = toks.starts
        lo = bisect_left(starts, start)
        hi = bisect_right(toks.ends, end, lo)
        if n is not None and hi - lo >= n:
            return toks.span(lo, lo + n)
        out = toks.span(lo, hi)
        if hi < len(starts) and starts[hi] < end:
            cut = _WORD.match(self.clean, starts[hi], end)
            if cut:
                out.append((cut.group(0), starts[hi], cut.end()))
        return out

    def iter_after(self, start: int, end: int) -> Iterator[tuple[str, int, int]]:
        """``words(start, end)`` one at a time, for a span inside one sentence."""
        toks = self.tokens_for(start, end)
        starts, ends, clean = toks.starts, toks.ends, self.clean
        j = bisect_left(starts, start)
        n = len(starts)
        while j < n and ends[j] <= end:
            yield clean[starts[j]:ends[j]], starts[j], ends[j]
            j += 1
        if j < n and starts[j] < end:
            cut = _WORD.match(clean, starts[j], end)
            if cut:
                yield cut.group(0), starts[j], cut.end()

    def iter_before(self, start: int, end: int) -> Iterator[tuple[str, int, int]]:
        """``reversed(words(start, end))`` one at a time, for a span inside one sentence."""
        toks = self.tokens_for(start, end)
        starts, ends, clean = toks.starts, toks.ends, self.clean
        hi = bisect_right(ends, end)
        if hi < len(starts) and starts[hi] < end and starts[hi] >= start:
            cut = _WORD.match(clean, starts[hi], end)
            if cut:
                yield cut.group(0), starts[hi], cut.end()
        j = hi - 1
        while j >= 0 and starts[j] >= start:
            yield clean[starts[j]:ends[j]], starts[j], ends[j]
            j -= 1

    def words_before(self, start: int, end: int, n: int) -> list[tuple[str, int, int]]:
        """``words(start, end)[-n:]`` for a span inside one sentence, without building the rest."""
        toks = self.tokens_for(start, end)
        starts = toks.starts
        lo = bisect_left(starts, start)
        hi = bisect_right(toks.ends, end)
        if hi < lo:
            return []  # one word runs across the whole span
        cut = None
        if hi < len(starts) and starts[hi] < end:
            cut = _WORD.match(self.clean, starts[hi], end)
        if cut:
            return [*toks.span(max(lo, hi - n + 1), hi), (cut.group(0), starts[hi], cut.end())]
        return toks.span(max(lo, hi - n), hi)

    def clean_span(self, fstart: int, fend: int) -> tuple[int, int]:
        """Clean offsets of a span of :attr:`folded` (``fend`` exclusive)."""
        if self.fold_map is None:
            return fstart - 1, fend - 1
        return self.fold_map[fstart], self.fold_map[fend - 1] + 1

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in :attr:`raw` of a span of :attr:`clean`."""
        if self.offsets is None:
            return start, end
        if end <= start:
            return self.offsets.start(start), self.offsets.start(start)
        return self.offsets.start(start), self.offsets.end(end - 1)

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
    clean, offsets = _strip_html(raw) if strip_html else (raw, None)
    folded, fold_map = _fold(clean)
    doc = Document(raw=raw, clean=clean, folded=folded, offsets=offsets, fold_map=fold_map)
    doc.sentences = _sentences(clean)
    doc._starts = [s for s, _ in doc.sentences]
    return doc


def _strip_html(raw: str) -> tuple[str, _OffsetMap]:
    parts: list[str] = []
    offsets = _OffsetMap()
    pos = 0
    size = 0  # length of the clean text so far
    for m in _TAG.finditer(raw):
        if m.start() > pos:
            parts.append(raw[pos:m.start()])
            offsets.add(size, pos, m.start(), True)
            size += m.start() - pos
        token = m.group(0)
        if token.startswith("&"):
            text = html.unescape(token)
        else:
            # A block tag ends a line; any other tag still separates words.
            text = "\n" if (m.group(2) or "").lower() in _BLOCK else " "
        parts.append(text)
        offsets.add(size, m.start(), m.end(), False)
        size += len(text)
        pos = m.end()
    parts.append(raw[pos:])
    offsets.add(size, pos, len(raw), True)  # also maps len(clean) to len(raw)
    return "".join(parts), offsets


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
            nxt = clean[end:end + 1]
            if nxt and nxt.islower():
                continue
            before = _WORD.findall(clean[max(start, m.start() - 12):m.start()])
            last = before[-1].casefold() if before else ""
            if last in abbreviations or len(last) == 1 and before[-1].isupper():
                continue  # "Gen. Ruiz", "J. Pérez"
            if last in words.months and clean[end:end + 3].lstrip()[:1].isdigit():
                continue  # "Feb. 20", "Aug. 15"
        if clean[start:end].strip():
            spans.append((start, end))
        start = end
    if clean[start:].strip():
        spans.append((start, len(clean)))
    return spans or [(0, len(clean))]
