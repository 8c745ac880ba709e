"""Trigram indexes on the title keys, so "titles containing ..." never scans every film.

``title_key__contains`` and ``__startswith`` compile to ``LIKE '%…%'`` / ``LIKE '…%'``,
which a btree cannot answer; a pg_trgm GIN index can (docs/search.md). PostgreSQL only:
SQLite searches its small development catalogue by scanning.
"""

from django.db import migrations

INDEXES = {
    "film_title_key_trgm": "films_film",
    "filmtitle_title_key_trgm": "films_filmtitle",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (title_key gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0003_review_queue"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
