"""Public pages of the catalogue: thin views over FilmQuerySet, FilmFilter and the templates."""

from typing import NamedTuple
from urllib.parse import urlencode

from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from .caching import catalogue_generation, language_totals
from .filters import FilmFilter
from .fragments import FilmCard, attach_cards
from .languages import preferred_order
from .languages.display import display_name
from .models import Film, Franchise, TitleKind, attach_synopsis_languages
from .pagecache import conditional_page
from .pagination import FRANCHISE_PAGE_SIZE, PAGE_SIZE, CataloguePaginator
from .search.queries import SearchResults


@method_decorator(conditional_page(), name="dispatch")
class FilmListView(FilterView):
    filterset_class = FilmFilter
    template_name = "films/film_list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CataloguePaginator
    context_object_name = "films"

    def get_queryset(self):
        return Film.objects.all()

    def paginate_queryset(self, queryset, page_size):
        # A page shows cached cards (films/fragments.py): it reads its films' ids, not its
        # films. A search's hits hold them already (films/search/queries.py SearchResults).
        if isinstance(queryset, SearchResults):
            queryset = queryset.as_cards()
        else:
            queryset = queryset.values_list("pk", flat=True)
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A search page's cards arrive with what matched and their snippets.
        cards = [
            item if isinstance(item, FilmCard) else FilmCard(item)
            for item in context["object_list"]
        ]
        attach_cards(cards)
        # A film deleted since its page was counted has no card: left out, not an empty one.
        context["films"] = [card for card in cards if card.card_html]
        context["search_capped"] = getattr(self.object_list, "capped", False)
        if isinstance(self.object_list, SearchResults):
            # The page is loaded and the paginator has counted the hits: the ranking is done.
            self.object_list.release()
        context["query"] = self.filterset.active_query
        # The filters in force, for the heading, the header search and "Clear all".
        context["kept_filters"] = self.filterset.kept_filters
        context["filter_summary"] = self.filterset.summary
        context["active_filters"] = bool(context["kept_filters"])
        # The filter fields' HTML (includes/filter_form.html) is a function of the filters
        # as sent, the catalogue generation and the interface language: memoised under them
        # in each process, it is rendered once, not on every search (docs/performance.md).
        sent = urlencode(
            [(name, self.request.GET.get(name, "")) for name in FilmFilter.KEPT_PARAMETERS]
        )
        context["filter_fields_key"] = f"{catalogue_generation().value}:{sent}"
        return context


@method_decorator(conditional_page(varies_on=("Accept-Language",)), name="dispatch")
class FilmDetailView(DetailView):
    template_name = "films/film_detail.html"
    context_object_name = "film"

    def get_queryset(self):
        return Film.objects.for_detail_page()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        film = self.object
        header = self.request.headers.get("Accept-Language", "")
        order = preferred_order(header, [s.language for s in film.public_synopses])
        position = {tag: index for index, tag in enumerate(dict.fromkeys(order))}
        context["synopses"] = sorted(film.public_synopses, key=lambda s: position[s.language])
        # Aliases help search find the film; they are not its titles.
        context["titles"] = [t for t in film.titles.all() if t.kind != TitleKind.ALIAS]
        context["previous_film"] = context["next_film"] = None
        if film.franchise_id is not None and film.franchise_position is not None:
            context["previous_film"], context["next_film"] = Film.objects.neighbours_of(film)
        return context


@method_decorator(conditional_page(), name="dispatch")
class FranchiseListView(ListView):
    template_name = "films/franchise_list.html"
    context_object_name = "franchises"

    def get_queryset(self):
        return Franchise.objects.annotate(film_count=Count("films")).order_by("name")


class GridRow(NamedTuple):
    """A film of a franchise page: its link, and whether it has a synopsis in each language."""

    film: Film
    url: str
    cells: list[bool]


@method_decorator(conditional_page(), name="dispatch")
class FranchiseDetailView(SingleObjectMixin, ListView):
    """A franchise's films in story order, a page at a time, with a film × language grid.

    Django's pattern for one object and a paginated list of its own (SingleObjectMixin with
    ListView): the franchise is the object, its films the list.
    """

    template_name = "films/franchise_detail.html"
    paginate_by = FRANCHISE_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=Franchise.objects.all())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Film.objects.in_franchise(self.object)

    def paginate_queryset(self, queryset, page_size):
        # A page number past the end (an old link to a franchise that has since lost films)
        # or not a number shows the nearest page, not a 404 (Paginator.get_page).
        paginator = self.get_paginator(
            queryset, page_size, allow_empty_first_page=self.get_allow_empty()
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        films = list(context["object_list"])
        attach_synopsis_languages(films)
        languages = sorted({tag for film in films for tag in film.synopsis_languages})
        context["films"] = films
        context["languages"] = [(tag, display_name(tag)) for tag in languages]
        # Each film's URL once, for its line in the story order and its row of the grid:
        # reversing one cost about 40 microseconds, and a page has fifty films.
        context["grid"] = [
            GridRow(
                film,
                film.get_absolute_url(),
                [tag in film.synopsis_languages for tag in languages],
            )
            for film in films
        ]
        return context


@method_decorator(conditional_page(), name="dispatch")
class LanguageListView(TemplateView):
    template_name = "films/language_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = sorted(language_totals(), key=lambda row: (-row["synopses"], row["language"]))
        context["languages"] = [{**row, "name": display_name(row["language"])} for row in rows]
        return context


class RobotsView(TemplateView):
    """robots.txt: everything public may be crawled, not the admin; where the sitemap is."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers ask for on their own: the SVG icon every page links."""
    return HttpResponseRedirect(static("favicon.svg"))
