"""Synopses, their review, and the catalogue generation that public pages are cached by."""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from ..languages import native_name
from ..search.analysis import search_columns
from ..text import strip_controls


class ReviewStatus(models.TextChoices):
    AUTO = "auto", _("Matched automatically")
    PENDING = "pending", _("Waiting for review")
    REVIEWED = "reviewed", _("Reviewed by an editor")


class RegConfigField(models.CharField):
    """A text-search configuration name: PostgreSQL's ``regconfig`` type, text elsewhere.

    A ``regconfig`` column (not varchar) is what lets the generated ``tsvector`` use each
    row's own language: a varchar→regconfig cast is not immutable (docs/search.md).
    """

    def db_type(self, connection) -> str:
        if connection.vendor == "postgresql":
            return "regconfig"
        return super().db_type(connection)

    def deconstruct(self):
        # Migrations name it where it was first defined; films.models still exports it.
        name, _path, args, kwargs = super().deconstruct()
        return name, "films.models.RegConfigField", args, kwargs


# Migrations name it where it was first defined; films.models still exports it.
@deconstructible(path="films.models.SynopsisSearchVector")
class SynopsisSearchVector(SearchVector):
    """``to_tsvector(search_config, search_text)``; a NULL column on databases without one."""

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor != "postgresql":
            return "NULL", []
        return super().as_sql(compiler, connection, **extra)


class SynopsisQuerySet(models.QuerySet):
    def awaiting_review(self) -> "SynopsisQuerySet":
        return self.filter(review_status=ReviewStatus.PENDING)

    def in_review_queue(self) -> "SynopsisQuerySet":
        """Synopses waiting for a film, or whose language no editor has confirmed yet."""
        return self.filter(
            Q(review_status=ReviewStatus.PENDING)
            | (Q(language_uncertain=True) & ~Q(review_status=ReviewStatus.REVIEWED))
        )

    def published(self) -> "SynopsisQuerySet":
        return self.filter(film__isnull=False)

    def languages_by_film(self, film_ids: list[int]) -> dict[int, set[str]]:
        """The languages of these synopses for each of ``film_ids`` that has any.

        (film, language) pairs from the covering index, no model instances: a franchise page's
        fifty films have a thousand synopses, and loading them as objects was most of its
        time.
        """
        pairs = self.filter(film_id__in=film_ids).order_by().values_list("film_id", "language")
        found: dict[int, set[str]] = {}
        for film_id, language in pairs.distinct():
            found.setdefault(film_id, set()).add(language)
        return found


