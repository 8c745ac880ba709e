"""The review queue: synopses the importer could not decide, worked one entry after another.

An entry is a synopsis (a proxy model): the synopsis permissions decide who may work it,
every decision is logged on the synopsis itself (films/admin/synopses.py), and after each
decision the next entry opens (docs/editors.md).
"""

from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import ReviewQueueEntry, Synopsis
from .display import LIST_CANDIDATES, render_candidates
from .filters import LanguageFilter, QueueReasonFilter
from .synopses import _LANGUAGE_FIELDS, _MATCH_FIELDS, _SOURCE_FIELDS, SynopsisAdmin


def _has(request: HttpRequest, action: str) -> bool:
    return request.user.has_perm(f"films.{action}_synopsis")


@admin.register(ReviewQueueEntry)
class ReviewQueueAdmin(SynopsisAdmin):
    """Synopses waiting for a film or with an unsure language, with the importer's candidates."""

    # Four columns, so the list fits beside the filters in a 1,280 px window: the source
    # under the excerpt, the confidence beside the language.
    list_display = ("entry_display", "language_with_confidence", "reason", "candidates_summary")
    list_display_links = ("entry_display",)
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
        (_("Language detection"), {"fields": _LANGUAGE_FIELDS}),
        (_("Film match"), {"fields": _MATCH_FIELDS}),
        (_("Provenance"), {"fields": _SOURCE_FIELDS}),
        (_("History"), {"fields": ("history_display",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).in_review_queue()

    def has_add_permission(self, request) -> bool:
        # Entries come from imports; a synopsis typed in by hand is added under Synopses.
        return False

    # The queue edits synopses: the synopsis permissions decide, not the proxy's own, so a
    # staff user without change_synopsis cannot assign from here either.
    def has_view_permission(self, request, obj=None) -> bool:
        return (
            SynopsisAdmin.has_view_permission(self, request, obj)
            or _has(request, "view")
            or _has(request, "change")
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return _has(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return _has(request, "delete")

    def has_module_permission(self, request) -> bool:
        return _has(request, "view") or _has(request, "change")

    def history_view(self, request, object_id, extra_context=None):
        # One history per synopsis, wherever it is now (the entry may have left the queue).
        return HttpResponseRedirect(reverse("admin:films_synopsis_history", args=[object_id]))

    def next_entry(self, request: HttpRequest, after: Synopsis | None) -> Synopsis | None:
        """The entry to work next: the one after ``after`` in the queue's order, else the first."""
        queue = self.get_queryset(request).order_by(*self.ordering, "pk")
        if after is not None:
            later = queue.exclude(pk=after.pk).filter(
                Q(source_file__gt=after.source_file)
                | Q(source_file=after.source_file, source_first_line__gt=after.source_first_line)
            )
            entry = later.first()
            if entry is not None:
                return entry
        return queue.exclude(pk=getattr(after, "pk", None)).first()

    def after_decision_url(self, request: HttpRequest, synopsis: Synopsis) -> str:
        entry = self.next_entry(request, synopsis)
        if entry is None:
            self.message_user(request, _("The review queue is empty. Well done."), messages.INFO)
            return reverse(self._url_name("changelist"))
        return reverse(self._url_name("change"), args=[entry.pk])

    def response_change(self, request, obj):
        if "_save" in request.POST and "_popup" not in request.POST:
            super().response_change(request, obj)  # its message
            return HttpResponseRedirect(self.after_decision_url(request, obj))
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        synopsis = self.get_object(request, object_id)
        following = self.next_entry(request, synopsis) if synopsis else None
        extra = {
            "next_entry_url": reverse(self._url_name("change"), args=[following.pk])
            if following
            else None,
            "queue_waiting": self.get_queryset(request).count(),
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.display(description=_("candidates"))
    def candidates_summary(self, synopsis: Synopsis):
        return render_candidates(synopsis, limit=LIST_CANDIDATES, compact=True)

    @admin.display(description=_("synopsis"), ordering="source_file")
    def entry_display(self, synopsis: Synopsis):
        return format_html(
            '{}<br><small class="entry-source">{}</small>',
            self.excerpt(synopsis),
            self.source_display(synopsis),
        )

    @admin.display(description=_("language"), ordering="language_confidence")
    def language_with_confidence(self, synopsis: Synopsis):
        return format_html(
            "{} <small>{}</small>",
            self.language_display(synopsis),
            self.language_confidence_display(synopsis),
        )
