"""The catalogue: franchises, films, their titles and matching knowledge, and synopses.

Imports only the text analysis (films/text.py, films/languages/, films/search/analysis.py):
the search's queries (films/search/queries.py) and the caches (films/caching.py) import these
models, never the other way round.
"""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .languages import native_name
from .search.analysis import search_columns
from .text import fold, script_of, strip_controls, title_key


class Franchise(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("franchise")
        verbose_name_plural = _("franchises")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("films:franchise-detail", kwargs={"slug": self.slug})


class FilmKind(models.TextChoices):
    RELEASED = "released", _("Released film")
    UNOFFICIAL = "unofficial", _("Unofficial work")


class FilmQuerySet(models.QuerySet):
    def public(self) -> "FilmQuerySet":
        """Return films with what a list page shows: franchise and synopsis languages."""
        return self.select_related("franchise").prefetch_related(
            models.Prefetch(
                "synopses",
                # In the covering index's order: an index-only scan, no join to films
                # (the model's default ordering sorts by the film's title).
                queryset=Synopsis.objects.published()
                .only("id", "film_id", "language")
                .order_by("film_id", "language"),
                to_attr="listed_synopses",
            )
        )

    def with_language(self, language: str) -> "FilmQuerySet":
        return self.filter(
            Exists(Synopsis.objects.published().filter(film=OuterRef("pk"), language=language))
        )

    def in_story_order(self) -> "FilmQuerySet":
        return self.order_by(
            F("franchise__name").asc(nulls_last=True),
            F("franchise_position").asc(nulls_last=True),
            "year",
            "title",
        )

    def in_franchise(self, franchise: "Franchise") -> "FilmQuerySet":
        """Return one franchise's films in story order (film_franchise_order_idx)."""
        return self.filter(franchise=franchise).order_by(
            F("franchise_position").asc(nulls_last=True), "year", "title", "pk"
        )

    def neighbours_of(self, film: "Film") -> tuple["Film | None", "Film | None"]:
        """Return the films just before and after ``film`` in its franchise: two LIMIT 1 reads."""
        if film.franchise_id is None or film.franchise_position is None:
            return None, None
        siblings = self.filter(franchise_id=film.franchise_id).only(
            "slug", "title", "year", "franchise_position"
        )
        position = film.franchise_position
        return (
            siblings.filter(franchise_position__lt=position)
            .order_by("-franchise_position")
            .first(),
            siblings.filter(franchise_position__gt=position).order_by("franchise_position").first(),
        )

    def for_detail_page(self) -> "FilmQuerySet":
        """Return films with what a film's page shows: titles and published synopses."""
        return self.select_related("franchise").prefetch_related(
            models.Prefetch(
                "titles", queryset=FilmTitle.objects.order_by("kind", "language", "title")
            ),
            models.Prefetch(
                "synopses",
                queryset=Synopsis.objects.published().order_by(
                    "language", "source_file", "source_first_line"
                ),
                to_attr="public_synopses",
            ),
        )


class Film(models.Model):
    title = models.CharField(_("original title"), max_length=300)
    title_key = models.CharField(_("title key"), max_length=300, editable=False, db_index=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=FilmKind.choices, default=FilmKind.RELEASED
    )
    original_language = models.CharField(_("original language"), max_length=35, default="en")
    franchise = models.ForeignKey(
        Franchise,
        verbose_name=_("franchise"),
        on_delete=models.PROTECT,
        related_name="films",
        null=True,
        blank=True,
    )
    franchise_position = models.PositiveSmallIntegerField(
        _("position in franchise"),
        null=True,
        blank=True,
        help_text=_("Place in the franchise's story order, starting at 1."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FilmQuerySet.as_manager()

    class Meta:
        ordering = ["title", "year"]
        verbose_name = _("film")
        verbose_name_plural = _("films")
        constraints = [
            models.UniqueConstraint(
                fields=["franchise", "franchise_position"], name="film_unique_franchise_position"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1870, year__lte=2100), name="film_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(franchise__isnull=False) | Q(franchise_position__isnull=True),
                name="film_position_needs_franchise",
            ),
            models.CheckConstraint(
                condition=Q(franchise_position__isnull=True) | Q(franchise_position__gte=1),
                name="film_position_from_one",
            ),
            models.CheckConstraint(condition=Q(kind__in=FilmKind.values), name="film_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["year"], name="film_year_idx"),
            models.Index(
                fields=["franchise", "franchise_position"], name="film_franchise_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def save(self, *args, **kwargs) -> None:
        self.title_key = title_key(self.title)
        if kwargs.get("update_fields") is not None and "title" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "title_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("films:film-detail", kwargs={"slug": self.slug})

    @property
    def is_unofficial(self) -> bool:
        return self.kind == FilmKind.UNOFFICIAL


class TitleKind(models.TextChoices):
    LOCALIZED = "localized", _("Localized release title")
    ALIAS = "alias", _("Alias")


class FilmTitle(models.Model):
    """A film's name in one language and script: a localized release title or an alias."""

    film = models.ForeignKey(
        Film, verbose_name=_("film"), on_delete=models.CASCADE, related_name="titles"
    )
    title = models.CharField(_("title"), max_length=300)
    title_key = models.CharField(_("title key"), max_length=300, editable=False, db_index=True)
    language = models.CharField(_("language"), max_length=35, help_text=_("BCP 47 tag, e.g. th"))
    script = models.CharField(
        _("script"), max_length=4, blank=True, help_text=_("ISO 15924 code; derived when blank.")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=TitleKind.choices, default=TitleKind.LOCALIZED
    )

    class Meta:
        ordering = ["film", "language", "title"]
        verbose_name = _("title")
        verbose_name_plural = _("titles and aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["film", "language", "title"], name="filmtitle_unique_per_language"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="filmtitle_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        self.title_key = title_key(self.title)
        if not self.script:
            self.script = script_of(self.title)


class KnowledgeKind(models.TextChoices):
    CHARACTER = "character", _("Character")
    ACTOR = "actor", _("Actor")
    CREW = "crew", _("Crew")
    PLACE = "place", _("Place or event")
    TERM = "term", _("Distinctive term (word stem)")


class FilmKnowledge(models.Model):
    """A name or term that points to a film when a synopsis mentions it."""

    film = models.ForeignKey(
        Film, verbose_name=_("film"), on_delete=models.CASCADE, related_name="knowledge"
    )
    text = models.CharField(_("text"), max_length=200)
    key = models.CharField(_("match key"), max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=KnowledgeKind.choices)
    language = models.CharField(
        _("language"),
        max_length=35,
        blank=True,
        help_text=_("BCP 47 tag when the name is written for one language (a Thai spelling)."),
    )

    class Meta:
        ordering = ["film", "kind", "text"]
        verbose_name = _("matching knowledge")
        verbose_name_plural = _("matching knowledge")
        constraints = [
            models.UniqueConstraint(fields=["film", "key", "kind"], name="filmknowledge_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="filmknowledge_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.get_kind_display()})"

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        self.key = fold(self.text)


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


class Synopsis(models.Model):
    film = models.ForeignKey(
        Film,
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
    search_blob = models.TextField(_("search blob"), blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SynopsisSearchVector("search_text", config=F("search_config")),
        output_field=SearchVectorField(),
        db_persist=True,
    )
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
                "search_blob",
            }
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Fill the search columns from the text and language (bulk loaders call this too)."""
        # Whatever wrote it (admin, importer, shell): no control characters reach a page.
        self.text = strip_controls(self.text)
        columns = search_columns(text=self.text, language=self.language)
        self.search_config = columns.search_config
        self.search_text = columns.search_text
        self.search_blob = columns.search_blob

    @property
    def language_name(self) -> str:
        return native_name(self.language)

    @property
    def source_lines(self) -> str:
        return f"{self.source_first_line}–{self.source_last_line}"


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


class ReviewQueueEntry(Synopsis):
    """A synopsis the importer could not decide: its own changelist in admin."""

    class Meta:
        proxy = True
        verbose_name = _("review queue entry")
        verbose_name_plural = _("review queue")
