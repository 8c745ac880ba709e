import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalogue.middleware import parse_networks
from films.models import Synopsis
from tests.factories import SynopsisFactory

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_HOST = "catalogue.example.org"


def production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=PRODUCTION_HOST,
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


SETTINGS_DUMP = """
import json, django
from django.conf import settings
django.setup()
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
         "SECURE_PROXY_SSL_HEADER", "STORAGES"]
print(json.dumps({n: getattr(settings, n, None) for n in names}))
"""


def settings_under(env: dict[str, str]) -> dict:
    result = run_python(
        ["-c", SETTINGS_DUMP], {**env, "DJANGO_SETTINGS_MODULE": "catalogue.settings"}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


# --- Deployment settings -----------------------------------------------------------------------


@pytest.mark.slow
def test_deploy_check_is_clean_in_production(tmp_path):
    # As `make serve` does: collectstatic first (without it, catalogue.E001, tests/test_checks.py).
    env = production_env(DJANGO_STATIC_ROOT=str(tmp_path / "static"))
    collected = run_python(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    assert collected.returncode == 0, collected.stderr
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "secret_key",
    [None, "", "short", "django-insecure-development-only-never-use-in-production"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = production_env(DJANGO_SECRET_KEY=secret_key)  # None: unset
    # What gunicorn does first: import the WSGI application.
    result = run_python(["-c", "import catalogue.wsgi"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be" in result.stderr


DATABASE_ENGINE = """
import django
from django.conf import settings
django.setup()
print(settings.DATABASES["default"]["ENGINE"])
"""


@pytest.mark.slow
def test_an_empty_database_url_means_the_embedded_database():
    env = {**production_env(DATABASE_URL=""), "DJANGO_SETTINGS_MODULE": "catalogue.settings"}
    result = run_python(["-c", DATABASE_ENGINE], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3"]


@pytest.mark.slow
@pytest.mark.parametrize("url", ["catalogue-db:5432", "http://catalogue-db/catalogue"])
def test_a_database_url_that_names_no_database_is_refused_by_name(url):
    env = {**production_env(DATABASE_URL=url), "DJANGO_SETTINGS_MODULE": "catalogue.settings"}
    result = run_python(["-c", DATABASE_ENGINE], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL: Scheme" in result.stderr


@pytest.mark.slow
def test_https_settings_are_on_in_production():
    values = settings_under(production_env())
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


@pytest.mark.slow
def test_proxy_ssl_header_is_opt_in():
    values = settings_under(production_env(DJANGO_SECURE_PROXY_SSL_HEADER="1"))
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": None},  # development
        {"DJANGO_HTTPS": "0"},  # production on plain HTTP behind loopback (load test)
    ],
)
def test_https_settings_are_off_in_development(env):
    values = settings_under(production_env(**env))
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_https_settings_are_off_in_tests(settings):
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0


# --- Headers -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


# --- Login throttling --------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", password="correct horse battery staple", is_staff=True
    )


def admin_login(client, username: str, password: str, ip: str = "203.0.113.5"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


@pytest.mark.slow
@pytest.mark.axes
def test_admin_login_locks_out_after_five_failures(client, editor, settings):
    for _ in range(4):
        response = admin_login(client, "editor", "wrong")
        assert response.status_code == 200  # the form again, with an error
    response = admin_login(client, "editor", "wrong")
    assert response.status_code == 429
    # Now even the right password is refused for this username from this address ...
    response = admin_login(client, "editor", "correct horse battery staple")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... but not for the same username from elsewhere, nor another username from here.
    other_ip = admin_login(client, "editor", "correct horse battery staple", ip="198.51.100.9")
    assert other_ip.status_code == 302
    client.logout()
    assert admin_login(client, "someone", "wrong").status_code == 200


@pytest.mark.axes
def test_forwarded_for_from_an_untrusted_peer_cannot_dodge_the_lockout(client, editor, settings):
    # gunicorn reached directly (not through the proxy): a new X-Forwarded-For per attempt.
    settings.TRUSTED_PROXIES = parse_networks(["127.0.0.1"])
    for attempt in range(5):
        response = client.post(
            reverse("admin:login"),
            {"username": "editor", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    assert response.status_code == 429
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "correct horse battery staple", "next": "/admin/"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


@pytest.mark.axes
def test_forwarded_for_from_the_trusted_proxy_names_the_client(client, editor, settings):
    settings.TRUSTED_PROXIES = parse_networks(["127.0.0.1"])
    client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "wrong", "next": "/admin/"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4",
    )
    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.4"]


@pytest.mark.slow
@pytest.mark.axes
def test_lockout_ends_after_the_cool_off(client, editor, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        admin_login(client, "editor", "wrong")
    assert admin_login(client, "editor", "correct horse battery staple").status_code == 429
    # Age the attempts past AXES_COOLOFF_TIME.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time.replace(year=2000)
    )
    assert admin_login(client, "editor", "correct horse battery staple").status_code == 302


@pytest.mark.slow
@pytest.mark.axes
def test_a_successful_login_resets_the_failure_count(client, editor):
    for _ in range(4):
        admin_login(client, "editor", "wrong")
    assert admin_login(client, "editor", "correct horse battery staple").status_code == 302
    client.logout()
    for _ in range(4):
        assert admin_login(client, "editor", "wrong").status_code == 200


# --- Escaping ----------------------------------------------------------------------------------

PAYLOAD = '<script>alert("xss")</script>'


@pytest.mark.django_db
def test_admin_login_form_escapes_a_posted_username(client):
    response = admin_login(client, PAYLOAD, "wrong")
    assert PAYLOAD not in response.content.decode()
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in response.content.decode()


@pytest.mark.django_db
def test_admin_escapes_user_supplied_names(admin_client, django_user_model):
    user = django_user_model.objects.create_user(PAYLOAD, first_name=PAYLOAD)
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[user.pk]),
    ]:
        body = admin_client.get(url).content.decode()
        assert PAYLOAD not in body
        assert "&lt;script&gt;" in body


@pytest.mark.django_db
def test_admin_escapes_synopsis_text(admin_client):
    if not admin.site.is_registered(Synopsis):
        pytest.skip("TODO(#5): Synopsis has no ModelAdmin yet; this runs once films/admin.py does")
    synopsis = SynopsisFactory(text=f"Rocky trains. {PAYLOAD}", film__title=f"Rocky {PAYLOAD}")
    for url in [
        reverse("admin:films_synopsis_changelist"),
        reverse("admin:films_synopsis_changelist") + "?q=" + PAYLOAD,
        reverse("admin:films_synopsis_change", args=[synopsis.pk]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert PAYLOAD not in response.content.decode(), url


# --- Content-Security-Policy: the site's policy built once (catalogue/middleware.py) ------------


@pytest.mark.django_db
def test_the_site_policy_is_django_csps_own(client):
    from csp.utils import build_policy

    response = client.get("/en/films/")
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_a_view_that_updates_the_policy_still_gets_its_own(client):
    response = client.get(reverse("api:docs"))
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/en/films/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_site_policy_follows_the_settings(client, settings):
    client.get("/en/films/")  # the policy of the default settings is built
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "EXCLUDE_URL_PREFIXES": ["/en/franchises/"],
        "DIRECTIVES": {"img-src": ["'self'"]},
    }
    response = client.get("/en/films/")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    report_only = [
        part.strip() for part in response["Content-Security-Policy-Report-Only"].split(";")
    ]
    assert "img-src 'self'" in report_only
    assert "Content-Security-Policy-Report-Only" not in client.get("/en/franchises/")
