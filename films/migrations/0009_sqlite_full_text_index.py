"""SQLite's full-text index of the synopses (FTS5), and no more ``search_blob``.

``search_blob`` was the haystack of SQLite's substring search, unused on PostgreSQL; SQLite
now searches an FTS5 index kept by triggers (films/search/fts.py, docs/search.md), so the
column goes on both databases. The index is derived data that must match the stemming the
running code does (its triggers call the live Python function), so this migration uses the
live DDL rather than a frozen copy. PostgreSQL: only the column is dropped.
"""

from django.db import migrations

from films.search import fts


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    # The connection may predate the app's connection_created receiver.
    fts.register_functions(schema_editor.connection.connection)
    with schema_editor.connection.cursor() as cursor:
        fts.create_index(cursor)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        fts.drop_index(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0008_editors_imports"),
    ]

    operations = [
        migrations.RemoveField(model_name="synopsis", name="search_blob"),
        migrations.RunPython(create_index, drop_index),
    ]
