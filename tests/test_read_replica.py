"""Read replicas against a real streaming replica: `make serve` on a primary and a hot standby.

The test owns both clusters: a throwaway primary and a standby made from it with
`pg_basebackup -R`, each on its own port. Pausing the standby's WAL replay makes a change
visible on the primary only, which tells, from outside, which database served a page:
visitors see the standby's copy, the editor who saved sees the primary's. Stopping the standby
shows the site answering from the primary, and starting it again shows reads coming back.
Figures (replication lag, time to fall back) are printed for docs/scaling.md (`pytest -s`).
"""

import http.cookiejar
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import psycopg
import pytest

from tests.servers import (
    BASE_DIR,
    SERVES_ON_TEMPORARY_POSTGRES,
    TemporaryPostgres,
    get,
    make_serve,
    production_env,
    wait_until,
)

pytestmark = SERVES_ON_TEMPORARY_POSTGRES

RETRY_SECONDS = 3
WORKERS = 2
EDITOR, PASSWORD = "editor", "replica-test-password-7"


class FormFields(HTMLParser):
    """The name and value of every input of a page (the admin's form, its CSRF token)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") and attributes.get("type") != "submit":
            self.fields[attributes["name"]] = attributes.get("value") or ""


class Editor:
    """A browser with a cookie jar: logs in to the admin and keeps its session cookie."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, path: str, **values: str) -> int:
        """GET the form at ``path``, fill ``values`` in and POST it; return the status."""
        status, page = self.request(path)
        assert status == 200, (path, status)
        form = FormFields()
        form.feed(page)
        return self.request(path, {**form.fields, **values})[0]

    def log_in(self) -> None:
        status = self.submit("/admin/login/?next=/admin/", username=EDITOR, password=PASSWORD)
        assert status == 302, "the editor could not log in"
        assert any(cookie.name == "sessionid" for cookie in self.jar)

    def add_franchise(self, name: str) -> None:
        slug = name.lower().replace(" ", "-")
        status = self.submit("/admin/films/franchise/add/", name=name, slug=slug, _save="Save")
        assert status == 302, f"saving franchise {name!r} answered {status}"


