"""Admin uploads: refused files store nothing; the real database worker imports the rest.

The worker is django-tasks-db's own (``import_worker --batch`` runs every queued task, then
returns), on the test database: no task queue is faked.
"""

import os

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from films.importer.uploads import (
    _FILE_LOCK_KEY,
    Upload,
    UploadError,
    create_batch,
    resume_interrupted,
    source_name,
)
from films.models import ImportBatch, ImportFile, ImportStatus, ReviewStatus, Synopsis

from ..factories import make_catalogue

pytestmark = pytest.mark.django_db(transaction=True)

DRAGO = (
    "Ivan Drago, the Soviet boxer, kills Apollo Creed in the ring. Rocky Balboa travels to "
    "Moscow for a fight on Christmas Day, trains in the snow and wins over the crowd."
)
GERMAN = (
    "Rocky Balboa kämpft in Moskau gegen Ivan Drago. Nach zwölf harten Runden gewinnt er "
    "den Kampf, und die Zuschauer jubeln dem Amerikaner zu."
)


def run_worker() -> None:
    call_command(
        "import_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


@pytest.fixture
def editor(django_user_model):
    make_catalogue()
    return django_user_model.objects.create_superuser("ed", "ed@example.org", "pw")


def test_an_upload_is_imported_by_the_worker_and_logged_on_the_synopsis(editor):
    batch = create_batch(
        uploads=[Upload("drago.txt", DRAGO.encode()), Upload("de.txt", GERMAN.encode("latin-1"))],
        encoding="latin-1",
        user=editor,
    )
    assert list(batch.files.values_list("status", flat=True)) == ["queued", "queued"]
    assert DBTaskResult.objects.count() == 1
    run_worker()
    files = list(batch.files.all())
    assert [f.status for f in files] == [ImportStatus.DONE, ImportStatus.DONE]
    german = Synopsis.objects.get(source_file="upload:de.txt")
    assert "kämpft" in german.text and german.language == "de"
    entry = files[1].report["synopses"][0]
    assert entry["id"] == german.pk and entry["action"] == "created"
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Synopsis), object_id=str(german.pk)
    )
    assert [log.get_change_message() for log in history] == [
        f"Imported from upload:de.txt, lines 1–1 (import #{batch.pk})."
    ]


@pytest.mark.parametrize(
    ("name", "data", "encoding", "message"),
    [
        ("bin.dat", b"\x00\x01\x02\x03 binary", None, "bin.dat: the file holds binary data"),
        ("l1.txt", GERMAN.encode("latin-1"), None, "l1.txt: not valid UTF-8"),
        ("l1.txt", GERMAN.encode("latin-1"), "utf-8", "l1.txt: cannot be decoded as utf-8"),
        ("empty.txt", b"", None, "empty.txt: the file is empty"),
        ("big.txt", b"a" * 2000, None, "big.txt: 2,000 bytes is more than the limit of 1,000"),
    ],
)
def test_a_refused_file_stores_nothing_of_the_upload(
    editor, settings, name, data, encoding, message
):
    settings.IMPORT_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(UploadError, match=message.replace("(", r"\(")):
        create_batch(
            uploads=[Upload("fine.txt", DRAGO.encode()), Upload(name, data)],
            encoding=encoding,
            user=editor,
        )
    assert not ImportBatch.objects.exists() and not ImportFile.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_too_many_files_are_refused(editor, settings):
    settings.IMPORT_UPLOAD_MAX_FILES = 2
    uploads = [Upload(f"{n}.txt", DRAGO.encode()) for n in range(3)]
    with pytest.raises(UploadError, match="At most 2 files"):
        create_batch(uploads=uploads, encoding=None, user=editor)


def test_source_name_keeps_only_the_file_name():
    assert source_name("C:\\Users\\ed\\rocky.txt") == "upload:rocky.txt"
    assert source_name("../../etc/passwd") == "upload:passwd"


