"""FilmFilter on its own: parameters → films in order, or → form errors."""

import django_filters
import pytest
from django.utils import translation

from films import caching
from films.filters import FilmFilter
from films.models import Film
from tests.factories import FilmFactory, FranchiseFactory

ROCKY_IN_STORY_ORDER = ["rocky", "rocky-ii", "rocky-iii", "rocky-iv", "rocky-v", "rocky-balboa"]
EVERY_FILM_BY_TITLE = ["the-karate-kid", "one-more-round", *ROCKY_IN_STORY_ORDER]


def filtered(params: dict) -> FilmFilter:
    return FilmFilter(params, queryset=Film.objects.public())


def slugs(params: dict) -> list[str]:
    films = filtered(params)
    assert films.is_valid(), films.errors
    return [film.slug for film in films.qs]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # No ordering and no search: by title key ("The Karate Kid" sorts as "Karate Kid").
        ({"kind": "released", "year_max": "1982"}, ["rocky", "rocky-ii", "rocky-iii"]),
        (
            {"kind": "released", "year_min": "1984", "year_max": "1985"},
            ["the-karate-kid", "rocky-iv"],
        ),
        ({"franchise": "rocky", "year_min": "1985", "year_max": "1990"}, ["rocky-iv", "rocky-v"]),
        (
            {"franchise": "rocky", "ordering": "franchise"},
            [*ROCKY_IN_STORY_ORDER, "one-more-round"],
        ),
        ({"language": "da", "ordering": "-year"}, ["rocky-iv", "rocky"]),
        ({"language": "en", "ordering": "year"}, ["the-karate-kid", "one-more-round"]),
        ({"language": "th", "kind": "unofficial"}, []),
        ({"year_min": "2006", "year_max": "2006"}, ["rocky-balboa"]),
        ({"kind": "unofficial", "ordering": "title"}, ["one-more-round"]),
        # Empty values are no filter at all.
        ({"language": "", "kind": "", "q": "", "ordering": ""}, EVERY_FILM_BY_TITLE),
        # A search ranks (titles first) within the other filters.
        ({"q": "Rocky IV"}, ["rocky-iv"]),
        ({"q": "karate", "language": "en"}, ["the-karate-kid"]),
        ({"q": "tilskuerne", "language": "da"}, ["rocky-iv"]),
        ({"q": "Apollo", "language": "th"}, []),
        # A chosen ordering beats the rank.
        (
            {"q": "Rocky", "franchise": "rocky", "year_max": "1982", "ordering": "year"},
            ["rocky", "rocky-ii", "rocky-iii"],
        ),
        ({"q": "zzzz-nothing"}, []),
        # The search box drops NUL bytes rather than refusing them.
        ({"q": "Rocky\x00 IV"}, ["rocky-iv"]),
    ],
)
def test_film_filter(catalogue, params, expected):
    assert slugs(params) == expected


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"language": "xx"}, {"language"}),  # no published synopsis in it
        ({"language": "th\x00"}, {"language"}),
        ({"franchise": "no-such-franchise"}, {"franchise"}),
        ({"year_min": "1869"}, {"year"}),
        ({"year_max": "2101"}, {"year"}),
        ({"year_min": "abc", "kind": "bootleg"}, {"year", "kind"}),
        ({"ordering": "-title"}, {"ordering"}),
        ({"ordering": "DROP TABLE"}, {"ordering"}),
    ],
)
def test_film_filter_errors(catalogue, params, fields):
    films = filtered(params)
    assert not films.is_valid()
    assert set(films.errors) == fields


def test_the_query_is_cleaned_and_capped(catalogue):
    films = filtered({"q": "  Rocky\x00   IV  " + "x" * 1000})
    assert films.is_valid()
    assert films.active_query.startswith("Rocky IV x")
    assert len(films.active_query) <= 200
    assert filtered({"year_min": "abc", "q": "Rocky"}).active_query == ""


