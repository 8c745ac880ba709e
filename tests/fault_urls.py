"""A URLconf for fault tests: the project's routes plus views that fail on purpose, and cached
pages that must not be sent again as they were (tests/test_caching.py)."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from catalogue.urls import urlpatterns as project_urlpatterns
from films.models import Film
from films.pagecache import conditional_page


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: password=hunter2")


def film_count(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"films={Film.objects.count()}")


@conditional_page(varies_on=("User-Agent",))
def by_user_agent(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"agent={request.headers.get('User-Agent', '')}")


RENDERED = []


@conditional_page()
def with_cookie(request: HttpRequest) -> HttpResponse:
    RENDERED.append(request.path)
    response = HttpResponse(f"rendered={len(RENDERED)}")
    response.set_cookie("seen", "1")
    return response


# Before the project's routes: its catch-all under /api/ would answer 404 first.
urlpatterns = [
    path("faults/database-gone/", database_gone),
    path("api/faults/database-gone/", database_gone),
    path("faults/broken/", broken),
    path("faults/film-count/", film_count),
    path("faults/by-user-agent/", by_user_agent),
    path("faults/with-cookie/", with_cookie),
    *project_urlpatterns,
]