def test_two_uploads_at_once_import_both_without_duplicates(editor):
    first = create_batch(uploads=[Upload("a.txt", DRAGO.encode())], encoding=None, user=editor)
    second = create_batch(uploads=[Upload("b.txt", DRAGO.encode())], encoding=None, user=editor)
    run_worker()
    assert Synopsis.objects.filter(source_checksum__isnull=False, text=DRAGO).count() == 1
    actions = [batch.files.get().report["synopses"][0]["action"] for batch in (first, second)]
    assert actions == ["created", "duplicate"]


def test_a_reupload_shows_the_diff_and_offers_it_beside_an_editors_version(editor):
    create_batch(uploads=[Upload("drago.txt", DRAGO.encode())], encoding=None, user=editor)
    run_worker()
    changed = DRAGO.replace("Christmas Day", "New Year's Eve")
    batch = create_batch(
        uploads=[Upload("drago.txt", changed.encode())], encoding=None, user=editor
    )
    run_worker()
    entry = batch.files.get().report["synopses"][0]
    assert entry["action"] == "updated"
    assert entry["previous_text"] == DRAGO and entry["text"] == changed

    synopsis = Synopsis.objects.get(source_file="upload:drago.txt")
    synopsis.is_edited = True
    synopsis.text = changed + " Edited."
    synopsis.save()
    again = changed.replace("snow", "Siberian snow")
    batch = create_batch(uploads=[Upload("drago.txt", again.encode())], encoding=None, user=editor)
    run_worker()
    entry = batch.files.get().report["synopses"][0]
    assert entry["action"] == "kept"
    synopsis.refresh_from_db()
    assert synopsis.text == changed + " Edited."  # the editor's version stands
    assert synopsis.proposed_text == again
    assert entry["previous_text"] == changed + " Edited." and entry["text"] == again


def test_a_file_whose_worker_died_is_retried_then_failed(editor, settings):
    settings.IMPORT_MAX_ATTEMPTS = 2
    batch = create_batch(uploads=[Upload("drago.txt", DRAGO.encode())], encoding=None, user=editor)
    DBTaskResult.objects.all().delete()
    # As a worker killed mid-file leaves it: claimed by a process that no longer exists,
    # its transaction (synopses and status) never committed.
    dead = f"{os.uname().nodename}:{2**22 + 17}"
    batch.files.update(status=ImportStatus.RUNNING, attempts=1, worker=dead)
    if os.path.exists(f"/proc/{2**22 + 17}"):
        pytest.skip("the made-up process id exists")
    assert [f.name for f in resume_interrupted()] == ["drago.txt"]
    assert batch.files.get().status == ImportStatus.QUEUED
    run_worker()
    file = batch.files.get()
    assert file.status == ImportStatus.DONE and file.attempts == 2
    assert Synopsis.objects.filter(source_file="upload:drago.txt").count() == 1

    batch.files.update(status=ImportStatus.RUNNING, attempts=2, worker=dead)
    resume_interrupted()
    file = batch.files.get()
    assert file.status == ImportStatus.FAILED
    assert "the worker stopped 2 times" in file.error


def test_a_live_workers_file_is_left_alone(editor):
    batch = create_batch(uploads=[Upload("drago.txt", DRAGO.encode())], encoding=None, user=editor)
    # Process 1 is alive (SQLite's check); on PostgreSQL a live worker's session holds the
    # file's advisory lock, as this second connection does.
    batch.files.update(status=ImportStatus.RUNNING, attempts=1, worker=f"{os.uname().nodename}:1")
    file = batch.files.get()
    other = connections.create_connection("default")
    try:
        if connection.vendor == "postgresql":
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_FILE_LOCK_KEY, file.pk])
        assert resume_interrupted() == []
    finally:
        other.close()
    assert batch.files.get().status == ImportStatus.RUNNING


def test_pending_synopses_of_an_upload_go_to_the_queue(editor):
    text = "A boxer trains hard and fights a champion in a faraway city at night."
    batch = create_batch(uploads=[Upload("vague.txt", text.encode())], encoding=None, user=editor)
    run_worker()
    entry = batch.files.get().report["synopses"][0]
    assert entry["status"] == ReviewStatus.PENDING
    assert Synopsis.objects.in_review_queue().filter(pk=entry["id"]).exists()
