"""The import pipeline: files in, language-tagged synopses attached to films (or queued) out.

The public entry points: :func:`import_synopses` and :func:`rematch_synopses`. The steps
live beside this module: analysis.py (language and film of each synopsis), workers.py
(that analysis in worker processes), storing.py (the writes) and report.py (the outcome).
"""

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .. import review
from ..models import Synopsis
from .analysis import FileAnalysis, analyse_file
from .knowledge import load_knowledge, lock_imports
from .matching import FilmMatcher
from .report import Action, FileReport, ImportReport, SynopsisReport
from .storing import FileRows, checksum, store, write
from .workers import analyses_in_workers

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
    """The path as stored: relative to the project when inside it, so it means the same anywhere."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path(settings.BASE_DIR).resolve()).as_posix()
    except ValueError:
        return str(path)


def collect_paths(paths: Iterable[Path], *, exclude: Iterable[Path] = ()) -> list[Path]:
    """Expand directories into the files below them, sorted; hidden files are skipped."""
    excluded = {path.resolve() for path in exclude}
    collected: list[Path] = []
    for path in paths:
        if path.is_dir():
            collected.extend(
                child
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
                and child.resolve() not in excluded
            )
        else:
            collected.append(path)
    return collected


def import_file(
    path: Path,
    *,
    matcher: FilmMatcher,
    encoding: str | None = None,
    analysed: Callable[[], FileAnalysis] | None = None,
    source_file: str | None = None,
) -> FileReport:
    """Import one file in its own transaction; a file that cannot be read changes nothing.

    The file is analysed (or its analysis by a worker awaited, ``analysed``) and written
    while this import holds the import lock, so that its look-ups see every row another
    import wrote, and the file is stored whole or not at all.
    """
    report = FileReport(path=display_path(path))
    with transaction.atomic():
        lock_imports()
        result = analysed() if analysed else analyse_file(path, matcher=matcher, encoding=encoding)
        if result.error:
            report.status, report.error = "failed", result.error
            return report
        analyses = result.analyses
        rows = FileRows(
            source_file=report.path, digests={checksum(analysis.text) for analysis in analyses}
        )
        outcomes = [
            (analysis, *store(analysis, source_file=report.path, rows=rows))
            for analysis in analyses
        ]
        lost = write(rows)
    for analysis, action, note in outcomes:
        if action in (Action.CREATED, Action.UPDATED) and lost:
            stored = rows.by_checksum.get(checksum(analysis.text))
            if id(stored) in lost:
                action, note = Action.DUPLICATE, "stored meanwhile by another import"
        film = analysis.match.film
        digest = checksum(analysis.text)
        report.synopses.append(
            SynopsisReport(
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
        )
    return report


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
) -> ImportReport:
    """Load the film knowledge, then import every file under ``paths``, each in its own transaction.

    With ``dry_run`` everything happens inside one transaction that is rolled back.
    ``workers`` processes (default ``settings.IMPORT_WORKERS``) analyse the files while
    this one writes them.
    """
    workers = settings.IMPORT_WORKERS if workers is None else workers
    knowledge_file = Path(knowledge_file or settings.FILM_KNOWLEDGE_FILE)
    report = ImportReport(dry_run=dry_run)
    files = collect_paths(paths, exclude=[knowledge_file])
    # A dry run wraps everything in one transaction that is rolled back; a real run
    # commits file by file, so a crash loses at most the file being written.
    outer = transaction.atomic() if dry_run else contextlib.nullcontext()
    try:
        with outer:
            report.knowledge = load_knowledge(knowledge_file)
            matcher = FilmMatcher.from_database()
            analysed = analyses_in_workers(
                files, matcher=matcher, encoding=encoding, workers=workers
            )
            for index, (path, analysis) in enumerate(zip(files, analysed, strict=True), start=1):
                file_report = import_file(
                    path, matcher=matcher, encoding=encoding, analysed=analysis
                )
                report.files.append(file_report)
                if file_report.status == "failed":
                    logger.warning("%s: %s", file_report.path, file_report.error)
                if on_file is not None:
                    on_file(index, len(files), file_report)
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
