"""The import pipeline: files in, language-tagged synopses attached to films (or queued) out.

The public entry points: :func:`import_synopses` and :func:`rematch_synopses`. The steps
live beside this module: analysis.py (language and film of each synopsis), workers.py
(that analysis in worker processes), storing.py (the writes) and report.py (the outcome).
"""

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .. import review
from ..models import Synopsis
from .analysis import FileAnalysis, analyse_file
from .knowledge import load_knowledge, lock_imports
from .matching import FilmMatcher
from .reading import SourceError, check_source
from .report import Action, FileReport, ImportReport, SynopsisReport
from .stages import StageSeconds
from .storing import FileRows, checksum, store, write
from .workers import analyses_in_workers, languages_ahead

# Re-exported: the names the management command, the benchmark and tests import from here.
__all__ = [
    "Action",
    "FileReport",
    "ImportReport",
    "SynopsisReport",
    "checksum",
    "collect_paths",
    "display_path",
    "import_file",
    "import_synopses",
    "rematch_synopses",
]

logger = logging.getLogger(__name__)


def display_path(path: Path) -> str:
    """The path as stored: relative to the project when inside it, so it means the same anywhere.

    A symbolic link is named as itself, not as what it points to.
    """
    resolved = path.absolute().parent.resolve() / path.name
    try:
        return resolved.relative_to(Path(settings.BASE_DIR).resolve()).as_posix()
    except ValueError:
        return str(path)


def collect_paths(
    paths: Iterable[Path], *, exclude: Iterable[Path] = (), follow_symlinks: bool = False
) -> list[Path]:
    """Expand directories into the files below them, sorted; hidden files are skipped.

    Symbolic links below a directory are listed but not followed (the import then refuses
    them by name) unless ``follow_symlinks``.
    """
    excluded = {path.resolve() for path in exclude}
    collected: list[Path] = []
    for path in paths:
        if not path.is_dir() or (path.is_symlink() and not follow_symlinks):
            collected.append(path)
            continue
        found = []
        for root, dirs, files in os.walk(path, followlinks=follow_symlinks):
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            links = [name for name in dirs if (Path(root) / name).is_symlink()]
            for name in (*files, *([] if follow_symlinks else links)):
                child = Path(root) / name
                if name.startswith(".") or child.resolve() in excluded:
                    continue
                if child.is_symlink() or child.is_file():
                    found.append(child)
        collected.extend(sorted(found))
    return collected


def import_file(
    path: Path,
    *,
    matcher: FilmMatcher,
    encoding: str | None = None,
    analysed: Callable[[], FileAnalysis] | None = None,
    source_file: str | None = None,
    stages: StageSeconds | None = None,
) -> FileReport:
    """Import one file; a file that cannot be read changes nothing.

    The file is analysed (or its analysis by a worker awaited, ``analysed``), then written in
    transactions of ``settings.IMPORT_BATCH_SIZE`` synopses, each holding the import lock so
    that its look-ups see every row another import wrote. A file up to that size is stored
    whole or not at all; a larger one batch by batch (a crash keeps the batches written).
    Synopses over ``settings.IMPORT_MAX_SYNOPSIS_CHARS`` are listed in ``report.refused``.
    """
    stages = StageSeconds() if stages is None else stages
    started = time.perf_counter()
    report = FileReport(path=display_path(path))
    # The analysis needs no database: done before any transaction, which then only writes.
    result = analysed() if analysed else analyse_file(path, matcher=matcher, encoding=encoding)
    # Waiting for workers is no stage: their seconds come with the result.
    analysis_seconds = time.perf_counter() - started
    stages.add(result.stages)
    database_before = stages.database
    try:
        _write_file(report, result, stages=stages)
    finally:
        stages.other += (
            time.perf_counter() - started - analysis_seconds - (stages.database - database_before)
        )
    return report


def _write_file(report: FileReport, result: FileAnalysis, *, stages: StageSeconds) -> None:
    if result.error:
        report.status, report.error = "failed", result.error
        return
    limit = settings.IMPORT_MAX_SYNOPSIS_CHARS
    report.refused = [
        f"lines {first}-{last}: {length:,} characters, over the limit of {limit:,} "
        "(DJANGO_IMPORT_MAX_SYNOPSIS_CHARS); not imported"
        for first, last, length in result.refused
    ]
    analyses = result.analyses
    rows: FileRows | None = None
    batch = max(1, settings.IMPORT_BATCH_SIZE)
    for start in range(0, len(analyses), batch):
        # One write transaction per batch, holding the import lock: a huge file never keeps
        # one open for minutes (docs/importing.md, "Limits").
        with stages.timing("database"), transaction.atomic():
            lock_imports()
            if rows is None:
                digests = {checksum(analysis.text) for analysis in analyses}
                rows = FileRows(source_file=report.path, digests=digests)
            outcomes = [
                (analysis, *store(analysis, source_file=report.path, rows=rows))
                for analysis in analyses[start : start + batch]
            ]
            lost = write(rows)
        for analysis, action, note in outcomes:
            if action in (Action.CREATED, Action.UPDATED) and lost:
                stored = rows.by_checksum.get(checksum(analysis.text))
                if id(stored) in lost:
                    action, note = Action.DUPLICATE, "stored meanwhile by another import"
            report.synopses.append(synopsis_report(analysis, action=action, note=note, rows=rows))


