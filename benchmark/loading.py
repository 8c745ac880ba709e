"""Write the synthetic catalogue into the database DATABASE_URL selects, fast, and only there.

Benchmark rows are marked: franchise and film slugs start with "bench-", synopsis source
files with "bench/". A database holding anything else is refused unless forced, and even
then only the marked rows are ever deleted. Synopses go in with COPY on PostgreSQL and with
bulk_create elsewhere; derived columns are filled by the model's own code, never a copy.
"""

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import DatabaseError, connection, models, transaction

from films.caching import bump_generation
from films.importer.services import checksum
from films.models import Film, FilmKnowledge, FilmTitle, Franchise, ReviewStatus, Synopsis
from films.text import title_key

from .corpus import (
    SLUG_PREFIX,
    SOURCE_PREFIX,
    CatalogueSpec,
    SynopsisSpec,
    film_specs,
    franchise_specs,
    iter_synopses,
)

BATCH_SIZE = 5_000
COPY_BATCH_SIZE = 50_000
MARKER_SLUG = f"{SLUG_PREFIX}catalogue"
SYNOPSES_PER_SOURCE_FILE = 1_000


class ForeignDataError(Exception):
    """The database holds rows the benchmark did not make."""


@dataclass(frozen=True)
class LoadFigures:
    synopses: int
    films: int
    franchises: int
    seconds: float
    method: str  # "copy", "bulk_create" or "reused"

    @property
    def rate(self) -> float:
        return self.synopses / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "synopses": self.synopses,
            "films": self.films,
            "franchises": self.franchises,
            "seconds": round(self.seconds, 2),
            "synopses_per_second": round(self.rate, 1),
            "method": self.method,
        }


def foreign_data() -> dict[str, int]:
    """Count the rows that are not the benchmark's, per table; empty when there are none."""
    counts = {
        "franchises": Franchise.objects.exclude(slug__startswith=SLUG_PREFIX).count(),
        "films": Film.objects.exclude(slug__startswith=SLUG_PREFIX).count(),
        "synopses": Synopsis.objects.exclude(source_file__startswith=SOURCE_PREFIX).count(),
    }
    return {table: count for table, count in counts.items() if count}


def benchmark_catalogue_in_place(spec: CatalogueSpec) -> bool:
    """True when the database already holds exactly this catalogue (same size and seed)."""
    return (
        Franchise.objects.filter(slug=MARKER_SLUG, name=spec.marker).exists()
        and Synopsis.objects.filter(source_file__startswith=SOURCE_PREFIX).count() == spec.synopses
    )


def delete_benchmark_rows() -> None:
    """Delete the benchmark's rows, and nothing else."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block and not foreign_data():
        # Only benchmark rows are there: TRUNCATE is instant where DELETE of 1M rows is not.
        # (Not inside a transaction that wrote them: deferred foreign keys forbid it.)
        tables = [model._meta.db_table for model in (Synopsis, FilmKnowledge, FilmTitle, Film)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        Franchise.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        bump_generation()
        return
    with transaction.atomic():
        Synopsis.objects.filter(source_file__startswith=SOURCE_PREFIX).delete()
        Film.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        Franchise.objects.filter(slug__startswith=SLUG_PREFIX).delete()


def fill_derived(instance: models.Model) -> None:
    """Fill the columns save() derives, by the model's own code."""
    if hasattr(instance, "fill_derived"):
        instance.fill_derived()
    elif isinstance(instance, Film):
        instance.title_key = title_key(instance.title)  # what Film.save() does


