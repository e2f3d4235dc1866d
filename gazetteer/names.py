"""Name normalisation: the keys under which places are indexed and looked up.

Three levels, from strict to loose:

``fold``
    Case, accents, curly quotes, possessives, hyphens and punctuation folded:
    ``"Río Apurímac’s"`` → ``"rio apurimac"``.
``key``
    ``fold`` without articles, conjunctions and generic words (river/río,
    valley/valle, district/distrito de, city/ciudad de…), which are returned
    separately as *kind cues*: ``"the Apurímac-Ene valleys"``,
    ``"Apurimac and Ene river valley"`` and ``"valle de los ríos Apurímac y
    Ene"`` all give ``"apurimac ene"`` with the cue ``valley``.
``phonetic``
    ``key`` with the spelling variants of Peruvian place names merged
    (``qu``/``k``, ``c``/``k``, ``z``/``s``, ``hua``/``wa``, ``v``/``b``…):
    Quimbiri = Kimbiri, Cuzco = Cusco.

Examples
--------
>>> fold("Unión  Mantaro")
'union mantaro'
>>> split_key("province of Huanta")
('huanta', frozenset({'province'}))
>>> phonetic("quimbiri") == phonetic("kimbiri")
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "key", "split_key", "phonetic", "MAX_NAME_LENGTH", "clean_name"]

#: Longer strings are not place names; they are refused before any work is done.
MAX_NAME_LENGTH = 200

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "“": '"', "”": '"'})
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)")
_NON_WORD = re.compile(r"[^\w]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Words that carry no identity: articles, prepositions, conjunctions.
_STOPWORDS = frozenset(
    "the of de del la las los el and y e & at in en".split()
)

# Generic words and the kinds they cue. Multi-word phrases are matched first.
_CUES: dict[str, str] = {}
for _cue, _words in {
    "river": "river rivers rio rios",
    "valley": "valley valleys valle valles cuenca basin",
    "district": "district distrito",
    "province": "province provincia",
    "department": "department departamento dpto regional region",
    "town": "city ciudad town village hamlet pueblo poblado localidad caserio anexo "
            "comunidad community centro_poblado capital",
    "base": "base bases bct cuartel garrison outpost military_base base_militar "
            "contraterrorista counterterrorism counter_terrorism",
    "country": "country pais republic republica",
}.items():
    for _w in _words.split():
        _CUES[_w.replace("_", " ")] = _cue
_MULTI = sorted((w for w in _CUES if " " in w), key=len, reverse=True)


def clean_name(text: str) -> str:
    """Strip control characters and surrounding white space."""
    return " ".join(_CONTROL.sub(" ", text).split())


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Fold case, accents, quotes, possessives and punctuation."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _POSSESSIVE.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@lru_cache(maxsize=200_000)
def split_key(text: str) -> tuple[str, frozenset[str]]:
    """Return the identity key of a name and the kind cues found in it.

    When nothing but generic words is left (``"La Mar"`` is not a valley),
    the folded text itself is the key.
    """
    folded = fold(text)
    padded = f" {folded} "
    cues: set[str] = set()
    for phrase in _MULTI:
        if f" {phrase} " in padded:
            cues.add(_CUES[phrase])
            padded = padded.replace(f" {phrase} ", " ")
    words = []
    for word in padded.split():
        if word in _CUES:
            cues.add(_CUES[word])
        elif word not in _STOPWORDS:
            words.append(word)
    if not words:
        return folded, frozenset()
    return " ".join(words), frozenset(cues)


def key(text: str) -> str:
    """The identity key of a name (see :func:`split_key`)."""
    return split_key(text)[0]


_PHONETIC = [
    (re.compile(r"ll"), "y"),
    (re.compile(r"(\w)\1+"), r"\1"),
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"c(?=[aou])|q|ck"), "k"),
    (re.compile(r"c(?=[ei])|z"), "s"),
    (re.compile(r"\bhu(?=[aeio])|\bgu(?=a)"), "w"),
    (re.compile(r"v"), "b"),
]


@lru_cache(maxsize=200_000)
def phonetic(text: str) -> str:
    """A loose key that merges the spelling variants of Andean place names."""
    out = key(text)
    for pattern, repl in _PHONETIC:
        out = pattern.sub(repl, out)
    return out
