"""The deploy check for the static files manifest, and the fallback without collectstatic."""

import os
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from tests.servers import BASE_DIR

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    return settings.STATIC_ROOT


def deploy_errors() -> list[str]:
    return [message.id for message in run_checks(include_deployment_checks=True)
            if message.id.startswith("catalogue.")]  # fmt: skip


def test_a_missing_manifest_fails_the_deploy_check(manifest_storage):
    [error] = [m for m in run_checks(include_deployment_checks=True) if m.id == "catalogue.E001"]
    assert "every HTML page would answer 500" in error.msg
    assert "collectstatic" in error.hint and "DJANGO_STATIC_USE_FINDERS=1" in error.hint
    # Only a deploy check: `manage.py check` in development says nothing of it.
    assert not [m for m in run_checks() if m.id.startswith("catalogue.")]


@pytest.mark.slow
def test_collectstatic_satisfies_it_and_a_stale_manifest_does_not(manifest_storage):
    call_command("collectstatic", interactive=False, verbosity=0)
    assert deploy_errors() == []
    manifest = manifest_storage / "staticfiles.json"
    manifest.write_text('{"paths": {}, "version": "1.1"}')
    assert deploy_errors() == ["catalogue.E003"]
    manifest.write_text("not json")
    assert deploy_errors() == ["catalogue.E002"]


def test_the_plain_storage_needs_no_manifest(settings):
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
    assert deploy_errors() == []


PAGE_SCRIPT = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
page = client.get("/no-such-page/", HTTP_HOST="127.0.0.1")
css = client.get("/static/css/site.css", HTTP_HOST="127.0.0.1")
print(page.status_code, "/static/css/site.css" in page.content.decode(), css.status_code)
"""


@pytest.mark.slow
@pytest.mark.parametrize(("use_finders", "expected"), [("1", "404 True 200"), ("0", "500 False")])
def test_debug_off_without_collectstatic(tmp_path, use_finders, expected):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "catalogue.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": "test-" + "k" * 40,
        "DJANGO_STATIC_ROOT": str(tmp_path / "never-collected"),
        "DJANGO_STATIC_USE_FINDERS": use_finders,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", PAGE_SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # With the fallback the page renders and its stylesheet is served; without it, the
    # manifest storage fails every page (what the deploy check warns of).
    assert result.stdout.split()[: len(expected.split())] == expected.split()
