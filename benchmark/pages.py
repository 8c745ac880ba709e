"""Page and search latency through Django's test client, with SQL query counts and SQL time.

Every request bypasses the page cache (films/caching.py): these are render times. The
statements each request runs are timed too (:class:`SqlTimer`), so every page and search
query has its SQL share.

Every page is compared with a baseline in the same run: ``/healthz`` when the project has
it, otherwise a view defined here that runs ``SELECT 1`` through the same middleware; its
p50 is the unit of the ``*_to_healthz_p50`` multiples. A page the project does not have yet
is reported as "n/a (404)", not an error.
"""

import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, path, reverse

from catalogue.warmup import collect_between_requests, prepare_worker_heap
from films.models import Film, Franchise, Synopsis
from films.pagecache import BYPASS_HEADER

from .corpus import SLUG_PREFIX, CatalogueSpec, film_specs, franchise_specs, vocabularies
from .loading import MARKER_SLUG
from .timing import Timing, latency_to_reference, ratio

BASELINE_PATH = "/__benchmark__/select-1"
HEALTHZ_PATH = "/healthz"
# Names the site may give its pages, tried in order; then a plain path.
LIST_NAMES = ("films:film-list", "films:list", "films:index")
API_NAMES = ("api:film-list", "films:api-film-list", "api:films", "films-api:film-list")
LIST_FALLBACK = "/films/"
PAGE_BUDGET_SECONDS = 15.0
MIN_SAMPLES = 3
API_FALLBACK = "/api/films/"


def baseline_view(request: HttpRequest) -> JsonResponse:
    """The cheapest page that still touches the database: the throughput every page is held to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"ok": True})


def benchmark_urlconf() -> ModuleType:
    """The project's URLs plus the baseline view, so both go through the same stack."""
    project = import_module(settings.ROOT_URLCONF)
    urlconf = ModuleType("benchmark.urlconf")
    urlconf.urlpatterns = [path(BASELINE_PATH.lstrip("/"), baseline_view), *project.urlpatterns]
    return urlconf


class SqlTimer:
    """An execute wrapper summing the wall time of every statement run while it is installed.

    psycopg reads a result into memory during ``execute``, so this is the database's share of
    a page: planning, running and transferring; what remains is Python (ORM, view, template).
    """

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def sql_figures(timing: Timing, sql: Timing) -> dict:
    """The SQL time of a page's requests: p50 per request, and its share of the page's time."""
    return {
        "sql_p50_ms": round(sql.p50, 2),
        "sql_share": ratio(sum(sql.samples_ms), sum(timing.samples_ms), 3) or 0.0,
    }


@dataclass
class PageFigures:
    name: str
    url: str
    status: int | None
    timing: Timing
    queries: int | None
    error: str = ""
    sql: Timing = field(default_factory=Timing)  # SQL ms of each request in ``timing``

    @property
    def available(self) -> bool:
        return self.status == 200

    def as_dict(self, baseline_per_second: float, healthz_p50_ms: float | None = None) -> dict:
        if not self.available:
            label = f"n/a ({self.status})" if self.status else f"n/a ({self.error})"
            return {"url": self.url, "status": self.status, "result": label}
        return {
            "url": self.url,
            "status": self.status,
            "result": "ok",
            "p50_ms": round(self.timing.p50, 2),
            "p95_ms": round(self.timing.p95, 2),
            "max_ms": round(self.timing.max, 2),
            "samples": len(self.timing.samples_ms),
            "requests_per_second": round(self.timing.per_second, 1),
            "queries": self.queries,
            **sql_figures(self.timing, self.sql),
            "ratio_to_baseline": ratio(self.timing.per_second, baseline_per_second, 3),
            **latency_to_reference(self.timing, healthz_p50_ms),
        }


def _first_reversible(names: tuple[str, ...], fallback: str, **kwargs) -> str:
    for name in names:
        try:
            return reverse(name, **kwargs)
        except NoReverseMatch:
            continue
    return fallback


