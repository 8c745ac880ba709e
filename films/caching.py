"""The catalogue generation, and what is cached by it: aggregates and whole public pages.

One database row (``CatalogueGeneration``) is bumped in the same transaction as every change
to a franchise, film, title, matching knowledge or synopsis (signals below; bulk writers
call ``bump_generation()`` themselves). Everything cached here is keyed by that value, so a
change made by any process invalidates every process's copy at once, with no cache to clear:
the default LocMemCache is per process, DJANGO_CACHE_BACKEND may name a shared one.

Counting films per language scans every synopsis (most of a second at a million,
docs/scaling.md); rendering a page costs tens of milliseconds. A repeat now costs one
primary-key read of the generation row and a cache look-up.
"""

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import Now
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

GENERATION_PK = 1
CACHE_SECONDS = 24 * 3600  # entries of an old generation are never read again; this frees them
PAGE_CACHE_PREFIX = "films:page:v1"
# Request header that makes a page render afresh; honoured only when settings.PAGE_CACHE_BYPASS
# is on (the benchmark's own server), so no visitor can force cold renders in production.
BYPASS_HEADER = "X-Page-Cache-Bypass"


@dataclass(frozen=True)
class Generation:
    value: int
    changed_at: datetime


_request_generation: ContextVar[Generation | None] = ContextVar("generation", default=None)


def catalogue_generation() -> Generation:
    """Return the current generation: one primary-key read, or none inside a cached page."""
    known = _request_generation.get()
    if known is not None:
        return known
    from .models import CatalogueGeneration

    # Every public request runs this: plain SQL, without the ORM's compilation (a third of a
    # cached page's time).
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
    return Generation(*found)


def bump_generation() -> None:
    """Mark the catalogue changed: call inside the transaction that changed it."""
    from .models import CatalogueGeneration

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


def language_totals() -> list[dict]:
    """Return {language, synopses, films} per language with a published synopsis, by tag."""
    from .models import Synopsis

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
    from .models import Franchise

    def compute() -> list[tuple[str, str]]:
        largest = Franchise.objects.annotate(size=Count("films")).order_by("-size", "name")
        menu = Franchise.objects.filter(pk__in=largest.values("pk")[:FRANCHISE_MENU_SIZE])
        return list(menu.order_by("name").values_list("slug", "name"))

    return cached_by_generation("franchise-choices", compute)


def franchise_name(slug: str) -> str | None:
    """Return the name of the franchise ``slug`` (one outside the menu, chosen by URL)."""
    from .models import Franchise

    return Franchise.objects.filter(slug=slug).values_list("name", flat=True).first()


def page_is_shareable(request: HttpRequest) -> bool:
    """Only a cookieless anonymous GET may get, or fill, the shared page cache."""
    if request.method not in {"GET", "HEAD"}:
        return False
    own = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    if own & request.COOKIES.keys():
        return False
    return not (settings.PAGE_CACHE_BYPASS and request.headers.get(BYPASS_HEADER))


def page_etag(request: HttpRequest, generation: Generation, varies_on: tuple[str, ...]) -> str:
    """Hash the generation, the URL, the active language and the headers the page varies on."""
    parts = [
        str(generation.value),
        request.get_full_path(),
        get_language() or "",
        *(f"{header}={request.headers.get(header, '')}" for header in varies_on),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def conditional_page(*, varies_on: tuple[str, ...] = ()) -> Callable:
    """Decorate a public page: ETag and Last-Modified, 304s, and a cache of the rendered HTML.

    Pages differ by URL, active language and ``varies_on`` headers, nothing else: they must not
    read the user or the session. Requests with a session or CSRF cookie (editors) bypass all
    of it, and a response that sets a cookie is never stored.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not page_is_shareable(request):
                # Rendered afresh, with the generation read once for its cached aggregates.
                with generation_scope(catalogue_generation()):
                    response = view(request, *args, **kwargs)
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                patch_cache_control(response, private=True, no_cache=True)
                return response
            generation = catalogue_generation()
            etag = quote_etag(page_etag(request, generation, varies_on))
            headers = {"ETag": etag, "Last-Modified": http_date(generation.changed_at.timestamp())}
            # If-Modified-Since is not honoured: two changes within one second share a
            # Last-Modified, and only the ETag tells them apart.
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                response = not_modified
            else:
                key = f"{PAGE_CACHE_PREFIX}:{etag}"
                response = cache.get(key) if settings.PAGE_CACHE_SECONDS else None
                if response is None:
                    with generation_scope(generation):
                        response = view(request, *args, **kwargs)
                        if hasattr(response, "render") and not response.is_rendered:
                            response.render()
                    if (
                        response.status_code == 200
                        and not response.cookies
                        and settings.PAGE_CACHE_SECONDS
                    ):
                        cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            for name, value in headers.items():
                response.headers.setdefault(name, value)
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ("Cookie", *varies_on))
            return response

        return wrapped

    return decorate
