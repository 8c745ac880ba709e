"""Throughput and latency on the project's own gunicorn: /healthz and the pages, cached and not.

The targets hold cached pages to the throughput of /healthz on the same server and their p99
to a few times their p50 (docs/performance.md), which the test client cannot show: this
starts ``gunicorn --config python:catalogue.gunicorn`` on a free loopback port against this
run's database (DEBUG off, static files collected into a temporary folder), drives each URL
with a few concurrent clients for a fixed time and reports requests per second, its ratio to
/healthz measured in the same run, and p50/p95/p99 latency. "cached" is what a repeat
visitor gets; "uncached" sends X-Page-Cache-Bypass (honoured because this server is started
with DJANGO_PAGE_CACHE_BYPASS=1), so every request renders the page.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from films.pagecache import BYPASS_HEADER

from .timing import Timing, ratio

START_TIMEOUT_SECONDS = 60


@dataclass
class Drive:
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: int = 0

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def as_dict(self, baseline: float) -> dict:
        """Requests/s (and its ratio to /healthz's), latency percentiles, and p99 over p50."""
        timing = Timing(self.latencies_ms)
        measured = bool(self.latencies_ms)
        return {
            "requests": len(self.latencies_ms),
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": round(timing.p50, 2) if measured else None,
            "p95_ms": round(timing.p95, 2) if measured else None,
            "p99_ms": round(timing.p99, 2) if measured else None,
            "p99_to_p50": ratio(timing.p99, timing.p50),
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
            "failures": self.failures,
            "ratio_to_healthz": ratio(self.per_second, baseline, 3),
        }


def database_url() -> str | None:
    """This connection's database as a DATABASE_URL, or None for an in-memory SQLite one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if "memory" in name:
            return None
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{quote(db['NAME'], safe='')}"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str], timeout: float = 30) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a server started with start_new_session=True, and everything it started."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def gunicorn(url: str, *, workers: int):
    """Run the project's gunicorn against ``url``; yield its port; stop it afterwards."""
    base_dir = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory(prefix="catalogue-bench-") as folder:
        port = _free_port()
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        if os.environ.get("DJANGO_CACHE_URL"):
            # The shared page cache (Redis) production runs with, when the run names one.
            env["DJANGO_CACHE_URL"] = os.environ["DJANGO_CACHE_URL"]
        env.update(
            DATABASE_URL=url,
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
            DJANGO_HTTPS="0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_STATIC_ROOT=str(Path(folder) / "static"),
            DJANGO_PAGE_CACHE_BYPASS="1",
            DJANGO_LOG_LEVEL="WARNING",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_LOG_LEVEL="warning",
            WEB_CONCURRENCY=str(workers),
        )
        manage = [sys.executable, str(base_dir / "manage.py")]
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=base_dir,
            env=env,
            check=True,
            capture_output=True,
        )
        log = open(Path(folder) / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:catalogue.gunicorn"],
            cwd=base_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while True:
                try:
                    if _get(port, "/healthz", {}, timeout=2) == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    log.flush()
                    raise RuntimeError(
                        "gunicorn did not start:\n" + (Path(folder) / "gunicorn.log").read_text()
                    )
                time.sleep(0.2)
            yield port
        finally:
            stop_process_group(process)
            log.close()


def drive(port: int, path: str, *, seconds: float, clients: int, headers: dict) -> Drive:
    """GET ``path`` from ``clients`` threads, one connection per request, for ``seconds``."""
    result = Drive(seconds=seconds)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status = _get(port, path, headers)
            except OSError:
                with lock:
                    result.failures += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                result.latencies_ms.append(elapsed)
                result.statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def measure_server(
    urls: dict[str, str], *, seconds: float, clients: int = 4, workers: int | None = None
) -> dict:
    """Requests per second of /healthz and each page, cached and uncached, on one gunicorn."""
    url = database_url()
    if url is None:
        return {"available": False, "note": "in-memory SQLite database: no server can reach it"}
    workers = workers or os.cpu_count() or 1
    plain = {"Host": "127.0.0.1"}
    with gunicorn(url, workers=workers) as port:
        # Warm every worker's caches (per process: the language totals scan every synopsis),
        # concurrently so that each worker gets some of the requests.
        for path in urls.values():
            drive(port, path, seconds=min(seconds, 1.0), clients=clients, headers=plain)
        healthz = drive(port, "/healthz", seconds=seconds, clients=clients, headers=plain)
        baseline = healthz.per_second
        pages = {}
        for name, path in urls.items():
            pages[name] = {"url": path}
            for mode, headers in (("cached", plain), ("uncached", {**plain, BYPASS_HEADER: "1"})):
                figures = drive(port, path, seconds=seconds, clients=clients, headers=headers)
                pages[name][mode] = figures.as_dict(baseline)
    return {
        "available": True,
        "workers": workers,
        "clients": clients,
        "seconds_per_url": seconds,
        "page_cache": "redis" if os.environ.get("DJANGO_CACHE_URL") else "local memory per worker",
        "healthz": healthz.as_dict(baseline),
        "pages": pages,
    }
