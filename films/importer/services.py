"""The import pipeline: files in, language-tagged synopses attached to films (or queued) out."""

import contextlib
import ctypes
import hashlib
import logging
import multiprocessing
import signal
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..caching import bump_generation
from ..models import ReviewStatus, Synopsis
from ..search.analysis import SearchColumns, search_columns
from .knowledge import KnowledgeSummary, load_knowledge, lock_imports
from .language import LanguageGuess, detect_language, warm_up_detector
from .matching import FilmMatcher, MatchResult
from .reading import SourceError, read_source
from .segmenting import Document, Header, parse_header, split_documents

logger = logging.getLogger(__name__)


class Action:
    CREATED = "created"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    KEPT = "kept"
    DUPLICATE = "duplicate"


@dataclass
class SynopsisReport:
    first_line: int
    last_line: int
    blocks: int
    language: str
    language_confidence: float
    language_uncertain: bool
    film: dict | None
    match_confidence: float
    evidence: str
    candidates: list[dict]
    status: str
    action: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "lines": [self.first_line, self.last_line],
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
            "film": self.film,
            "match_confidence": self.match_confidence,
            "evidence": self.evidence,
            "status": self.status,
            "action": self.action,
            "blocks": self.blocks,
            "note": self.note,
            "candidates": self.candidates,
        }


@dataclass
class FileReport:
    path: str
    status: str = "imported"
    error: str = ""
    synopses: list[SynopsisReport] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error or None,
            "synopses": [synopsis.as_dict() for synopsis in self.synopses],
        }


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    knowledge: KnowledgeSummary | None = None
    dry_run: bool = False

    @property
    def failed(self) -> list[FileReport]:
        return [report for report in self.files if report.status == "failed"]

    @property
    def totals(self) -> dict[str, int]:
        synopses = [synopsis for report in self.files for synopsis in report.synopses]
        totals = {
            "files": len(self.files),
            "failed": len(self.failed),
            "blocks": sum(synopsis.blocks for synopsis in synopses),
            "synopses": len(synopses),
            "films": len({s.film["slug"] for s in synopses if s.film}),
            "for_review": sum(1 for s in synopses if s.status == ReviewStatus.PENDING),
        }
        for action in (Action.CREATED, Action.UNCHANGED, Action.UPDATED, Action.KEPT):
            totals[action] = sum(1 for s in synopses if s.action == action)
        totals[Action.DUPLICATE] = sum(1 for s in synopses if s.action == Action.DUPLICATE)
        return totals

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "files": [report.as_dict() for report in self.files],
            "totals": self.totals,
        }


@dataclass
class _Analysis:
    """One synopsis candidate with its language and film worked out, before it is stored."""

    text: str
    first_line: int
    last_line: int
    blocks: int
    header: Header | None
    language: LanguageGuess
    match: MatchResult
    # The synopsis's search columns, worked out with the rest (in a worker, if any).
    search: SearchColumns | None = None

    @property
    def status(self) -> str:
        certain = self.match.film is not None and not self.language.uncertain
        return ReviewStatus.AUTO if certain else ReviewStatus.PENDING


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def analyse(document: Document, matcher: FilmMatcher) -> _Analysis:
    return _analyse_text(
        document.text,
        header=document.header,
        first_line=document.first_line,
        last_line=document.last_line,
        blocks=len(document.blocks),
        matcher=matcher,
    )


def _analyse_text(
    text: str,
    *,
    header: Header | None,
    first_line: int,
    last_line: int,
    blocks: int,
    matcher: FilmMatcher,
) -> _Analysis:
    return _Analysis(
        text=text,
        first_line=first_line,
        last_line=last_line,
        blocks=blocks,
        header=header,
        language=detect_language(text),
        match=matcher.match(text, header=header),
    )


def merge_consecutive(analyses: Sequence[_Analysis], matcher: FilmMatcher) -> list[_Analysis]:
    """Join consecutive blocks that are confidently about the same film, in the same language."""
    merged: list[_Analysis] = []
    for current in analyses:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and current.header is None
            and previous.status == ReviewStatus.AUTO
            and current.status == ReviewStatus.AUTO
            and previous.match.film.film_id == current.match.film.film_id
            and previous.language.language == current.language.language
        ):
            merged[-1] = _analyse_text(
                f"{previous.text}\n\n{current.text}",
                header=previous.header,
                first_line=previous.first_line,
                last_line=current.last_line,
                blocks=previous.blocks + current.blocks,
                matcher=matcher,
            )
        else:
            merged.append(current)
    return merged


def apply_analysis(synopsis: Synopsis, *, language: LanguageGuess, match: MatchResult) -> None:
    """Set a synopsis's language, film and review status from the detector and matcher."""
    synopsis.language = language.language
    synopsis.language_confidence = round(language.confidence, 4)
    synopsis.language_uncertain = language.uncertain
    synopsis.film_id = match.film.film_id if match.film else None
    synopsis.match_confidence = match.confidence
    synopsis.match_evidence = match.evidence[:1000]
    synopsis.match_candidates = [candidate.as_dict() for candidate in match.candidates]
    certain = match.film is not None and not language.uncertain
    synopsis.review_status = ReviewStatus.AUTO if certain else ReviewStatus.PENDING