def _synopsis(spec: SynopsisSpec, film_ids: list[int]) -> Synopsis:
    synopsis = Synopsis(
        film_id=film_ids[spec.film],
        language=spec.language,
        language_confidence=1.0,
        text=spec.text,
        source_file=f"{SOURCE_PREFIX}{spec.index // SYNOPSES_PER_SOURCE_FILE:05d}.txt",
        source_first_line=spec.index % SYNOPSES_PER_SOURCE_FILE + 1,
        source_last_line=spec.index % SYNOPSES_PER_SOURCE_FILE + 1,
        source_checksum=checksum(spec.text),
        match_confidence=1.0,
        review_status=ReviewStatus.AUTO,
    )
    fill_derived(synopsis)
    return synopsis


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _insert_columns(model: type[models.Model]) -> list[models.Field]:
    """The columns an INSERT writes: concrete, not the primary key, not database-generated."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    ]


def _copy_synopses(synopses: Iterable[Synopsis]) -> None:
    """COPY rows into the synopsis table, with values prepared exactly as bulk_create would."""
    fields = _insert_columns(Synopsis)
    table = connection.ops.quote_name(Synopsis._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for synopsis in synopses:
            copy.write_row(
                [
                    field.get_db_prep_save(field.pre_save(synopsis, True), connection)
                    for field in fields
                ]
            )


def _drop_secondary_indexes() -> list[str]:
    """Drop the synopsis indexes no constraint needs; return their definitions.

    Building an index once after COPY is several times faster than updating it per row
    (GIN above all). Only called when the table holds nothing but benchmark rows.
    """
    table = Synopsis._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _, definition in indexes]


def _create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for definition in definitions:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")


def load_catalogue(
    spec: CatalogueSpec, *, force: bool = False, reload: bool = False, progress=None
) -> LoadFigures:
    """Build the catalogue of ``spec`` into the database, or reuse it when it is already there.

    Raises ForeignDataError when the database holds other data and ``force`` is not set.
    """
    foreign = foreign_data()
    if foreign and not force:
        found = ", ".join(f"{count} {table}" for table, count in foreign.items())
        raise ForeignDataError(
            f"the database holds data the benchmark did not make ({found}); "
            "use an empty database, or --force to add benchmark rows beside it"
        )
    franchises = franchise_specs(spec)
    films = film_specs(spec)
    if not reload and benchmark_catalogue_in_place(spec):
        # An earlier run's import left dead rows and GIN pending entries; production's
        # autovacuum would have cleaned them (the local server runs without it).
        analyse_tables()
        return LoadFigures(spec.synopses, len(films), len(franchises), 0.0, "reused")

    delete_benchmark_rows()
    started = time.perf_counter()
    Franchise.objects.create(slug=MARKER_SLUG, name=spec.marker)
    franchise_rows = Franchise.objects.bulk_create(
        [Franchise(slug=franchise.slug, name=franchise.name) for franchise in franchises],
        batch_size=BATCH_SIZE,
    )
    film_rows = []
    for film in films:
        row = Film(
            slug=film.slug,
            title=film.title,
            year=film.year,
            franchise=franchise_rows[film.franchise] if film.franchise is not None else None,
            franchise_position=film.position,
        )
        fill_derived(row)
        film_rows.append(row)
    film_rows = Film.objects.bulk_create(film_rows, batch_size=BATCH_SIZE)
    film_ids = [row.pk for row in film_rows]

    use_copy = connection.vendor == "postgresql"
    dropped = _drop_secondary_indexes() if use_copy and not connection.in_atomic_block else []
    done = 0
    for batch in _batches(iter_synopses(spec), COPY_BATCH_SIZE if use_copy else BATCH_SIZE):
        rows = [_synopsis(item, film_ids) for item in batch]
        with transaction.atomic():
            if use_copy:
                _copy_synopses(rows)
            else:
                Synopsis.objects.bulk_create(rows)
        done += len(rows)
        if progress is not None:
            progress(done, spec.synopses, time.perf_counter() - started)
    if dropped:
        if progress is not None:
            progress(done, spec.synopses, time.perf_counter() - started)
        _create_indexes(dropped)
    seconds = time.perf_counter() - started
    analyse_tables()
    bump_generation()  # COPY and bulk_create send no signals
    return LoadFigures(
        spec.synopses, len(films), len(franchises), seconds, "copy" if use_copy else "bulk_create"
    )


def analyse_tables() -> None:
    """Refresh planner statistics (and the visibility map on PostgreSQL) after a bulk load."""
    tables = [model._meta.db_table for model in (Franchise, Film, Synopsis)]
    with connection.cursor() as cursor:
        for table in tables:
            # VACUUM cannot run in a transaction (a test's); ANALYZE alone still can.
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
            else:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def relation_sizes() -> dict[str, dict[str, int]]:
    """Bytes on disk per catalogue table: heap (with TOAST), indexes, total. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return {}
    sizes = {}
    with connection.cursor() as cursor:
        for model in (Franchise, Film, FilmTitle, FilmKnowledge, Synopsis):
            table = model._meta.db_table
            cursor.execute(
                "SELECT pg_table_size(%s), pg_indexes_size(%s), pg_total_relation_size(%s)",
                [table, table, table],
            )
            heap, indexes, total = cursor.fetchone()
            sizes[table] = {"table": heap, "indexes": indexes, "total": total}
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass ORDER BY 2 DESC",
            [Synopsis._meta.db_table],
        )
        sizes["synopsis_indexes"] = dict(cursor.fetchall())
    return sizes


def gin_pending_list() -> dict[str, dict[str, int]] | None:
    """Pages and tuples in each synopsis GIN index's pending list (pgstatginindex), by index.

    Rows written with ``fastupdate`` (the default) wait in the pending list until a vacuum
    merges them; until then every search scans the list too. None where it cannot be read
    (SQLite, or no pgstattuple extension and no right to create it).
    """
    if connection.vendor != "postgresql":
        return None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
            cursor.execute(
                "SELECT indexrelid::regclass::text, pending.pending_pages, pending.pending_tuples "
                "FROM pg_index JOIN pg_class ON pg_class.oid = indexrelid "
                "JOIN pg_am ON pg_am.oid = pg_class.relam, "
                "LATERAL pgstatginindex(indexrelid) AS pending "
                "WHERE indrelid = %s::regclass AND pg_am.amname = 'gin' ORDER BY 1",
                [Synopsis._meta.db_table],
            )
            return {name: {"pages": pages, "tuples": tuples} for name, pages, tuples in cursor}
    except DatabaseError:
        return None
