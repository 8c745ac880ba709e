import re

import pytest
from django.conf.locale import LANG_INFO
from django.contrib.staticfiles import finders
from django.db import connection

from films.importer.language import LATIN_SCRIPT_LANGUAGES, available_languages
from films.languages import (
    CLOSE_DETECTOR_GROUPS,
    DEFAULT_DETECTORS,
    FALLBACK_CONFIG,
    LANGUAGES,
    LEADING_ARTICLES,
    NAME_ENDINGS,
    WEB_FONTS,
    english_name,
    has_unspaced_script,
    is_stopword_run,
    keeps_accents,
    language_for,
    native_name,
    preferred_order,
    search_config_for,
    segment_words,
    stemmer_for,
    to_bcp47,
)
from films.text import fold


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.tag)
def test_every_entry_is_consistent(language):
    assert to_bcp47(language.tag) == language.tag
    assert language.english_name and language.own_name
    assert language.own_name[:1] == language.own_name[:1].upper()
    assert re.fullmatch(r"[a-z_]+", language.search_config)
    if language.detector is not None:
        assert language.detector in available_languages()
        assert to_bcp47(language.detector) == language.tag
    if language.close_group:
        assert language.detector, "a close group is a detector's"
    assert all(article == fold(article) for article in language.articles)
    assert all(ending == fold(ending) for ending in language.name_endings)
    if language.segmenter is not None:
        assert language.segmenter.run.pattern.startswith("[")
    if language.web_font:
        assert finders.find(language.web_font), language.web_font


def test_stemmers_are_snowball_algorithms_and_postgres_ones_where_it_has_them():
    import Stemmer

    algorithms = set(Stemmer.algorithms())
    for language in LANGUAGES:
        assert language.stemmer in algorithms | {""}, language.tag
        # Where PostgreSQL stems, SQLite stems alike: both engines find the same words.
        if language.search_config != FALLBACK_CONFIG:
            assert language.stemmer == language.search_config, language.tag
    assert stemmer_for("da-DK") == "danish"
    assert stemmer_for("th") == stemmer_for("xx") == ""


def test_tags_are_unique():
    tags = [language.tag.lower() for language in LANGUAGES]
    assert len(tags) == len(set(tags))


def test_languages_sharing_a_config_agree_on_accents():
    # A query is folded per config (films/search/queries.py): one config, one accent rule.
    by_config: dict[str, set[bool]] = {}
    for language in LANGUAGES:
        if language.search_config != FALLBACK_CONFIG:
            by_config.setdefault(language.search_config, set()).add(language.keeps_accents)
    assert all(len(rules) == 1 for rules in by_config.values()), by_config


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_search_config_exists_on_postgres():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        configs = {name for (name,) in cursor.fetchall()}
    assert {language.search_config for language in LANGUAGES} <= configs


def test_the_tables_derived_values_are_what_the_code_had():
    assert {
        "the", "a", "an", "le", "la", "les", "l", "el", "los", "las", "il", "lo"
    } == LEADING_ARTICLES  # fmt: skip
    assert {"s", "es", "e", "en", "ens", "er", "ers", "n"} == NAME_ENDINGS
    assert (frozenset({"da", "no", "sv"}),) == CLOSE_DETECTOR_GROUPS
    assert WEB_FONTS == ("fonts/NotoSansThai-Regular.ttf",)
    latin = "ca,cs,da,de,en,es,et,fi,fr,hr,hu,it,lt,lv,nl,no,pl,pt,ro,sk,sl,sv,tr"
    other = "ar,bg,bn,el,fa,gu,he,hi,ja,kn,ko,mk,ml,mr,ne,pa,ru,ta,te,uk,ur,zh-cn,zh-tw"
    assert set(f"{latin},{other}".split(",")) <= set(DEFAULT_DETECTORS)
    assert set(latin.split(",")) <= LATIN_SCRIPT_LANGUAGES


@pytest.mark.parametrize(
    ("language", "config"),
    [
        ("da", "danish"),
        ("da-DK", "danish"),
        ("en", "english"),
        ("es", "spanish"),
        ("de", "german"),
        ("fr", "french"),
        ("it", "italian"),
        ("sv", "swedish"),
        ("no", "norwegian"),
        ("nb", "norwegian"),
        ("pt-BR", "portuguese"),
        ("nl", "dutch"),
        ("fi", "finnish"),
        ("ru", "russian"),
        ("vi", "simple"),
        ("th", "simple"),
        ("und", "simple"),
        ("xx", "simple"),
    ],
)
def test_search_config_for(language, config):
    assert search_config_for(language) == config


