"""Admin of the catalogue itself: franchises, films with their titles and knowledge, and both.

A film's page shows its synopses read-only; each is edited through its own page
(films/admin/synopses.py).
"""

from django.contrib import admin
from django.db.models import Count, Prefetch, Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..languages import native_name
from ..models import Film, FilmKnowledge, FilmTitle, Franchise, OutsideWork, Synopsis
from ..text import title_key
from .display import language_label, provenance, synopsis_excerpt
from .filters import LanguageFilter, OriginalLanguageFilter, SynopsisLanguageFilter


class FilmInFranchiseInline(admin.TabularInline):
    model = Film
    fields = ("franchise_position", "title", "year", "kind")
    readonly_fields = fields
    ordering = ("franchise_position", "year")
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("films in story order")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Franchise)
class FranchiseAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "film_count")
    search_fields = ("name", "slug")
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (FilmInFranchiseInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(film_count=Count("films"))

    @admin.display(description=_("films"), ordering="film_count")
    def film_count(self, franchise: Franchise) -> int:
        return franchise.film_count


class FilmTitleInline(admin.TabularInline):
    model = FilmTitle
    fields = ("title", "language", "kind", "script")
    extra = 1


# A film may have dozens of knowledge rows and synopses: they open on demand (a <details>),
# so the film's own fields and titles fit a 1,280 px window (docs/editors.md).
class FilmKnowledgeInline(admin.TabularInline):
    model = FilmKnowledge
    fields = ("text", "kind", "language")
    extra = 1
    classes = ("collapse",)


class SynopsisInline(admin.StackedInline):
    """The film's synopses as the importer or an editor left them; edit one through its link."""

    model = Synopsis
    fields = (
        ("language_display", "language_confidence", "review_status", "is_edited"),
        "excerpt",
        "provenance",
        "match_evidence",
    )
    readonly_fields = (
        "language_display",
        "language_confidence",
        "review_status",
        "is_edited",
        "excerpt",
        "provenance",
        "match_evidence",
    )
    ordering = ("language", "source_file", "source_first_line")
    extra = 0
    can_delete = False
    show_change_link = True
    classes = ("collapse",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("language"))
    def language_display(self, synopsis: Synopsis):
        return language_label(synopsis.language)

    @admin.display(description=_("text"))
    def excerpt(self, synopsis: Synopsis):
        return synopsis_excerpt(synopsis)

    @admin.display(description=_("provenance"))
    def provenance(self, synopsis: Synopsis):
        return provenance(synopsis)


@admin.register(Film)
class FilmAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "year",
        "kind",
        "franchise",
        "franchise_position",
        "original_language_display",
        "other_titles",
        "synopsis_languages",
        "synopsis_count",
    )
    list_filter = (
        "kind",
        "franchise",
        OriginalLanguageFilter,
        SynopsisLanguageFilter,
    )
    list_select_related = ("franchise",)
    search_fields = ("title", "slug", "titles__title", "knowledge__text")
    search_help_text = _(
        "Titles in any language or script (“Rocky 4” finds “Rocky IV”), slugs, names."
    )
    ordering = ("title", "year")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("franchise",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "year", "kind", "original_language")}),
        (_("Franchise"), {"fields": ("franchise", "franchise_position")}),
    )
    inlines = (FilmTitleInline, FilmKnowledgeInline, SynopsisInline)

    class Media:
        css = {"all": ["films/admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(synopsis_count=Count("synopses", distinct=True))
            .prefetch_related(
                Prefetch(
                    "synopses",
                    queryset=Synopsis.objects.order_by().only("id", "film_id", "language"),
                    to_attr="synopsis_language_rows",
                ),
                Prefetch(
                    "titles",
                    queryset=FilmTitle.objects.order_by("language", "title"),
                    to_attr="title_rows",
                ),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Also match on title keys, so case, accents and numerals do not matter."""
        if not search_term.strip():
            return queryset, False
        found, _duplicates = super().get_search_results(request, Film.objects.all(), search_term)
        matches = Q(pk__in=found.values("pk"))
        key = title_key(search_term)
        if key:
            matches |= Q(title_key__contains=key) | Q(titles__title_key__contains=key)
        return queryset.filter(pk__in=Film.objects.filter(matches).values("pk")), False

    @admin.display(description=_("original language"), ordering="original_language")
    def original_language_display(self, film: Film):
        return language_label(film.original_language)

    @admin.display(description=_("also known as"))
    def other_titles(self, film: Film):
        titles = film.title_rows[:4]
        if not titles:
            return "—"
        more = len(film.title_rows) - len(titles)
        return format_html(
            "{}{}",
            format_html_join(
                " · ", '<span lang="{}">{}</span>', ((t.language, t.title) for t in titles)
            ),
            format_html(" +{}", more) if more > 0 else "",
        )

    @admin.display(description=_("synopsis languages"))
    def synopsis_languages(self, film: Film):
        tags = sorted({row.language for row in film.synopsis_language_rows})
        if not tags:
            return "—"
        return format_html_join(
            " ", '<code title="{}">{}</code>', ((native_name(tag), tag) for tag in tags)
        )

    @admin.display(description=_("synopses"), ordering="synopsis_count")
    def synopsis_count(self, film: Film) -> int:
        return film.synopsis_count


@admin.register(FilmTitle)
class FilmTitleAdmin(admin.ModelAdmin):
    list_display = ("title_display", "film", "language_display", "script", "kind")
    list_display_links = ("title_display",)
    list_filter = (LanguageFilter, "kind", "script")
    list_select_related = ("film",)
    search_fields = ("title", "film__title", "film__slug")
    ordering = ("film__title", "language", "title")
    autocomplete_fields = ("film",)
    fields = ("film", "title", "language", "kind", "script")

    @admin.display(description=_("title"), ordering="title")
    def title_display(self, title: FilmTitle):
        return format_html('<span lang="{}">{}</span>', title.language, title.title)

    @admin.display(description=_("language"), ordering="language")
    def language_display(self, title: FilmTitle):
        return language_label(title.language)


@admin.register(FilmKnowledge)
class FilmKnowledgeAdmin(admin.ModelAdmin):
    list_display = ("text", "kind", "film", "language_display")
    list_filter = ("kind", LanguageFilter)
    list_select_related = ("film",)
    search_fields = ("text", "key", "film__title", "film__slug")
    ordering = ("film__title", "kind", "text")
    autocomplete_fields = ("film",)
    fields = ("film", "text", "kind", "language")

    @admin.display(description=_("language"), ordering="language")
    def language_display(self, knowledge: FilmKnowledge):
        return language_label(knowledge.language)


@admin.register(OutsideWork)
class OutsideWorkAdmin(admin.ModelAdmin):
    """Works outside the catalogue the matcher should recognise and leave unassigned."""

    list_display = ("title", "year", "franchise", "note")
    list_select_related = ("franchise",)
    list_filter = ("franchise",)
    search_fields = ("title", "titles", "names", "note")
    fields = ("title", "year", "franchise", "note", "titles", "names")
