"""Editorial decisions on synopses, written once for the admin and the importer.

What an editor's choice sets (film, language, review status, ``is_edited``, confidence
1.0), and the rule that an editor's version is kept: imports never overwrite a synopsis
an editor changed or reviewed, and re-matching leaves reviewed ones alone. The admin
(films/admin/) records who did what in its history; these functions only write.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from .importer.language import LanguageGuess, detect_language
from .importer.matching import FilmMatcher, MatchResult
from .importer.segmenting import parse_header
from .models import Film, ReviewStatus, Synopsis

# Fields of a synopsis that are an editor's decision once changed in admin.
EDITOR_FIELDS = ("text", "film", "language")
# The language confidence of a language an editor chose.
EDITOR_CONFIDENCE = 1.0


def importer_may_overwrite(synopsis: Synopsis) -> bool:
    """Whether an import may replace this synopsis: not once an editor changed or reviewed it."""
    return not (synopsis.is_edited or synopsis.review_status == ReviewStatus.REVIEWED)


def automatic_status(*, film_found: bool, language_uncertain: bool) -> ReviewStatus:
    """The status the importer gives: matched when it found the film and is sure of the language."""
    return ReviewStatus.AUTO if film_found and not language_uncertain else ReviewStatus.PENDING


def apply_analysis(*, synopsis: Synopsis, language: LanguageGuess, match: MatchResult) -> None:
    """Set a synopsis's language, film and review status from the detector and matcher."""
    synopsis.language = language.language
    synopsis.language_confidence = round(language.confidence, 4)
    synopsis.language_uncertain = language.uncertain
    synopsis.film_id = match.film.film_id if match.film else None
    synopsis.match_confidence = match.confidence
    synopsis.match_evidence = match.evidence[:1000]
    synopsis.match_candidates = match.candidates_to_json()
    synopsis.review_status = automatic_status(
        film_found=match.film is not None, language_uncertain=language.uncertain
    )


def assign_film(*, synopses: Iterable[Synopsis], film: Film) -> list[Synopsis]:
    """Attach the synopses to ``film`` as an editor's decision: reviewed and edited."""
    assigned = []
    with transaction.atomic():
        for synopsis in synopses:
            synopsis.film = film
            synopsis.review_status = ReviewStatus.REVIEWED
            synopsis.is_edited = True
            synopsis.save(update_fields=["film", "review_status", "is_edited", "updated_at"])
            assigned.append(synopsis)
    return assigned


@dataclass(frozen=True)
class LanguageChange:
    synopsis: Synopsis
    before: str


def set_language(*, synopses: Iterable[Synopsis], language: str) -> list[LanguageChange]:
    """Give the synopses the language an editor chose (a BCP 47 tag); return what each had."""
    changes = []
    with transaction.atomic():
        for synopsis in synopses:
            before = synopsis.language
            synopsis.language = language
            synopsis.language_confidence = EDITOR_CONFIDENCE
            synopsis.language_uncertain = False
            synopsis.is_edited = True
            if synopsis.film_id and synopsis.review_status == ReviewStatus.PENDING:
                # The language was all that was open: the editor has now decided it.
                synopsis.review_status = ReviewStatus.REVIEWED
            synopsis.save()
            changes.append(LanguageChange(synopsis, before))
    return changes


def mark_reviewed(*, synopses: Iterable[Synopsis]) -> list[Synopsis]:
    """Mark the synopses reviewed as they stand, their language confirmed."""
    reviewed = []
    with transaction.atomic():
        for synopsis in synopses:
            synopsis.review_status = ReviewStatus.REVIEWED
            synopsis.language_uncertain = False
            synopsis.save(update_fields=["review_status", "language_uncertain", "updated_at"])
            reviewed.append(synopsis)
    return reviewed


