"""Load, once in gunicorn's master before it forks, what a worker's first requests would pay for.

With ``preload_app`` (catalogue/gunicorn.py) the workers inherit all of it, so a recycled or
restarted worker answers its first Thai search and its first pages at full speed instead of
spending a second or two building pythainlp's dictionary (docs/production.md, "Serving").
"""

import gc

from django.conf import settings
from django.db import connections
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation

# Thai words known to the catalogue: segmenting them builds the dictionary trie and loads the
# tokenizer and the stop words.
_THAI_SAMPLE = "ร็อคกี้ บัลโบอา ภาพยนตร์ของนักมวย"
_TEMPLATES = (
    "base.html",
    "503.html",
    "films/film_list.html",
    "films/film_detail.html",
    "films/franchise_list.html",
    "films/franchise_detail.html",
    "films/language_list.html",
)


def warm_up() -> None:
    """Build the Thai dictionary and matcher, import the views, compile the templates.

    Touches no database.
    """
    from films.search.analysis import parse_query, search_columns

    # The URLconf imports every view (and DRF, django-filter, drf-spectacular) on first use.
    with translation.override(settings.LANGUAGE_CODE):
        get_resolver().resolve(reverse("films:film-list"))
    search_columns(text=_THAI_SAMPLE, language="th")
    parse_query(_THAI_SAMPLE)
    for name in _TEMPLATES:
        get_template(name)
    # Nothing above should connect; a connection made anyway must not be shared by the forks.
    connections.close_all()


# Allocations between two young collections. A page leaves a few hundred objects in reference
# cycles (forms, the FilterSet, the request), freed only by the collector. At Python's default
# (700) it ran on most requests over objects the request was still using; at 50,000 it ran
# every hundred or so requests and each run freed a hundred pages' garbage at once, a pause
# of 45-70 ms on the request that triggered it. At 5,000, measured on the 1M benchmark
# catalogue over the search mix (630 requests per run): the collector's total time the
# same (about 0.3 ms a request), its longest pause 18-20 ms, p99 21-25 ms against 27-52 ms.
YOUNG_COLLECTION_THRESHOLD = 5_000


# Between requests (catalogue/gunicorn.py ``post_request``, after the response is sent), a young
# collection runs once this many allocations are pending, so that the collector rarely runs
# inside a request; and the middle generation every YOUNG_COLLECTIONS_PER_MIDDLE of them, which
# keeps it about as rare as when young collections ran per YOUNG_COLLECTION_THRESHOLD
# allocations (docs/performance.md, "Garbage collected between requests").
YOUNG_BETWEEN_REQUESTS = 300
YOUNG_COLLECTIONS_PER_MIDDLE = 50


def collect_between_requests() -> None:
    """Collect the garbage the last requests left, off their latency: their responses are sent.

    A search page leaves about 300 objects in reference cycles (the request, its view, the
    FilterSet and its form) that only the collector frees, and about 430 allocations pending
    in all. Left to the allocation threshold, a young collection ran inside one request in
    twelve, a pause of 1-3 ms on that page. Here it runs after a response once enough is
    pending: after every search page; after one cached page in five, which leave about 60.
    """
    young, middle, old = gc.get_count()
    if young < YOUNG_BETWEEN_REQUESTS:
        return
    if middle < YOUNG_COLLECTIONS_PER_MIDDLE:
        gc.collect(0)
    elif old < gc.get_threshold()[2]:
        gc.collect(1)
    else:
        gc.collect(2)


def prepare_worker_heap() -> None:
    """What a worker's process holds before its first request: warmed up, then frozen.

    Everything loaded so far is moved out of the garbage collector's passes: they neither
    copy its pages into every forked worker (copy-on-write) nor walk it on every full
    collection; and young collections run per ``YOUNG_COLLECTION_THRESHOLD`` allocations.
    gunicorn's master does this before forking (catalogue/gunicorn.py); the benchmark does
    it before timing pages (benchmark/pages.py).
    """
    warm_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
