"""Cached HTML fragments of public pages: each film's card, keyed by the catalogue generation.

A list or search page shows twelve cards; rendering them through templates cost more than
the search that found them (docs/performance.md). A card shows only what the catalogue
generation (films/caching.py) covers, in the active interface language, so its HTML is
cached under both and reused by every page that lists the film: the list, its other
pages, any search. What a search adds to a card (the title or snippet that matched) is
rendered around it each time, in ``includes/film_card.html``.
"""

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .caching import CACHE_SECONDS, catalogue_generation
from .models.catalogue import listed_synopses

CARD_PREFIX = "films:card:v1"
CARD_TEMPLATE = "includes/film_card_summary.html"


def card_key(film_pk: int, generation: int, language: str) -> str:
    return f"{CARD_PREFIX}:{generation}:{language}:{film_pk}"


def attach_cards(films: list) -> None:
    """Give each film ``card_html``: its card's summary, from the cache or rendered and stored.

    One cache round trip for the whole page (``get_many``), one more to store what was
    missing; only the films whose card is missing have their synopsis languages read (the
    list's films come without them: ``Film.objects.for_cards()``).
    """
    if not films:
        return
    generation, language = catalogue_generation().value, get_language() or ""
    keys = {film.pk: card_key(film.pk, generation, language) for film in films}
    found = cache.get_many(list(keys.values()))
    missing = [film for film in films if keys[film.pk] not in found]
    missing_languages = [film for film in missing if not hasattr(film, "listed_synopses")]
    if missing_languages:
        prefetch_related_objects(missing_languages, listed_synopses())
    rendered = {keys[film.pk]: render_to_string(CARD_TEMPLATE, {"film": film}) for film in missing}
    for film in films:
        html = found.get(keys[film.pk]) or rendered[keys[film.pk]]
        film.card_html = mark_safe(html)  # noqa: S308 - rendered by our own template
    if rendered:
        cache.set_many(rendered, CACHE_SECONDS)
