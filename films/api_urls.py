"""Routes of the read-only JSON API and its documentation: one URL for every language."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import api

app_name = "api"

urlpatterns = [
    path("films/", api.FilmListAPIView.as_view(), name="film-list"),
    # Any string: a slug that cannot exist is a JSON 404 like an unknown one, not the site's page.
    path("films/<str:slug>/", api.FilmDetailAPIView.as_view(), name="film-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api.APIDocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"", api.not_found),
]
