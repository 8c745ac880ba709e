"""Worker processes that analyse files ahead of the writes (films/importer/analysis.py)."""

import contextlib
import ctypes
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from ..search.analysis import search_columns
from .analysis import FileAnalysis, analyse_file
from .language import warm_up_detector
from .matching import FilmMatcher

_PR_SET_PDEATHSIG = 1
_FILES_AHEAD_PER_WORKER = 4

# Set in each worker process of an import's pool (inherited by fork, never pickled).
_worker_matcher: FilmMatcher | None = None


def _start_worker(matcher: FilmMatcher) -> None:
    global _worker_matcher
    _worker_matcher = matcher
    # Linux: die with the import (even a SIGKILLed one) rather than finish a file first,
    # holding the inherited copy of its database connection open meanwhile.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _analyse_in_worker(path: Path, encoding: str | None) -> FileAnalysis:
    return analyse_file(path, matcher=_worker_matcher, encoding=encoding)


def analyses_in_workers(
    files: Sequence[Path], *, matcher: FilmMatcher, encoding: str | None, workers: int
) -> Iterator[Callable[[], FileAnalysis] | None]:
    """Per file, a call that waits for its analysis by a worker process; None: analyse inline.

    Workers are forked (they inherit the matcher and the loaded language profiles) and
    run a few files ahead of the writes, which stay in this process, in file order.
    """
    if workers <= 1 or len(files) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (None for _ in files)
        return
    # Loaded once here rather than in every worker: the language profiles, and pythainlp's
    # dictionary (1-2 s to build) through a Thai word's search columns.
    warm_up_detector()
    search_columns(text="ภาพยนตร์", language="th")
    workers = min(workers, len(files))
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(matcher,)) as pool:
        queued = iter(files)
        pending = deque(
            pool.apply_async(_analyse_in_worker, (path, encoding))
            for path in islice(queued, workers * _FILES_AHEAD_PER_WORKER)
        )
        while pending:
            yield pending.popleft().get
            pending.extend(
                pool.apply_async(_analyse_in_worker, (path, encoding)) for path in islice(queued, 1)
            )
