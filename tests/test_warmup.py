"""Workers start warm: gunicorn preloads the app, and the master builds what requests need."""

import gc
import weakref

import pytest

from benchmark.pages import served_like_a_worker
from catalogue import gunicorn
from catalogue.warmup import (
    YOUNG_BETWEEN_REQUESTS,
    YOUNG_COLLECTION_THRESHOLD,
    YOUNG_COLLECTIONS_PER_MIDDLE,
    collect_between_requests,
    prepare_worker_heap,
    warm_up,
)
from films.languages import thai


def test_gunicorn_preloads_and_recycles_workers_rarely_at_staggered_moments():
    assert gunicorn.preload_app is True
    assert gunicorn.max_requests >= 10_000
    assert gunicorn.max_requests_jitter >= gunicorn.max_requests // 10
    assert callable(gunicorn.when_ready)


def test_warm_up_builds_the_thai_dictionary_without_the_database():
    # No django_db mark: pytest-django fails the test if warm_up() touches the database,
    # which the forked workers would then share one connection to.
    thai._dictionary.cache_clear()
    thai.stopwords.cache_clear()
    warm_up()
    assert thai._dictionary.cache_info().currsize == 1
    assert thai.stopwords.cache_info().currsize == 1


def test_a_worker_heap_is_frozen_out_of_the_collectors_passes():
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        prepare_worker_heap()
        # Django, the views, the templates and the Thai dictionary: tens of thousands.
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, *thresholds[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_the_benchmark_times_pages_in_a_worker_heap_and_restores_the_process_after():
    gc.unfreeze()
    thresholds = gc.get_threshold()
    with served_like_a_worker():
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


class Cycle:
    """An object in a reference cycle: only the garbage collector frees it."""

    def __init__(self) -> None:
        self.itself = self


def garbage_cycle() -> weakref.ref:
    return weakref.ref(Cycle())


class Allocated:
    """A tracked object of its own class: lists and dicts may come from free lists, which
    the collector's allocation count does not see."""


def what_a_request_allocates() -> list[Allocated]:
    return [Allocated() for _ in range(YOUNG_BETWEEN_REQUESTS)]


@pytest.fixture
def collector_alone():
    """Automatic collections off, so that only the code under test collects."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_garbage_is_collected_between_requests_once_enough_is_pending(collector_alone):
    cycle = garbage_cycle()
    collect_between_requests()
    assert cycle() is not None  # too little pending: not worth a pass yet
    pending = what_a_request_allocates()
    collect_between_requests()
    assert cycle() is None
    assert gc.get_count()[0] < YOUNG_BETWEEN_REQUESTS
    del pending


def test_the_middle_generation_is_collected_between_requests_too(collector_alone):
    survivor = Cycle()
    cycle = weakref.ref(survivor)
    gc.collect(0)  # survives a young collection: now in the middle generation
    del survivor
    # One young collection done; the next ones, up to the middle generation's turn.
    for _ in range(YOUNG_COLLECTIONS_PER_MIDDLE - 1):
        pending = what_a_request_allocates()
        collect_between_requests()
        del pending
        assert cycle() is not None  # young collections alone never free it
    pending = what_a_request_allocates()
    collect_between_requests()
    assert cycle() is None
    del pending


def test_gunicorn_collects_after_each_response(collector_alone):
    cycle = garbage_cycle()
    pending = what_a_request_allocates()
    gunicorn.post_request(worker=None, req=None, environ={}, resp=None)
    assert cycle() is None
    del pending
