"""Routes of the public pages; catalogue/urls.py puts them under a language prefix."""

from django.urls import path

from . import views

app_name = "films"

urlpatterns = [
    path("films/", views.FilmListView.as_view(), name="film-list"),
    path("films/<slug:slug>/", views.FilmDetailView.as_view(), name="film-detail"),
    path("franchises/", views.FranchiseListView.as_view(), name="franchise-list"),
    path("franchises/<slug:slug>/", views.FranchiseDetailView.as_view(), name="franchise-detail"),
    path("languages/", views.LanguageListView.as_view(), name="language-list"),
]
