"""Rendering helpers of the admin: everything that comes from data goes through format_html."""

import difflib
from collections.abc import Iterable

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..importer.matching import Candidate
from ..languages import english_name, native_name
from ..models import Synopsis

EXCERPT_LENGTH = 90
LIST_CANDIDATES = 3


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


def provenance(synopsis: Synopsis) -> SafeString:
    return format_html(
        '<code>{}</code>, lines {}–{}, SHA-256 <code title="{}">{}…</code>',
        synopsis.source_file,
        synopsis.source_first_line,
        synopsis.source_last_line,
        synopsis.source_checksum,
        synopsis.source_checksum[:12],
    )


def candidate_label(candidate: Candidate) -> str:
    """``Creed (2015)``: a candidate film as the importer saw it."""
    return f"{candidate.title or '?'} ({candidate.year or '?'})"


def render_candidates(
    synopsis: Synopsis,
    *,
    assign_url: str | None = None,
    limit: int | None = None,
    compact: bool = False,
) -> SafeString | str:
    """The importer's ranked candidates: title (a link to the film), year, score, evidence.

    With ``assign_url``, a button per candidate; keys 1-9 press them (films/queue-keys.js).
    ``compact`` (a list's column): the evidence in the title's tooltip.
    """
    candidates = Candidate.list_from_json(synopsis.match_candidates)
    if not candidates:
        return _("No catalogued film was mentioned.")
    rows = []
    for key, candidate in enumerate(candidates[:limit], start=1):
        button = (
            format_html(
                ' <button type="submit" class="button assign-candidate" formaction="{}" '
                'formnovalidate name="_assign_candidate" data-key="{}" '
                'aria-keyshortcuts="{}">{} <kbd>{}</kbd></button>',
                f"{assign_url}{candidate.film_id}/",
                key,
                key,
                _("Assign to this film"),
                key,
            )
            if assign_url and candidate.film_id and key <= 9
            else ""
        )
        evidence = ", ".join(candidate.evidence) or "—"
        title = (
            format_html(
                '<a href="{}" title="{}">{}</a>',
                reverse("admin:films_film_change", args=[candidate.film_id]),
                evidence,
                candidate_label(candidate),
            )
            if candidate.film_id
            else candidate_label(candidate)
        )
        rows.append((title, f"{candidate.score:g}", "" if compact else evidence, button))
    more = len(candidates) - len(rows)
    item = (
        "<li><strong>{}</strong> · {}{}{}</li>"
        if compact
        else ("<li><strong>{}</strong> · score {} · <small>{}</small>{}</li>")
    )
    return format_html(
        '<ol class="match-candidates">{}</ol>{}',
        format_html_join("", item, rows),
        format_html('<small class="more-candidates">+{}</small>', more) if more > 0 else "",
    )


def ranked_candidate_choices(synopses: Iterable[Synopsis]) -> list[tuple[int, str]]:
    """Candidate films of several synopses, best score first, as form choices."""
    best: dict[int, tuple[float, str]] = {}
    for synopsis in synopses:
        for candidate in Candidate.list_from_json(synopsis.match_candidates):
            if not candidate.film_id:
                continue
            label = f"{candidate_label(candidate)} · score {candidate.score:g}"
            if candidate.film_id not in best or best[candidate.film_id][0] < candidate.score:
                best[candidate.film_id] = (candidate.score, label)
    return [
        (film_id, label)
        for film_id, (_score, label) in sorted(best.items(), key=lambda i: -i[1][0])
    ]


class SynopsisColumns:
    """The columns of the synopsis changelists (a mixin of their ModelAdmins)."""

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

    @admin.display(description=_("why it waits"))
    def reason(self, synopsis: Synopsis):
        reasons = []
        if synopsis.film_id is None:
            reasons.append(_("no film yet"))
        if synopsis.language_uncertain:
            reasons.append(_("language unsure"))
        return format_html_join(", ", "{}", ((reason,) for reason in reasons)) or "—"


def text_diff(before: str, after: str) -> SafeString:
    """Word by word: removed words in <del>, added ones in <ins> (an import's changes)."""
    old, new = before.split(), after.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", " ".join(old[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", " ".join(new[j1:j2])))
        if op == "equal":
            parts.append(format_html("{}", " ".join(old[i1:i2])))
    return format_html(
        '<p class="text-diff">{}</p>', format_html_join(" ", "{}", ((p,) for p in parts))
    )