def _url_of(get_url: Callable[[], str]) -> str:
    try:
        return get_url()
    except NoReverseMatch:
        return ""


def measure_page(
    client: Client, name: str, url: str, *, repeats: int, budget: float = PAGE_BUDGET_SECONDS
) -> PageFigures:
    """Time ``repeats`` GETs of ``url`` after one warm-up; count the queries of one of them.

    Each request's SQL time is summed by a :class:`SqlTimer`. A page slower than ``budget``
    seconds for all its repeats gets fewer (at least MIN_SAMPLES; just the first when that
    alone takes longer): a 30-second page is a finding, and fifty of them only delay the run.
    """
    if not url:
        return PageFigures(name, url, 404, Timing(), None)
    sql = SqlTimer()
    try:
        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(sql):
            started = time.perf_counter()
            response = client.get(url)
            first_ms = (time.perf_counter() - started) * 1000
        collect_between_requests()
        # Now: captured_queries slices the live log, which every later request empties.
        query_count = len(queries.captured_queries)
    except Exception as error:  # a page that crashes is a figure too, not the end of the run
        return PageFigures(name, url, None, Timing(), None, error=type(error).__name__)
    if response.status_code != 200:
        return PageFigures(name, url, response.status_code, Timing(), None)
    if first_ms > budget * 1000:
        # Slower than the whole budget: this one (cold) request is the figure.
        return PageFigures(name, url, 200, Timing([first_ms]), query_count, sql=Timing([sql.ms]))
    timing, sql_timing = Timing(), Timing()
    deadline = time.perf_counter() + budget
    with connection.execute_wrapper(sql):
        for _ in range(repeats):
            sql.ms = 0.0
            started = time.perf_counter()
            client.get(url)
            timing.samples_ms.append((time.perf_counter() - started) * 1000)
            sql_timing.samples_ms.append(sql.ms)
            # What a worker does once a response is sent (catalogue/gunicorn.py post_request).
            collect_between_requests()
            if len(timing.samples_ms) >= MIN_SAMPLES and time.perf_counter() > deadline:
                break
    return PageFigures(name, url, 200, timing, query_count, sql=sql_timing)


@dataclass(frozen=True)
class SearchQuery:
    kind: str
    language: str
    text: str


def search_mix(spec: CatalogueSpec) -> list[SearchQuery]:
    """A fixed mix: titles, names, very common to rare words in several languages, Thai, no hit."""
    vocab = vocabularies()
    films = film_specs(spec)
    franchises = franchise_specs(spec)
    big = franchises[0].name
    standalone = next((film for film in films if film.franchise is None), films[0])
    character = films[0].characters[0]

    def rare(language: str) -> str:
        return vocab[language].word(len(vocab[language].words) - 5)

    return [
        SearchQuery("title", "en", f"{big} 4"),
        SearchQuery("title", "en", f"{big} IV"),
        SearchQuery("title", "en", standalone.title),
        SearchQuery("name", "", character),
        SearchQuery("name", "", character.split()[-1]),
        SearchQuery("half-corpus", "", big),
        SearchQuery("very common", "en", vocab["en"].word(0)),
        SearchQuery("very common", "es", vocab["es"].word(1)),
        SearchQuery("very common", "de", vocab["de"].word(2)),
        SearchQuery("medium", "fr", vocab["fr"].word(60)),
        SearchQuery("medium", "da", vocab["da"].word(100)),
        SearchQuery("medium", "pl", vocab["pl"].word(40)),
        SearchQuery("rare", "sv", rare("sv")),
        SearchQuery("rare", "it", rare("it")),
        SearchQuery("rare", "nl", rare("nl")),
        SearchQuery("thai common", "th", vocab["th"].word(3)),
        SearchQuery("thai medium", "th", vocab["th"].word(60)),
        SearchQuery("multi-word", "en", f"{vocab['en'].word(30)} {vocab['en'].word(80)}"),
        SearchQuery("multi-word", "pt", f"{vocab['pt'].word(20)} {vocab['pt'].word(45)}"),
        SearchQuery("no hit", "", "qwxzvbenchmarkless"),
        SearchQuery("no hit", "", "Zyzzogeton 9"),
    ]


