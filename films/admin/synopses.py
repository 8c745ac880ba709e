"""Admin of synopses and the review queue: editors correct, assign and review them.

Every decision (what assigning a film or setting a language changes, and that an
editor's version survives imports) is made in films/review.py; the views here check
permission, call it, write the admin history and tell the editor what happened.
"""

from collections.abc import Iterable

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .. import review
from ..importer.storing import checksum
from ..models import Film, ReviewStatus, Synopsis
from .actions import SynopsisActions
from .display import (
    SynopsisColumns,
    render_candidates,
    text_diff,
)
from .filters import LanguageFilter
from .forms import (
    ATTRIBUTION_FIELDS,
    SynopsisForm,
    touched_editor_fields,
)

# The synopsis page's sections: the editor's fields, then what the importer found.
_EDITOR_FIELDS = review.EDITOR_FIELDS
_LANGUAGE_FIELDS = ("language_display", "language_confidence", "language_uncertain")
_MATCH_FIELDS = ("review_status", "match_confidence", "match_evidence")
_SOURCE_FIELDS = (
    "source_file",
    "source_lines_display",
    "source_header",
    "source_checksum",
    "is_edited",
    "created_at",
    "updated_at",
)


@admin.register(Synopsis)
class SynopsisAdmin(SynopsisActions, SynopsisColumns, admin.ModelAdmin):
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
        js = ["films/queue-keys.js"]

    readonly_fields = (
        *_LANGUAGE_FIELDS,
        *_MATCH_FIELDS,
        "candidates_display",
        *_SOURCE_FIELDS,
        "proposal_display",
        "history_display",
    )
    fieldsets = (
        (
            None,
            {
                "fields": _EDITOR_FIELDS,
                "description": _(
                    "Changing the text, film or language marks the synopsis as edited: "
                    "imports never overwrite it again. Assigning a film marks it reviewed."
                ),
            },
        ),
        (
            _("Attribution"),
            {
                "fields": ATTRIBUTION_FIELDS,
                "description": _("Shown to visitors under the synopsis, instead of the file."),
            },
        ),
        (_("Language detection"), {"fields": _LANGUAGE_FIELDS}),
        (_("Film match"), {"fields": (*_MATCH_FIELDS, "candidates_display")}),
        (_("Provenance"), {"fields": _SOURCE_FIELDS}),
        (_("History"), {"fields": ("history_display",)}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": _EDITOR_FIELDS}),
                (_("Attribution"), {"fields": ATTRIBUTION_FIELDS}),
            )
        fieldsets = super().get_fieldsets(request, obj)
        if obj.proposed_text:
            # A changed source text waits beside the editor's version: show it first.
            proposal = (_("New text from the source"), {"fields": ("proposal_display",)})
            return (fieldsets[0], proposal, *fieldsets[1:])
        return fieldsets

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/assign/<int:film_id>/",
                self.admin_site.admin_view(self.assign_view),
                name=f"{opts.app_label}_{opts.model_name}_assign",
            ),
            path(
                "<path:object_id>/proposal/<str:decision>/",
                self.admin_site.admin_view(self.proposal_view),
                name=f"{opts.app_label}_{opts.model_name}_proposal",
            ),
            *super().get_urls(),
        ]

    # Read-only fields

    @admin.display(description=_("ranked candidates"))
    def candidates_display(self, synopsis: Synopsis):
        assign_url = None
        if synopsis.pk and synopsis.review_status != ReviewStatus.REVIEWED:
            assign_url = reverse(self._url_name("assign"), args=[synopsis.pk, 0]).removesuffix("0/")
        return render_candidates(synopsis, assign_url=assign_url)

    @admin.display(description=_("new text from the source"))
    def proposal_display(self, synopsis: Synopsis):
        if not synopsis.proposed_text:
            return "—"
        url = reverse(self._url_name("proposal"), args=[synopsis.pk, "accept"])
        return format_html(
            '{}<p class="proposal-text" lang="{}">{}</p><p>'
            '<button type="submit" class="button" formaction="{}" formnovalidate>{}</button> '
            '<button type="submit" class="button" formaction="{}" formnovalidate>{}</button></p>',
            text_diff(synopsis.text, synopsis.proposed_text),
            synopsis.language,
            synopsis.proposed_text,
            url,
            _("Accept the new text"),
            url.replace("/accept/", "/dismiss/"),
            _("Dismiss it, keep this version"),
        )

    @admin.display(description=_("history"))
    def history_display(self, synopsis: Synopsis):
        entries = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Synopsis), object_id=str(synopsis.pk)
            )
            .select_related("user")
            .order_by("-action_time")[:8]
        )
        if not entries:
            return _("No change yet.")
        return format_html(
            '<ol class="synopsis-history">{}</ol><a href="{}">{}</a>',
            format_html_join(
                "",
                "<li><time>{}</time> · {} · {}</li>",
                (
                    (f"{e.action_time:%Y-%m-%d %H:%M}", e.user, e.get_change_message())
                    for e in entries
                ),
            ),
            reverse("admin:films_synopsis_history", args=[synopsis.pk]),
            _("Full history"),
        )

    def _url_name(self, view: str) -> str:
        opts = self.model._meta
        return f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}"

    # History: always on the synopsis itself (the concrete model), never on the queue's proxy,
    # so it outlives the entry's time in the queue (docs/editors.md).

    def log_addition(self, request, obj, message):
        return super().log_addition(request, as_synopsis(obj), message)

    def log_change(self, request, obj, message):
        return super().log_change(request, as_synopsis(obj), message)

    def log_deletions(self, request, queryset):
        return super().log_deletions(request, [as_synopsis(obj) for obj in queryset])

    # Saving and assigning

    def save_model(self, request, obj: Synopsis, form, change: bool) -> None:
        if change:
            review.record_edit(synopsis=obj, changed=touched_editor_fields(form))
        else:
            review.add_by_hand(
                synopsis=obj, editor=request.user.get_username(), checksum=checksum(obj.text)
            )

    def assign_view(self, request: HttpRequest, object_id: str, film_id: int) -> HttpResponse:
        """Assign one synopsis to one film: the buttons beside its ranked candidates."""
        if request.method != "POST":
            return HttpResponse(status=405)
        synopsis, refused = self._synopsis_to_change(request, object_id)
        if refused:
            return refused
        film = get_object_or_404(Film, pk=film_id)
        self._assign(request, [synopsis], film)
        self.message_user(
            request,
            format_html(_("“{}” now belongs to {}."), Truncator(synopsis.text).chars(40), film),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self.after_decision_url(request, synopsis))

    def _synopsis_to_change(
        self, request: HttpRequest, object_id: str
    ) -> tuple[Synopsis | None, HttpResponse | None]:
        """The synopsis a button acts on, or the redirect if it is gone; 403 without permission."""
        synopsis = self.get_object(request, object_id)
        if synopsis is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_change_permission(request, synopsis):
            raise PermissionDenied
        return synopsis, None

    def after_decision_url(self, request: HttpRequest, synopsis: Synopsis) -> str:
        return reverse(self._url_name("changelist"))

    def proposal_view(self, request: HttpRequest, object_id: str, decision: str) -> HttpResponse:
        """Accept or dismiss the new source text an import offered beside an editor's version."""
        if request.method != "POST" or decision not in ("accept", "dismiss"):
            return HttpResponse(status=405)
        synopsis, refused = self._synopsis_to_change(request, object_id)
        if refused:
            return refused
        change_url = reverse(self._url_name("change"), args=[synopsis.pk])
        if decision == "dismiss":
            review.dismiss_proposal(synopsis=synopsis)
            self.log_change(request, synopsis, "Dismissed the new text from the source.")
            self.message_user(request, _("The new text was dismissed."), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        try:
            before = review.accept_proposal(synopsis=synopsis)
        except review.ProposalError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.log_change(
            request,
            synopsis,
            f"Accepted the new text from the source (was: “{Truncator(before).chars(80)}”).",
        )
        self.message_user(request, _("The new text from the source is now this synopsis's text."))
        return HttpResponseRedirect(change_url)

    def _assign(self, request: HttpRequest, synopses: Iterable[Synopsis], film: Film) -> int:
        assigned = review.assign_film(synopses=synopses, film=film)
        for synopsis in assigned:
            self.log_change(request, synopsis, f"Assigned to film “{film}” (id {film.pk}).")
        return len(assigned)


def as_synopsis(obj: Synopsis) -> Synopsis:
    """The same row as the concrete model (a queue entry is a proxy), for its history."""
    if type(obj) is Synopsis:
        return obj
    concrete = Synopsis.__new__(Synopsis)
    concrete.__dict__ = obj.__dict__.copy()
    return concrete
