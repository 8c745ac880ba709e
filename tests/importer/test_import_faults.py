"""Faults during imports: a process killed halfway, and two imports started at once.

These run the real command in subprocesses against the test database, so they need
a server both processes can reach: PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from films.models import Synopsis

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

# Unassigned synopses (no catalogued film) are never joined to their neighbours, so every
# block stays a synopsis of its own.
GERMAN = (
    "Folge {n}: Ein Bäcker aus Hamburg steht jeden Morgen um vier Uhr auf, backt Brot für das "
    "ganze Viertel und träumt davon, eines Tages ans Meer zu ziehen. Nummer {n}."
)


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def start_import(*paths: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_synopses", *map(str, paths), "--format", "json"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def write_blocks(path: Path, count: int, start: int = 0) -> Path:
    path.write_text("\n\n".join(GERMAN.format(n=n) for n in range(start, start + count)))
    return path


def test_an_import_killed_halfway_leaves_the_file_unwritten(tmp_path):
    small = write_blocks(tmp_path / "a_small.txt", 3)
    big = write_blocks(tmp_path / "b_big.txt", 300, start=1000)
    process = start_import(small, big)
    deadline = time.monotonic() + 120
    # Wait until the first file is committed: the second is then being analysed (outside any
    # transaction) or written in one transaction that holds the import lock.
    while time.monotonic() < deadline:
        if Synopsis.objects.count() >= 3:
            break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the import never reached the second file")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # The first file is whole; of the second, nothing at all.
    assert Synopsis.objects.filter(source_file__endswith="a_small.txt").count() == 3
    assert Synopsis.objects.filter(source_file__endswith="b_big.txt").count() == 0

    # A new run finishes the job without duplicating the first file.
    rerun = start_import(small, big)
    rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    assert Synopsis.objects.count() == 303


def test_two_imports_at_once_duplicate_nothing(tmp_path):
    files = [write_blocks(tmp_path / f"part{n}.txt", 40, start=n * 100) for n in range(3)]
    first, second = start_import(*files), start_import(*reversed(files))
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    assert Synopsis.objects.count() == 120
    assert Synopsis.objects.values("source_checksum").distinct().count() == 120
