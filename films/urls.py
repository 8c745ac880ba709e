"""Routes of the public site and its JSON API."""

from django.urls import path
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
    path("api/films/<slug:slug>/", api.FilmDetailAPIView.as_view(), name="api-film-detail"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
