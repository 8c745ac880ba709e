"""PostgreSQL: title keys indexed in code point order ("C" collation), with the row id.

A title search reads the titles that are or start with the query's key as a range of this
index, in order, and stops after the capped number (films/search/titles.py). The column's
own index follows the database's collation, where a prefix is no range: a key in half of
all titles was found by reading every title before it, and a key in a few thousand by
sorting them all (docs/performance.md). SQLite compares in code point order already.
"""

from django.db import migrations

INDEXES = {
    "film_title_key_c": "films_film",
    "filmtitle_title_key_c": "films_filmtitle",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} ((title_key::text COLLATE "C"), id)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0010_synopsis_search_samples"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