def _sample_objects() -> tuple[Film | None, Franchise | None, Franchise | None]:
    film = (
        Film.objects.filter(slug__startswith=SLUG_PREFIX, synopses__isnull=False)
        .order_by("slug")
        .first()
    ) or Film.objects.order_by("pk").first()
    franchise = (
        Franchise.objects.filter(slug__startswith=SLUG_PREFIX)
        .exclude(slug=MARKER_SLUG)
        .order_by("slug")
        .first()
    ) or Franchise.objects.exclude(slug=MARKER_SLUG).order_by("pk").first()
    # The benchmark's last franchise is its smallest; the first holds ~45% of the films.
    small = (
        Franchise.objects.filter(slug__startswith=SLUG_PREFIX)
        .exclude(slug=MARKER_SLUG)
        .order_by("-slug")
        .first()
    ) or franchise
    return film, franchise, small


def film_list_url() -> str:
    """The film list's path, where the search mix searches."""
    return _first_reversible(LIST_NAMES, LIST_FALLBACK)


def page_urls() -> dict[str, str]:
    film, franchise, small = _sample_objects()
    list_url = film_list_url()
    return {
        "list": list_url,
        "list_page_2": f"{list_url}?{urlencode({'page': 2})}",
        "detail": _url_of(film.get_absolute_url) if film else "",
        "franchise": _url_of(franchise.get_absolute_url) if franchise else "",
        "franchise_small": _url_of(small.get_absolute_url) if small else "",
        "search": f"{list_url}?{urlencode({'q': franchise.name if franchise else 'film'})}",
        "api": _first_reversible(API_NAMES, API_FALLBACK),
    }


@dataclass
class PagesFigures:
    baseline: PageFigures
    baseline_note: str
    pages: list[PageFigures]
    search: list[tuple[SearchQuery, PageFigures]]
    # The baseline again, a few requests after each query of the search mix: its p50 over the
    # mix's minutes shows whether the machine's speed moved since the baseline was measured.
    baseline_during_search: Timing = field(default_factory=Timing)

    @property
    def reference_p50_ms(self) -> float | None:
        """The baseline's p50 (/healthz's) over every sample of the run, the fifty at the start
        and the twenty after each query of the mix: the unit of every ``*_to_healthz_p50``.

        Fifty requests in a row take 25 ms: they measure one moment of a machine whose speed
        drifts within minutes (in one run 0.34 ms at the start, 0.47 over the mix's minutes,
        a minute apart on the same code). The samples over the run are taken when its pages
        and its search mix were (docs/performance.md, "What it measures").
        """
        if not self.baseline.available:
            return None
        run = self.baseline.timing.samples_ms + self.baseline_during_search.samples_ms
        return Timing(run).p50

    def as_dict(self) -> dict:
        """Every figure; latencies also as multiples of the baseline's p50 (/healthz's)."""
        per_second = self.baseline.timing.per_second
        healthz_p50 = self.reference_p50_ms
        search_ok = [figures for _, figures in self.search if figures.available]
        everything = Timing([ms for figures in search_ok for ms in figures.timing.samples_ms])
        everything_sql = Timing([ms for figures in search_ok for ms in figures.sql.samples_ms])
        during = self.baseline_during_search
        mix = {
            "p50_ms": round(everything.p50, 2),
            "p95_ms": round(everything.p95, 2),
            "max_ms": round(everything.max, 2),
            **sql_figures(everything, everything_sql),
            **latency_to_reference(everything, healthz_p50),
            "healthz_run_p50_ms": round(healthz_p50, 3) if healthz_p50 else None,
            "healthz_start_p50_ms": round(self.baseline.timing.p50, 3),
            "p95_to_healthz_start_p50": ratio(everything.p95, self.baseline.timing.p50),
            "healthz_during_p50_ms": round(during.p50, 3) if during.samples_ms else None,
            "p95_to_healthz_during_p50": ratio(everything.p95, during.p50),
        }
        return {
            "baseline": {
                **self.baseline.as_dict(per_second, healthz_p50),
                "note": self.baseline_note,
            },
            "pages": {page.name: page.as_dict(per_second, healthz_p50) for page in self.pages},
            "search": {
                "via": self.search[0][1].url.split("?")[0] if self.search else "",
                "available": bool(search_ok),
                **(mix if search_ok else dict.fromkeys(mix)),
                "queries": [
                    {"kind": query.kind, "language": query.language, "q": query.text}
                    | figures.as_dict(per_second, healthz_p50)
                    for query, figures in self.search
                ],
            },
        }


