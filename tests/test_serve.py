"""`make serve`, the production command, really serves: gunicorn, whitenoise, logs, headers."""

import json

import pytest

from tests.servers import get, make_serve, production_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    log_path = tmp_path / "serve.log"
    with make_serve(production_env(tmp_path), log_path) as base_url:
        yield base_url, tmp_path, log_path


def test_health_and_admin_login(server):
    base_url, _, _ = server
    assert get(f"{base_url}/healthz")[:3:2] == (200, b"ok\n")
    status, headers, body = get(f"{base_url}/admin/login/")
    assert status == 200
    assert b'name="username"' in body
    assert headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_whitenoise_serves_hashed_compressed_static_files(server):
    base_url, tmp_path, _ = server
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    assert hashed != "admin/css/base.css"
    status, headers, body = get(f"{base_url}/static/{hashed}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    status, _, body = get(f"{base_url}/admin/login/")
    assert f"/static/{hashed}".encode() in body


def test_unknown_pages_are_404_without_debug_output(server):
    base_url, _, _ = server
    status, _, body = get(f"{base_url}/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body


def test_requests_are_logged_one_line_each(server):
    base_url, _, log_path = server
    get(f"{base_url}/healthz?probe=1")
    lines = [line for line in log_path.read_text().splitlines() if "path=/healthz" in line]
    assert lines
    assert "method=GET path=/healthz status=200 duration_ms=" in lines[-1]
