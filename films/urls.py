"""Routes of the public site and its JSON API."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import api, views

app_name = "films"

urlpatterns = [
    path("films/", views.FilmListView.as_view(), name="film-list"),
    path("films/<slug:slug>/", views.FilmDetailView.as_view(), name="film-detail"),
    path("franchises/", views.FranchiseListView.as_view(), name="franchise-list"),
    path("franchises/<slug:slug>/", views.FranchiseDetailView.as_view(), name="franchise-detail"),
    path("languages/", views.LanguageListView.as_view(), name="language-list"),
    path("api/films/", api.FilmListAPIView.as_view(), name="api-film-list"),
    # Any string: a slug that cannot exist is a JSON 404 like an unknown one, not the site's page.
    path("api/films/<str:slug>/", api.FilmDetailAPIView.as_view(), name="api-film-detail"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    re_path(r"^api/", api.not_found),
]
