"""Admin uploads: files checked and stored whole on arrival, imported later by a background worker.

An upload is refused, with nothing stored, when a file is too large, binary or not in the
chosen encoding. The worker (``manage.py import_worker``: django-tasks' database worker) runs
:func:`import_batch`, which imports each file in one transaction
with its status, so a worker killed mid-file leaves the file queued-as-running and nothing
of it written; :func:`resume_interrupted` gives it back to the queue or, after
``IMPORT_MAX_ATTEMPTS``, marks it failed (docs/editors.md).
"""

import os
import socket
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from ..models import ImportBatch, ImportFile, ImportStatus, Synopsis
from .analysis import analyse_text
from .matching import FilmMatcher
from .reading import SourceError, check_encoding, decode_source
from .report import Action
from .services import import_file

# The prefix of an uploaded file's stored source name: re-uploading a file of the same name
# updates (or offers changes to) the synopses its first upload created.
UPLOAD_PREFIX = "upload:"
# pg_try_advisory_lock(key, file id): held by the worker importing a file, for as long as its
# connection lives; free while the file is "running" means its worker died.
_FILE_LOCK_KEY = 0x46494C45


class UploadError(Exception):
    """An upload that is refused; the message names the file and the reason, for an editor."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def source_name(file_name: str) -> str:
    return UPLOAD_PREFIX + PurePath(file_name.replace("\\", "/")).name


def check_size(name: str, size: int) -> None:
    """Refuse a file larger than ``IMPORT_UPLOAD_MAX_BYTES`` (UploadError)."""
    limit = settings.IMPORT_UPLOAD_MAX_BYTES
    if size > limit:
        raise UploadError(f"{name}: {size:,} bytes is more than the limit of {limit:,} bytes")


def decode_upload(upload: Upload, *, encoding: str | None) -> str:
    """The file's text (UTF-8, else ``encoding``), or UploadError saying why it is refused."""
    check_size(upload.name, len(upload.data))
    if encoding:
        # A file that is valid UTF-8 is UTF-8 (text in a legacy encoding almost never is), so
        # one upload may mix UTF-8 files with files in the encoding the editor chose.
        try:
            return decode_source(upload.data)
        except SourceError:
            pass
    try:
        return decode_source(upload.data, encoding=encoding)
    except SourceError as error:
        hint = "" if encoding else " (choose its encoding, e.g. Latin-1, in the list)"
        raise UploadError(f"{upload.name}: {error}{hint}") from error


def create_batch(*, uploads: list[Upload], encoding: str | None, user) -> ImportBatch:
    """Check every file, store them all (or none) and queue their import for the worker."""
    if not uploads:
        raise UploadError("Choose at least one file.")
    if len(uploads) > settings.IMPORT_UPLOAD_MAX_FILES:
        raise UploadError(f"At most {settings.IMPORT_UPLOAD_MAX_FILES} files at a time.")
    encoding = encoding or None  # the form's "" is UTF-8
    if encoding:
        try:
            encoding = check_encoding(encoding)
        except SourceError as error:
            raise UploadError(str(error)) from error
    texts = [decode_upload(upload, encoding=encoding) for upload in uploads]
    with transaction.atomic():
        batch = ImportBatch.objects.create(created_by=user, encoding=encoding or "")
        ImportFile.objects.bulk_create(
            ImportFile(
                batch=batch,
                position=position,
                name=PurePath(upload.name.replace("\\", "/")).name,
                source_file=source_name(upload.name),
                text=text,
                size=len(upload.data),
            )
            for position, (upload, text) in enumerate(zip(uploads, texts, strict=True), 1)
        )
        transaction.on_commit(lambda: import_batch.enqueue(batch.pk))
    return batch


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _lock_file(file_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_FILE_LOCK_KEY, file_id])
        return cursor.fetchone()[0]


def _unlock_file(file_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_FILE_LOCK_KEY, file_id])


def _claim(file: ImportFile) -> bool:
    """Mark the file running under this worker; False if another worker took it first."""
    claimed = ImportFile.objects.filter(pk=file.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, attempts=F("attempts") + 1, worker=_worker_name()
    )
    return claimed == 1


