"""Django admin for the catalogue: every model, and a review queue for what the importer left open.

Editors' changes to a synopsis (its text, film or language) mark it ``is_edited``, so no
later import overwrites them; actions write to the admin history like form saves do.
"""

import re
from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .importer.services import checksum, rematch_synopses
from .languages import english_name, native_name, to_bcp47
from .models import (
    Film,
    FilmKnowledge,
    FilmTitle,
    Franchise,
    ReviewQueueEntry,
    ReviewStatus,
    Synopsis,
)
from .text import title_key

# Fields of a synopsis that are an editor's decision once changed in admin.
EDITOR_FIELDS = ("text", "film", "language")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
EXCERPT_LENGTH = 90
LIST_CANDIDATES = 3


# --- Rendering helpers: everything that comes from data goes through format_html. ---


def language_label(tag: str) -> SafeString | str:
    """``da · Dansk`` with the native name marked up in its own language."""
    if not tag:
        return "—"
    return format_html(
        '<code>{}</code> · <span lang="{}" title="{}">{}</span>',
        tag,
        tag,
        english_name(tag),
        native_name(tag),
    )


def synopsis_excerpt(synopsis: Synopsis) -> SafeString:
    excerpt = Truncator(" ".join(synopsis.text.split())).chars(EXCERPT_LENGTH)
    return format_html('<span lang="{}">{}</span>', synopsis.language, excerpt)


def render_candidates(
    candidates: Iterable[dict], *, assign_url: str | None = None, limit: int | None = None
) -> SafeString | str:
    """The importer's ranked candidates: title, year, score and the evidence for each."""
    candidates = list(candidates)[:limit] if limit else list(candidates)
    if not candidates:
        return _("No catalogued film was mentioned.")
    rows = []
    for candidate in candidates:
        evidence = ", ".join(str(item) for item in candidate.get("evidence", []))
        button = (
            format_html(
                ' <button type="submit" class="button" formaction="{}" '
                'formnovalidate name="_assign_candidate">{}</button>',
                f"{assign_url}{candidate.get('film_id')}/",
                _("Assign to this film"),
            )
            if assign_url and candidate.get("film_id")
            else ""
        )
        rows.append(
            (
                candidate.get("title", "?"),
                candidate.get("year", "?"),
                candidate.get("score", 0),
                evidence or "—",
                button,
            )
        )
    return format_html(
        '<ol class="match-candidates">{}</ol>',
        format_html_join(
            "",
            "<li><strong>{} ({})</strong> · score {} · <small>{}</small>{}</li>",
            rows,
        ),
    )


def _ranked_candidates(synopses: Iterable[Synopsis]) -> list[tuple[int, str]]:
    """Candidate films of several synopses, best score first, as form choices."""
    best: dict[int, tuple[float, str]] = {}
    for synopsis in synopses:
        for candidate in synopsis.match_candidates or []:
            film_id = candidate.get("film_id")
            if not film_id:
                continue
            score = float(candidate.get("score", 0))
            label = f"{candidate.get('title')} ({candidate.get('year')}) · score {score:g}"
            if film_id not in best or best[film_id][0] < score:
                best[film_id] = (score, label)
    return [
        (film_id, label)
        for film_id, (_score, label) in sorted(best.items(), key=lambda i: -i[1][0])
    ]


def _value(value: object) -> object:
    return value.pk if isinstance(value, Model) else value


def touched_editor_fields(form: forms.ModelForm) -> set[str]:
    """The editor fields whose value really changed (not only their spelling in the form)."""
    return {
        name
        for name in EDITOR_FIELDS
        if name in form.changed_data
        and _value(form.cleaned_data.get(name)) != _value(form.initial.get(name))
    }


def clean_language_tag(value: str) -> str:
    tag = to_bcp47(value or "")
    if not _LANGUAGE_TAG.match(tag):
        raise forms.ValidationError(
            _("Enter a BCP 47 language tag such as “da”, “th” or “pt-BR”."), code="invalid"
        )
    return tag


# --- List filters ---