def test_language_choices_count_films_with_published_synopses(catalogue):
    counts = {code: films for code, name, films in filtered({}).language_counts}
    # The pending synopsis (en) counts for no film.
    assert counts == {"da": 2, "en": 2, "es": 1, "th": 1}
    choices = dict(filtered({}).filters["language"].extra["choices"])
    # Named in the interface language (English here), with the language's own name.
    assert choices["da"] == "Danish — Dansk · 2"


def test_franchise_menu_keeps_a_franchise_chosen_outside_it(db, monkeypatch):
    monkeypatch.setattr(caching, "FRANCHISE_MENU_SIZE", 1)
    big, small = FranchiseFactory(name="Big", slug="big"), FranchiseFactory(name="Small")
    FilmFactory.create_batch(2, franchise=big)
    FilmFactory(franchise=small)
    menu = str(filtered({}).form["franchise"])
    assert 'value="big"' in menu
    assert small.slug not in menu
    chosen = str(filtered({"franchise": small.slug}).form["franchise"])
    assert f'<option value="{small.slug}" selected>Small</option>' in chosen


def test_form_classes_are_reused_per_interface_language_and_menu_and_forms_stay_apart(
    catalogue, monkeypatch
):
    monkeypatch.setattr(FilmFilter, "_form_classes", {})
    first, second = filtered({"year_min": "1980"}), filtered({"year_min": "abc"})
    assert type(first.form) is type(second.form)
    # Each form has its own fields and data: one's errors are not the other's.
    assert first.is_valid() and not second.is_valid()
    assert first.form.fields is not second.form.fields
    with translation.override("da"):
        danish = filtered({})
        assert type(danish.form) is not type(first.form)
        assert str(danish.form.fields["language"].empty_label) == "Alle sprog"
    # A new language in the catalogue is a new menu, so a new class; at most 16 are kept.
    full = {(FilmFilter, str(n), ()): object for n in range(16)}
    monkeypatch.setattr(FilmFilter, "_form_classes", full)
    assert filtered({}).is_valid()
    assert len(FilmFilter._form_classes) == 1
    # A FilterSet built on this one has fields of its own, so a form class of its own.

    class Wider(FilmFilter):
        title = django_filters.CharFilter(lookup_expr="icontains")

    assert "title" in Wider({}, queryset=Film.objects.public()).form.fields
    assert "title" not in filtered({}).form.fields


def test_each_filterset_and_form_copies_what_a_request_may_change(catalogue, monkeypatch):
    # The filters and choice fields are copied per request without deep copies
    # (films/filters.py CopiedPerRequest): what one request sets or changes stays its own.
    monkeypatch.setattr(FilmFilter, "_form_classes", {})
    danish, english = filtered({"language": "da"}), filtered({"language": "en", "q": "karate"})
    assert type(danish.form) is type(english.form)
    # The language choices FilmFilter.__init__ sets are the FilterSet's, not the class's.
    assert "choices" not in FilmFilter.base_filters["language"].extra
    danish.filters["language"].extra["choices"].append(("xx", "Invented"))
    assert ("xx", "Invented") not in english.filters["language"].extra["choices"]
    # Each method filter calls its own FilterSet, with its own data.
    assert [film.slug for film in danish.qs] == ["rocky", "rocky-iv"]
    assert [film.slug for film in english.qs] == ["the-karate-kid"]
    # Forms of one class: choices replaced on one form are not the other's.
    danish.form.fields["ordering"].choices = [("year", "Year")]
    assert [value for value, _ in english.form.fields["ordering"].choices] == [
        "",
        "title",
        "year",
        "-year",
        "franchise",
    ]
    assert 'value="-year"' in str(english.form["ordering"])
    assert 'value="-year"' not in str(danish.form["ordering"])
    assert english.form.fields["ordering"].widget is not danish.form.fields["ordering"].widget
