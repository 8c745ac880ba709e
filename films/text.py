"""Text normalisation shared by titles, matching and search: case, accents, numerals, scripts.

Latin letters are folded to ASCII (``ø``→``o``, ``é``→``e``) but other scripts are left
alone: stripping combining marks from Thai destroys words (``ร็อคกี้``→``รอคก``).
"""

import re
import unicodedata

from anyascii import anyascii

from .languages import LEADING_ARTICLES

# Control characters other than tab and line feed: none belongs in a synopsis, and U+0002/U+0003
# are the search's own match markers (films/search/analysis.py).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_YEAR_IN_PARENS = re.compile(r"\(\s*(?:1[89]|20)\d\d\s*\)")
_ROMAN = re.compile(r"^(?=[mdclxvi]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def strip_controls(text: str) -> str:
    """Drop control characters but tab and line feed (form feeds and CRs become line feeds)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    return _CONTROLS.sub("", text)


def _fold_char(char: str, keep_accents: bool) -> str:
    """Return one character as :func:`fold` turns it (one or more characters).

    Its compatibility form, case-folded; anything but a letter, mark or number a space;
    Latin letters to ASCII unless accents are kept. Called once per character met: the
    translation tables below are the cache of every folding.
    """
    pieces = []
    for piece in unicodedata.normalize("NFKC", char).casefold():
        if unicodedata.category(piece)[0] not in "LNM":
            pieces.append(" ")
        elif keep_accents or piece.isascii():
            pieces.append(piece)
        else:
            name = unicodedata.name(piece, "")
            latin = name.startswith("LATIN") or "FULLWIDTH LATIN" in name
            pieces.append(anyascii(piece).lower() if latin else piece)
    return "".join(pieces)


# Every character met so far, as _fold_char folds it, one table per accent rule: str.translate
# folds a text in one call (a Python call per character was most of a snippet's time and of
# the search columns'). "Irregular" characters fold to more or fewer than one character.
_FOLD_TABLES: dict[bool, dict[int, str]] = {False: {}, True: {}}
_IRREGULAR: dict[bool, set[str]] = {False: set(), True: set()}
# A bound on each table: a hostile text of every code point cannot grow it without limit.
_FOLD_TABLE_SIZE = 65536


def _fold_table(text: str, keep_accents: bool) -> dict[int, str]:
    """The translation table of ``keep_accents``, holding every character of ``text``."""
    table = _FOLD_TABLES[keep_accents]
    new = [char for char in set(text) if ord(char) not in table]
    if new:
        if len(table) + len(new) > _FOLD_TABLE_SIZE:
            table.clear()
            _IRREGULAR[keep_accents].clear()
            new = list(set(text))
        for char in new:
            folded = _fold_char(char, keep_accents)
            if len(folded) != 1:
                _IRREGULAR[keep_accents].add(char)
            table[ord(char)] = folded
    return table


def fold(text: str, *, keep_accents: bool = False) -> str:
    """Return ``text`` case-folded, punctuation as single spaces, Latin accents folded unless kept.

    The one normaliser of title keys, matching knowledge, search columns and queries.
    """
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    return " ".join(text.translate(_fold_table(text, keep_accents)).split())


def fold_with_offsets(text: str, *, keep_accents: bool = False) -> tuple[str, list[int]]:
    """Return ``text`` folded character by character, and each folded character's source index.

    Spaces are not collapsed, so a match in the folded text maps back to the original (the
    search's snippets mark the original words).
    """
    table = _fold_table(text, keep_accents)
    folded = text.translate(table)
    present = _IRREGULAR[keep_accents].intersection(text)
    if not present:
        return folded, list(range(len(text)))
    # A few characters (Thai's SARA AM, "ß") fold to two: each repeats its source index.
    # Found with str.find, not by a Python loop over every character: a Thai synopsis has a
    # handful of them in a thousand characters, and the loop was 40 of a Thai snippet's 100 µs.
    offsets: list[int] = []
    start = 0
    for index in sorted(_positions(text, present)):
        offsets.extend(range(start, index))
        offsets.extend([index] * len(table[ord(text[index])]))
        start = index + 1
    offsets.extend(range(start, len(text)))
    return folded, offsets


def _positions(text: str, chars: set[str]) -> list[int]:
    """Every index of ``text`` holding one of ``chars``."""
    found = []
    for char in chars:
        index = text.find(char)
        while index != -1:
            found.append(index)
            index = text.find(char, index + 1)
    return found


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
    if len(tokens) > 1 and tokens[-1] in LEADING_ARTICLES and re.search(r",\s*\w+\s*$", text):
        tokens = tokens[:-1]
    if len(tokens) > 1 and tokens[0] in LEADING_ARTICLES:
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
