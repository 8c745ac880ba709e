"""Settings for the film catalogue.

One module for every environment: differences come from environment variables
(documented in README.md and .env.example), with safe defaults for development.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from catalogue.middleware import parse_networks
from films.languages import DEFAULT_DETECTORS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a random value of 32+ characters when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's files for /api/docs/, served from the project (no CDN).
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "catalogue",
    "films",
    "benchmark",
]

MIDDLEWARE = [
    # Outermost, so every response is logged, and /healthz answers before HTTPS redirects,
    # host checks, sessions and auth (a load balancer probes over plain HTTP).
    "catalogue.middleware.AccessLogMiddleware",
    "catalogue.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves static files (the Thai font, CSS) from the project: no CDN, no separate server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "catalogue.middleware.SitePolicyCSPMiddleware",
    "catalogue.middleware.DatabaseUnavailableMiddleware",
    # Before anything that reads: decides whether this request may read from a replica.
    "catalogue.routers.ReplicaReadsMiddleware",
    # A page this process has sent to visitors, sent again before the rest of the stack runs.
    "films.pagecache.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "catalogue.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "catalogue.wsgi.application"


def primary_database(url: str) -> dict:
    """Return the DATABASES entry of the database at ``url``; a URL it cannot be is refused
    with its name, not left to fail later without one."""
    try:
        return dj_database_url.parse(
            url,
            conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL: {error}") from None


# DATABASE_URL selects the database (PostgreSQL in production); unset or empty means an
# embedded SQLite file in the project, so a fresh clone runs with no set-up.
DATABASES = {
    "default": primary_database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}


def replica_database(url: str, primary: dict) -> dict:
    """Return the DATABASES entry of a replica at ``url``, a copy of the ``primary``'s data."""
    try:
        replica = dj_database_url.parse(
            url, conn_max_age=primary["CONN_MAX_AGE"], conn_health_checks=True
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: {error}") from None
    if {replica["ENGINE"], primary["ENGINE"]} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS lists PostgreSQL streaming replicas (postgres://...) "
            "of a PostgreSQL DATABASE_URL."
        )
    # The test run reads the test database through it, as production reads the primary's copy.
    replica["TEST"] = {"MIRROR": "default"}
    return replica


# Streaming replicas of a PostgreSQL primary: public visitors' reads go to one of them,
# writes, the admin and editors to the primary (catalogue/routers.py, docs/scaling.md).
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    DATABASE_REPLICAS.append(f"replica{_number}")
    DATABASES[f"replica{_number}"] = replica_database(_url, DATABASES["default"])
DATABASE_ROUTERS = ["catalogue.routers.ReplicaRouter"] if DATABASE_REPLICAS else []
# Seconds a replica that failed to connect is left alone, so requests do not each wait for it.
REPLICA_RETRY_SECONDS = float(os.environ.get("DJANGO_REPLICA_RETRY_SECONDS", "10"))
# A database that does not answer fails the request (503) in seconds instead of hanging it;
# a replica has the primary to fall back to, so it gets less time (libpq's minimum is 2 s).
DB_CONNECT_TIMEOUT = int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5"))
REPLICA_CONNECT_TIMEOUT = int(os.environ.get("DJANGO_REPLICA_CONNECT_TIMEOUT", "2"))
# Runs on a connection after which psycopg prepares a statement bound on the server. Only the
# search's text statement is bound there (films/search/prepared.py); Django's own cursors bind
# on the client and are never prepared. 0 turns preparing off, for a pooler in transaction
# mode that cannot keep prepared statements (PgBouncer before 1.21; docs/scaling.md).
PREPARE_THRESHOLD = int(os.environ.get("DJANGO_PREPARE_THRESHOLD", "5")) or None
for _alias, _database in DATABASES.items():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {})["connect_timeout"] = (
            REPLICA_CONNECT_TIMEOUT if _alias in DATABASE_REPLICAS else DB_CONNECT_TIMEOUT
        )
        # No JIT: the capped search is planned as a full match (high cost, so PostgreSQL
        # compiles it, 6-8 ms) but stops after CANDIDATE_CAP rows, in less time than that.
        # Generic plans for prepared statements, which only the search binds on the server
        # (over every film): planned once per connection, not per query
        # (films/search/prepared.py).
        _database["OPTIONS"].setdefault(
            "options", "-c jit=off -c plan_cache_mode=force_generic_plan"
        )
        _database["OPTIONS"].setdefault("prepare_threshold", PREPARE_THRESHOLD)
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        # Wait for a competing writer instead of failing at once with "database is locked".
        _database.setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Interface languages: each has a complete catalogue in locale/ (docs/interface.md). Public
# pages carry the language in their URL (/da/films/); synopses come in every language.
LANGUAGES = [
    ("en", "English"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("th", "ไทย"),
]
# Compiled .mo files are committed, so a fresh clone needs no gettext tools.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
# Serve straight from the apps' and project's static folders when collectstatic has not run:
# the development default, and a fallback for DJANGO_DEBUG=0 without collectstatic.
WHITENOISE_USE_FINDERS = env_bool("DJANGO_STATIC_USE_FINDERS", DEBUG)
# Production serves hashed, compressed files through whitenoise (after `collectstatic`; the
# deploy check catalogue/checks.py says when its manifest is missing); development, tests and
# the finders fallback use the plain storage, which needs no manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or WHITENOISE_USE_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Anonymous and read-only: no log-in, so the API docs offer none ("Authorize").
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Film catalogue API",
    "DESCRIPTION": "Read-only: films, their titles and their synopses in many languages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "films.api.describe_responses_as_sent",
    ],
    "ENUM_NAME_OVERRIDES": {
        "FilmKindEnum": "films.models.FilmKind",
        "TitleKindEnum": "films.models.TitleKind",
    },
}

