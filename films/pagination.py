"""Page sizes of the public lists and their paginator, read by the HTML pages and the JSON API."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .caching import film_count
from .models import FilmQuerySet

# Films per page of /films/ and of /api/films/: the API pages like the list it mirrors.
PAGE_SIZE = 12
# Films per page of a franchise (each a row of its film × language grid).
FRANCHISE_PAGE_SIZE = 50


class CataloguePaginator(Paginator):
    """Pages of films; the count of every film (an unfiltered list) is the cached one.

    ``COUNT(*)`` of 50,000 films was 2 ms of every uncached list page at a million synopses;
    the catalogue generation (films/caching.py) changes whenever the films do.
    """

    @cached_property
    def count(self) -> int:
        films = self.object_list
        if isinstance(films, FilmQuerySet) and films.is_every_film():
            return film_count()
        return super().count
