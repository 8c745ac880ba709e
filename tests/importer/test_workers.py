"""The importer's worker processes obey their pool, whatever signal handlers the parent has."""

import multiprocessing
import signal
import time

import pytest

from films.importer import workers

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the importer forks its workers"
)


def _handlers() -> tuple[bool, bool]:
    return (
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
        signal.getsignal(signal.SIGINT) is signal.default_int_handler,
    )


def test_a_pool_worker_dies_on_terminate_even_when_the_parent_ignores_sigterm():
    # django-tasks' worker, which runs admin uploads, handles SIGTERM to finish its task; a
    # pool worker that inherited such a handler outlived Pool.terminate(), and the import
    # waited for it forever.
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        context = multiprocessing.get_context("fork")
        pool = context.Pool(1, initializer=workers._start_worker, initargs=(None,))
        try:
            assert pool.apply(_handlers) == (True, True)
            pool.apply_async(time.sleep, (20,))
            time.sleep(0.5)  # the worker is in its task
        finally:
            started = time.monotonic()
            pool.terminate()
            pool.join()
        assert time.monotonic() - started < 10
    finally:
        signal.signal(signal.SIGTERM, previous)
