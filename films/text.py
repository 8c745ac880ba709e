"""Text normalisation shared by matching and search: case, accents, numerals, scripts.

Latin letters are folded to ASCII (``ø``→``o``, ``é``→``e``) but other scripts are left
alone: stripping combining marks from Thai destroys words (``ร็อคกี้``→``รอคก``).
"""

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_YEAR_IN_PARENS = re.compile(r"\(\s*(?:1[89]|20)\d\d\s*\)")
_ROMAN = re.compile(r"^(?=[mdclxvi]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
# Leading articles that do not distinguish one title from another ("The Karate Kid").
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l", "el", "los", "las", "il", "lo"})
_THAI = re.compile(r"[\u0E00-\u0E7F]")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char
    name = unicodedata.name(char, "")
    if name.startswith("LATIN") or "FULLWIDTH LATIN" in name:
        return anyascii(char).lower()
    return char


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def fold(text: str) -> str:
    """Return ``text`` case-folded, Latin accents folded, punctuation turned into single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    chars = [_fold_char(c) if _is_word_char(c) else " " for c in text]
    return " ".join("".join(chars).split())


def has_thai(text: str) -> bool:
    return bool(_THAI.search(text))


def roman_to_int(token: str) -> int | None:
    """Return the value of a lower-case Roman numeral, or None if ``token`` is not one."""
    if not token or not _ROMAN.match(token):
        return None
    total = 0
    for current, following in zip(token, token[1:] + " ", strict=True):
        value = _ROMAN_VALUES[current]
        total += -value if following != " " and _ROMAN_VALUES[following] > value else value
    return total


def title_key(title: str) -> str:
    """Return a title's comparison key: "Rocky IV (1985)", "ROCKY 4", "Rocky Ⅳ" → "rocky 4"."""
    text = unicodedata.normalize("NFKC", title)
    text = _YEAR_IN_PARENS.sub(" ", text)
    tokens = fold(text).split()
    # "Karate Kid, The" and "The Karate Kid" are the same title.
    if len(tokens) > 1 and tokens[-1] in _ARTICLES and re.search(r",\s*\w+\s*$", text):
        tokens = tokens[:-1]
    if len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    # Roman numerals after the first word are sequel numbers ("Rocky IV"); a first word
    # is not converted, so "I, Robot" or "Mix" stay words.
    return " ".join(
        str(value) if index and (value := roman_to_int(token)) else token
        for index, token in enumerate(tokens)
    )


_SCRIPT_PREFIXES = {
    "LATIN": "Latn",
    "THAI": "Thai",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "CJK": "Hani",
    "DEVANAGARI": "Deva",
}


def script_of(text: str) -> str:
    """Return the ISO 15924 code of the script most letters of ``text`` are written in."""
    counts: dict[str, int] = {}
    for char in unicodedata.normalize("NFKC", text):
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for prefix, script in _SCRIPT_PREFIXES.items():
            if name.startswith(prefix):
                counts[script] = counts.get(script, 0) + 1
                break
        else:
            counts["Zyyy"] = counts.get("Zyyy", 0) + 1
    if not counts:
        return "Zyyy"
    if "Jpan" in counts and "Hani" in counts:
        counts["Jpan"] += counts.pop("Hani")
    return max(counts, key=counts.__getitem__)