def synopsis_report(analysis, *, action: str, note: str, rows: FileRows) -> SynopsisReport:
    film = analysis.match.film
    digest = checksum(analysis.text)
    return SynopsisReport(
        first_line=analysis.first_line,
        last_line=analysis.last_line,
        blocks=analysis.blocks,
        language=analysis.language.language,
        language_confidence=analysis.language.confidence,
        language_uncertain=analysis.language.uncertain,
        film={"slug": film.slug, "title": film.title, "year": film.year} if film else None,
        match_confidence=analysis.match.confidence,
        evidence=analysis.match.evidence,
        candidates=analysis.match.candidates_to_json(),
        status=analysis.status,
        action=action,
        note=note or analysis.language.note or analysis.match.reason,
        best=analysis.match.best.to_json() if analysis.match.best else None,
        checksum=digest,
        previous_text=rows.previous_text.get(digest, ""),
        text=analysis.text if digest in rows.previous_text else "",
    )


class _DryRunRollback(Exception):
    pass


def import_synopses(
    *,
    paths: Sequence[Path],
    encoding: str | None = None,
    dry_run: bool = False,
    knowledge_file: Path | None = None,
    on_file: Callable[[int, int, FileReport], None] | None = None,
    workers: int | None = None,
    follow_symlinks: bool = False,
) -> ImportReport:
    """Load the film knowledge, then import every file under ``paths``, each in its own transaction.

    With ``dry_run`` everything happens inside one transaction that is rolled back.
    ``workers`` processes (default ``settings.IMPORT_WORKERS``) analyse the files while
    this one writes them. Symbolic links are refused unless ``follow_symlinks``, and files
    over ``settings.IMPORT_MAX_FILE_BYTES`` always are, each with its reason in the report.
    """
    started = time.perf_counter()
    workers = settings.IMPORT_WORKERS if workers is None else workers
    knowledge_file = Path(knowledge_file or settings.FILM_KNOWLEDGE_FILE)
    report = ImportReport(dry_run=dry_run)
    files = collect_paths(paths, exclude=[knowledge_file], follow_symlinks=follow_symlinks)
    refusals: dict[Path, str] = {}
    for path in files:
        try:
            check_source(
                path, max_bytes=settings.IMPORT_MAX_FILE_BYTES, follow_symlinks=follow_symlinks
            )
        except SourceError as error:
            refusals[path] = str(error)
    # A dry run wraps everything in one transaction that is rolled back; a real run
    # commits file by file, so a crash loses at most the file being written.
    outer = transaction.atomic() if dry_run else contextlib.nullcontext()
    try:
        with outer:
            accepted = [path for path in files if path not in refusals]
            # The workers weigh the first files' languages while this process builds the
            # matcher, which takes seconds at a large catalogue.
            with languages_ahead(
                accepted, encoding=encoding, workers=workers, stages=report.stages
            ) as planned:
                report.knowledge = load_knowledge(knowledge_file)
                matcher = FilmMatcher.from_database()
            analysed = analyses_in_workers(
                accepted, matcher=matcher, encoding=encoding, workers=workers, planned=planned
            )
            # Each file's seconds are in its stages (import_file): the rest is "other".
            unstaged = 0.0
            try:
                for index, path in enumerate(files, start=1):
                    if path in refusals:
                        file_report = FileReport(
                            path=display_path(path), status="failed", error=refusals[path]
                        )
                    else:
                        before = time.perf_counter()
                        file_report = import_file(
                            path,
                            matcher=matcher,
                            encoding=encoding,
                            analysed=next(analysed),
                            stages=report.stages,
                        )
                        unstaged += time.perf_counter() - before
                    report.files.append(file_report)
                    if file_report.status == "failed":
                        logger.warning("%s: %s", file_report.path, file_report.error)
                    if on_file is not None:
                        on_file(index, len(files), file_report)
            finally:
                analysed.close()  # stops the worker pool
                report.stages.other += time.perf_counter() - started - unstaged
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def rematch_synopses(*, synopses: Iterable[Synopsis]) -> int:
    """Re-run language detection and film matching on synopses no editor reviewed; count them.

    Which ones, and whether an editor's language stands, is decided in films/review.py.
    """
    return len(review.rematch(synopses=synopses).reanalysed)
