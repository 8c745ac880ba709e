"""Names across scripts and inflections: the words of a text as the matcher compares them.

A name written in Cyrillic, Greek, Devanagari or another alphabet ("Аполло Крид") is
transliterated to Latin letters (anyascii) and reduced to a phonetic skeleton ("apolo krid")
that its Latin spelling ("Apollo Creed") reduces to as well, so a transliteration nobody
listed is still recognised. Latin words compare by their folded spelling, with case endings
allowed ("Creediä", "Apollem", "Rockyho"), never by the looser skeleton: a common Latin word
must not turn into a name. docs/matching.md describes the rules.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from ..text import fold

# Greek writes b, d and g as digraphs; anyascii spells them letter by letter ("Μπαλμπόα").
_GREEK_DIGRAPHS = (("μπ", "b"), ("ντ", "d"), ("γκ", "g"), ("Μπ", "B"), ("Ντ", "D"), ("Γκ", "G"))
# Spellings that scripts transliterate differently but that sound alike, applied in order.
_SOUND_RULES = (
    ("sch", "s"),
    ("ph", "f"),
    ("th", "t"),
    ("kh", "k"),
    ("gh", "g"),
    ("ck", "k"),
    ("ch", "k"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
    ("z", "s"),
    ("ee", "i"),
    ("oo", "u"),
    ("ou", "u"),
)
_DOUBLED = re.compile(r"(.)\1+")
_VOWELS = frozenset("aeiouy")
# The longest case ending a name takes in running text: "Creed" → "Creedem", "Apollo" → "Apollovu".
MAX_ENDING = 3
# Shortest name word that may take an ending or a one-letter variation; shorter ones match exactly.
MIN_FLEXIBLE = 4
_SENTENCE_END = frozenset(".!?。！？…")
# Scripts written without spaces whose runs of one kind are words of their own (kana, han, hangul).
_EAST_ASIAN = ((0x30A0, 0x30FF, "kana"), (0x3040, 0x309F, "hira"), (0x3400, 0x9FFF, "han"))
# Scripts whose names are found inside longer runs: Chinese has no spaces, Korean attaches its
# particles ("록키는"), Arabic and Hebrew their prefixes ("وروكي", "והרוקי").
_FOUND_INSIDE_WORDS = re.compile(r"[\u0590-\u05FF\u0600-\u06FF\u3400-\u9FFF\uAC00-\uD7AF]")


def found_inside_words(name: str) -> bool:
    """True when ``name`` is written in a script whose names stand inside longer words."""
    return bool(_FOUND_INSIDE_WORDS.search(name))


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Return a word's phonetic key: "Creed" and "Крид" → "krid", "Rocky" and "Рокки" → "roki"."""
    for greek, latin in _GREEK_DIGRAPHS:
        word = word.replace(greek, latin)
    key = "".join(char for char in anyascii(word).lower() if "a" <= char <= "z")
    for spelling, sound in _SOUND_RULES:
        key = key.replace(spelling, sound)
    return _DOUBLED.sub(r"\1", key)


def _east_asian_kind(char: str) -> str:
    code = ord(char)
    for first, last, kind in _EAST_ASIAN:
        if first <= code <= last:
            return kind
    return ""


def _word_class() -> str:
    """A regex class of every letter, mark and digit of the Basic Multilingual Plane."""
    ranges, start, previous = [], None, None
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF or unicodedata.category(chr(code))[0] not in "LMN":
            continue
        if previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            ranges.append((start, previous))
        start = previous = code
    ranges.append((start, previous))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# Words with their marks (Thai vowels, Devanagari signs), joined across an apostrophe
# ("Bal'boa" transliterated, "Rocky's"); built once, matched by the regex engine.
_WORD_CHARS = _word_class()
_WORD = re.compile(f"[{_WORD_CHARS}]+(?:['’][{_WORD_CHARS}]+)*")
_EAST_ASIAN_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_BREAKS = frozenset(_SENTENCE_END | {"\n"})


@dataclass(frozen=True)
class Token:
    """One word of a text: as written, folded, and where it stands."""

    text: str
    folded: str  # case and Latin accents folded (films.text.fold)
    latin: bool  # Latin letters or digits: compared by spelling, not by sound
    capital: bool  # starts with a capital letter (always true in a script without case)
    sentence_start: bool  # the first word of a sentence: a capital says nothing there

    @property
    def sound(self) -> str:
        return skeleton(self.text)


@lru_cache(maxsize=65536)
def _word_facts(word: str) -> tuple[str, bool, bool]:
    first = word[0]
    folded = fold(word).replace(" ", "")
    return folded, folded.isascii(), first.isupper() or first.lower() == first.upper()


