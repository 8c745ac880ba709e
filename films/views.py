"""Public pages of the catalogue: thin views over FilmQuerySet, FilmFilter and the templates."""

from django.db.models import Count, Prefetch
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from .filters import FilmFilter
from .languages import native_name, preferred_order
from .models import Film, FilmTitle, Franchise, Synopsis

PAGE_SIZE = 12


class FilmListView(FilterView):
    filterset_class = FilmFilter
    template_name = "films/film_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "films"

    def get_queryset(self):
        return Film.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A search page's films arrive with their snippets (films/search.py SearchResults).
        context["films"] = list(context["object_list"])
        context["search_capped"] = getattr(self.object_list, "capped", False)
        context["query"] = self.filterset.active_query
        context["active_filters"] = any(
            value not in (None, "") for key, value in self.request.GET.items() if key != "page"
        )
        return context


class FilmDetailView(DetailView):
    template_name = "films/film_detail.html"
    context_object_name = "film"

    def get_queryset(self):
        return Film.objects.select_related("franchise").prefetch_related(
            Prefetch("titles", queryset=FilmTitle.objects.order_by("kind", "language", "title")),
            Prefetch(
                "synopses",
                queryset=Synopsis.objects.published().order_by(
                    "language", "source_file", "source_first_line"
                ),
                to_attr="public_synopses",
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        film = self.object
        header = self.request.headers.get("Accept-Language", "")
        order = preferred_order(header, [s.language for s in film.public_synopses])
        position = {tag: index for index, tag in enumerate(dict.fromkeys(order))}
        context["synopses"] = sorted(film.public_synopses, key=lambda s: position[s.language])
        context["previous_film"] = context["next_film"] = None
        if film.franchise_id is not None and film.franchise_position is not None:
            siblings = list(
                Film.objects.filter(franchise_id=film.franchise_id)
                .exclude(franchise_position=None)
                .only("slug", "title", "year", "franchise_position")
                .order_by("franchise_position")
            )
            before = [f for f in siblings if f.franchise_position < film.franchise_position]
            after = [f for f in siblings if f.franchise_position > film.franchise_position]
            context["previous_film"] = before[-1] if before else None
            context["next_film"] = after[0] if after else None
        return context


class FranchiseListView(ListView):
    template_name = "films/franchise_list.html"
    context_object_name = "franchises"

    def get_queryset(self):
        return Franchise.objects.annotate(film_count=Count("films")).order_by("name")


class FranchiseDetailView(DetailView):
    template_name = "films/franchise_detail.html"
    context_object_name = "franchise"
    queryset = Franchise.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        films = list(Film.objects.public().filter(franchise=self.object).in_story_order())
        languages = sorted({s.language for film in films for s in film.listed_synopses})
        context["films"] = films
        context["languages"] = [(tag, native_name(tag)) for tag in languages]
        context["grid"] = [
            (film, [tag in {s.language for s in film.listed_synopses} for tag in languages])
            for film in films
        ]
        return context


class LanguageListView(TemplateView):
    template_name = "films/language_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = (
            Synopsis.objects.published()
            .values("language")
            .annotate(synopses=Count("id"), films=Count("film", distinct=True))
            .order_by("-synopses", "language")
        )
        context["languages"] = [{**row, "name": native_name(row["language"])} for row in rows]
        return context