def sql(cluster: TemporaryPostgres, query: str, *params):
    with psycopg.connect(cluster.url, autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchone() if cursor.description else None


def franchise_on(cluster: TemporaryPostgres, name: str) -> bool:
    return sql(cluster, "SELECT count(*) FROM films_franchise WHERE name = %s", name)[0] == 1


def pause_replay(standby: TemporaryPostgres) -> None:
    sql(standby, "SELECT pg_wal_replay_pause()")
    paused = "SELECT pg_get_wal_replay_pause_state() = 'paused'"
    assert wait_until(lambda: sql(standby, paused)[0], timeout=10, interval=0.05)


def caught_up(primary: TemporaryPostgres, standby: TemporaryPostgres) -> bool:
    (lsn,) = sql(primary, "SELECT pg_current_wal_lsn()::text")
    return sql(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn)[0]


def visitor_sees(base_url: str, name: str, *, times: int = 2 * WORKERS, timings=None):
    """GET the franchise list as a cookieless visitor ``times`` times; True where it names ``name``.

    ``timings``, a list, receives each request's milliseconds.
    """
    seen = []
    for _ in range(times):
        started = time.perf_counter()
        status, _headers, body = get(f"{base_url}/en/franchises/")
        if timings is not None:
            timings.append((time.perf_counter() - started) * 1000)
        assert status == 200
        seen.append(name.encode() in body)
    return seen


def replication_lag_ms(primary: TemporaryPostgres, standby: TemporaryPostgres, commits: int):
    """Commit on the primary, then time until the standby has replayed that commit."""
    sql(primary, "CREATE TABLE IF NOT EXISTS lag_probe (id serial PRIMARY KEY)")
    lags = []
    with (
        psycopg.connect(primary.url, autocommit=True) as writer,
        psycopg.connect(standby.url, autocommit=True) as reader,
    ):
        for _ in range(commits):
            writer.execute("INSERT INTO lag_probe DEFAULT VALUES")
            started = time.perf_counter()  # committed
            (lsn,) = writer.execute("SELECT pg_current_wal_lsn()::text").fetchone()
            replayed = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
            while not reader.execute(replayed, (lsn,)).fetchone()[0]:
                time.sleep(0.0005)
            lags.append((time.perf_counter() - started) * 1000)
    return lags


@pytest.fixture
def clusters():
    primary, standby = TemporaryPostgres(), TemporaryPostgres()
    try:
        primary.init()
        primary.start()
        standby.replicate(primary)
        standby.start()
        yield primary, standby
    finally:
        standby.destroy()
        primary.destroy()


def test_public_reads_on_the_replica_editors_and_writes_on_the_primary(clusters, tmp_path):
    primary, standby = clusters
    assert sql(standby, "SELECT pg_is_in_recovery()")[0], "the standby is not a hot standby"
    env = production_env(
        tmp_path,
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URLS=standby.url,
        DJANGO_REPLICA_RETRY_SECONDS=str(RETRY_SECONDS),
        WEB_CONCURRENCY=str(WORKERS),
    )
    log_path = tmp_path / "serve.log"
    with make_serve(env, log_path) as base_url:
        subprocess.run(
            [sys.executable, "manage.py", "createsuperuser", "--noinput",
             "--username", EDITOR, "--email", "editor@example.com"],
            cwd=BASE_DIR, env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        assert wait_until(lambda: caught_up(primary, standby), timeout=10)
        lags = replication_lag_ms(primary, standby, commits=50)
        print(
            f"\nreplication lag, commit on the primary to replayed on the standby, 50 commits: "
            f"p50 {statistics.median(lags):.2f} ms, max {max(lags):.2f} ms"
        )

        # The standby stops replaying: what is saved from now on exists on the primary only.
        pause_replay(standby)
        editor = Editor(base_url)
        editor.log_in()  # the session is written to, and read back from, the primary
        editor.add_franchise("Primary Only")  # a write the standby would refuse
        assert franchise_on(primary, "Primary Only")
        assert not franchise_on(standby, "Primary Only")

        # The admin reads the primary, and so does the editor on the public site.
        assert "Primary Only" in editor.request("/admin/films/franchise/")[1]
        status, page = editor.request("/en/franchises/")
        assert status == 200
        assert "Primary Only" in page, "the editor did not see their own save"
        # A visitor's page comes from the standby, which has not replayed the save.
        assert not any(visitor_sees(base_url, "Primary Only")), (
            "a visitor's read was served by the primary, not the replica"
        )
        assert get(f"{base_url}/en/franchises/primary-only/")[0] == 404

        sql(standby, "SELECT pg_wal_replay_resume()")
        resumed = time.perf_counter()
        assert wait_until(lambda: all(visitor_sees(base_url, "Primary Only")), timeout=10)
        caught = time.perf_counter() - resumed
        print(f"replay resumed to every visitor seeing the save: {caught:.3f} s")

        # The standby goes away, behind a change it has not replayed: visitors still get pages,
        # from the primary (they show the change), and the failure is remembered.
        pause_replay(standby)
        editor.add_franchise("While Down")
        on_replica: list[float] = []
        assert not any(visitor_sees(base_url, "While Down", times=8, timings=on_replica))
        standby.stop()
        timings: list[float] = []
        started = time.perf_counter()
        seen = visitor_sees(base_url, "While Down", times=8, timings=timings)
        elapsed = time.perf_counter() - started
        assert all(seen), "with the replica down, the page did not come from the primary"
        assert get(f"{base_url}/healthz")[0] == 200
        attempts = log_path.read_text().count("read replica replica1 unavailable")
        # One failed connect per worker, then the memo: not one per request.
        assert 1 <= attempts <= WORKERS * (1 + int(elapsed / RETRY_SECONDS)), attempts
        print(
            f"visitors' page from the replica: p50 {statistics.median(on_replica):.1f} ms; "
            f"replica stopped: first request {timings[0]:.1f} ms, the next {len(timings) - 1} "
            f"p50 {statistics.median(timings[1:]):.1f} ms / max {max(timings[1:]):.1f} ms; "
            f"{attempts} connect attempts over {elapsed:.2f} s"
        )

        # The standby comes back and catches up; once the memo expires, visitors read it again.
        standby.start()
        assert wait_until(lambda: caught_up(primary, standby), timeout=20)
        pause_replay(standby)
        editor.add_franchise("After Return")
        time.sleep(RETRY_SECONDS + 0.5)
        assert not any(visitor_sees(base_url, "After Return")), (
            "visitors did not go back to the replica once it answered again"
        )
        assert "After Return" in editor.request("/en/franchises/")[1]
        sql(standby, "SELECT pg_wal_replay_resume()")
