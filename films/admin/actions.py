"""The synopsis admin's bulk actions: each checks permission, calls films/review.py, logs.

The review queue inherits them with the rest of the synopsis admin (films/admin/queue.py).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import review
from ..languages import native_name
from .display import (
    LIST_CANDIDATES,
    language_label,
    ranked_candidate_choices,
    render_candidates,
    synopsis_excerpt,
)
from .forms import AssignFilmForm, SetLanguageForm


class SynopsisActions:
    """Assign a film, set the language, re-run matching, mark reviewed: for a ModelAdmin."""

    def _action_page(
        self, request: HttpRequest, queryset: QuerySet, *, action: str, title: str, form
    ) -> TemplateResponse:
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
                    "candidates": render_candidates(synopsis, limit=LIST_CANDIDATES),
                }
                for synopsis in queryset.select_related("film")
            ],
        }
        return TemplateResponse(request, "admin/films/synopsis/action_form.html", context)

    @admin.action(description=_("Assign to a film…"), permissions=["change"])
    def assign_film(self, request: HttpRequest, queryset: QuerySet):
        choices = {"candidates": ranked_candidate_choices(queryset), "admin_site": self.admin_site}
        form = AssignFilmForm(request.POST if "apply" in request.POST else None, **choices)
        if form.is_valid():
            film = form.cleaned_data["chosen"]
            count = self._assign(request, queryset, film)
            message = ngettext(
                "%(count)d synopsis assigned to %(film)s.",
                "%(count)d synopses assigned to %(film)s.",
                count,
            )
            self.message_user(request, message % {"count": count, "film": film}, messages.SUCCESS)
            return None
        return self._action_page(
            request, queryset, action="assign_film", title=_("Assign to a film"), form=form
        )

    @admin.action(description=_("Set the language…"), permissions=["change"])
    def set_language(self, request: HttpRequest, queryset: QuerySet):
        form = SetLanguageForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            tag = form.cleaned_data["language"]
            changes = review.set_language(synopses=queryset, language=tag)
            for change in changes:
                self.log_change(request, change.synopsis, f"Language set: {change.before} → {tag}.")
            message = ngettext(
                "Language of %(count)d synopsis set to %(tag)s (%(name)s).",
                "Language of %(count)d synopses set to %(tag)s (%(name)s).",
                len(changes),
            )
            values = {"count": len(changes), "tag": tag, "name": native_name(tag)}
            self.message_user(request, message % values, messages.SUCCESS)
            return None
        return self._action_page(
            request, queryset, action="set_language", title=_("Set the language"), form=form
        )

    @admin.action(
        description=_("Re-run language detection and film matching"), permissions=["change"]
    )
    def rematch(self, request: HttpRequest, queryset: QuerySet) -> None:
        outcome = review.rematch(synopses=queryset)
        for synopsis in outcome.changed:
            self.log_change(
                request,
                synopsis,
                f"Re-analysed: language {synopsis.language}, "
                f"film {synopsis.film or '—'}, status {synopsis.review_status}.",
            )
        message = _(
            "%(count)d re-analysed: %(resolved)d now matched automatically, "
            "%(waiting)d still waiting; %(reviewed)d reviewed by an editor left alone."
        )
        values = {
            "count": len(outcome.reanalysed),
            "resolved": outcome.resolved,
            "waiting": len(outcome.reanalysed) - outcome.resolved,
            "reviewed": len(outcome.reviewed),
        }
        self.message_user(request, message % values, messages.SUCCESS)

    @admin.action(description=_("Mark reviewed"), permissions=["change"])
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet) -> None:
        reviewed = review.mark_reviewed(synopses=queryset)
        for synopsis in reviewed:
            self.log_change(request, synopsis, "Marked reviewed.")
        count = len(reviewed)
        message = ngettext(
            "%(count)d synopsis marked reviewed.", "%(count)d synopses marked reviewed.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
        without_film = sum(1 for synopsis in reviewed if synopsis.film_id is None)
        if without_film:
            message = ngettext(
                "%(count)d of them has no film and is not shown on the site.",
                "%(count)d of them have no film and are not shown on the site.",
                without_film,
            )
            self.message_user(request, message % {"count": without_film}, messages.WARNING)