def record_edit(*, synopsis: Synopsis, changed: Collection[str]) -> None:
    """Save an editor's form; ``changed``: the fields whose value the editor really changed.

    Changing any of :data:`EDITOR_FIELDS` marks the synopsis edited, so no import replaces
    it; choosing a film (or a language, when the film is known) marks it reviewed, and
    clearing the film sends it back to the review queue.
    """
    touched = set(changed) & set(EDITOR_FIELDS)
    if touched:
        synopsis.is_edited = True
    if "language" in touched:
        synopsis.language_uncertain = False
        synopsis.language_confidence = EDITOR_CONFIDENCE
    if "film" in touched or "language" in touched:
        decided = synopsis.film_id is not None and (
            "film" in touched or not synopsis.language_uncertain
        )
        synopsis.review_status = ReviewStatus.REVIEWED if decided else ReviewStatus.PENDING
    synopsis.save()


def add_by_hand(*, synopsis: Synopsis, editor: str, checksum: str) -> None:
    """Save a synopsis an editor typed in: it has no source file, and no import may replace it."""
    synopsis.source_file = f"admin:{editor}"
    synopsis.source_first_line = 1
    synopsis.source_last_line = max(1, synopsis.text.count("\n") + 1)
    synopsis.source_checksum = checksum
    record_edit(synopsis=synopsis, changed=EDITOR_FIELDS)


@dataclass
class Rematched:
    """What :func:`rematch` did: the synopses it analysed again, and those it left alone."""

    reanalysed: list[Synopsis] = field(default_factory=list)
    changed: list[Synopsis] = field(default_factory=list)
    reviewed: list[Synopsis] = field(default_factory=list)

    @property
    def resolved(self) -> int:
        return sum(1 for s in self.reanalysed if s.review_status == ReviewStatus.AUTO)


def rematch(*, synopses: Iterable[Synopsis], matcher: FilmMatcher | None = None) -> Rematched:
    """Re-run language detection and film matching on the synopses no editor reviewed.

    An edited synopsis keeps its editor's language and is only matched again. ``changed``
    lists those whose film, language or status is now different.
    """
    matcher = matcher or FilmMatcher.from_database()
    outcome = Rematched()
    with transaction.atomic():
        for synopsis in synopses:
            if synopsis.review_status == ReviewStatus.REVIEWED:
                outcome.reviewed.append(synopsis)
                continue
            before = (synopsis.film_id, synopsis.language, synopsis.review_status)
            header = parse_header(synopsis.source_header) if synopsis.source_header else None
            language = (
                LanguageGuess(
                    synopsis.language, synopsis.language_confidence, synopsis.language_uncertain
                )
                if synopsis.is_edited
                else detect_language(synopsis.text)
            )
            apply_analysis(
                synopsis=synopsis,
                language=language,
                match=matcher.match(synopsis.text, header=header, language=language.language),
            )
            synopsis.save()
            outcome.reanalysed.append(synopsis)
            if (synopsis.film_id, synopsis.language, synopsis.review_status) != before:
                outcome.changed.append(synopsis)
    return outcome


class ProposalError(Exception):
    """A new source text that cannot be accepted; the message says why, for an editor."""


def accept_proposal(*, synopsis: Synopsis) -> str:
    """Take the new source text an import offered beside an editor's version; return the old text.

    The synopsis stays the editor's (edited): later imports of the same text find it by
    its checksum and keep it.
    """
    if not synopsis.proposed_text:
        raise ProposalError("No new text is waiting for this synopsis.")
    digest = synopsis.proposed_checksum
    if Synopsis.objects.filter(source_checksum=digest).exclude(pk=synopsis.pk).exists():
        raise ProposalError("Another synopsis already has exactly this text.")
    before = synopsis.text
    synopsis.text = synopsis.proposed_text
    synopsis.source_checksum = digest
    synopsis.proposed_text = ""
    synopsis.is_edited = True
    synopsis.save()
    return before


def dismiss_proposal(*, synopsis: Synopsis) -> None:
    """Keep the editor's version; the dismissed text (its checksum) is not offered again."""
    synopsis.proposed_text = ""
    synopsis.save(update_fields=["proposed_text", "updated_at"])
