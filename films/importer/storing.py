"""Writing one file's synopses: the rows it may touch, what becomes of each, one bulk write.

An editor's version is never overwritten (``importer_may_overwrite`` in films/review.py).
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..caching import bump_generation
from ..models import Synopsis
from ..review import apply_analysis, importer_may_overwrite
from ..search.analysis import search_columns
from .analysis import SynopsisAnalysis
from .report import Action

_LOOKUP_BATCH = 500
_WRITE_BATCH = 500
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
    "updated_at",
)


def checksum(text: str) -> str:
    """SHA-256 of a synopsis's text: what identifies it across imports."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FileRows:
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
        # An editor's synopsis whose source text changed: the new text is offered beside it.
        self.proposed: list[Synopsis] = []
        # By new checksum: the text a changed synopsis had before, for the report's diff.
        self.previous_text: dict[str, str] = {}
        # Checksum → first line of each text this import of the file has seen: a repeat
        # within the file is a duplicate, not an update of the row just written.
        self.seen: dict[str, int] = {}

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


def store(analysis: SynopsisAnalysis, *, source_file: str, rows: FileRows) -> tuple[str, str]:
    """Create or refresh the synopsis in ``rows`` (written later); return (action, note)."""
    digest = checksum(analysis.text)
    if (first_line := rows.seen.get(digest)) is not None:
        return Action.DUPLICATE, f"same text as line {first_line} of this file"
    rows.seen[digest] = analysis.first_line
    existing = rows.by_checksum.get(digest)
    if existing is None:
        existing = rows.at_place(analysis.first_line)
        if existing is not None and not importer_may_overwrite(existing):
            rows.previous_text[digest] = existing.text
            if existing.proposed_checksum != digest:
                existing.proposed_text, existing.proposed_checksum = analysis.text, digest
                rows.proposed.append(existing)
            return (
                Action.KEPT,
                "the source changed; an editor's version is kept, the new text offered",
            )
    elif existing.source_file != source_file:
        return Action.DUPLICATE, f"same text as {existing.source_file}:{existing.source_first_line}"
    if existing is not None and not importer_may_overwrite(existing):
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
        if not same_text:
            rows.previous_text[digest] = existing.text
    synopsis.text = analysis.text
    synopsis.source_file = source_file
    synopsis.source_checksum = digest
    synopsis.source_header = analysis.header.line if analysis.header else ""
    apply_analysis(synopsis=synopsis, language=analysis.language, match=analysis.match)
    if existing is not None:
        after = {name: getattr(synopsis, name) for name in _ANALYSED_FIELDS}
        if before == after and same_place and same_text:
            return Action.UNCHANGED, ""
    synopsis.source_first_line = analysis.first_line
    synopsis.source_last_line = analysis.last_line
    search = analysis.search or search_columns(text=synopsis.text, language=synopsis.language)
    synopsis.search_config = search.search_config
    synopsis.search_text = search.search_text
    rows.stored(synopsis, old_checksum=old_checksum, old_first_line=old_first_line)
    return (Action.UPDATED if existing else Action.CREATED), ""


def write(rows: FileRows) -> set[int]:
    """Write the new and changed synopses noted since the last write; return id() of those
    another import stored first.

    One bulk insert and one bulk update; should another import have stored the same
    text in the meantime (the advisory lock makes that rare), row by row instead.
    """
    try:
        return _write(rows)
    finally:
        # Written (or lost): the next batch of the file starts with nothing pending.
        rows.created, rows.updated = [], {}


def _write(rows: FileRows) -> set[int]:
    now = timezone.now()
    for synopsis in (*rows.created, *rows.updated.values()):
        synopsis.updated_at = now
    try:
        with transaction.atomic():
            Synopsis.objects.bulk_create(rows.created, batch_size=_WRITE_BATCH)
            Synopsis.objects.bulk_update(
                list(rows.updated.values()), _STORED_FIELDS, batch_size=_WRITE_BATCH
            )
            Synopsis.objects.bulk_update(rows.proposed, ["proposed_text", "proposed_checksum"])
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
