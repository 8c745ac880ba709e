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
from html import escape

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from .caching import CACHE_SECONDS, catalogue_generation
from .languages.display import display_name
from .models import Film, attach_synopsis_languages

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
        # html.escape and f-strings: format_html's checks per argument, twice a card, cost
        # more than the paragraphs (docs/performance.md).
        title = snippet = ""
        if self.match_title:
            title = (
                f'<p class="match-title">{escape(str(self.match_title_label))}: '
                f'<span lang="{escape(str(self.match_title_language))}">'
                f"{escape(self.match_title)}</span></p>"
            )
        if self.match_snippet:
            matched_in = gettext("Matched in %(lang)s") % {
                "lang": display_name(self.match_language or "")
            }
            snippet = (
                f'<p class="snippet"><span class="snippet-lang">{escape(matched_in)}:</span> '
                f'<span lang="{escape(str(self.match_language))}">{self.match_snippet}</span></p>'
            )
        return mark_safe(title + snippet)  # noqa: S308 - escaped here; snippets by the search

    def item_html(self) -> str:
        """The card as an item of the page's list: its summary, then what the search matched."""
        return f'<li class="film-card">{self.card_html}{self.match_html()}</li>'


def film_list_items(cards: list[FilmCard]) -> SafeString:
    """A page's cards as list items, one per line: built here, not by a template loop, whose
    two variable lookups per card were a fifth of a search page's rendering."""
    return mark_safe("".join(f"{card.item_html()}\n        " for card in cards))  # noqa: S308


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
        films = list(Film.objects.public().filter(pk__in=missing))
        attach_synopsis_languages(films)
        rendered = {
            keys[film.pk]: render_to_string(CARD_TEMPLATE, {"film": film}) for film in films
        }
    for card in cards:
        html = found.get(keys[card.pk]) or rendered.get(keys[card.pk], "")
        card.card_html = mark_safe(html)  # noqa: S308 - rendered by our own template
    if rendered:
        cache.set_many(rendered, CACHE_SECONDS)
