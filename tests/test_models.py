"""The models: what they print, the derived columns save() fills, constraints, QuerySets."""

import pytest
from django.db import IntegrityError, transaction

from films.models import (
    Film,
    FilmKind,
    FilmKnowledge,
    FilmTitle,
    KnowledgeKind,
    ReviewStatus,
    Synopsis,
)
from tests import factories

pytestmark = pytest.mark.django_db


# --- What they print ---------------------------------------------------------------------------


def test_str_names_each_row_as_an_editor_reads_it():
    rocky = factories.FilmFactory(
        title="Rocky", year=1976, franchise=factories.FranchiseFactory(name="Rocky")
    )
    assert str(rocky.franchise) == "Rocky"
    assert str(rocky) == "Rocky (1976)"
    assert str(factories.FilmTitleFactory(film=rocky, title="ร็อคกี้", language="th")) == "ร็อคกี้ [th]"
    name = factories.FilmKnowledgeFactory(
        film=rocky, text="Apollo Creed", kind=KnowledgeKind.CHARACTER
    )
    assert str(name) == "Apollo Creed (Character)"
    synopsis = factories.SynopsisFactory(
        film=rocky, language="da", source_file="a.txt", source_first_line=3, source_last_line=7
    )
    assert str(synopsis) == "Rocky (1976) [da] a.txt:3-7"
    pending = factories.ReviewEntryFactory(language="en", source_file="b.txt", source_first_line=1)
    assert str(pending) == "Unassigned [en] b.txt:1-1"


def test_synopsis_language_name_and_line_range():
    synopsis = factories.SynopsisFactory(language="da", source_first_line=4, source_last_line=9)
    assert synopsis.language_name == "Dansk"
    assert synopsis.source_lines == "4–9"


# --- Derived columns ---------------------------------------------------------------------------


def test_film_save_fills_the_title_key_and_keeps_it_current():
    film = factories.FilmFactory(title="Rocky IV")
    assert film.title_key == "rocky 4"
    film.title = "ROCKY Ⅴ"
    film.save(update_fields=["title"])  # title_key is written with it
    film.refresh_from_db()
    assert film.title_key == "rocky 5"


def test_film_title_derives_key_and_script_unless_the_script_is_given():
    thai = factories.FilmTitleFactory(title="ร็อคกี้ 4", language="th")
    assert (thai.title_key, thai.script) == ("ร็อคกี้ 4", "Thai")
    assert factories.FilmTitleFactory(title="Rocky IV: Duellen", language="da").script == "Latn"
    assert factories.FilmTitleFactory(title="Rocky", language="sr", script="Cyrl").script == "Cyrl"


def test_knowledge_key_is_the_folded_text():
    assert factories.FilmKnowledgeFactory(text="Ivan Drágo").key == "ivan drago"


@pytest.mark.parametrize(
    ("language", "text", "config", "search_text"),
    [
        # Danish keeps its own letters and drops punctuation.
        ("da", "Rocky mødes på stranden.", "danish", "rocky mødes på stranden"),
        # Spanish accents are folded away.
        ("es", "Decisión DIVIDIDA", "spanish", "decision dividida"),
        # Thai is segmented into words.
        ("th", "ร็อคกี้ยังคงเป็นนักสู้", "simple", "ร็อคกี้ ยังคง เป็น นัก สู้"),
        # A language without a configuration of its own.
        ("xx", "Hello", "simple", "hello"),
    ],
)
def test_synopsis_save_fills_the_search_columns(language, text, config, search_text):
    synopsis = factories.SynopsisFactory(language=language, text=text)
    assert synopsis.search_config == config
    assert synopsis.search_text == search_text


def test_synopsis_save_with_update_fields_rewrites_the_search_columns():
    synopsis = factories.SynopsisFactory(language="en", text="A boxer trains.")
    synopsis.text = "Decisión dividida"
    synopsis.language = "es"
    synopsis.save(update_fields=["text", "language"])
    stored = Synopsis.objects.get(pk=synopsis.pk)
    assert stored.search_text == "decision dividida"
    assert str(stored.search_config).endswith("spanish")


# --- Constraints -------------------------------------------------------------------------------


