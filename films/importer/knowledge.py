"""Bring the curated film knowledge (fixtures/catalogue.toml) into the database.

Only what the database lacks is added: a franchise, film, title or name that
exists is left exactly as editors made it in admin. (An entry an editor deleted
comes back on the next import while the file still lists it: correct the file.)
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from ..caching import bump_generation
from ..models import (
    Film,
    FilmKind,
    FilmKnowledge,
    FilmTitle,
    Franchise,
    KnowledgeKind,
    OutsideWork,
    TitleKind,
)
from .evidence import concept_words

# Any constant: imports hold this PostgreSQL advisory lock while they write (the knowledge,
# then each file), so two imports started at once take turns instead of racing on rows.
IMPORT_LOCK_ID = 0x46494C4D


def lock_imports() -> None:
    """Wait for any other import's write transaction to finish (PostgreSQL; SQLite serialises)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_ID])


class KnowledgeError(Exception):
    """The knowledge file cannot be read or says something impossible."""


@dataclass(frozen=True)
class KnowledgeSummary:
    franchises: int
    films: int
    titles: int
    knowledge: int
    created: int
    neighbours: int = 0


def _require(entry: dict, field: str, where: str) -> object:
    if field not in entry or entry[field] in ("", None):
        raise KnowledgeError(f"{where}: missing {field!r}")
    return entry[field]


