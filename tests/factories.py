"""factory_boy factories for the catalogue's models."""

import hashlib

import factory

from films.models import (
    Film,
    FilmKind,
    FilmKnowledge,
    FilmTitle,
    Franchise,
    KnowledgeKind,
    ReviewStatus,
    Synopsis,
    TitleKind,
)


class FranchiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Franchise
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Franchise {n}")
    slug = factory.Sequence(lambda n: f"franchise-{n}")


class FilmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Film
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Film {n}")
    slug = factory.Sequence(lambda n: f"film-{n}")
    year = 1990
    kind = FilmKind.RELEASED
    original_language = "en"


class FilmTitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FilmTitle

    film = factory.SubFactory(FilmFactory)
    title = factory.Sequence(lambda n: f"Titel {n}")
    language = "de"
    kind = TitleKind.LOCALIZED


class FilmKnowledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FilmKnowledge

    film = factory.SubFactory(FilmFactory)
    text = factory.Sequence(lambda n: f"Character {n}")
    kind = KnowledgeKind.CHARACTER


class SynopsisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Synopsis

    film = factory.SubFactory(FilmFactory)
    language = "en"
    language_confidence = 0.99
    text = factory.Sequence(lambda n: f"A synopsis number {n} about a boxer.")
    source_file = "synopses/test.txt"
    source_first_line = factory.Sequence(lambda n: n + 1)
    source_last_line = factory.SelfAttribute("source_first_line")
    source_checksum = factory.LazyAttribute(
        lambda o: hashlib.sha256(f"{o.text}|{o.source_first_line}".encode()).hexdigest()
    )
    review_status = ReviewStatus.AUTO


def candidate(film: Film, *, score: float = 2.0, evidence: tuple[str, ...] = ()) -> dict:
    """One entry of ``Synopsis.match_candidates`` as the importer writes it."""
    return {
        "film_id": film.pk,
        "slug": film.slug,
        "title": film.title,
        "year": film.year,
        "score": score,
        "evidence": list(evidence),
    }


class ReviewEntryFactory(SynopsisFactory):
    """A synopsis the importer could not place: no film, waiting for review."""

    film = None
    review_status = ReviewStatus.PENDING
    match_confidence = 0.0
    match_candidates = factory.LazyFunction(list)