class LanguageFilter(admin.SimpleListFilter):
    """The languages present in the data, each with its native name."""

    title = _("language")
    parameter_name = "language"
    field_name = "language"

    def tag_queryset(self, model_admin: admin.ModelAdmin) -> QuerySet:
        return model_admin.model._default_manager.all()

    def lookups(self, request, model_admin):
        tags = (
            self.tag_queryset(model_admin)
            .filter(**{f"{self.field_name}__isnull": False})
            .exclude(**{self.field_name: ""})
            .values_list(self.field_name, flat=True)
            .distinct()
            .order_by(self.field_name)
        )
        return [(tag, f"{tag} · {native_name(tag)}") for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class OriginalLanguageFilter(LanguageFilter):
    title = _("original language")
    parameter_name = "original_language"
    field_name = "original_language"


class SynopsisLanguageFilter(LanguageFilter):
    """Films with at least one synopsis in a language."""

    title = _("synopsis language")
    parameter_name = "synopsis_language"

    def tag_queryset(self, model_admin):
        return Synopsis.objects.all()

    def queryset(self, request, queryset):
        if self.value():
            films = Synopsis.objects.filter(language=self.value()).values("film_id")
            return queryset.filter(pk__in=films)
        return queryset


class QueueReasonFilter(admin.SimpleListFilter):
    title = _("why it waits")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [("film", _("No film yet")), ("language", _("Language unsure"))]

    def queryset(self, request, queryset):
        if self.value() == "film":
            return queryset.filter(film__isnull=True)
        if self.value() == "language":
            return queryset.filter(language_uncertain=True)
        return queryset


# --- Forms ---


class SynopsisForm(forms.ModelForm):
    class Meta:
        model = Synopsis
        fields = ["text", "film", "language"]

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; the catalogue stores LF.
        return self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")

    def clean_language(self) -> str:
        return clean_language_tag(self.cleaned_data["language"])

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text")
        is_new = self.instance.pk is None
        if is_new and text and Synopsis.objects.filter(source_checksum=checksum(text)).exists():
            raise forms.ValidationError(
                _("This exact text is already in the catalogue."), code="duplicate"
            )
        return cleaned


class AssignFilmForm(forms.Form):
    candidate = forms.TypedChoiceField(
        label=_("One of the importer's candidates"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = candidates
        if not candidates:
            del self.fields["candidate"]
        self.fields["film"] = forms.ModelChoiceField(
            label=_("Or any film"),
            queryset=Film.objects.all(),
            required=False,
            help_text=_("Type a title in any language or script."),
            widget=AutocompleteSelect(Synopsis._meta.get_field("film"), admin_site),
        )

    def clean(self):
        cleaned = super().clean()
        candidate, film = cleaned.get("candidate"), cleaned.get("film")
        if candidate and film and candidate != film.pk:
            raise forms.ValidationError(_("Choose a candidate or another film, not both."))
        if film is None and candidate:
            film = Film.objects.filter(pk=candidate).first()
            if film is None:
                raise forms.ValidationError(_("That film is no longer in the catalogue."))
        if film is None:
            raise forms.ValidationError(_("Choose the film these synopses describe."))
        cleaned["chosen"] = film
        return cleaned


class SetLanguageForm(forms.Form):
    language = forms.CharField(
        label=_("Language"),
        max_length=35,
        help_text=_("BCP 47 tag such as “da”, “nb”, “sv” or “th”."),
    )

    def clean_language(self) -> str:
        return clean_language_tag(self.cleaned_data["language"])


# --- Franchises, films, titles, knowledge ---


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


class FilmKnowledgeInline(admin.TabularInline):
    model = FilmKnowledge
    fields = ("text", "kind", "language")
    extra = 1


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


def provenance(synopsis: Synopsis) -> SafeString:
    return format_html(
        '<code>{}</code>, lines {}–{}, SHA-256 <code title="{}">{}…</code>',
        synopsis.source_file,
        synopsis.source_first_line,
        synopsis.source_last_line,
        synopsis.source_checksum,
        synopsis.source_checksum[:12],
    )


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


# --- Synopses and the review queue ---


@admin.register(Synopsis)
class SynopsisAdmin(admin.ModelAdmin):
    form = SynopsisForm
    list_display = (
        "excerpt",
        "film",
        "language_display",
        "language_confidence_display",
        "review_status",
        "is_edited",
        "source_display",
    )
    list_display_links = ("excerpt",)
    list_filter = (
        "review_status",
        "is_edited",
        "language_uncertain",
        LanguageFilter,
        "film__franchise",
        "film__kind",
    )
    list_select_related = ("film",)
    search_fields = (
        "text",
        "film__title",
        "film__titles__title",
        "source_file",
        "=source_checksum",
    )
    search_help_text = _("Synopsis text, film titles in any script, source file or checksum.")
    ordering = ("source_file", "source_first_line")
    autocomplete_fields = ("film",)
    actions = ("assign_film", "set_language", "rematch", "mark_reviewed")

    class Media:
        css = {"all": ["films/admin.css"]}

    readonly_fields = (
        "language_display",
        "language_confidence",
        "language_uncertain",
        "review_status",
        "match_confidence",
        "match_evidence",
        "candidates_display",
        "source_file",
        "source_lines_display",
        "source_header",
        "source_checksum",
        "is_edited",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": ("text", "film", "language"),
                "description": _(
                    "Changing the text, film or language marks the synopsis as edited: "
                    "imports never overwrite it again. Assigning a film marks it reviewed."
                ),
            },
        ),
        (
            _("Language detection"),
            {"fields": ("language_display", "language_confidence", "language_uncertain")},
        ),
        (
            _("Film match"),
            {
                "fields": (
                    "review_status",
                    "match_confidence",
                    "match_evidence",
                    "candidates_display",
                )
            },
        ),
        (
            _("Provenance"),
            {
                "fields": (
                    "source_file",
                    "source_lines_display",
                    "source_header",
                    "source_checksum",
                    "is_edited",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("text", "film", "language")}),)
        return super().get_fieldsets(request, obj)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/assign/<int:film_id>/",
                self.admin_site.admin_view(self.assign_view),
                name=f"{opts.app_label}_{opts.model_name}_assign",
            ),
            *super().get_urls(),
        ]

    # Columns and read-only fields

    @admin.display(description=_("synopsis"))
    def excerpt(self, synopsis: Synopsis):
        return synopsis_excerpt(synopsis)

    @admin.display(description=_("language"), ordering="language")
    def language_display(self, synopsis: Synopsis):
        label = language_label(synopsis.language)
        if synopsis.language_uncertain:
            return format_html('{} <strong title="{}">?</strong>', label, _("language unsure"))
        return label

    @admin.display(description=_("confidence"), ordering="language_confidence")
    def language_confidence_display(self, synopsis: Synopsis) -> str:
        return f"{synopsis.language_confidence:.2f}"

    @admin.display(description=_("source"), ordering="source_file")
    def source_display(self, synopsis: Synopsis):
        return format_html(
            "<code>{}:{}–{}</code>",
            synopsis.source_file,
            synopsis.source_first_line,
            synopsis.source_last_line,
        )

    @admin.display(description=_("lines"))
    def source_lines_display(self, synopsis: Synopsis) -> str:
        return synopsis.source_lines

    @admin.display(description=_("ranked candidates"))
    def candidates_display(self, synopsis: Synopsis):
        assign_url = None
        if synopsis.pk and synopsis.review_status != ReviewStatus.REVIEWED:
            opts = self.model._meta
            assign_url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_assign",
                args=[synopsis.pk, 0],
            ).removesuffix("0/")
        return render_candidates(synopsis.match_candidates or [], assign_url=assign_url)

    # Saving

    def save_model(self, request, obj: Synopsis, form, change: bool) -> None:
        touched = touched_editor_fields(form) if change else set(EDITOR_FIELDS)
        if not change:
            # Typed in by an editor: it has no source file, and no import may replace it.
            obj.source_file = f"admin:{request.user.get_username()}"
            obj.source_first_line = 1
            obj.source_last_line = max(1, obj.text.count("\n") + 1)
            obj.source_checksum = checksum(obj.text)
        if touched:
            obj.is_edited = True
        if "language" in touched:
            obj.language_uncertain = False
            obj.language_confidence = 1.0
        if "film" in touched or "language" in touched:
            decided = obj.film_id is not None and ("film" in touched or not obj.language_uncertain)
            obj.review_status = ReviewStatus.REVIEWED if decided else ReviewStatus.PENDING
        super().save_model(request, obj, form, change)

    def _assign(self, request: HttpRequest, synopsis: Synopsis, film: Film) -> None:
        synopsis.film = film
        synopsis.review_status = ReviewStatus.REVIEWED
        synopsis.is_edited = True
        synopsis.save(update_fields=["film", "review_status", "is_edited", "updated_at"])
        self.log_change(request, synopsis, f"Assigned to film “{film}” (id {film.pk}).")

    def assign_view(self, request: HttpRequest, object_id: str, film_id: int) -> HttpResponse:
        """Assign one synopsis to one film: the buttons beside its ranked candidates."""
        if request.method != "POST":
            return HttpResponse(status=405)
        synopsis = self.get_object(request, object_id)
        if synopsis is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_change_permission(request, synopsis):
            raise PermissionDenied
        film = get_object_or_404(Film, pk=film_id)
        self._assign(request, synopsis, film)
        self.message_user(
            request,
            format_html(_("“{}” now belongs to {}."), Truncator(synopsis.text).chars(40), film),
            messages.SUCCESS,
        )
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        )

    # Actions

    def _action_page(
        self, request: HttpRequest, queryset: QuerySet, *, action: str, title: str, form
    ) -> TemplateResponse:
        synopses = list(queryset.select_related("film"))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "action_name": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "entries": [
                {
                    "synopsis": synopsis,
                    "excerpt": synopsis_excerpt(synopsis),
                    "language": language_label(synopsis.language),
                    "candidates": render_candidates(
                        synopsis.match_candidates or [], limit=LIST_CANDIDATES
                    ),
                }
                for synopsis in synopses
            ],
        }
        return TemplateResponse(request, "admin/films/synopsis/action_form.html", context)

    @admin.action(description=_("Assign to a film…"), permissions=["change"])
    def assign_film(self, request: HttpRequest, queryset: QuerySet):
        candidates = _ranked_candidates(queryset)
        if "apply" in request.POST:
            form = AssignFilmForm(request.POST, candidates=candidates, admin_site=self.admin_site)
            if form.is_valid():
                film = form.cleaned_data["chosen"]
                count = 0
                for synopsis in queryset:
                    self._assign(request, synopsis, film)
                    count += 1
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d synopsis assigned to %(film)s.",
                        "%(count)d synopses assigned to %(film)s.",
                        count,
                    )
                    % {"count": count, "film": film},
                    messages.SUCCESS,
                )
                return None
        else:
            form = AssignFilmForm(candidates=candidates, admin_site=self.admin_site)
        return self._action_page(
            request, queryset, action="assign_film", title=_("Assign to a film"), form=form
        )

    @admin.action(description=_("Set the language…"), permissions=["change"])
    def set_language(self, request: HttpRequest, queryset: QuerySet):
        if "apply" in request.POST:
            form = SetLanguageForm(request.POST)
            if form.is_valid():
                tag = form.cleaned_data["language"]
                count = 0
                for synopsis in queryset:
                    before = synopsis.language
                    synopsis.language = tag
                    synopsis.language_confidence = 1.0
                    synopsis.language_uncertain = False
                    synopsis.is_edited = True
                    if synopsis.film_id and synopsis.review_status == ReviewStatus.PENDING:
                        # The language was all that was open: the editor has now decided it.
                        synopsis.review_status = ReviewStatus.REVIEWED
                    synopsis.save()
                    self.log_change(request, synopsis, f"Language set: {before} → {tag}.")
                    count += 1
                self.message_user(
                    request,
                    ngettext(
                        "Language of %(count)d synopsis set to %(tag)s (%(name)s).",
                        "Language of %(count)d synopses set to %(tag)s (%(name)s).",
                        count,
                    )
                    % {"count": count, "tag": tag, "name": native_name(tag)},
                    messages.SUCCESS,
                )
                return None
        else:
            form = SetLanguageForm()
        return self._action_page(
            request, queryset, action="set_language", title=_("Set the language"), form=form
        )

    @admin.action(
        description=_("Re-run language detection and film matching"), permissions=["change"]
    )
    def rematch(self, request: HttpRequest, queryset: QuerySet) -> None:
        synopses = list(queryset)
        before = {s.pk: (s.film_id, s.language, s.review_status) for s in synopses}
        reviewed = [s for s in synopses if s.review_status == ReviewStatus.REVIEWED]
        open_ = [s for s in synopses if s.review_status != ReviewStatus.REVIEWED]
        # An editor's language stands: edited synopses are matched again, not re-detected.
        rematch_synopses(synopses=[s for s in open_ if not s.is_edited], redetect=True)
        rematch_synopses(synopses=[s for s in open_ if s.is_edited], redetect=False)
        resolved = 0
        for synopsis in open_:
            after = (synopsis.film_id, synopsis.language, synopsis.review_status)
            if synopsis.review_status == ReviewStatus.AUTO:
                resolved += 1
            if after != before[synopsis.pk]:
                self.log_change(
                    request,
                    synopsis,
                    f"Re-analysed: language {synopsis.language}, "
                    f"film {synopsis.film or '—'}, status {synopsis.review_status}.",
                )
        self.message_user(
            request,
            _(
                "%(count)d re-analysed: %(resolved)d now matched automatically, "
                "%(waiting)d still waiting; %(reviewed)d reviewed by an editor left alone."
            )
            % {
                "count": len(open_),
                "resolved": resolved,
                "waiting": len(open_) - resolved,
                "reviewed": len(reviewed),
            },
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark reviewed"), permissions=["change"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = without_film = 0
        for synopsis in queryset:
            synopsis.review_status = ReviewStatus.REVIEWED
            synopsis.language_uncertain = False
            synopsis.save(update_fields=["review_status", "language_uncertain", "updated_at"])
            self.log_change(request, synopsis, "Marked reviewed.")
            count += 1
            without_film += synopsis.film_id is None
        self.message_user(
            request,
            ngettext(
                "%(count)d synopsis marked reviewed.", "%(count)d synopses marked reviewed.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
        if without_film:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of them has no film and is not shown on the site.",
                    "%(count)d of them have no film and are not shown on the site.",
                    without_film,
                )
                % {"count": without_film},
                messages.WARNING,
            )


@admin.register(ReviewQueueEntry)
class ReviewQueueAdmin(SynopsisAdmin):
    """Synopses waiting for a film or with an unsure language, with the importer's candidates."""

    list_display = (
        "excerpt",
        "language_display",
        "language_confidence_display",
        "reason",
        "candidates_summary",
        "source_display",
    )
    list_filter = (QueueReasonFilter, LanguageFilter, "is_edited")
    fieldsets = (
        (
            None,
            {
                "fields": ("text", "candidates_display", "film", "language"),
                "description": _(
                    "Pick a candidate with its button, or choose any film and save: the entry "
                    "leaves the queue. Correct the language if the detector was unsure."
                ),
            },
        ),
        SynopsisAdmin.fieldsets[1],
        (
            _("Film match"),
            {"fields": ("review_status", "match_confidence", "match_evidence")},
        ),
        SynopsisAdmin.fieldsets[3],
    )

    def get_queryset(self, request):
        return super().get_queryset(request).in_review_queue()

    def has_add_permission(self, request) -> bool:
        # Entries come from imports; a synopsis typed in by hand is added under Synopses.
        return False

    @admin.display(description=_("why it waits"))
    def reason(self, synopsis: Synopsis):
        reasons = []
        if synopsis.film_id is None:
            reasons.append(_("no film yet"))
        if synopsis.language_uncertain:
            reasons.append(_("language unsure"))
        return format_html_join(", ", "{}", ((reason,) for reason in reasons)) or "—"

    @admin.display(description=_("candidates"))
    def candidates_summary(self, synopsis: Synopsis):
        return render_candidates(synopsis.match_candidates or [], limit=LIST_CANDIDATES)
