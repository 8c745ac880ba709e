"""A URLconf for fault tests: the project's routes plus views that fail on purpose."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from catalogue.urls import urlpatterns as project_urlpatterns
from films.models import Film


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: password=hunter2")


def film_count(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"films={Film.objects.count()}")


# Before the project's routes: its catch-all under /api/ would answer 404 first.
urlpatterns = [
    path("faults/database-gone/", database_gone),
    path("api/faults/database-gone/", database_gone),
    path("faults/broken/", broken),
    path("faults/film-count/", film_count),
    *project_urlpatterns,
]
