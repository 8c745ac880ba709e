"""Real servers for tests: the production command (`make serve`) and a throwaway PostgreSQL."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmark.server import stop_process_group

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")

# The marks of a test that serves the site (`make serve`) on TemporaryPostgres clusters.
SERVES_ON_TEMPORARY_POSTGRES = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15 binaries"),
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10):
    """GET url without following redirects; return (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_until(predicate, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(interval)
    return False


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="test-" + "k" * 20 + os.urandom(16).hex(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to HTTPS.
        DJANGO_HTTPS="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        WEB_CONCURRENCY="2",
    )
    env.update(overrides)
    return env


@contextmanager
def _make_target(target: str, env: dict[str, str], log_path: Path, base_url: str):
    """Run `make <target>` in a process group of its own until it answers /healthz on base_url."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", target],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        started = wait_until(lambda: get(f"{base_url}/healthz", timeout=2)[0] == 200, timeout=90)
        assert started, f"make {target} did not come up:\n{log_path.read_text()}"
        yield
    finally:
        stop_process_group(process)


@contextmanager
def make_serve(env: dict[str, str], log_path: Path):
    """Run `make serve` on a free loopback port; yield its base URL; stop it afterwards."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    base_url = f"http://127.0.0.1:{port}"
    with _make_target("serve", env, log_path, base_url):
        yield base_url


@contextmanager
def make_serve_proxy(env: dict[str, str], log_path: Path):
    """Run `make serve-proxy` (nginx before gunicorn) on free loopback ports.

    Yield (nginx's base URL, gunicorn's base URL); stop both afterwards.
    """
    proxy_port, app_port = free_port(), free_port()
    env = {
        **env,
        "PROXY_BIND": f"127.0.0.1:{proxy_port}",
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
    }
    base_url = f"http://127.0.0.1:{proxy_port}"
    with _make_target("serve-proxy", env, log_path, base_url):
        yield base_url, f"http://127.0.0.1:{app_port}"


class TemporaryPostgres:
    """A PostgreSQL 15 cluster in a temporary directory, on its own port, owned by the test."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="catalogue-pg-"))
        self.data = self.directory / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root.
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(
            PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-sync", "--no-instructions",
        )  # fmt: skip

    def replicate(self, primary: "TemporaryPostgres") -> None:
        """Make this cluster a hot standby of ``primary``: a base backup that streams on (-R)."""
        self._run(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", self.data, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            PG_BIN / "pg_ctl", "-D", self.data, "-o", options,
            "-l", self.directory / "server.log", "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop(mode="immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