@task()
def import_batch(batch_id: int) -> int:
    """The background task of an upload: import its files (a worker runs it)."""
    return run_batch(batch_id=batch_id)


def run_batch(*, batch_id: int) -> int:
    """Import the batch's queued files in order, each in one transaction; return how many."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    matcher = FilmMatcher.from_database()
    imported = 0
    for file in batch.files.filter(status=ImportStatus.QUEUED).order_by("position"):
        if not _lock_file(file.pk):
            continue  # another worker holds it
        try:
            if not _claim(file):
                continue
            _import_one(file, batch=batch, matcher=matcher)
            imported += 1
        finally:
            _unlock_file(file.pk)
    return imported


def _import_one(file: ImportFile, *, batch: ImportBatch, matcher: FilmMatcher) -> None:
    # The synopses, the file's status and its history entries commit together or not at all.
    with transaction.atomic():
        report = import_file(
            Path(file.source_file),
            matcher=matcher,
            analysed=lambda: analyse_text(file.text, matcher=matcher),
            source_file=file.source_file,
        )
        data = report.as_dict()
        ids = dict(
            Synopsis.objects.filter(
                source_checksum__in=[s.checksum for s in report.synopses]
            ).values_list("source_checksum", "pk")
        )
        for entry in data["synopses"]:
            entry["id"] = ids.get(entry["checksum"])
        if batch.created_by_id:
            _log_history(data, file=file, batch=batch)
        file.status = ImportStatus.FAILED if report.status == "failed" else ImportStatus.DONE
        file.error = report.error
        file.report = data
        file.finished_at = timezone.now()
        file.save(update_fields=["status", "error", "report", "finished_at"])


def _log_history(data: dict, *, file: ImportFile, batch: ImportBatch) -> None:
    """Write what the import did to each synopsis's history, as the editor who uploaded it."""
    content_type = ContentType.objects.get_for_model(Synopsis)
    messages = {
        Action.CREATED: (ADDITION, "Imported from {source}, lines {lines} (import #{batch})."),
        Action.UPDATED: (CHANGE, "Updated by the import of {source} (import #{batch})."),
        Action.KEPT: (CHANGE, "The import of {source} (import #{batch}) offered a new text."),
    }
    entries = []
    for entry in data["synopses"]:
        flag_message = messages.get(entry["action"])
        if flag_message is None or entry["id"] is None:
            continue
        if entry["action"] == Action.KEPT and not entry["previous_text"]:
            continue
        flag, message = flag_message
        lines = "–".join(str(line) for line in entry["lines"])
        entries.append(
            LogEntry(
                user_id=batch.created_by_id,
                content_type=content_type,
                object_id=str(entry["id"]),
                object_repr=f"{file.source_file}:{lines}"[:200],
                action_flag=flag,
                change_message=message.format(source=file.source_file, lines=lines, batch=batch.pk),
            )
        )
    LogEntry.objects.bulk_create(entries)


def _worker_alive(file: ImportFile) -> bool:
    if connection.vendor == "postgresql":
        # Its worker's session still holds the file's lock.
        if _lock_file(file.pk):
            _unlock_file(file.pk)
            return False
        return True
    host, _, pid = file.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's worker: SQLite is one machine's database anyway
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def resume_interrupted() -> list[ImportFile]:
    """Give files whose worker died mid-file back to the queue, or fail them after too many tries.

    Nothing of such a file was written (its transaction never committed). Returns the files
    it changed.
    """
    changed = []
    for file in ImportFile.objects.filter(status=ImportStatus.RUNNING).order_by("pk"):
        if _worker_alive(file):
            continue
        if file.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            updates = {
                "status": ImportStatus.FAILED,
                "finished_at": timezone.now(),
                "error": f"the worker stopped {file.attempts} times while importing this file; "
                "nothing of it was stored",
            }
        else:
            updates = {"status": ImportStatus.QUEUED}
        if ImportFile.objects.filter(pk=file.pk, status=ImportStatus.RUNNING).update(**updates):
            changed.append(file)
            if updates["status"] == ImportStatus.QUEUED:
                batch_id = file.batch_id
                transaction.on_commit(lambda batch_id=batch_id: import_batch.enqueue(batch_id))
    return changed