class Synopsis(models.Model):
    film = models.ForeignKey(
        "films.Film",
        verbose_name=_("film"),
        on_delete=models.PROTECT,
        related_name="synopses",
        null=True,
        blank=True,
        help_text=_("Empty while the synopsis waits for review."),
    )
    language = models.CharField(_("language"), max_length=35, help_text=_("BCP 47 tag"))
    language_confidence = models.FloatField(_("language confidence"), default=0.0)
    language_uncertain = models.BooleanField(
        _("language uncertain"),
        default=False,
        help_text=_("The detector could not tell close languages apart (da/no/sv) or was unsure."),
    )
    text = models.TextField(_("text"))
    source_file = models.CharField(_("source file"), max_length=500)
    source_first_line = models.PositiveIntegerField(_("first line"))
    source_last_line = models.PositiveIntegerField(_("last line"))
    source_checksum = models.CharField(
        _("source checksum"),
        max_length=64,
        unique=True,
        help_text=_("SHA-256 of the text as imported; identifies the synopsis across imports."),
    )
    source_header = models.CharField(
        _("source header"), max_length=500, blank=True, help_text=_("Metadata line above the text.")
    )
    # What visitors see of the origin (the file and lines above stay in the admin).
    source_name = models.CharField(
        _("source name"),
        max_length=200,
        blank=True,
        help_text=_("Shown to visitors: who wrote or published the text, e.g. “Wikipedia”."),
    )
    source_url = models.URLField(
        _("source URL"), max_length=500, blank=True, help_text=_("Shown to visitors as a link.")
    )
    licence = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("e.g. “CC BY-SA 4.0”, if known.")
    )
    match_confidence = models.FloatField(_("match confidence"), null=True, blank=True)
    match_evidence = models.CharField(_("match evidence"), max_length=1000, blank=True)
    match_candidates = models.JSONField(
        _("ranked candidates"), default=list, blank=True, help_text=_("From the importer.")
    )
    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
    )
    is_edited = models.BooleanField(
        _("edited by an editor"),
        default=False,
        help_text=_("An edited synopsis is never overwritten by an import."),
    )
    search_config = RegConfigField(
        _("search configuration"), max_length=40, default="simple", editable=False
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SynopsisSearchVector("search_text", config=F("search_config")),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # A changed source text that an import did not apply because an editor's version stands;
    # the editor accepts or dismisses it (films/review.py). The checksum stays after a dismissal,
    # so the same text is not offered again.
    proposed_text = models.TextField(_("new text from the source"), blank=True)
    proposed_checksum = models.CharField(_("checksum of the new text"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SynopsisQuerySet.as_manager()

    class Meta:
        ordering = ["film", "language", "source_file", "source_first_line"]
        verbose_name = _("synopsis")
        verbose_name_plural = _("synopses")
        constraints = [
            models.CheckConstraint(
                condition=Q(source_first_line__gte=1)
                & Q(source_last_line__gte=models.F("source_first_line")),
                name="synopsis_line_range_valid",
            ),
            models.CheckConstraint(
                condition=Q(language_confidence__gte=0) & Q(language_confidence__lte=1),
                name="synopsis_language_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(match_confidence__isnull=True)
                | (Q(match_confidence__gte=0) & Q(match_confidence__lte=1)),
                name="synopsis_match_confidence_range",
            ),
            models.CheckConstraint(
                condition=~Q(review_status=ReviewStatus.AUTO) | Q(film__isnull=False),
                name="synopsis_auto_has_film",
            ),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="synopsis_status_valid"
            ),
            models.CheckConstraint(condition=~Q(language=""), name="synopsis_language_set"),
        ]
        indexes = [
            # Covering: a list page's synopsis languages come from the index alone.
            models.Index(
                fields=["film", "language"], include=["id"], name="synopsis_film_language_cover"
            ),
            models.Index(fields=["language"], name="synopsis_language_idx"),
            models.Index(
                fields=["review_status"],
                condition=Q(review_status="pending"),
                name="synopsis_pending_idx",
            ),
            models.Index(fields=["source_file", "source_first_line"], name="synopsis_source_idx"),
        ]

    def __str__(self) -> str:
        where = f"{self.source_file}:{self.source_first_line}-{self.source_last_line}"
        return f"{self.film or _('Unassigned')} [{self.language}] {where}"

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        if kwargs.get("update_fields") is not None and {"text", "language"} & set(
            kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_config",
                "search_text",
            }
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Fill the search columns from the text and language (bulk loaders call this too)."""
        # Whatever wrote it (admin, importer, shell): no control characters reach a page.
        self.text = strip_controls(self.text)
        columns = search_columns(text=self.text, language=self.language)
        self.search_config = columns.search_config
        self.search_text = columns.search_text

    @property
    def language_name(self) -> str:
        return native_name(self.language)

    @property
    def anchor(self) -> str:
        """The id of this synopsis's section on its film's page ("synopsis-42"): a string,
        which a template writes as it is; an integer goes through number formatting, four
        times per synopsis."""
        return f"synopsis-{self.pk}"

    @property
    def source_lines(self) -> str:
        return f"{self.source_first_line}–{self.source_last_line}"


class ReviewQueueEntry(Synopsis):
    """A synopsis the importer could not decide: its own changelist in admin."""

    class Meta:
        proxy = True
        verbose_name = _("review queue entry")
        verbose_name_plural = _("review queue entries")


class CatalogueGeneration(models.Model):
    """One row: bumped in the same transaction as any change to what the public pages show.

    Pages derive their ETag and their cache key from it (films/caching.py), so a change made
    by any process invalidates every process's cached copy at once.
    """

    value = models.PositiveBigIntegerField(_("generation"), default=1)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("catalogue generation")
        verbose_name_plural = _("catalogue generation")

    def __str__(self) -> str:
        return f"{self.value} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