def read_knowledge(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as error:
        raise KnowledgeError(f"{path}: no such file") from error
    except tomllib.TOMLDecodeError as error:
        raise KnowledgeError(f"{path}: not valid TOML ({error})") from error
    slugs = [film.get("slug") for film in data.get("films", [])]
    duplicates = {slug for slug in slugs if slugs.count(slug) > 1}
    if duplicates:
        raise KnowledgeError(f"{path}: film slugs used twice: {', '.join(sorted(duplicates))}")
    return data


def _rows_in(queryset, field: str, values: set, *, batch: int = 500) -> list:
    """The rows of ``queryset`` whose ``field`` is one of ``values``, a few hundred per query."""
    ordered = sorted(values)
    rows: list = []
    for start in range(0, len(ordered), batch):
        rows += queryset.filter(**{f"{field}__in": ordered[start : start + batch]})
    return rows


@transaction.atomic
def load_knowledge(path: Path) -> KnowledgeSummary:
    """Create the franchises, films, titles and names of ``path`` that the database lacks."""
    data = read_knowledge(path)
    lock_imports()
    created = 0
    # Only the rows the file names: the catalogue may hold 50,000 films.
    franchise_slugs = {entry.get("slug") for entry in data.get("franchises", [])} | {
        entry.get("franchise") for entry in data.get("films", [])
    }
    franchises = {
        franchise.slug: franchise
        for franchise in _rows_in(Franchise.objects.all(), "slug", franchise_slugs - {None})
    }
    for entry in data.get("franchises", []):
        slug = _require(entry, "slug", "franchise")
        if slug not in franchises:
            franchises[slug] = Franchise.objects.create(
                slug=slug, name=_require(entry, "name", f"franchise {slug}")
            )
            created += 1

    film_slugs = {entry.get("slug") for entry in data.get("films", [])} - {None}
    films = {film.slug: film for film in _rows_in(Film.objects.all(), "slug", film_slugs)}
    film_ids = {film.pk for film in films.values()}
    existing_titles = set(
        _rows_in(FilmTitle.objects.values_list("film_id", "language", "title"), "film_id", film_ids)
    )
    existing_knowledge = set(
        _rows_in(FilmKnowledge.objects.values_list("film_id", "key", "kind"), "film_id", film_ids)
    )
    spellings: dict[str, list[str]] = data.get("spellings", {})
    new_titles: list[FilmTitle] = []
    new_knowledge: list[FilmKnowledge] = []
    title_count = knowledge_count = 0
    for entry in data.get("films", []):
        slug = _require(entry, "slug", "film")
        where = f"film {slug}"
        film = films.get(slug)
        if film is None:
            franchise_slug = entry.get("franchise")
            if franchise_slug and franchise_slug not in franchises:
                raise KnowledgeError(f"{where}: unknown franchise {franchise_slug!r}")
            kind = entry.get("kind", FilmKind.RELEASED)
            if kind not in FilmKind.values:
                raise KnowledgeError(f"{where}: kind must be one of {', '.join(FilmKind.values)}")
            film = Film.objects.create(
                slug=slug,
                title=_require(entry, "title", where),
                year=_require(entry, "year", where),
                kind=kind,
                original_language=entry.get("original_language", "en"),
                franchise=franchises.get(franchise_slug) if franchise_slug else None,
                franchise_position=entry.get("position") if franchise_slug else None,
            )
            films[slug] = film
            created += 1
        for title in entry.get("titles", []):
            title_count += 1
            language = _require(title, "language", where)
            text = _require(title, "title", where)
            if (film.pk, language, text) in existing_titles:
                continue
            existing_titles.add((film.pk, language, text))
            row = FilmTitle(
                film=film,
                language=language,
                title=text,
                kind=title.get("kind", TitleKind.LOCALIZED),
            )
            row.fill_derived()
            new_titles.append(row)
        unknown = set(entry.get("concepts", [])) - concept_words().keys()
        if unknown:
            names = ", ".join(sorted(unknown))
            raise KnowledgeError(f"{where}: concepts not in films/importer/concepts.toml: {names}")
        concepts = [{"kind": "concept", "text": name} for name in entry.get("concepts", [])]
        # A name's spellings in scripts transliteration cannot reach go wherever the name goes.
        spelled = [
            {"kind": item.get("kind"), "text": spelling}
            for item in entry.get("knowledge", [])
            for spelling in spellings.get(item.get("text"), ())
        ]
        for item in [*entry.get("knowledge", []), *concepts, *spelled]:
            knowledge_count += 1
            kind = _require(item, "kind", where)
            if kind not in KnowledgeKind.values:
                raise KnowledgeError(
                    f"{where}: knowledge kind {kind!r} is not one of "
                    f"{', '.join(KnowledgeKind.values)}"
                )
            row = FilmKnowledge(
                film=film,
                text=_require(item, "text", where),
                kind=kind,
                language=item.get("language", ""),
            )
            row.fill_derived()
            if (film.pk, row.key, kind) in existing_knowledge:
                continue
            existing_knowledge.add((film.pk, row.key, kind))
            new_knowledge.append(row)
    FilmTitle.objects.bulk_create(new_titles)
    FilmKnowledge.objects.bulk_create(new_knowledge)
    new_neighbours = _new_neighbours(data.get("neighbours", []), franchises)
    created += len(new_neighbours)
    if new_titles or new_knowledge or new_neighbours:
        bump_generation()  # bulk_create sends no signals
    created += len(new_titles) + len(new_knowledge)
    return KnowledgeSummary(
        franchises=len(data.get("franchises", [])),
        films=len(data.get("films", [])),
        titles=title_count,
        knowledge=knowledge_count,
        created=created,
        neighbours=len(data.get("neighbours", [])),
    )


def _new_neighbours(entries: list[dict], franchises: dict[str, Franchise]) -> list[OutsideWork]:
    """Create the works outside the catalogue that the database lacks (by title and year)."""
    existing = set(OutsideWork.objects.values_list("title", "year"))
    created = []
    for entry in entries:
        title = _require(entry, "title", "neighbour")
        year = entry.get("year")
        if (title, year) in existing:
            continue
        existing.add((title, year))
        franchise = entry.get("near")
        if franchise and franchise not in franchises:
            raise KnowledgeError(f"neighbour {title}: unknown franchise {franchise!r}")
        created.append(
            OutsideWork(
                title=title,
                year=year,
                franchise=franchises.get(franchise) if franchise else None,
                titles="\n".join(entry.get("titles", [])),
                names="\n".join(entry.get("names", [])),
                note=entry.get("note", ""),
            )
        )
    return OutsideWork.objects.bulk_create(created)