# Per-process memory by default (embedded, nothing to run). DJANGO_CACHE_URL=redis://host:port/db
# selects Django's own Redis backend instead, so every gunicorn worker and every server shares
# rendered pages and aggregates, and a fresh worker starts warm (docs/production.md).
# Correctness never depends on it: keys carry the catalogue generation (films/caching.py), and
# while Redis is down pages are rendered from the database (catalogue/cache.py).
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("DJANGO_CACHE_URL must be a redis://, rediss:// or unix:// URL")
    CACHES = {
        "default": {
            "BACKEND": "catalogue.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "catalogue"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get(
                "DJANGO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
            ),
            "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", "catalogue"),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_CACHE_MAX_ENTRIES", "1000"))},
        }
    }
# Seconds a rendered public page is kept (0: never cached; ETags and 304s still work).
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# Seconds a process may serve anonymous visitors by the catalogue generation it last read
# (films/caching.py) before reading it again: a change made by another process reaches them
# within this long (0: read on every request; editors always read it).
PAGE_GENERATION_SECONDS = float(os.environ.get("DJANGO_PAGE_GENERATION_SECONDS", "1"))
# Benchmark servers only: honour the X-Page-Cache-Bypass request header.
PAGE_CACHE_BYPASS = env_bool("DJANGO_PAGE_CACHE_BYPASS", False)

# Where `import_synopses` looks when it is given no paths.
FIXTURES_ROOT = BASE_DIR / "fixtures"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One key=value line per request, from catalogue.middleware.AccessLogMiddleware.
        "catalogue.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}

# The curated film knowledge every import brings into the database first.
FILM_KNOWLEDGE_FILE = FIXTURES_ROOT / "catalogue.toml"

# The languages (langdetect codes) the importer tells synopses apart by; "all" for every one
# of langdetect's 55. Fewer is faster and avoids confusions with languages the catalogue
# never holds. Default: the detector codes of the languages table (films/languages/table.py):
# the European languages in Latin script and every language of another script langdetect
# knows (Thai needs none: it is told by its script).
IMPORT_LANGUAGES: list[str] | None = env_list(
    "DJANGO_IMPORT_LANGUAGES", ",".join(DEFAULT_DETECTORS)
)
if IMPORT_LANGUAGES == ["all"]:
    IMPORT_LANGUAGES = None
# Import limits (docs/importing.md, "Limits"): a larger file is refused before it is read, a
# longer synopsis is refused and reported, never published; a file's synopses are written
# in transactions of IMPORT_BATCH_SIZE, so none stays open for minutes.
IMPORT_MAX_FILE_BYTES = int(float(os.environ.get("DJANGO_IMPORT_MAX_FILE_MB", "10")) * 1_000_000)
IMPORT_MAX_SYNOPSIS_CHARS = int(os.environ.get("DJANGO_IMPORT_MAX_SYNOPSIS_CHARS", "20000"))
IMPORT_BATCH_SIZE = int(os.environ.get("DJANGO_IMPORT_BATCH_SIZE", "2000"))
# Processes that analyse files (language, film) while the importer writes; 1: none.
IMPORT_WORKERS = int(os.environ.get("DJANGO_IMPORT_WORKERS") or os.cpu_count() or 1)
# Below this confidence a synopsis waits for an editor instead of getting a film (docs/matching.md).
MATCH_MIN_CONFIDENCE = float(os.environ.get("DJANGO_MATCH_MIN_CONFIDENCE") or 0.55)

# Admin uploads are imported by a background worker (`manage.py import_worker`) that takes
# its tasks from the database: docs/editors.md, docs/production.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# An uploaded source file larger than this is refused before anything is stored.
IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_UPLOAD_MAX_BYTES", "5242880"))
# Files one upload may hold.
IMPORT_UPLOAD_MAX_FILES = int(os.environ.get("DJANGO_IMPORT_UPLOAD_MAX_FILES", "20"))
# Times a file is tried again after its worker died mid-file, before it is marked failed.
IMPORT_MAX_ATTEMPTS = int(os.environ.get("DJANGO_IMPORT_MAX_ATTEMPTS", "3"))

LOGGING["formatters"]["access"] = {"format": "{asctime} {message}", "style": "{"}
LOGGING["handlers"]["access"] = {"class": "logging.StreamHandler", "formatter": "access"}

# --- Production hardening (docs/production.md): HTTPS, headers, CSP, login throttling --------
# HTTPS-only behaviour is on whenever DEBUG is off; DJANGO_HTTPS=0 turns it off for a plain-HTTP
# run on loopback (the load test).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-csp 4: everything from our own origin, no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# django-axes: five failed logins lock that username from that address out for a while.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_AXES_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# Behind a proxy every client shares its address: take the one the proxy appended instead,
# but only when the request comes from one of these proxies (addresses or CIDR networks).
AXES_CLIENT_IP_CALLABLE = "catalogue.middleware.client_ip_address"
try:
    TRUSTED_PROXIES = parse_networks(env_list("DJANGO_TRUSTED_PROXIES", ""))
except ValueError as error:
    raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {error}") from error