@contextmanager
def served_like_a_worker() -> Iterator[None]:
    """This process as the project's gunicorn workers are (catalogue/gunicorn.py): warmed up,
    and what it holds so far frozen out of the garbage collector's passes; each timed request
    is followed, off the clock, by what a worker does after sending a response
    (:func:`measure_page`).

    Without it every full collection walked all the run had loaded, imported and built
    before (100-200 ms every few seconds of searching), which no worker pays.
    """
    thresholds = gc.get_threshold()
    prepare_worker_heap()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def measure_pages(
    spec: CatalogueSpec, *, repeats: int, search_repeats: int, budget: float = PAGE_BUDGET_SECONDS
) -> PagesFigures:
    """Time every page and the search mix against the baseline, all in this one run."""
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages the branch lacks answer 404, which Django logs as a warning per request.
    request_logger = logging.getLogger("django.request")
    level = request_logger.level
    request_logger.setLevel(logging.ERROR)
    try:
        with served_like_a_worker():
            return _measure_pages(
                spec, hosts, repeats=repeats, search_repeats=search_repeats, budget=budget
            )
    finally:
        request_logger.setLevel(level)


def _measure_pages(
    spec: CatalogueSpec, hosts: list[str], *, repeats: int, search_repeats: int, budget: float
) -> PagesFigures:
    # DEBUG off while timing: with it on, Django keeps every query and renders debug pages.
    # The page cache is bypassed: these are render (and search) times; the gunicorn part
    # (server.py) measures cached pages too.
    with override_settings(
        ROOT_URLCONF=benchmark_urlconf(), ALLOWED_HOSTS=hosts, DEBUG=False, PAGE_CACHE_BYPASS=True
    ):
        client = Client(raise_request_exception=False, headers={BYPASS_HEADER: "1"})
        healthz = measure_page(client, "healthz", HEALTHZ_PATH, repeats=repeats)
        if healthz.available:
            baseline, note = healthz, "/healthz"
        else:
            baseline = measure_page(client, "baseline", BASELINE_PATH, repeats=repeats)
            note = (
                f"{HEALTHZ_PATH} answered {healthz.status or healthz.error}: baseline is a "
                "SELECT 1 view defined in benchmark/pages.py, served through the same "
                "middleware"
            )
        urls = page_urls()
        pages = [
            measure_page(client, name, url, repeats=repeats, budget=budget)
            for name, url in urls.items()
        ]
        list_url = urls["list"]
        search, during = [], Timing()
        for query in search_mix(spec):
            figures = measure_page(
                client,
                f"search {query.kind}",
                f"{list_url}?{urlencode({'q': query.text})}",
                repeats=search_repeats,
                budget=budget / 3,
            )
            search.append((query, figures))
            again = measure_page(client, baseline.name, baseline.url, repeats=BASELINE_REPEATS)
            during.samples_ms += again.timing.samples_ms
    return PagesFigures(baseline, note, pages, search, during)


# Baseline requests after each query of the search mix (21 queries: 420 samples).
BASELINE_REPEATS = 20


def catalogue_counts() -> dict[str, int]:
    return {
        "franchises": Franchise.objects.exclude(slug=MARKER_SLUG).count(),
        "films": Film.objects.count(),
        "synopses": Synopsis.objects.count(),
    }
