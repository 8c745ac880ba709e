"""The sitemap: every public page in every interface language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Film, Franchise


class LocalisedSitemap(Sitemap):
    # One <url> per page and language, each listing the others (xhtml:link hreflang) and an
    # x-default that negotiates; docs/interface.md.
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(LocalisedSitemap):
    def items(self) -> list[str]:
        return ["films:film-list", "films:franchise-list", "films:language-list"]

    def location(self, item: str) -> str:
        return reverse(item)


class FilmSitemap(LocalisedSitemap):
    def items(self):
        return Film.objects.order_by("pk").only("slug")


class FranchiseSitemap(LocalisedSitemap):
    def items(self):
        return Franchise.objects.order_by("pk").only("slug")


SITEMAPS = {"pages": PageSitemap, "films": FilmSitemap, "franchises": FranchiseSitemap}
