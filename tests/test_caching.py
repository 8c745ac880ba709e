"""The catalogue generation, the aggregates and pages cached by it, and conditional GET."""

import re
import time

import pytest
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.db.models import F
from django.urls import reverse

from films.caching import (
    bump_generation,
    catalogue_generation,
    franchise_choices,
    language_counts,
)
from films.models import CatalogueGeneration, Film, Synopsis
from films.pagecache import local_pages
from tests.factories import (
    FilmFactory,
    FilmKnowledgeFactory,
    FilmTitleFactory,
    FranchiseFactory,
    SynopsisFactory,
)
from tests.listing import listed_films

PAGES = [
    "/en/films/",
    "/en/films/?language=da&ordering=year",
    "/en/films/rocky-iv/",
    "/en/franchises/",
    "/en/franchises/rocky/",
    "/en/languages/",
]


@pytest.mark.django_db
def test_counts_are_cached_until_the_catalogue_changes(django_assert_num_queries):
    SynopsisFactory(language="da")
    with django_assert_num_queries(3):  # generation, aggregate; generation again
        assert language_counts() == [("da", 1)]
        assert language_counts() == [("da", 1)]


@pytest.mark.django_db
def test_saving_or_deleting_a_synopsis_changes_them():
    first = SynopsisFactory(language="da")
    assert language_counts() == [("da", 1)]
    second = SynopsisFactory(language="th", film=FilmFactory())
    assert language_counts() == [("da", 1), ("th", 1)]
    second.language = "da"
    second.save()
    assert language_counts() == [("da", 2)]
    first.delete()
    assert language_counts() == [("da", 1)]


