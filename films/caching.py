"""Catalogue-wide aggregates every list, search and API request needs: cached, cleared on change.

Counting films per language scans every synopsis: 8 ms at 10,000 synopses, most of a
second at a million (docs/scaling.md). The counts change only when a synopsis or film
is saved or deleted, so they are cached and the signals below clear them; CACHE_SECONDS
bounds how stale another process's copy can be (LocMemCache is per process; a shared
cache such as Redis or the database cache makes the clearing reach every worker).
"""

from django.core.cache import cache
from django.db.models import Count

CACHE_KEY = "films:language-counts:v1"
CACHE_SECONDS = 300


def language_counts() -> list[tuple[str, int]]:
    """Return (language, films with a published synopsis in it), by language tag."""
    counts = cache.get(CACHE_KEY)
    if counts is None:
        from .models import Synopsis

        counts = [
            (row["language"], row["films"])
            for row in Synopsis.objects.published()
            .order_by("language")
            .values("language")
            .annotate(films=Count("film", distinct=True))
        ]
        cache.set(CACHE_KEY, counts, CACHE_SECONDS)
    return counts


def clear_catalogue_caches(**kwargs) -> None:
    """Signal receiver: a synopsis or film changed, so the counts may have."""
    cache.delete(CACHE_KEY)
