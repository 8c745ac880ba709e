"""Worker processes that analyse documents ahead of the writes (films/importer/analysis.py)."""

import contextlib
import ctypes
import math
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TypeVar

from ..search.analysis import search_columns
from .analysis import (
    FileAnalysis,
    FilePlan,
    SynopsisAnalysis,
    analyse_documents,
    finish_file,
    plan_file,
)
from .language import LanguageGuess, detect_languages, remember_detections, warm_up_detector
from .matching import FilmMatcher
from .segmenting import Document
from .stages import StageSeconds

_PR_SET_PDEATHSIG = 1
# A task is a file's share of at most this many distinct documents: enough to weigh their
# languages together (films/importer/detector.py), small enough that a single large file
# keeps every worker busy.
_DOCUMENTS_PER_TASK = 50
_TASKS_AHEAD_PER_WORKER = 4
# Texts whose languages workers weigh while the matcher is built (at most what a process
# remembers, films/importer/language.py).
_TEXTS_AHEAD = 5_000

# Set in each worker process of an import's pool (inherited by fork, never pickled).
_worker_matcher: FilmMatcher | None = None

_Item = TypeVar("_Item")
_Task = AsyncResult[tuple[list[SynopsisAnalysis], StageSeconds]]


def _start_worker(matcher: FilmMatcher) -> None:
    global _worker_matcher
    _worker_matcher = matcher
    # The pool ends its workers with SIGTERM (Pool.terminate(), also on leaving ``with``),
    # and a worker still waiting for a task must then die. A fork inherits the parent's
    # handlers: django-tasks' worker (films/management/commands/import_worker.py), which
    # runs admin uploads, answers SIGTERM during a task by finishing it gracefully, so a
    # pool worker kept waiting on the task queue, whose lock the terminating pool holds,
    # and the import never returned.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGQUIT"):
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    # Linux: die with the import (even a SIGKILLed one) rather than finish a file first,
    # holding the inherited copy of its database connection open meanwhile.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _analyse_in_worker(documents: list[Document]) -> tuple[list[SynopsisAnalysis], StageSeconds]:
    stages = StageSeconds()
    return analyse_documents(documents, matcher=_worker_matcher, stages=stages), stages


def _shares(documents: Sequence[_Item]) -> list[list[_Item]]:
    """The documents (or texts) in about equal shares of at most _DOCUMENTS_PER_TASK."""
    if not documents:
        return []
    size = math.ceil(len(documents) / math.ceil(len(documents) / _DOCUMENTS_PER_TASK))
    return [list(documents[start : start + size]) for start in range(0, len(documents), size)]


def _finished(plan: FilePlan, tasks: list[_Task], matcher: FilmMatcher) -> FileAnalysis:
    analysed: list[SynopsisAnalysis] = []
    for task in tasks:
        analyses, stages = task.get()
        analysed += analyses
        plan.stages.add(stages)
    return finish_file(plan, analysed, matcher=matcher)


def _detect_in_worker(texts: list[str]) -> tuple[list[LanguageGuess], StageSeconds]:
    stages = StageSeconds()
    with stages.timing("language"):
        return detect_languages(texts), stages


def _can_fork(workers: int, files: Sequence[Path]) -> bool:
    return workers > 1 and bool(files) and "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def languages_ahead(
    files: Sequence[Path], *, encoding: str | None, workers: int, stages: StageSeconds
) -> Iterator[dict[Path, FilePlan | FileAnalysis]]:
    """Weigh the languages of the first files in worker processes while the body runs.

    The body builds the matcher, which the workers of :func:`analyses_in_workers` need and
    inherit: meanwhile these weigh languages, which need none. What they finished is
    remembered (films/importer/language.py) and forked into those workers; the rest is
    weighed there as usual. Yields the files read and cut for it, by path, for
    :func:`analyses_in_workers` to take rather than read them again.
    """
    planned: dict[Path, FilePlan | FileAnalysis] = {}
    if not _can_fork(workers, files):
        yield planned
        return
    warm_up_detector()
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_start_worker, initargs=(None,))
    try:
        tasks = []
        room = _TEXTS_AHEAD
        for path in files:
            plan = planned[path] = plan_file(path, encoding=encoding)
            if isinstance(plan, FileAnalysis):
                continue
            texts = [document.text for document in plan.distinct[:room]]
            tasks += [
                (share, pool.apply_async(_detect_in_worker, (share,))) for share in _shares(texts)
            ]
            room -= len(texts)
            if room <= 0:
                break
        yield planned
        for texts, task in tasks:
            if task.ready() and task.successful():
                guesses, seconds = task.get()
                remember_detections(texts, guesses)
                stages.add(seconds)
    finally:
        pool.terminate()
        pool.join()


def analyses_in_workers(
    files: Sequence[Path],
    *,
    matcher: FilmMatcher,
    encoding: str | None,
    workers: int,
    planned: dict[Path, FilePlan | FileAnalysis] | None = None,
) -> Iterator[Callable[[], FileAnalysis] | None]:
    """Per file, a call that waits for its analysis by worker processes; None: analyse inline.

    This process reads and cuts each file (or takes it from ``planned``, cut by
    :func:`languages_ahead`), then hands its distinct documents to the workers
    in shares, a few shares ahead of the writes, which stay here, in file order. Workers are
    forked: they inherit the matcher and the loaded language profiles.
    """
    if not _can_fork(workers, files):
        yield from (None for _ in files)
        return
    # Loaded once here rather than in every worker: the language profiles, and pythainlp's
    # dictionary (1-2 s to build) through a Thai word's search columns.
    warm_up_detector()
    search_columns(text="ภาพยนตร์", language="th")
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(matcher,)) as pool:
        queued = iter(files)
        pending: deque[tuple[FilePlan | FileAnalysis, list[_Task]]] = deque()

        def plan_ahead() -> None:
            while sum(len(tasks) for _, tasks in pending) < workers * _TASKS_AHEAD_PER_WORKER:
                path = next(queued, None)
                if path is None:
                    return
                plan = (planned or {}).pop(path, None) or plan_file(path, encoding=encoding)
                if isinstance(plan, FileAnalysis):
                    pending.append((plan, []))
                    continue
                tasks = [
                    pool.apply_async(_analyse_in_worker, (share,))
                    for share in _shares(plan.distinct)
                ]
                pending.append((plan, tasks))

        plan_ahead()
        while pending:
            plan, tasks = pending.popleft()
            if isinstance(plan, FileAnalysis):
                yield lambda failed=plan: failed
            else:
                yield partial(_finished, plan, tasks, matcher)
            plan_ahead()
