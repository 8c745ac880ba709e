"""A worker killed mid-file (SIGKILL, PostgreSQL) leaves nothing of the file; a new one retries it.

The real ``manage.py import_worker`` runs in a process of its own against the test database.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from films.importer.uploads import _FILE_LOCK_KEY, Upload, create_batch
from films.models import ImportStatus, Synopsis

from ..factories import make_catalogue

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
# Enough that a kill a second into the file lands mid-file (analysis first, then one write).
SYNOPSES = 2000


def big_file() -> bytes:
    paragraphs = [
        f"Chapter {n}: a boxer number {n} trains at dawn in district {n * 7} and fights a "
        f"rival called Contender {n} before a crowd of {n * 13} people in the old arena."
        for n in range(1, SYNOPSES + 1)
    ]
    return "\n\n".join(paragraphs).encode()


def worker_env() -> dict[str, str]:
    db = connection.settings_dict
    where = f"{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{where}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_IMPORT_WORKERS": "1"}


def start_worker(*args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_worker", "--no-reload", "--no-startup-delay", *args],
        cwd=BASE_DIR,
        env=worker_env(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def lock_is_free(file_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_FILE_LOCK_KEY, file_id])
        if cursor.fetchone()[0]:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_FILE_LOCK_KEY, file_id])
            return True
    return False


def test_a_killed_worker_leaves_no_half_written_file_and_a_clean_retry(tmp_path, django_user_model):
    make_catalogue()
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw")
    batch = create_batch(uploads=[Upload("big.txt", big_file())], encoding=None, user=editor)
    file = batch.files.get()
    log = tmp_path / "worker.log"

    first = start_worker("--interval", "0.1", log=log)
    try:
        running = wait_for(
            lambda: batch.files.filter(status=ImportStatus.RUNNING).exists(), timeout=60
        )
        assert running, log.read_text()
        time.sleep(1.0)  # well into the file's analysis and writes
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)

    file.refresh_from_db()
    assert file.status == ImportStatus.RUNNING and file.attempts == 1, "killed too late"
    assert not Synopsis.objects.filter(source_file="upload:big.txt").exists()
    print(f"killed mid-file: status {file.status}, attempt {file.attempts}, 0 synopses stored")
    # PostgreSQL ends the dead worker's session and releases its lock on the file.
    assert wait_for(lambda: lock_is_free(file.pk), timeout=30)

    second = start_worker("--batch", log=log)
    assert second.wait(timeout=300) == 0, log.read_text()
    file.refresh_from_db()
    assert file.status == ImportStatus.DONE and file.attempts == 2
    stored = Synopsis.objects.filter(source_file="upload:big.txt")
    assert stored.count() == len(file.report["synopses"]) > 0
    assert {s["action"] for s in file.report["synopses"]} == {"created"}
    assert "its worker died mid-file" in log.read_text()
    print(f"retry: status {file.status}, attempt {file.attempts}, {stored.count()} synopses stored")


def test_two_workers_import_two_uploads_at_once_without_duplicates(tmp_path, django_user_model):
    make_catalogue()
    editor = django_user_model.objects.create_superuser("ed", "ed@example.org", "pw")
    same = big_file()
    batches = [
        create_batch(uploads=[Upload(name, same)], encoding=None, user=editor)
        for name in ("first.txt", "second.txt")
    ]
    log = tmp_path / "workers.log"
    workers = [start_worker("--batch", log=log) for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, log.read_text()
    reports = [batch.files.get().report["synopses"] for batch in batches]
    actions = sorted(sorted({entry["action"] for entry in report}) for report in reports)
    # One upload's synopses were stored; the other's found them stored, whichever ran first.
    assert actions == [["created"], ["duplicate"]]
    assert Synopsis.objects.filter(source_file__startswith="upload:").count() == len(reports[0])
    print(f"two workers: {len(reports[0])} synopses stored once; the other upload's all duplicates")
