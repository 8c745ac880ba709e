"""The production server rides out a database outage: 503 while it is down, 200 once it is back.

The test owns its PostgreSQL: a throwaway cluster on its own port, started, stopped and started
again, so the shared development server is never touched.
"""

import subprocess
import sys

import pytest

from tests.servers import (
    BASE_DIR,
    SERVES_ON_TEMPORARY_POSTGRES,
    TemporaryPostgres,
    free_port,
    get,
    make_serve,
    production_env,
    wait_until,
)

pytestmark = SERVES_ON_TEMPORARY_POSTGRES

# A session cookie makes the admin read the session table: a page that needs the database.
DATABASE_PAGE = ("/admin/", {"Cookie": "sessionid=does-not-exist"})
PUBLIC_PAGES = ["/", "/films/", "/films/rocky/", "/api/films/"]


@pytest.fixture
def postgres():
    cluster = TemporaryPostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


def test_outage_gives_503_and_service_resumes_by_itself(postgres, tmp_path):
    # Every public page reads the generation, so each one meets the outage at once (with the
    # default 1 s, a worker may serve its cached pages for up to a second of an outage).
    env = production_env(
        tmp_path,
        DATABASE_URL=postgres.url,
        DJANGO_CONN_MAX_AGE="60",
        DJANGO_PAGE_GENERATION_SECONDS="0",
    )
    log_path = tmp_path / "serve.log"
    with make_serve(env, log_path) as base_url:
        path, headers = DATABASE_PAGE
        assert get(base_url + path, headers)[0] == 302  # to the login page
        before = {page: get(base_url + page)[0] for page in PUBLIC_PAGES}
        assert all(status < 500 for status in before.values()), before
        # Again, so that each worker keeps its copy of the pages (films/pagecache.py
        # CachedPageMiddleware): an outage must reach those as well.
        for _ in range(3):
            assert {page: get(base_url + page)[0] for page in PUBLIC_PAGES} == before

        postgres.stop()

        status, _, body = get(f"{base_url}/healthz")
        assert (status, body) == (503, b"database unavailable\n")
        for _ in range(4):  # every worker, whatever connection it held
            status, response_headers, body = get(base_url + path, headers)
            assert status == 503
            assert response_headers["Retry-After"] == "30"
            assert b"briefly unavailable" in body
            assert b"Traceback" not in body
            assert b"OperationalError" not in body
        for page, status_before in before.items():
            # Pages that read the database say 503, even the 404 of an unknown film;
            # a plain redirect ("/" → "/films/") needs no database and still answers.
            expected = status_before if status_before in (301, 302) else 503
            for _ in range(2):  # both workers
                assert get(base_url + page)[0] == expected, (page, status_before)
        # One line per 503 in the log, with the reason and no traceback.
        log = log_path.read_text()
        lines = [line for line in log.splitlines() if "status=503" in line]
        assert any(
            "path=/admin/" in line and 'reason="database unavailable' in line for line in lines
        )
        assert "Traceback" not in log

        postgres.start()

        assert wait_until(lambda: get(f"{base_url}/healthz")[0] == 200, timeout=10)
        for _ in range(10):
            assert get(base_url + path, headers)[0] == 302
        for page, status_before in before.items():
            assert get(base_url + page)[0] == status_before, page


def test_unreachable_database_at_start_is_503_not_a_crash(tmp_path, postgres):
    postgres.stop()
    # Migrations cannot run without the database, so serve the app without `make serve`.
    port = free_port()
    env = production_env(tmp_path, DATABASE_URL=postgres.url)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:catalogue.gunicorn",
         "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base_url = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: get(f"{base_url}/healthz")[0] == 503, timeout=30)
        assert get(base_url + DATABASE_PAGE[0], DATABASE_PAGE[1])[0] == 503
    finally:
        process.terminate()
        process.wait(timeout=30)