_ANALYSED_FIELDS = (
    "language",
    "language_confidence",
    "language_uncertain",
    "film_id",
    "match_confidence",
    "match_evidence",
    "match_candidates",
    "review_status",
)


class _FileRows:
    """The rows one file's import can touch, looked up once, kept current as it is stored.

    Every synopsis of the file, and every synopsis with one of its checksums: the
    checks below then cost no query, and the writes go out as one bulk insert and
    one bulk update at the end of the file's transaction.
    """

    def __init__(self, *, source_file: str, digests: Iterable[str]) -> None:
        rows: dict[int, Synopsis] = {}
        digests = list(digests)
        for start in range(0, len(digests), _LOOKUP_BATCH):
            batch = digests[start : start + _LOOKUP_BATCH]
            found = Synopsis.objects.filter(source_checksum__in=batch).order_by()
            rows.update((row.pk, row) for row in found)
        self.by_checksum = {row.source_checksum: row for row in rows.values()}
        # The file's rows by first line, each list in the model's ordering, as `.first()`
        # picked them one query at a time.
        self.by_place: dict[int, list[Synopsis]] = defaultdict(list)
        for row in Synopsis.objects.filter(source_file=source_file):
            self.by_place[row.source_first_line].append(rows.setdefault(row.pk, row))
        self.created: list[Synopsis] = []
        self.updated: dict[int, Synopsis] = {}

    def at_place(self, first_line: int) -> Synopsis | None:
        """The file's synopsis that starts at ``first_line``, if any."""
        rows = self.by_place.get(first_line)
        return rows[0] if rows else None

    def stored(
        self, synopsis: Synopsis, *, old_checksum: str | None, old_first_line: int | None
    ) -> None:
        """Note that ``synopsis`` (new, or found by checksum or place) is to be written."""
        if old_checksum is not None and self.by_checksum.get(old_checksum) is synopsis:
            del self.by_checksum[old_checksum]
        self.by_checksum[synopsis.source_checksum] = synopsis
        if old_first_line != synopsis.source_first_line:
            if old_first_line is not None:
                self.by_place[old_first_line].remove(synopsis)
            self.by_place[synopsis.source_first_line].append(synopsis)
        if synopsis.pk is not None:
            self.updated[synopsis.pk] = synopsis
        elif old_checksum is None:
            self.created.append(synopsis)


def _store(analysis: _Analysis, *, source_file: str, rows: _FileRows) -> tuple[str, str]:
    """Create or refresh the synopsis in ``rows`` (written later); return (action, note)."""
    digest = checksum(analysis.text)
    existing = rows.by_checksum.get(digest)
    if existing is None:
        existing = rows.at_place(analysis.first_line)
        if existing is not None and (existing.is_edited or existing.review_status == "reviewed"):
            return Action.KEPT, "the source changed, but an editor's version is kept"
    elif existing.source_file != source_file:
        return Action.DUPLICATE, f"same text as {existing.source_file}:{existing.source_first_line}"
    if existing is not None and (
        existing.is_edited or existing.review_status == ReviewStatus.REVIEWED
    ):
        return Action.KEPT, "changed by an editor; not overwritten"

    synopsis = existing or Synopsis()
    old_checksum = existing.source_checksum if existing else None
    old_first_line = existing.source_first_line if existing else None
    before = {name: getattr(synopsis, name) for name in _ANALYSED_FIELDS} if existing else None
    if existing is not None:
        same_place = (existing.source_first_line, existing.source_last_line) == (
            analysis.first_line,
            analysis.last_line,
        )
        same_text = existing.text == analysis.text
    synopsis.text = analysis.text
    synopsis.source_file = source_file
    synopsis.source_checksum = digest
    synopsis.source_header = analysis.header.line if analysis.header else ""
    apply_analysis(synopsis, language=analysis.language, match=analysis.match)
    if existing is not None:
        after = {name: getattr(synopsis, name) for name in _ANALYSED_FIELDS}
        if before == after and same_place and same_text:
            return Action.UNCHANGED, ""
    synopsis.source_first_line = analysis.first_line
    synopsis.source_last_line = analysis.last_line
    search = analysis.search or search_columns(text=synopsis.text, language=synopsis.language)
    synopsis.search_config = search.search_config
    synopsis.search_text = search.search_text
    synopsis.search_blob = search.search_blob
    rows.stored(synopsis, old_checksum=old_checksum, old_first_line=old_first_line)
    return (Action.UPDATED if existing else Action.CREATED), ""