def raises_integrity_error(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_film_constraints():
    franchise = factories.FranchiseFactory()
    factories.FilmFactory(franchise=franchise, franchise_position=1)
    assert raises_integrity_error(
        lambda: factories.FilmFactory(franchise=franchise, franchise_position=1)
    )
    assert raises_integrity_error(lambda: factories.FilmFactory(year=1850))
    assert raises_integrity_error(lambda: factories.FilmFactory(year=2101))
    assert raises_integrity_error(
        lambda: factories.FilmFactory(franchise=None, franchise_position=2)
    )
    assert raises_integrity_error(
        lambda: factories.FilmFactory(franchise=franchise, franchise_position=0)
    )
    assert raises_integrity_error(lambda: factories.FilmFactory(kind="bootleg"))
    # Standalone films and films with no place in their franchise yet are fine.
    factories.FilmFactory(franchise=None, franchise_position=None)
    factories.FilmFactory(franchise=franchise, franchise_position=None, kind=FilmKind.UNOFFICIAL)
    assert Film.objects.count() == 3


def test_title_and_knowledge_constraints():
    film = factories.FilmFactory()
    factories.FilmTitleFactory(film=film, title="Rocky 4", language="de")
    assert raises_integrity_error(
        lambda: factories.FilmTitleFactory(film=film, title="Rocky 4", language="de")
    )
    assert raises_integrity_error(
        lambda: factories.FilmTitleFactory(film=film, title="", language="de")
    )
    factories.FilmTitleFactory(film=film, title="Rocky 4", language="da")  # another language: fine
    factories.FilmKnowledgeFactory(film=film, text="Ivan Drago", kind=KnowledgeKind.CHARACTER)
    # Same key (folded text) and kind: a duplicate even when spelled differently.
    assert raises_integrity_error(
        lambda: factories.FilmKnowledgeFactory(
            film=film, text="IVAN DRÁGO", kind=KnowledgeKind.CHARACTER
        )
    )
    assert raises_integrity_error(lambda: factories.FilmKnowledgeFactory(film=film, text="!!!"))
    factories.FilmKnowledgeFactory(film=film, text="Ivan Drago", kind=KnowledgeKind.ACTOR)
    assert FilmTitle.objects.count() == 2
    assert FilmKnowledge.objects.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"source_first_line": 0, "source_last_line": 0},
        {"source_first_line": 5, "source_last_line": 4},
        {"language_confidence": 1.5},
        {"language_confidence": -0.1},
        {"match_confidence": 1.01},
        {"film": None, "review_status": ReviewStatus.AUTO},
        {"review_status": "lost"},
        {"language": ""},
    ],
    ids=lambda fields: ",".join(f"{key}={value}" for key, value in fields.items()),
)
def test_synopsis_constraints(fields):
    assert raises_integrity_error(lambda: factories.SynopsisFactory(**fields))


def test_a_synopsis_text_is_stored_once():
    first = factories.SynopsisFactory()
    assert raises_integrity_error(
        lambda: factories.SynopsisFactory(source_checksum=first.source_checksum)
    )


# --- QuerySets ---------------------------------------------------------------------------------


def test_published_and_review_queue():
    published = factories.SynopsisFactory()
    pending = factories.ReviewEntryFactory()
    unsure_language = factories.SynopsisFactory(language_uncertain=True)
    confirmed_language = factories.SynopsisFactory(
        language_uncertain=True, review_status=ReviewStatus.REVIEWED
    )
    assert set(Synopsis.objects.published()) == {published, unsure_language, confirmed_language}
    assert set(Synopsis.objects.awaiting_review()) == {pending}
    assert set(Synopsis.objects.in_review_queue()) == {pending, unsure_language}


def test_with_language_counts_only_published_synopses():
    danish = factories.SynopsisFactory(language="da").film
    factories.SynopsisFactory(language="en")
    factories.ReviewEntryFactory(language="da")
    assert list(Film.objects.with_language("da")) == [danish]
    assert not Film.objects.with_language("th").exists()


def test_languages_by_film_counts_each_language_once_and_only_published_synopses():
    film = factories.FilmFactory()
    factories.SynopsisFactory(film=film, language="da")
    factories.SynopsisFactory(film=film, language="da")
    factories.SynopsisFactory(film=film, language="th")
    other = factories.SynopsisFactory(language="es").film
    factories.ReviewEntryFactory(language="fr")  # no film yet
    without = factories.FilmFactory()
    asked = [film.pk, other.pk, without.pk]
    assert Synopsis.objects.published().languages_by_film(asked) == {
        film.pk: {"da", "th"},
        other.pk: {"es"},
    }
    assert Synopsis.objects.published().languages_by_film([other.pk]) == {other.pk: {"es"}}


def test_in_franchise_and_in_story_order():
    rocky, creed = (
        factories.FranchiseFactory(name="Rocky"),
        factories.FranchiseFactory(name="Creed"),
    )
    second = factories.FilmFactory(title="B", franchise=rocky, franchise_position=2)
    first = factories.FilmFactory(title="C", franchise=rocky, franchise_position=1)
    unplaced = factories.FilmFactory(title="A", franchise=rocky, franchise_position=None)
    creed_film = factories.FilmFactory(title="Creed", franchise=creed, franchise_position=1)
    standalone = factories.FilmFactory(title="Alone", franchise=None)
    assert list(Film.objects.in_franchise(rocky)) == [first, second, unplaced]
    assert list(Film.objects.in_story_order()) == [creed_film, first, second, unplaced, standalone]


@pytest.mark.parametrize(
    ("position", "expected"),
    [(1, (None, 2)), (2, (1, 4)), (4, (2, None))],
)
def test_neighbours_of_skip_gaps_in_story_order(position, expected):
    franchise = factories.FranchiseFactory()
    films = {
        number: factories.FilmFactory(franchise=franchise, franchise_position=number)
        for number in (1, 2, 4)
    }
    factories.FilmFactory(
        franchise=factories.FranchiseFactory(), franchise_position=3
    )  # another franchise
    previous, next_ = Film.objects.neighbours_of(films[position])
    assert (previous and previous.franchise_position, next_ and next_.franchise_position) == (
        expected
    )


def test_a_film_outside_a_franchise_has_no_neighbours():
    assert Film.objects.neighbours_of(factories.FilmFactory(franchise=None)) == (None, None)
    franchise = factories.FranchiseFactory()
    factories.FilmFactory(franchise=franchise, franchise_position=1)
    unplaced = factories.FilmFactory(franchise=franchise, franchise_position=None)
    assert Film.objects.neighbours_of(unplaced) == (None, None)
