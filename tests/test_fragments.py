"""Cached film cards (films/fragments.py) and the filter form's selects built in Python."""

import re

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from films.filters import PlainSelect
from films.fragments import CARD_PREFIX, FilmCard, attach_cards, film_list_items
from films.models import Film

BYPASS = {"X-Page-Cache-Bypass": "1"}


@pytest.fixture
def bypassing(settings):
    """Pages render afresh on every request (the page cache bypassed), as the benchmark's do,
    each by the generation of that moment."""
    settings.PAGE_CACHE_BYPASS = True
    settings.PAGE_GENERATION_SECONDS = 0


def cards(response) -> list[str]:
    return re.findall(
        r'<li class="film-card">(.*?)</li>\s*(?=<li class="film-card">|</ol>)',
        response.content.decode(),
        re.S,
    )


@pytest.mark.django_db
def test_a_card_is_rendered_once_and_reused_by_every_page_listing_the_film(
    client, catalogue, bypassing
):
    cache.clear()
    first = client.get("/en/films/", headers=BYPASS)
    stored = [key for key in cache._cache if CARD_PREFIX in key]  # noqa: SLF001 - LocMemCache
    assert len(stored) == Film.objects.public().count()
    searched = client.get("/en/films/?q=Rocky", headers=BYPASS)
    assert "Rocky IV" in searched.content.decode()
    assert len([key for key in cache._cache if CARD_PREFIX in key]) == len(stored)  # noqa: SLF001
    assert cards(first)


@pytest.mark.django_db
def test_a_change_to_a_film_shows_at_once_on_its_card(client, catalogue, bypassing):
    client.get("/en/films/", headers=BYPASS)
    film = Film.objects.get(slug="rocky-iv")
    film.title = "Rocky IV: Renamed"
    film.save()
    page = client.get("/en/films/", headers=BYPASS).content.decode()
    assert "Rocky IV: Renamed" in page


@pytest.mark.django_db
def test_each_interface_language_has_its_own_card(client, catalogue, bypassing):
    english = client.get("/en/films/?q=Rocky", headers=BYPASS).content.decode()
    danish = client.get("/da/films/?q=Rocky", headers=BYPASS).content.decode()
    assert 'href="/en/films/rocky-iv/"' in english
    assert 'href="/da/films/rocky-iv/"' in danish
    assert 'href="/en/films/rocky-iv/"' not in danish
    with translation.override("da"):
        in_story_order = translation.gettext("#%(n)s in story order") % {"n": 4}
    assert in_story_order in danish


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("word", "other"), [("handyman", "California"), ("California", "handyman")]
)
def test_what_a_search_matched_is_not_cached_with_the_card(
    client, catalogue, bypassing, word, other
):
    """The same film found by two words, one after the other: each page marks its own word."""
    client.get(f"/en/films/?q={other}", headers=BYPASS)
    page = client.get(f"/en/films/?q={word}", headers=BYPASS)
    (karate,) = [card for card in cards(page) if "Karate Kid" in card]
    assert f"<mark>{word}</mark>" in karate
    assert f"<mark>{other}</mark>" not in karate


CHOICES = [
    ("", "Any language"),
    ("da", "Danish — Dansk · 3"),
    ("th", "Thai — ไทย · 1"),
    ('x"<y>', 'Quotes " & <tags>'),
]


def options(html: str) -> list[tuple[str, str, bool]]:
    return [
        (value, label.strip(), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', html, re.S
        )
    ]


@pytest.mark.parametrize("value", ["", "da", "th", 'x"<y>', "unknown", None, ["th"]])
@pytest.mark.parametrize("attrs", [{"id": "id_language"}, {"id": "id_k", "aria-invalid": "true"}])
def test_plain_select_renders_what_djangos_select_renders(value, attrs):
    django_html = forms.Select(choices=CHOICES).render("language", value, attrs=attrs)
    plain_html = PlainSelect(choices=CHOICES).render("language", value, attrs=attrs)
    assert options(plain_html) == options(django_html)
    for name, attribute in attrs.items():
        assert f'{name}="{attribute}"' in plain_html
    assert 'name="language"' in plain_html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/en/films/?q=Rocky", "/en/films/", "/en/films/?ordering=franchise"]
)
def test_a_page_of_cached_cards_reads_neither_its_films_nor_their_languages(
    client, catalogue, bypassing, url
):
    client.get(url, headers=BYPASS)  # the cached aggregates and cards
    cache.delete_many([key.split(":", 2)[2] for key in cache._cache if CARD_PREFIX in key])  # noqa: SLF001
    with CaptureQueriesContext(connection) as cold:
        client.get(url, headers=BYPASS)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url, headers=BYPASS)
    # Cold, the films whose card is missing are read with their synopses' languages.
    assert any('"films_film"."title"' in query["sql"] for query in cold.captured_queries)
    assert any('"films_synopsis"."language"' in query["sql"] for query in cold.captured_queries)
    # Warm, the page reads its films' ids (or a search its hits), never a film's columns.
    assert len(warm.captured_queries) == len(cold.captured_queries) - 2
    selected = [query["sql"].split(" FROM ")[0] for query in warm.captured_queries]
    assert not any('"films_film"."title"' in columns for columns in selected)
    html = response.content.decode()
    assert 'class="lang-tag" title="da"' in html
    assert "Rocky" in html