@lru_cache(maxsize=131072)
def _token(word: str, sentence_start: bool) -> Token:
    folded, latin, capital = _word_facts(word)
    return Token(word, folded, latin, capital, sentence_start)


def _east_asian_runs(word: str) -> list[str]:
    """Split a run at every change between katakana, hiragana and han (and other letters)."""
    runs: list[str] = []
    kind = None
    for char in word:
        char_kind = _east_asian_kind(char)
        if runs and char_kind == kind:
            runs[-1] += char
        else:
            runs.append(char)
        kind = char_kind
    return runs


def words_with_starts(text: str) -> Iterator[tuple[str, bool]]:
    """The words of ``text`` as :func:`tokenise` cuts them, and whether each starts a sentence."""
    text = unicodedata.normalize("NFKC", text)
    sentence_start = True
    end = 0
    for match in _WORD.finditer(text):
        if not sentence_start and not _BREAKS.isdisjoint(text[end : match.start()]):
            sentence_start = True
        end = match.end()
        word = match.group().replace("'", "").replace("’", "")
        parts = _east_asian_runs(word) if _EAST_ASIAN_CHAR.search(word) else (word,)
        for part in parts:
            yield part, sentence_start
            sentence_start = False


def tokenise(text: str) -> list[Token]:
    """Split ``text`` into words, noting capitals and sentence starts; kana and han apart."""
    return [_token(word, sentence_start) for word, sentence_start in words_with_starts(text)]


def folded_word(word: str) -> str:
    """A word as :class:`Token` holds it folded."""
    return _word_facts(word)[0]


def takes_ending(word: str, name: str, endings: frozenset[str] | None = None) -> bool:
    """True when ``word`` is ``name`` or ``name`` with a case ending ("creedia", "apollem").

    ``endings`` are the language's (films/languages/table.py); None allows any ending of up
    to MAX_ENDING letters, which is how transliterated words, already names, compare.
    """
    if word == name:
        return True
    if len(name) < MIN_FLEXIBLE:
        return False

    def allowed(ending: str) -> bool:
        return len(ending) <= MAX_ENDING if endings is None else ending in endings

    if word.startswith(name):
        return allowed(word[len(name) :])
    # An ending that replaces a final vowel: "Apollo" → "Apollem", "Apolla".
    return (
        name[-1] in _VOWELS
        and len(name) > MIN_FLEXIBLE
        and word.startswith(name[:-1])
        and allowed(word[len(name) - 1 :])
    )


def _one_substitution_apart(word: str, name: str) -> bool:
    return len(word) == len(name) and sum(a != b for a, b in zip(word, name, strict=True)) == 1


def spells_name_word(
    token: Token, name_word: str, name_sound: str, *, first: bool, endings: frozenset[str]
) -> bool:
    """True when ``token`` writes one word of a name, in any script and with its case ending.

    Latin tokens compare by spelling. Others compare by sound, and may differ by one letter
    from a name word of five letters or more ("Крита" for "Creed" after a first name that
    matched), since transliterations vary where spellings do not.
    """
    if token.latin:
        return takes_ending(token.folded, name_word, endings)
    sound = token.sound
    if takes_ending(sound, name_sound):
        return True
    # A final consonant that the case replaces: Greek "Άδωνι" for "Adonis", "Άδωνιν".
    if (
        len(name_sound) > MIN_FLEXIBLE
        and name_sound[-1] not in _VOWELS
        and sound.startswith(name_sound[:-1])
        and len(sound) - len(name_sound) + 1 <= MAX_ENDING
    ):
        return True
    if len(name_sound) < MIN_FLEXIBLE + (1 if first else 0):
        return False
    stem = sound[: len(name_sound)]
    return _one_substitution_apart(stem, name_sound) and len(sound) - len(stem) <= MAX_ENDING


def lookup_keys(token: Token) -> tuple[str, ...]:
    """Keys under which names that may start with ``token`` are filed (see :func:`name_keys`)."""
    if token.latin:
        return (token.folded[:MIN_FLEXIBLE],)
    return ("~" + token.sound[:2],)


def name_keys(name_word: str) -> tuple[str, ...]:
    """Keys to file a name under, by its first word: its spelling and its sound.

    A Latin word with an ending keeps the name's first MIN_FLEXIBLE letters (a shorter name
    matches only whole), so those letters are its key.
    """
    return (name_word[:MIN_FLEXIBLE], "~" + skeleton(name_word)[:2])
