"""The catalogue generation, and the aggregates cached by it (whole pages: films/pagecache.py).

One database row (``CatalogueGeneration``) is bumped in the same transaction as every change
to a franchise, film, title, matching knowledge or synopsis (signals below; bulk writers
call ``bump_generation()`` themselves). Everything cached here is keyed by that value, so a
change made by any process invalidates every process's copy at once, with no cache to clear:
the default LocMemCache is per process, DJANGO_CACHE_BACKEND may name a shared one.

Counting films per language scans every synopsis (most of a second at a million,
docs/scaling.md); rendering a page costs tens of milliseconds. A repeat now costs one
primary-key read of the generation row and a cache look-up.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Count, F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import CatalogueGeneration, Film, Franchise, Synopsis

GENERATION_PK = 1
CACHE_SECONDS = 24 * 3600  # entries of an old generation are never read again; this frees them


@dataclass(frozen=True)
class Generation:
    value: int
    changed_at: datetime


_request_generation: ContextVar[Generation | None] = ContextVar("generation", default=None)


# The generation each process last read, per database alias, and when (time.monotonic()).
_last_read: dict[str, tuple[float, "Generation"]] = {}


def catalogue_generation(*, max_age: float = 0.0) -> Generation:
    """Return the current generation: one primary-key read, or none inside a cached page.

    ``max_age`` > 0 accepts this process's last read when it is younger than that many
    seconds: an anonymous visitor's page may then lag a change made by another process by
    that long (settings.PAGE_GENERATION_SECONDS); a change made by this process is seen at
    once, as the last read is forgotten when it commits.
    """
    known = _request_generation.get()
    if known is not None:
        return known

    alias = router.db_for_read(CatalogueGeneration)
    if max_age > 0:
        last = _last_read.get(alias)
        if last is not None and time.monotonic() - last[0] < max_age:
            return last[1]
    read_at = time.monotonic()
    # Every public request runs this: plain SQL, without the ORM's compilation (a third of a
    # cached page's time). Read where the page's data is read (a replica for visitors,
    # catalogue/routers.py): a page is then keyed by the generation of the data it shows.
    connection = connections[alias]
    table = connection.ops.quote_name(CatalogueGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value, changed_at FROM {table} WHERE id = %s", [GENERATION_PK])
        found = cursor.fetchone()
    if found is not None and not isinstance(found[1], datetime):  # SQLite answers text
        changed_at = parse_datetime(found[1])
        if timezone.is_naive(changed_at):
            changed_at = timezone.make_aware(changed_at, UTC)
        found = (found[0], changed_at)
    if found is None:  # a flushed test database; never in production (migration 0005 adds it)
        created, _ = CatalogueGeneration.objects.get_or_create(
            pk=GENERATION_PK, defaults={"value": time.time_ns() // 1000}
        )
        found = (created.value, created.changed_at)
    generation = Generation(*found)
    _last_read[alias] = (read_at, generation)
    return generation


def forget_last_read() -> None:
    """Make the next ``catalogue_generation()`` of this process read the database."""
    _last_read.clear()


def bump_generation() -> None:
    """Mark the catalogue changed: call inside the transaction that changed it."""
    forget_last_read()
    transaction.on_commit(forget_last_read)

    updated = CatalogueGeneration.objects.filter(pk=GENERATION_PK).update(
        value=F("value") + 1, changed_at=Now()
    )
    if not updated:
        # Restart far above any value an earlier row could have had: a cached page of a
        # flushed database must never match again.
        CatalogueGeneration.objects.get_or_create(
            pk=GENERATION_PK, defaults={"value": time.time_ns() // 1000}
        )


def catalogue_changed(**kwargs) -> None:
    """Signal receiver: something a public page shows was saved or deleted."""
    bump_generation()


@contextmanager
def generation_scope(generation: Generation) -> Iterator[None]:
    """Let everything one request renders share the generation it was served for."""
    token = _request_generation.set(generation)
    try:
        yield
    finally:
        _request_generation.reset(token)


def cached_by_generation(name: str, compute: Callable[[], object]) -> object:
    key = f"films:{name}:{catalogue_generation().value}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def film_count() -> int:
    """Return the number of films in the catalogue."""
    return cached_by_generation("film-count", Film.objects.count)


def language_totals() -> list[dict]:
    """Return {language, synopses, films} per language with a published synopsis, by tag."""

    return cached_by_generation(
        "language-totals",
        lambda: list(
            Synopsis.objects.published()
            .order_by("language")
            .values("language")
            .annotate(synopses=Count("id"), films=Count("film", distinct=True))
        ),
    )


def language_counts() -> list[tuple[str, int]]:
    """Return (language, films with a published synopsis in it), by language tag."""
    return [(row["language"], row["films"]) for row in language_totals()]


# The list page's franchise menu holds this many franchises, the ones with most films.
FRANCHISE_MENU_SIZE = 100


def franchise_choices() -> list[tuple[str, str]]:
    """Return (slug, name) of the franchises with most films, at most FRANCHISE_MENU_SIZE, by name.

    Every franchise while there are few. At 1,250 franchises the menu was 60 KB of every list
    page (its cached copy was the slowest page to serve) and nobody scrolls it; the franchises
    page lists them all, and each franchise page links to the list filtered by it.
    """

    def compute() -> list[tuple[str, str]]:
        largest = Franchise.objects.annotate(size=Count("films")).order_by("-size", "name")
        menu = Franchise.objects.filter(pk__in=largest.values("pk")[:FRANCHISE_MENU_SIZE])
        return list(menu.order_by("name").values_list("slug", "name"))

    return cached_by_generation("franchise-choices", compute)


def franchise_name(slug: str) -> str | None:
    """Return the name of the franchise ``slug`` (one outside the menu, chosen by URL)."""

    return Franchise.objects.filter(slug=slug).values_list("name", flat=True).first()
