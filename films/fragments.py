"""Film cards of list and search pages: each film's summary, cached HTML keyed by the generation.

A list or search page shows twelve cards; rendering them through templates cost more than
the search that found them (docs/performance.md). A card shows only what the catalogue
generation (films/caching.py) covers, in the active interface language, so its HTML is
cached under both and reused by every page that lists the film: the list, its other
pages, any search. A page therefore needs only its films' ids: a :class:`FilmCard` per
film, and a film is read from the database only when its card is not in the cache. What
a search adds to a card (the title or snippet that matched) is rendered after it each
time, by :meth:`FilmCard.match_html`: two short paragraphs, which cost a search page more
through a template include per card than the search's ranking did.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from .caching import CACHE_SECONDS, catalogue_generation
from .languages.display import display_name
from .models import Film

CARD_PREFIX = "films:card:v1"
CARD_TEMPLATE = "includes/film_card_summary.html"


@dataclass(eq=False)
class FilmCard:
    """One film of a list or search page: its id, its cached summary and what a search matched.

    The match attributes are those a search gives each film it found
    (films/search/queries.py ``SearchResults``); a plain list leaves them empty.
    """

    pk: int
    card_html: str = ""
    title_rank: int = 0
    text_rank: float = 0.0
    matched_synopsis_id: int | None = None
    match_title: str | None = None
    match_title_language: str | None = None
    match_title_kind: str | None = None
    match_title_near: bool = False
    match_title_label: str = ""
    match_language: str | None = None
    match_snippet: str = ""

    def match_html(self) -> SafeString:
        """What the search matched: the title, then the snippet (already escaped and marked,
        films/search/analysis.py), each marked with its language; "" on a plain list."""
        title = snippet = SafeString()
        if self.match_title:
            title = format_html(
                '<p class="match-title">{}: <span lang="{}">{}</span></p>',
                self.match_title_label,
                self.match_title_language,
                self.match_title,
            )
        if self.match_snippet:
            snippet = format_html(
                '<p class="snippet"><span class="snippet-lang">{}:</span> '
                '<span lang="{}">{}</span></p>',
                gettext("Matched in %(lang)s") % {"lang": display_name(self.match_language or "")},
                self.match_language,
                mark_safe(self.match_snippet),  # noqa: S308 - escaped and marked by the search
            )
        return title + snippet


def card_key(film_pk: int, generation: int, language: str) -> str:
    return f"{CARD_PREFIX}:{generation}:{language}:{film_pk}"


def attach_cards(cards: list) -> None:
    """Give each card ``card_html``: its film's summary, from the cache or rendered and stored.

    One cache round trip for the whole page (``get_many``), one more to store what was
    missing; only the films whose card is missing are read, with their synopsis languages.
    A card whose film no longer exists gets "".
    """
    if not cards:
        return
    generation, language = catalogue_generation().value, get_language() or ""
    keys = {card.pk: card_key(card.pk, generation, language) for card in cards}
    found = cache.get_many(list(keys.values()))
    missing = [card.pk for card in cards if keys[card.pk] not in found]
    rendered = {}
    if missing:
        films = Film.objects.public().filter(pk__in=missing)
        rendered = {
            keys[film.pk]: render_to_string(CARD_TEMPLATE, {"film": film}) for film in films
        }
    for card in cards:
        html = found.get(keys[card.pk]) or rendered.get(keys[card.pk], "")
        card.card_html = mark_safe(html)  # noqa: S308 - rendered by our own template
    if rendered:
        cache.set_many(rendered, CACHE_SECONDS)