_LOOKUP_BATCH = 500
_WRITE_BATCH = 500
_STORED_FIELDS = (
    *_ANALYSED_FIELDS,
    "text",
    "source_file",
    "source_checksum",
    "source_header",
    "source_first_line",
    "source_last_line",
    "search_config",
    "search_text",
    "search_blob",
    "updated_at",
)


def _write(rows: _FileRows) -> set[int]:
    """Write the file's new and changed synopses; return id() of those another import stored first.

    One bulk insert and one bulk update; should another import have stored the same
    text in the meantime (the advisory lock makes that rare), row by row instead.
    """
    now = timezone.now()
    for synopsis in (*rows.created, *rows.updated.values()):
        synopsis.updated_at = now
    try:
        with transaction.atomic():
            Synopsis.objects.bulk_create(rows.created, batch_size=_WRITE_BATCH)
            Synopsis.objects.bulk_update(
                list(rows.updated.values()), _STORED_FIELDS, batch_size=_WRITE_BATCH
            )
            if rows.created or rows.updated:
                bump_generation()  # bulk writes send no post_save: the pages must know
    except IntegrityError:
        pass
    else:
        return set()
    lost: set[int] = set()
    for synopsis in rows.created:
        synopsis.pk = None
        synopsis._state.adding = True
    for synopsis in (*rows.created, *rows.updated.values()):
        try:
            with transaction.atomic():
                synopsis.save()
        except IntegrityError:
            lost.add(id(synopsis))
    return lost


@dataclass
class _FileAnalysis:
    """A file's synopses with their language, film and search columns, or why it failed."""

    analyses: list[_Analysis] = field(default_factory=list)
    error: str = ""


def analyse_file(path: Path, *, matcher: FilmMatcher, encoding: str | None) -> _FileAnalysis:
    """Read, segment and analyse one file: all the work of an import that needs no database."""
    try:
        text = read_source(path, encoding=encoding)
    except SourceError as error:
        return _FileAnalysis(error=str(error))
    documents = split_documents(text)
    if not documents:
        return _FileAnalysis(error="no synopsis text found (only headers or symbols)")
    analyses = merge_consecutive([analyse(document, matcher) for document in documents], matcher)
    for analysis in analyses:
        analysis.search = search_columns(text=analysis.text, language=analysis.language.language)
    return _FileAnalysis(analyses)


def import_file(
    path: Path,
    *,
    matcher: FilmMatcher,
    encoding: str | None = None,
    analysed: Callable[[], _FileAnalysis] | None = None,
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
        rows = _FileRows(
            source_file=report.path, digests={checksum(analysis.text) for analysis in analyses}
        )
        outcomes = [
            (analysis, *_store(analysis, source_file=report.path, rows=rows))
            for analysis in analyses
        ]
        lost = _write(rows)
    for analysis, action, note in outcomes:
        if action in (Action.CREATED, Action.UPDATED) and lost:
            stored = rows.by_checksum.get(checksum(analysis.text))
            if id(stored) in lost:
                action, note = Action.DUPLICATE, "stored meanwhile by another import"
        film = analysis.match.film
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
                candidates=[candidate.as_dict() for candidate in analysis.match.candidates],
                status=analysis.status,
                action=action,
                note=note or analysis.language.note or analysis.match.reason,
            )
        )
    return report


# Set in each worker process of an import's pool (inherited by fork, never pickled).
_worker_matcher: FilmMatcher | None = None


def _start_worker(matcher: FilmMatcher) -> None:
    global _worker_matcher
    _worker_matcher = matcher
    # Linux: die with the import (even a SIGKILLed one) rather than finish a file first,
    # holding the inherited copy of its database connection open meanwhile.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def _analyse_in_worker(path: Path, encoding: str | None) -> _FileAnalysis:
    return analyse_file(path, matcher=_worker_matcher, encoding=encoding)


def _analyses(
    files: Sequence[Path], *, matcher: FilmMatcher, encoding: str | None, workers: int
) -> Iterator[Callable[[], _FileAnalysis] | None]:
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


_FILES_AHEAD_PER_WORKER = 4


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
            analysed = _analyses(files, matcher=matcher, encoding=encoding, workers=workers)
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


def rematch_synopses(*, synopses: Iterable[Synopsis], redetect: bool = True) -> int:
    """Re-run language detection and film matching on synopses no editor has decided; count them."""
    matcher = FilmMatcher.from_database()
    changed = 0
    for synopsis in synopses:
        if synopsis.review_status == ReviewStatus.REVIEWED:
            continue
        header = parse_header(synopsis.source_header) if synopsis.source_header else None
        language = (
            detect_language(synopsis.text)
            if redetect
            else LanguageGuess(
                synopsis.language, synopsis.language_confidence, synopsis.language_uncertain
            )
        )
        apply_analysis(
            synopsis, language=language, match=matcher.match(synopsis.text, header=header)
        )
        synopsis.save()
        changed += 1
    return changed
