"""`make serve-proxy`: nginx (deploy/nginx.conf) in front of gunicorn, as production runs it.

The figures (50 slow sockets for a minute, both ways) come from scripts/slowprobe.py and are
in docs/production.md; here, that one slow client cannot take the only worker.
"""

import shutil
import socket
import time
from pathlib import Path

import pytest

from tests.servers import get, make_serve_proxy, production_env

NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not NGINX.exists(), reason="needs Debian's nginx (apt-get install nginx-light)"
    ),
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]


def hold_unfinished_request(url: str) -> socket.socket:
    """A slow-loris client: a request line and a header, and never the blank line."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(b"GET /en/films/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n")
    return sock


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve-proxy")
    env = production_env(tmp_path, WEB_CONCURRENCY="1")
    with make_serve_proxy(env, tmp_path / "serve.log") as urls:
        yield urls


def test_a_slow_client_does_not_hold_the_only_worker(served):
    proxy_url, app_url = served
    slow = [hold_unfinished_request(proxy_url) for _ in range(5)]
    try:
        time.sleep(0.5)
        started = time.monotonic()
        status, headers, body = get(f"{proxy_url}/en/films/", timeout=5)
        assert status == 200 and b"<html" in body.lower()
        assert time.monotonic() - started < 5
        assert headers.get("Server") == "nginx"  # server_tokens off: no version
    finally:
        for sock in slow:
            sock.close()


def test_bare_gunicorn_behind_it_is_held_by_one_slow_client(served):
    """The reason for the proxy: the same slow client straight at gunicorn's one worker."""
    proxy_url, app_url = served
    slow = hold_unfinished_request(app_url)
    try:
        time.sleep(0.5)
        with pytest.raises(OSError):
            get(f"{app_url}/healthz", timeout=3)
    finally:
        slow.close()


def test_an_over_long_url_is_refused_by_the_proxy(served):
    proxy_url, _ = served
    status, _, _ = get(f"{proxy_url}/en/films/?q={'x' * 40_000}")
    assert status in (414, 400)
