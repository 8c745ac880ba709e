"""URL configuration of the catalogue.

Public pages carry their language in the path (/da/films/): each language version has a URL
of its own for hreflang alternates, the sitemap and caches; an unprefixed URL ("/films/")
redirects to the visitor's language (cookie, then Accept-Language). The API, the admin and
the site files have one URL for every language. docs/interface.md.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from films import views
from films.sitemaps import SITEMAPS

urlpatterns = [
    # The visitor's language is active here (LocaleMiddleware), so this lands on /<lang>/films/.
    path("", RedirectView.as_view(pattern_name="films:film-list"), name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("films.api_urls")),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    *i18n_patterns(
        path("", RedirectView.as_view(pattern_name="films:film-list"), name="language-home"),
        path("", include("films.urls")),
    ),
]