def language_options(response) -> list[str]:
    select = re.search(r'<select id="id_language".*?</select>', response.content.decode(), re.S)
    return re.findall(r'<option value="([^"]*)"( selected)?', select.group())


def test_filter_fields_are_cached_per_filters_sent_generation_and_language(client, db, bypassing):
    from .factories import SynopsisFactory

    SynopsisFactory(language="da")
    SynopsisFactory(language="en")
    get = lambda url, **params: client.get(url, params, headers=BYPASS)  # noqa: E731
    assert ("da", " selected") in language_options(get("/en/films/", language="da", q="x"))
    # Another search with the same filters reuses the fields; other filters do not.
    assert ("da", " selected") in language_options(get("/en/films/", language="da", q="y"))
    assert ("en", " selected") in language_options(get("/en/films/", language="en"))
    assert ("da", "") in language_options(get("/en/films/", language="en"))
    # A new language in the catalogue is a new generation: the menu shows it at once.
    SynopsisFactory(language="sv")
    assert ("sv", "") in language_options(get("/en/films/", language="da"))
    # The interface language: labels in Danish under /da/.
    assert "Alle sprog" in get("/da/films/", language="da").content.decode()


@pytest.mark.django_db
def test_a_card_whose_film_no_longer_exists_is_empty(catalogue):
    # A film deleted between a page's count and its cards: the page leaves it out.
    cards = [FilmCard(Film.objects.get(slug="rocky-iv").pk), FilmCard(10**9)]
    attach_cards(cards)
    assert "Rocky IV" in cards[0].card_html
    assert cards[1].card_html == ""


def reference_match_html(card: FilmCard) -> str:
    """What a card's match paragraphs were when format_html built them."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    from films.languages.display import display_name

    html = ""
    if card.match_title:
        html += format_html(
            '<p class="match-title">{}: <span lang="{}">{}</span></p>',
            card.match_title_label,
            card.match_title_language,
            card.match_title,
        )
    if card.match_snippet:
        html += format_html(
            '<p class="snippet"><span class="snippet-lang">{}:</span> '
            '<span lang="{}">{}</span></p>',
            gettext("Matched in %(lang)s") % {"lang": display_name(card.match_language or "")},
            card.match_language,
            mark_safe(card.match_snippet),
        )
    return html


@pytest.mark.parametrize(
    "card",
    [
        FilmCard(1),
        FilmCard(2, match_title="Rocky", match_title_language="en", match_title_label="Original"),
        FilmCard(
            3,
            match_title='<script>"Fist" & Co</script>',
            match_title_language='e"n',
            match_title_label="<b>Label</b>",
            match_snippet="a <mark>boxer</mark> &amp; more",
            match_language="th",
        ),
        FilmCard(4, match_snippet="…<mark>x</mark>", match_language=None),
    ],
)
@pytest.mark.parametrize("language", ["en", "da"])
def test_what_a_card_matched_is_escaped_as_format_html_escapes_it(card, language):
    with translation.override(language):
        assert card.match_html() == reference_match_html(card)
        assert film_list_items([card]) == (
            f'<li class="film-card">{card.card_html}{reference_match_html(card)}</li>\n        '
        )


ALTERNATES = [
    {
        "code": "en",
        "name": "English",
        "url": 'http://testserver/en/films/?q="<b>"&x=1',
        "current": True,
    },
    {"code": "da", "name": "Dansk <&>", "url": "http://testserver/da/film/", "current": False},
    {"code": "x-default", "name": "", "url": "http://testserver/films/?q='", "current": False},
]


def test_the_language_alternates_are_escaped_as_format_html_join_escapes_them():
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    from films.templatetags.films_tags import (
        current_language_name,
        hreflang_links,
        language_switcher_items,
    )

    rows = [(a["code"], a["url"]) for a in ALTERNATES]
    assert hreflang_links(ALTERNATES) == format_html_join(
        "\n  ", '<link rel="alternate" hreflang="{}" href="{}">', rows
    )
    assert current_language_name(ALTERNATES) == format_html_join(
        "", '<span lang="{}">{}</span>', [("en", "English")]
    )
    current = mark_safe(' aria-current="true"')
    items = [
        (a["url"], a["code"], a["code"], current if a["current"] else "", a["name"])
        for a in ALTERNATES
        if a["name"]
    ]
    assert language_switcher_items(ALTERNATES) == format_html_join(
        "\n        ", '<li><a href="{}" hreflang="{}" lang="{}"{}>{}</a></li>', items
    )