@pytest.mark.django_db
def test_franchise_choices_follow_renames():
    franchise = FranchiseFactory(name="Rocky", slug="rocky")
    assert franchise_choices() == [("rocky", "Rocky")]
    franchise.name = "Rocky Balboa"
    franchise.save()
    assert franchise_choices() == [("rocky", "Rocky Balboa")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda film: FranchiseFactory(),
        lambda film: film.save(),
        lambda film: FilmTitleFactory(film=film),
        lambda film: FilmKnowledgeFactory(film=film),
        lambda film: SynopsisFactory(film=film),
        lambda film: Synopsis.objects.filter(film=film).delete(),
    ],
    ids=["franchise", "film", "title", "knowledge", "synopsis", "synopsis deleted"],
)
def test_every_catalogue_change_bumps_the_generation(change):
    film = FilmFactory()
    SynopsisFactory(film=film)
    before = catalogue_generation().value
    change(film)
    assert catalogue_generation().value > before


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_304_to_a_matching_etag(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert "no-cache" in response.headers["Cache-Control"]
    assert "Cookie" in response.headers["Vary"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


@pytest.mark.parametrize(("seconds", "queries"), [(0, 1), (60, 0)])
def test_a_repeat_costs_the_generation_at_most(
    client, catalogue, count_queries, settings, seconds, queries
):
    """One query (the generation), or none while this process's last read is recent enough."""
    settings.PAGE_GENERATION_SECONDS = seconds
    url = reverse("films:film-detail", kwargs={"slug": "rocky-iv"})
    first, cold = count_queries(client, url)
    second, warm = count_queries(client, url)
    assert cold > 1 and warm == queries
    assert first.content == second.content


def test_the_detail_page_varies_on_accept_language(client, catalogue):
    url = reverse("films:film-detail", kwargs={"slug": "rocky-balboa"})
    thai = client.get(url, headers={"accept-language": "th"})
    spanish = client.get(url, headers={"accept-language": "es"})
    assert "Accept-Language" in thai.headers["Vary"]
    assert thai.headers["ETag"] != spanish.headers["ETag"]
    es, th = '<div class="synopsis-text" lang="es">', '<div class="synopsis-text" lang="th">'
    html = spanish.content.decode()
    assert html.index(es) < html.index(th)
    repeat = client.get(url, headers={"accept-language": "th"}).content.decode()
    assert repeat.index(th) < repeat.index(es)


def test_an_orm_edit_gives_a_new_etag_and_page(client, catalogue):
    url = reverse("films:film-detail", kwargs={"slug": "rocky-iv"})
    before = client.get(url)
    film = catalogue["rocky-iv"]
    film.title = "Rocky IV (restored)"
    film.save()
    after = client.get(url, headers={"if-none-match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Rocky IV (restored)" in after.content.decode()


def test_an_admin_edit_shows_at_once_on_cached_pages(client, admin_client, catalogue):
    url = reverse("films:film-detail", kwargs={"slug": "rocky-iv"})
    before = client.get(url)
    synopsis = catalogue["rocky-iv"].synopses.get()
    change = reverse("admin:films_synopsis_change", args=[synopsis.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(text="Rocky trains in the snow, edited.", film=synopsis.film_id, _save="Save")
    data = {key: value for key, value in data.items() if value is not False}
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = client.get(url, headers={"if-none-match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "Rocky trains in the snow, edited." in after.content.decode()


def test_no_cached_page_for_a_logged_in_editor(client, admin_client, catalogue, count_queries):
    url = reverse("films:film-detail", kwargs={"slug": "rocky-iv"})
    client.get(url)  # an anonymous visitor fills the cache
    response, queries = count_queries(admin_client, url)
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert "private" in response.headers["Cache-Control"]
    assert queries > 1, "an editor was served the shared cached page"
    assert admin_client.get(url, headers={"if-none-match": "*"}).status_code == 200


def test_a_csrf_cookie_alone_bypasses_the_cache(client, catalogue, count_queries):
    url = reverse("films:film-list")
    client.get(url)
    client.cookies["csrftoken"] = "x" * 32
    response, queries = count_queries(client, url)
    assert "ETag" not in response.headers and queries > 1


def test_the_bypass_header_works_only_when_enabled(client, catalogue, count_queries, settings):
    settings.PAGE_GENERATION_SECONDS = 0
    url = reverse("films:film-detail", kwargs={"slug": "rocky-iv"})
    client.get(url)
    _, queries = count_queries(client, url, **{"x-page-cache-bypass": "1"})
    assert queries == 1
    settings.PAGE_CACHE_BYPASS = True
    _, queries = count_queries(client, url, **{"x-page-cache-bypass": "1"})
    assert queries > 1


def test_a_bypassed_page_is_a_visitors_page_rendered_afresh(client, catalogue, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_BYPASS = True
    settings.PAGE_GENERATION_SECONDS = 60
    url = reverse("films:film-list")
    etag = client.get(url).headers["ETag"]  # cached, with the generation read for visitors
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"X-Page-Cache-Bypass": "1", "If-None-Match": etag})
    # Rendered (no 304, not the cached copy), by the generation the visitors' pages use.
    assert response.status_code == 200 and "Rocky" in response.content.decode()
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "cataloguegeneration" in q["sql"]]
    # Not stored either: after it, a visitor's page is rendered.
    cache.clear()
    local_pages.clear()  # the copy CachedPageMiddleware kept of the visitor's page
    client.get(url, headers={"X-Page-Cache-Bypass": "1"})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert queries.captured_queries


@pytest.mark.django_db
def test_the_franchise_menu_holds_the_largest_franchises_and_the_chosen_one(client, monkeypatch):
    monkeypatch.setattr("films.caching.FRANCHISE_MENU_SIZE", 2)
    for name, films in [("Zorro", 3), ("Alien", 2), ("Mad Max", 1)]:
        franchise = FranchiseFactory(name=name, slug=name.lower().replace(" ", "-"))
        for position in range(1, films + 1):
            FilmFactory(franchise=franchise, franchise_position=position)
    assert franchise_choices() == [("alien", "Alien"), ("zorro", "Zorro")]
    html = client.get("/en/films/").content.decode()
    assert '<option value="zorro">Zorro</option>' in html
    assert '<option value="mad-max"' not in html
    assert 'href="/en/franchises/">All franchises</a>' in html
    # The smallest franchise's page links to the list filtered by it: still shown, selected.
    response = client.get("/en/films/", {"franchise": "mad-max"})
    assert '<option value="mad-max" selected>Mad Max</option>' in response.content.decode()
    assert [film.franchise.slug for film in listed_films(response)] == ["mad-max"]


def test_the_api_search_is_cached_like_the_html_search(client, catalogue, count_queries, settings):
    settings.PAGE_GENERATION_SECONDS = 0
    url = "/api/films/?q=rocky"
    first, cold = count_queries(client, url, accept="application/json")
    second, warm = count_queries(client, url, accept="application/json")
    assert cold > 1 and warm == 1  # the generation only
    assert first.json() == second.json() and first.json()["results"]
    assert first.headers["ETag"] == second.headers["ETag"]
    # The browsable API is the same URL with another Accept: a page of its own.
    browsable, _ = count_queries(client, url, accept="text/html")
    assert browsable["Content-Type"].startswith("text/html")
    assert browsable.headers["ETag"] != first.headers["ETag"]
    assert "Accept" in first.headers["Vary"]


@pytest.mark.django_db(transaction=True)
def test_visitors_see_another_process_s_change_within_page_generation_seconds(
    client, settings, catalogue
):
    """Another process's change (the generation row bumped behind this process's back) reaches
    anonymous visitors once PAGE_GENERATION_SECONDS have passed; this process's own at once."""
    settings.PAGE_GENERATION_SECONDS = 0.5
    url = "/en/films/rocky-iv/"
    first = client.get(url)["ETag"]
    CatalogueGeneration.objects.filter(pk=1).update(value=F("value") + 1)  # not via this process
    assert client.get(url)["ETag"] == first
    time.sleep(0.6)
    second = client.get(url)["ETag"]
    assert second != first
    film = Film.objects.get(slug="rocky-iv")
    film.title = "Rocky IV, renamed here"
    film.save()  # this process: forgotten on commit
    response = client.get(url)
    assert response["ETag"] != second
    assert "Rocky IV, renamed here" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_with_page_generation_seconds_zero_every_request_reads_the_generation(
    client, settings, catalogue
):
    settings.PAGE_GENERATION_SECONDS = 0
    url = "/en/films/rocky-iv/"
    first = client.get(url)["ETag"]
    CatalogueGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    assert client.get(url)["ETag"] != first


def film_total(response) -> int:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["count"]
    return int(re.search(rb'class="result-count"[^>]*>(\d+) film', response.content).group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/films/", "/api/films/"])
def test_the_count_of_every_film_is_cached_until_the_films_change(client, settings, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_BYPASS = True
    settings.PAGE_GENERATION_SECONDS = 0
    FilmFactory.create_batch(3)
    get = lambda: client.get(url, headers={"X-Page-Cache-Bypass": "1"})  # noqa: E731
    get()
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    assert film_total(response) == 3
    FilmFactory()
    assert film_total(get()) == 4
    # A filtered list is counted by the database.
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"year_min": 1900}, headers={"X-Page-Cache-Bypass": "1"})
    assert [q for q in queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize("url", ["/en/films/?q=rocky", "/en/films/rocky-iv/", "/api/films/"])
def test_a_page_sent_before_is_sent_again_without_resolving_its_url(
    client, catalogue, settings, monkeypatch, url
):
    # films/pagecache.py CachedPageMiddleware: ahead of sessions, locale, auth and the URLs.
    settings.PAGE_GENERATION_SECONDS = 60
    resolved = []
    resolve_request = BaseHandler.resolve_request

    def counted(handler, request):
        resolved.append(request.path)
        return resolve_request(handler, request)

    monkeypatch.setattr(BaseHandler, "resolve_request", counted)
    first = client.get(url)
    again = client.get(url)
    assert len(resolved) == 1
    assert again.content == first.content
    assert dict(again.headers) == dict(first.headers)
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert len(resolved) == 1
    # A change to the catalogue: the page is rendered again, and shows it.
    Film.objects.filter(slug="rocky-iv").update(title="Rocky IV: Renamed")
    bump_generation()
    changed = client.get(url)
    assert len(resolved) == 2 and changed["ETag"] != first["ETag"]


@pytest.mark.urls("tests.fault_urls")
def test_pages_that_vary_on_another_header_or_set_a_cookie_are_not_sent_again(client, db):
    assert client.get("/faults/by-user-agent/", headers={"user-agent": "a"}).content == b"agent=a"
    assert client.get("/faults/by-user-agent/", headers={"user-agent": "b"}).content == b"agent=b"
    first = client.get("/faults/with-cookie/").content
    client.cookies.clear()
    assert client.get("/faults/with-cookie/").content != first
