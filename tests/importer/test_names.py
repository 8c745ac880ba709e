"""Names across scripts and inflections (films/importer/names.py)."""

import pytest

from films.importer.names import skeleton, spells_name_word, takes_ending, tokenise
from films.languages import name_endings_of


@pytest.mark.parametrize(
    ("written", "latin"),
    [
        ("Крид", "Creed"),
        ("Рокки", "Rocky"),
        ("Бальбоа", "Balboa"),
        ("Аполло", "Apollo"),
        ("Μπαλμπόα", "Balboa"),
        ("Ντράγκο", "Drago"),
        ("रॉकी", "Rocky"),
        ("Драго", "Drago"),
    ],
)
def test_a_transliteration_sounds_like_the_latin_name(written, latin):
    assert skeleton(written) == skeleton(latin)


@pytest.mark.parametrize(
    ("written", "other"),
    [("Creed", "Crete"), ("Rocky", "Ricky"), ("Adrian", "Adriana"), ("Drago", "Dragon")],
)
def test_different_names_keep_different_keys(written, other):
    assert skeleton(written) != skeleton(other)


@pytest.mark.parametrize(
    ("word", "name", "language", "expected"),
    [
        ("creedia", "creed", "fi", True),  # Finnish partitive "Creediä", accents folded
        ("adrianin", "adrian", "fi", True),
        ("paulielle", "paulie", "fi", True),
        ("apollem", "apollo", "pl", True),  # the ending replaces the final vowel
        ("rockyego", "rocky", "pl", True),  # "Rocky'ego"
        ("rockyho", "rocky", "cs", True),
        ("creedin", "creed", "tr", True),
        ("balboas", "balboa", "da", True),
        ("miyagifan", "miyagi", None, False),  # a longer word is not the name
        ("adrianatic", "adrian", None, False),
        ("californiaa", "california", None, False),
        ("creedia", "creed", "en", False),  # English takes no such ending
        ("lange", "lang", "de", True),
        ("langsam", "lang", "de", False),
        ("gun", "gunn", "en", False),
    ],
)
def test_a_name_takes_only_its_languages_case_endings(word, name, language, expected):
    assert takes_ending(word, name, name_endings_of(language)) is expected


def test_a_transliterated_name_may_vary_by_one_letter_after_a_first_name():
    (first, last) = tokenise("Апполо Крита")
    assert spells_name_word(
        first, "apollo", skeleton("apollo"), first=True, endings=name_endings_of("ru")
    )
    assert spells_name_word(last, "creed", skeleton("creed"), first=False, endings=frozenset())
    # The first word of a name must be closer: "Крит" (Crete) alone is not "Creed".
    (crete,) = tokenise("Крит")
    assert not spells_name_word(crete, "creed", skeleton("creed"), first=True, endings=frozenset())


def test_tokens_know_their_capitals_and_sentence_starts():
    tokens = tokenise("Rocky meets Adrian. Then Paulie’s sister… ロッキー・バルボア")
    assert [(t.text, t.capital, t.sentence_start) for t in tokens] == [
        ("Rocky", True, True),
        ("meets", False, False),
        ("Adrian", True, False),
        ("Then", True, True),
        ("Paulies", True, False),
        ("sister", False, False),
        ("ロッキー", True, True),
        ("バルボア", True, False),
    ]


def test_kana_hiragana_and_han_runs_are_words_of_their_own():
    # Japanese has no spaces: a katakana name stands apart from the particles around it.
    assert [t.text for t in tokenise("アポロは強い")] == ["アポロ", "は", "強", "い"]