@pytest.mark.parametrize(
    ("tag", "keeps"),
    [
        ("da", True),
        ("sv-SE", True),
        ("nb", True),
        ("de", True),
        ("is", True),
        ("pl", True),
        ("vi", True),
        ("es", False),
        ("en", False),
        ("fr", False),
        ("th", False),
        ("xx", False),
    ],
)
def test_keeps_accents(tag, keeps):
    assert keeps_accents(tag) is keeps


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("zh-cn", "zh-Hans"),
        ("zh-tw", "zh-Hant"),
        ("ZH-CN", "zh-Hans"),
        ("da", "da"),
        ("pt_br", "pt-BR"),
        ("sr-latn", "sr-Latn"),
        (" DA-dk ", "da-DK"),
        ("de-1996", "de-1996"),
    ],
)
def test_to_bcp47(code, tag):
    assert to_bcp47(code) == tag


@pytest.mark.parametrize(
    ("tag", "native", "english"),
    [
        ("da", "Dansk", "Danish"),
        ("da-DK", "Dansk", "Danish"),
        ("th", "ไทย", "Thai"),
        ("th-TH", "ไทย", "Thai"),
        ("en-GB", "British English", "British English"),
        ("zh-Hans", "简体中文", "Simplified Chinese"),
        ("und", "Undetermined", "Undetermined"),
        ("fo", "Føroyskt", "Faroese"),
        ("vi", "Tiếng Việt", "Vietnamese"),
        ("xx", "xx", "xx"),
    ],
)
def test_names(tag, native, english):
    assert native_name(tag) == native
    assert english_name(tag) == english


def test_names_come_from_django_where_it_has_them():
    for language in LANGUAGES:
        info = LANG_INFO.get(language.tag.lower())
        if info and language.tag != "th":
            assert language.english_name == info["name"]


@pytest.mark.parametrize(
    ("header", "tags", "expected"),
    [
        ("da, en;q=0.8", ["en", "th", "da"], ["da", "en", "th"]),
        ("th", ["en", "da", "th"], ["th", "en", "da"]),
        ("da", ["en", "da-DK"], ["da-DK", "en"]),
        ("da-DK, en;q=0.5", ["en", "da"], ["da", "en"]),
        ("en;q=0.2, da;q=0.9", ["en", "da"], ["da", "en"]),
        ("", ["en", "da"], ["en", "da"]),
        ("*", ["en", "da"], ["en", "da"]),
        ("x" * 5000, ["en", "da"], ["en", "da"]),
        ("de;q=0", ["de", "en"], ["de", "en"]),
    ],
)
def test_preferred_order(header, tags, expected):
    assert preferred_order(header, tags) == expected


@pytest.mark.parametrize(
    ("tag", "found"),
    [("da", "da"), ("da-DK", "da"), ("zh-Hant", "zh-Hant"), ("ZH-HANS", "zh-Hans"), ("xx", None)],
)
def test_language_for(tag, found):
    entry = language_for(tag)
    assert (entry.tag if entry else None) == found


def test_segment_thai_splits_thai_runs_and_keeps_names_whole():
    segmented = segment_words("ร็อคกี้ยังคงเป็นนักสู้ and Rocky")
    assert segmented.split()[0] == "ร็อคกี้"
    assert "นัก" in segmented.split()
    assert segmented.endswith("and Rocky")
    assert segment_words("Rocky  Balboa") == "Rocky  Balboa"  # untouched without Thai


def test_the_thai_dictionary_cuts_what_pythainlps_trie_cuts():
    """films/languages/thai.py grows its trie as texts reach it: the same prefixes, words."""
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import dict_trie

    from benchmark.corpus import CatalogueSpec, iter_synopses
    from films.languages import thai

    words = set(thai_words()) | set(thai.NAMES)
    trie, dictionary = dict_trie(words), thai.Dictionary(words)
    generated = iter_synopses(CatalogueSpec(synopses=4000, seed=5), stream="import", count=1200)
    texts = [item.text for item in generated if item.language == "th"]
    texts += ["ร็อคกี้ยังคงเป็นนักสู้", "ฟิลาเดลเฟียบัลโบอา", "ก", "กข", ""]
    runs = [match.group() for text in texts for match in thai.RUN.finditer(text)]
    assert len(runs) > 300
    for run in runs:
        assert [dictionary.prefixes(run, at) for at in range(len(run) + 1)] == [
            trie.prefixes(run, at) for at in range(len(run) + 1)
        ]
        expected = word_tokenize(run, custom_dict=trie, engine="newmm")
        assert word_tokenize(run, custom_dict=dictionary, engine="newmm") == expected
    assert len(dictionary) == len(trie)
    assert all(word in dictionary for word in thai.NAMES)
    assert "ร็อค กี้" not in dictionary


@pytest.mark.parametrize(
    ("words", "expected"),
    [("ของ", True), ("ของ ว่า", True), ("นัก สู้", False), ("the", False), ("", False)],
)
def test_is_stopword_run(words, expected):
    assert is_stopword_run(words) is expected


@pytest.mark.parametrize(("text", "expected"), [("ร็อคกี้", True), ("Rocky", False), ("", False)])
def test_has_unspaced_script(text, expected):
    assert has_unspaced_script(text) is expected
