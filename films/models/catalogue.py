"""The catalogue: franchises, films, their titles and matching knowledge, works outside it."""

from collections.abc import Sequence

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..text import fold, script_of, title_key
from .synopses import Synopsis


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


def attach_synopsis_languages(films: Sequence["Film"]) -> None:
    """Give each of ``films`` ``synopsis_languages``: the tags of its published synopses, sorted.

    For the films a page shows (a card, an API entry), in one read of distinct (film,
    language) pairs from the covering index. Prefetched as synopses, a page of the API
    loaded some 250 model instances only to know their languages.
    """
    found = Synopsis.objects.published().languages_by_film([film.pk for film in films])
    for film in films:
        film.synopsis_languages = sorted(found.get(film.pk, ()))


class FilmQuerySet(models.QuerySet):
    def public(self) -> "FilmQuerySet":
        """Return films with what a list page shows: their franchise. Their synopsis
        languages are read for the films shown (:func:`attach_synopsis_languages`)."""
        return self.select_related("franchise")

    def is_every_film(self) -> bool:
        """True when no filter narrows these films: the cached count is theirs
        (films/pagination.py), and a search over them needs no restriction and may be
        prepared with a generic plan (films/search/prepared.py)."""
        return not self.query.has_filters()

    def restriction_sql(self, column: str) -> tuple[str, list]:
        """For a statement written in SQL: `` AND column IN (these films' ids)`` and its
        parameters, or nothing when these are every film (films/search/)."""
        if self.is_every_film():
            return "", []
        sql, params = self.order_by().values("pk").query.sql_with_params()
        return f" AND {column} IN ({sql})", list(params)

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
    CONCEPT = "concept", _("Plot concept (a name from films/importer/concepts.toml)")


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


class OutsideWork(models.Model):
    """A work outside the catalogue that lives next to it: a spin-off series, a remake, a fan film.

    The matcher weighs its names like a film's, so a synopsis of it is recognised as "outside the
    catalogue: probably …" and stays unassigned instead of landing on the nearest film.
    """

    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    franchise = models.ForeignKey(
        Franchise,
        verbose_name=_("near franchise"),
        on_delete=models.SET_NULL,
        related_name="neighbours",
        null=True,
        blank=True,
    )
    titles = models.TextField(_("other titles"), blank=True, help_text=_("One per line."))
    names = models.TextField(
        _("names"), blank=True, help_text=_("Its characters and people, one per line.")
    )
    note = models.CharField(_("what it is"), max_length=200, blank=True)

    class Meta:
        ordering = ["title", "year"]
        verbose_name = _("work outside the catalogue")
        verbose_name_plural = _("works outside the catalogue")
        constraints = [
            models.UniqueConstraint(fields=["title", "year"], name="outsidework_unique_title_year"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def name_list(self) -> list[str]:
        return [line.strip() for line in self.names.splitlines() if line.strip()]

    @property
    def title_list(self) -> list[str]:
        return [line.strip() for line in self.titles.splitlines() if line.strip()]
