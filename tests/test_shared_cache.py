"""The page cache in Redis (DJANGO_CACHE_URL): pages and aggregates shared across processes.

Runs against the machine's Redis on 127.0.0.1:6379 (TEST_REDIS_URL), in a database number of
its own and under a key prefix unique to the test, so parallel runs never see each other.
"""

import os
import subprocess
import sys
import uuid

import pytest
from django.core.cache import cache
from django.http import HttpResponse

from films.models import Film
from films.pagecache import local_page_cache
from tests.servers import BASE_DIR

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


@pytest.fixture
def redis_prefix(settings):
    import redis

    try:
        redis_client().ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    prefix = f"test-{uuid.uuid4().hex}"
    local = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "catalogue.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    keys = list(redis_client().scan_iter(f"{prefix}:*"))
    if keys:
        redis_client().delete(*keys)
    # Back to the local cache before the autouse fixture empties the cache after the test
    # (tests/conftest.py): Django's RedisCache.clear() is FLUSHDB, which would take every key
    # of the database with it, those of a run on the other database at the same time too.
    settings.CACHES = local


def test_a_rendered_page_is_stored_in_redis_and_served_from_it(
    client, catalogue, count_queries, redis_prefix, settings
):
    settings.PAGE_GENERATION_SECONDS = 0  # the one query left: the generation
    first, cold = count_queries(client, "/en/films/rocky-iv/")
    keys = [key.decode() for key in redis_client().scan_iter(f"{redis_prefix}:*")]
    assert any(":films:page:v1:" in key for key in keys), keys
    second, warm = count_queries(client, "/en/films/rocky-iv/")
    assert cold > 1 and warm == 1
    assert first.content == second.content


def test_each_process_keeps_the_pages_it_served_in_front_of_redis(
    client, catalogue, count_queries, redis_prefix, settings
):
    """A page read from Redis is kept in this process: served again with Redis emptied,
    and replaced as soon as the catalogue changes (the key carries the generation)."""
    settings.PAGE_GENERATION_SECONDS = 0
    first = client.get("/en/films/rocky-iv/")
    redis_client().delete(*redis_client().scan_iter(f"{redis_prefix}:*"))
    second, queries = count_queries(client, "/en/films/rocky-iv/")
    assert queries == 1 and second.content == first.content  # the generation only
    film = Film.objects.get(slug="rocky-iv")
    film.title = "Rocky IV, retitled"
    film.save()
    assert "Rocky IV, retitled" in client.get("/en/films/rocky-iv/").content.decode()


def test_local_pages_keep_the_most_recently_used():
    pages = local_page_cache(2)
    for key in ("a", "b"):
        pages.set(key, HttpResponse(key), timeout=60)
    assert pages.get("a").content == b"a"  # "a" used last: "b" goes first
    pages.set("c", HttpResponse("c"), timeout=60)
    assert pages.get("b") is None
    assert [pages.get(key).content for key in ("a", "c")] == [b"a", b"c"]
    pages.set("d", HttpResponse("d"), timeout=-1)  # already expired
    assert pages.get("d") is None


def test_another_process_reads_what_this_one_cached(redis_prefix, db):
    cache.set("shared-probe", {"answer": 42}, 60)
    script = (
        "import django; django.setup(); from django.core.cache import cache; "
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], cache.get('shared-probe'))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "catalogue.settings",
        "DJANGO_CACHE_URL": REDIS_URL,
        "DJANGO_CACHE_KEY_PREFIX": redis_prefix,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [
        "catalogue.cache.TolerantRedisCache",
        "{'answer':",
        "42}",
    ]


def test_a_bad_cache_url_is_refused_with_a_clear_message():
    env = {**os.environ, "DJANGO_CACHE_URL": "memcached://127.0.0.1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_CACHE_URL must be a redis://" in result.stderr


def test_pages_are_rendered_from_the_database_while_redis_is_down(client, db, settings, caplog):
    import socket

    from tests.factories import FilmFactory, SynopsisFactory

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "catalogue.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    film = FilmFactory(title="Harbour Lights")
    SynopsisFactory(film=film, text="A lighthouse keeper waits for the storm.")
    for url in ("/en/films/", "/en/films/?q=lighthouse", film.get_absolute_url(), "/api/films/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Harbour Lights" in response.content.decode()
    assert cache.get("anything", "fallback") == "fallback"
    assert "cache unavailable" in caplog.text
