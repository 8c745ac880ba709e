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


DANISH_ROCKY = (
    "Klubbokseren Rocky fra Philadelphia har ikke videre succes. Men skæbnen vil, at "
    "verdensmesteren i sværvægt Apollo Creed udvælger ham som sin næste modstander."
)
DANISH_ROCKY_IV = (
    "Rocky må se sin gamle ven Apollo Creed slået til døde i en hård kamp mod en "
    "hensynsløs russisk bokser. Blandt tilskuerne sidder pokerspillere og andre boksere."
)
THAI_ROCKY = (
    "เมื่อสามสิบปีก่อน เขาก็เป็นแค่ชายไร้อนาคตที่ทำงานให้เจ้าหนี้ปล่อยเงินกู้รายเล็ก ๆ "
    "แล้วจู่ ๆ ชะตาฟ้าลิขิตให้ได้ขึ้นชกกับ อพอลโล่ ครี้ด ร็อคกี้ยังคงเป็นนักสู้อยู่ตลอดเวลา"
)
SPANISH_BALBOA = (
    "Mientras tanto, en el mundo del boxeo profesional, el actual e invicto campeón de los "
    "pesos pesados, Mason Dixon, es despreciado. El combate termina con una decisión dividida."
)
ENGLISH_CONCEPT = "\n".join(
    [
        "One More Round: The Last Fight of Rocky Balboa",
        "Chapter One: The Weight of Time",
        "They say every fighter knows when it’s time to hang up the gloves. For Rocky Balboa,"
        " that moment had haunted him for years.",
        ".",
        "Chapter Two: The Challenge",
        "News broke on a cold Philadelphia morning: Iron Mike Tyson was coming out of"
        " retirement for one last charity fight.",
    ]
)
ENGLISH_KARATE = (
    "Daniel moves to California with his mother and is bullied by the fighters of a karate "
    "school. An old handyman, Mr. Miyagi, teaches him."
)

ROCKY_FILMS = [
    # (position, title, slug, year)
    (1, "Rocky", "rocky", 1976),
    (2, "Rocky II", "rocky-ii", 1979),
    (3, "Rocky III", "rocky-iii", 1982),
    (4, "Rocky IV", "rocky-iv", 1985),
    (5, "Rocky V", "rocky-v", 1990),
    (6, "Rocky Balboa", "rocky-balboa", 2006),
]


def make_catalogue(*, extra_films: int = 0) -> dict:
    """Create the small multilingual catalogue the site and browser tests use.

    The Rocky franchise in story order (Danish, Thai, Spanish, English synopses, Thai and
    Danish titles), an unofficial concept story, The Karate Kid, and ``extra_films`` plain
    films (with an English synopsis each) to make the list paginate.
    """
    rocky = FranchiseFactory(name="Rocky", slug="rocky")
    films = {
        slug: FilmFactory(
            title=title, slug=slug, year=year, franchise=rocky, franchise_position=position
        )
        for position, title, slug, year in ROCKY_FILMS
    }
    FilmTitleFactory(film=films["rocky-iv"], title="ร็อคกี้ 4", language="th")
    FilmTitleFactory(film=films["rocky-iv"], title="Rocky IV: Duellen", language="da")
    FilmTitleFactory(film=films["rocky"], title="ร็อคกี้", language="th")
    SynopsisFactory(film=films["rocky"], language="da", text=DANISH_ROCKY)
    SynopsisFactory(film=films["rocky-iv"], language="da", text=DANISH_ROCKY_IV)
    SynopsisFactory(film=films["rocky-balboa"], language="th", text=THAI_ROCKY)
    SynopsisFactory(film=films["rocky-balboa"], language="es", text=SPANISH_BALBOA)
    films["concept"] = FilmFactory(
        title="One More Round: The Last Fight of Rocky Balboa",
        slug="one-more-round",
        year=2026,
        kind=FilmKind.UNOFFICIAL,
        franchise=rocky,
        franchise_position=7,
    )
    SynopsisFactory(film=films["concept"], language="en", text=ENGLISH_CONCEPT)
    films["karate-kid"] = FilmFactory(title="The Karate Kid", slug="the-karate-kid", year=1984)
    SynopsisFactory(film=films["karate-kid"], language="en", text=ENGLISH_KARATE)
    # A synopsis waiting for review: never public.
    SynopsisFactory(
        film=None,
        language="en",
        text="Pending secret synopsis about a boxer.",
        review_status=ReviewStatus.PENDING,
    )
    for number in range(extra_films):
        film = FilmFactory(
            title=f"Filler Film {number:03d}", slug=f"filler-{number:03d}", year=2000 + number % 20
        )
        SynopsisFactory(film=film, language="en", text=f"An ordinary drama number {number}.")
        films[film.slug] = film
    return films


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


def make_search_examples(films: dict) -> dict:
    """Add to ``make_catalogue()`` what the search table needs: Creed with its Spanish
    title, a synopsis whose words hold "iv" (rival, finansrådgiver) and a Danish one."""
    films["creed"] = FilmFactory(title="Creed", slug="creed", year=2015)
    FilmTitleFactory(film=films["creed"], title="Creed: La leyenda de Rocky", language="es")
    films["the-rival"] = FilmFactory(title="The Rival", slug="the-rival", year=1999)
    SynopsisFactory(
        film=films["the-rival"],
        language="en",
        text="Rocky meets a rival at the gym, and his financial adviser leaves town.",
    )
    SynopsisFactory(
        film=films["the-rival"],
        language="da",
        text="Rockys finansrådgiver flytter. Hans søster venter i ringen.",
    )
    return films
