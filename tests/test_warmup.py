"""Workers start warm: gunicorn preloads the app, and the master builds what requests need."""

import gc

from benchmark.pages import served_like_a_worker
from catalogue import gunicorn
from catalogue.warmup import YOUNG_COLLECTION_THRESHOLD, prepare_worker_heap, warm_up
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
