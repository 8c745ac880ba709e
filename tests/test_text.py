import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from films import text as text_module
from films.text import fold, fold_with_offsets, roman_to_int, script_of, title_key


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Rocky IV", "rocky 4"),
        ("Rocky 4", "rocky 4"),
        ("rocky iv", "rocky 4"),
        ("ROCKY IV", "rocky 4"),
        ("Rocky Ⅳ", "rocky 4"),
        ("Ｒｏｃｋｙ ４", "rocky 4"),
        ("Rocky IV (1985)", "rocky 4"),
        ("Creed II", "creed 2"),
        ("The Karate Kid", "karate kid"),
        ("Karate Kid, The", "karate kid"),
        ("Kærlighed på Østerbro", "kaerlighed pa osterbro"),
        ("ร็อคกี้ บัลโบอา", "ร็อคกี้ บัลโบอา"),
        ("Mix", "mix"),  # a first word is never read as a numeral
        ("Les Misérables", "miserables"),
    ],
)
def test_title_key(title, key):
    assert title_key(title) == key


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("i", 1),
        ("iv", 4),
        ("ix", 9),
        ("xiv", 14),
        ("mcmlxxvi", 1976),
        ("iiii", None),
        ("rocky", None),
    ],
)
def test_roman_to_int(token, value):
    assert roman_to_int(token) == value


def test_fold_keeps_thai_marks_and_folds_latin():
    assert fold("Decisión, «Ørsted»! ร็อคกี้") == "decision orsted ร็อคกี้"


@pytest.mark.parametrize(
    ("text", "script"),
    [("Rocky Balboa", "Latn"), ("ร็อคกี้ บัลโบอา", "Thai"), ("Рокки", "Cyrl"), ("ロッキー", "Jpan")],
)
def test_script_of(text, script):
    assert script_of(text) == script


@pytest.mark.parametrize(
    ("text", "keep_accents", "expected"),
    [
        ("Decisión DIVIDIDA!", False, "decision dividida"),
        ("De mødes igen", True, "de mødes igen"),
        ("De mødes igen", False, "de modes igen"),
        ("ร็อคกี้, บัลโบ", False, "ร็อคกี้ บัลโบ"),  # Thai marks survive
        ("a\x00b", False, "ab"),
        ("Rocky™ Ⅳ", False, "rockytm iv"),  # compatibility forms
        ("Straße", True, "strasse"),  # case folding
    ],
)
def test_fold(text, keep_accents, expected):
    assert fold(text, keep_accents=keep_accents) == expected


@pytest.mark.parametrize(
    ("text", "keep_accents", "folded", "offsets"),
    [
        ("Décision!", False, "decision ", list(range(9))),
        ("Mødes", True, "mødes", list(range(5))),
        ("Æble", False, "aeble", [0, 0, 1, 2, 3]),
        ("ß", True, "ss", [0, 0]),
    ],
)
def test_fold_with_offsets_maps_back_to_the_original(text, keep_accents, folded, offsets):
    assert fold_with_offsets(text, keep_accents=keep_accents) == (folded, offsets)


def _fold_by_character(text: str, keep_accents: bool) -> tuple[str, str, list[int]]:
    """fold and fold_with_offsets as defined: each character folded on its own."""
    one = text_module._fold_char
    normalised = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    folded = " ".join("".join(one(char, keep_accents) for char in normalised).split())
    pieces = [one(char, keep_accents) for char in text]
    offsets = [index for index, piece in enumerate(pieces) for _ in piece]
    return folded, "".join(pieces), offsets


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.text(max_size=40), keep_accents=st.booleans())
@example(text="Straße Æble ﬁn İstanbul ร็อคกี้ e\u0301 Ⅳ\x00", keep_accents=False)
@example(text="Straße Æble ﬁn İstanbul ร็อคกี้ e\u0301 Ⅳ\x00", keep_accents=True)
def test_the_translation_tables_fold_as_each_character_folds(text, keep_accents):
    folded, by_character, offsets = _fold_by_character(text, keep_accents)
    assert fold(text, keep_accents=keep_accents) == folded
    assert fold_with_offsets(text, keep_accents=keep_accents) == (by_character, offsets)


def test_a_full_translation_table_starts_again(monkeypatch):
    monkeypatch.setattr(text_module, "_FOLD_TABLES", {False: {}, True: {}})
    monkeypatch.setattr(text_module, "_IRREGULAR", {False: set(), True: set()})
    monkeypatch.setattr(text_module, "_FOLD_TABLE_SIZE", 11)
    assert fold("xyz") == "xyz"
    assert fold("Ærø Straße") == "aero strasse"  # 3 + 9 characters: over the bound
    table = text_module._FOLD_TABLES[False]
    assert set(map(chr, table)) == set("Ærø Straße")  # x, y and z are gone
    assert fold_with_offsets("ßa") == ("ssa", [0, 0, 1])  # ß is still irregular


def test_fold_with_offsets_agrees_with_fold():
    text = "Rocky Balboa, «Ørsted» — decisión dividida; ร็อคกี้ยังคง"
    for keep_accents in (False, True):
        folded, _ = fold_with_offsets(text, keep_accents=keep_accents)
        assert " ".join(folded.split()) == fold(text, keep_accents=keep_accents)
