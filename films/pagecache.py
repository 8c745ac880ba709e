"""The HTTP page cache: ETags, 304s and whole rendered public pages, keyed by the generation.

The generation (films/caching.py) changes with every change to what a page shows, so a cached
page is never stale and nothing has to be cleared: an anonymous visitor's page may lag a change
made in another process by PAGE_GENERATION_SECONDS (the generation a worker last read is
reused that long, so a cached page costs no query); docs/performance.md.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from .caching import Generation, catalogue_generation, generation_scope

PAGE_CACHE_PREFIX = "films:page:v1"
# Request header that makes a visitor's page render afresh, neither read from the page cache
# nor stored in it; honoured only when settings.PAGE_CACHE_BYPASS is on (the benchmark's own
# server and test client), so no visitor can force cold renders in production.
BYPASS_HEADER = "X-Page-Cache-Bypass"


# Pages each process keeps in its own memory in front of a shared cache (DJANGO_CACHE_URL):
# a Redis round trip for a 30 KB page cost a cached page a third of its speed. Keys carry
# the generation, so a local copy is never stale; ~30 KB each, a few MB per worker.
LOCAL_PAGES = 256


def local_page_cache(size: int) -> LocMemCache:
    """Django's per-process cache: pickled copies (a response is changed by every request that
    sends it), least recently used out, one entry at a time once ``size`` are held."""
    return LocMemCache(
        f"films-local-pages-{size}", {"OPTIONS": {"MAX_ENTRIES": size, "CULL_FREQUENCY": size}}
    )


local_pages = local_page_cache(LOCAL_PAGES)


def _cache_is_shared() -> bool:
    # Local memory is this process's already: no second copy in front of it.
    return not settings.CACHES["default"]["BACKEND"].endswith(".LocMemCache")


def cached_page(key: str) -> HttpResponse | None:
    """The page stored under ``key``: this process's copy, else the shared cache's."""
    if not settings.PAGE_CACHE_SECONDS:
        return None
    shared = _cache_is_shared()
    response = local_pages.get(key) if shared else None
    if response is None:
        response = cache.get(key)
        if response is not None and shared:
            local_pages.set(key, response, settings.PAGE_CACHE_SECONDS)
    return response


def store_page(key: str, response: HttpResponse) -> None:
    cache.set(key, response, settings.PAGE_CACHE_SECONDS)
    if _cache_is_shared():
        local_pages.set(key, response, settings.PAGE_CACHE_SECONDS)


def page_is_shareable(request: HttpRequest) -> bool:
    """Only a cookieless anonymous GET may get, or fill, the shared page cache."""
    if request.method not in {"GET", "HEAD"}:
        return False
    own = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return not (own & request.COOKIES.keys())


def page_cache_bypassed(request: HttpRequest) -> bool:
    """A benchmark's request for a visitor's page rendered afresh: no 304, no cached copy."""
    return bool(settings.PAGE_CACHE_BYPASS and request.headers.get(BYPASS_HEADER))


class CachedPageMiddleware:
    """Serve a visitor's page this process has sent before, ahead of the middleware and URL
    resolution that only rendering it needs.

    A cached page still ran sessions, locale, CSRF, authentication, messages, clickjacking,
    django-axes, the URL resolver and :func:`conditional_page` before its cached copy was read:
    at 1M on gunicorn that held cached pages at 0.6-0.8× ``/healthz`` (docs/performance.md).
    This layer keeps, in this process's memory only (``local_pages``), each page as the
    middleware inside it sent it, under the host, full path and the headers pages vary on,
    with the generation it was rendered for, and sends it again while that is the
    generation :func:`conditional_page` would use; a page is kept only when
    :func:`conditional_page` found it shareable and nothing set a cookie. Editors (a session
    or CSRF cookie), the benchmark's bypass and anything but GET pass through. The middleware
    outside it (security headers, CSP, the access log) runs on every response.
    """

    # Request headers a kept page is keyed by: those public pages vary on (the API's format,
    # the detail page's synopsis order).
    KEYED_HEADERS = ("Accept-Language", "Accept")
    VARIES_ON = frozenset({"", "cookie", *(header.lower() for header in KEYED_HEADERS)})
    _KEYED_META = tuple(f"HTTP_{header.upper().replace('-', '_')}" for header in KEYED_HEADERS)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method != "GET"
            or not settings.PAGE_CACHE_SECONDS
            or not page_is_shareable(request)
            or page_cache_bypassed(request)
        ):
            return self.get_response(request)
        sent = "\n".join(
            [
                request.get_host(),
                request.get_full_path(),
                *(request.META.get(name, "") for name in self._KEYED_META),
            ]
        )
        key = f"{PAGE_CACHE_PREFIX}:sent:{hashlib.sha256(sent.encode()).hexdigest()[:32]}"
        # Only a URL kept before reads the generation: the API schema, robots.txt or a login
        # page pass through without a query, as they did before this layer.
        kept = local_pages.get(key)
        if kept is not None:
            generation, response = kept
            try:
                current = catalogue_generation(max_age=settings.PAGE_GENERATION_SECONDS).value
            except (OperationalError, InterfaceError):
                # The database is down: the view meets the outage too, and the stack answers
                # it with a 503 (catalogue/middleware.py DatabaseUnavailableMiddleware).
                current = None
            if generation == current:
                return get_conditional_response(request, etag=response["ETag"], response=response)
        response = self.get_response(request)
        generation = getattr(response, "shareable_page", None)
        varies_on = {name.strip().lower() for name in response.get("Vary", "").split(",")}
        # Kept only if it varies on nothing but the headers in the key (and the cookies that
        # make a request an editor's, which never reach this far).
        if generation is not None and not response.cookies and varies_on <= self.VARIES_ON:
            local_pages.set(key, (generation, response), settings.PAGE_CACHE_SECONDS)
        return response


def page_etag(request: HttpRequest, generation: Generation, varies_on: tuple[str, ...]) -> str:
    """Hash the generation, the host and URL, the active language and the varied-on headers."""
    parts = [
        str(generation.value),
        # Pages hold absolute URLs (canonical, hreflang, og:url): one copy per allowed host.
        request.get_host(),
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
            generation = catalogue_generation(max_age=settings.PAGE_GENERATION_SECONDS)
            etag = quote_etag(page_etag(request, generation, varies_on))
            headers = {"ETag": etag, "Last-Modified": http_date(generation.changed_at.timestamp())}
            # The benchmark's bypass renders what a visitor gets on a cache miss, as it is
            # rendered for them: by the generation read within PAGE_GENERATION_SECONDS.
            bypass = page_cache_bypassed(request)
            # If-Modified-Since is not honoured: two changes within one second share a
            # Last-Modified, and only the ETag tells them apart.
            not_modified = None if bypass else get_conditional_response(request, etag=etag)
            if not_modified is not None:
                response = not_modified
            else:
                key = f"{PAGE_CACHE_PREFIX}:{etag}"
                response = None if bypass else cached_page(key)
                if response is None:
                    with generation_scope(generation):
                        response = view(request, *args, **kwargs)
                        if hasattr(response, "render") and not response.is_rendered:
                            response.render()
                    if (
                        response.status_code == 200
                        and not response.cookies
                        and settings.PAGE_CACHE_SECONDS
                        and not bypass
                    ):
                        store_page(key, response)
            for name, value in headers.items():
                response.headers.setdefault(name, value)
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ("Cookie", *varies_on))
            # The same page for every visitor sending this URL and host (and the headers it
            # varies on), of this generation: CachedPageMiddleware may keep it as sent.
            if response.status_code == 200 and not bypass:
                response.shareable_page = generation.value
            return response

        return wrapped

    return decorate
