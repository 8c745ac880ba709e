"""PostgreSQL: synopsis search vectors kept in the row, and sampled indexes for common words.

``ts_rank`` reads every candidate's ``tsvector``; stored out of line (TOAST, the default for
a value that makes the row exceed 2 kB) each read was a lookup in another table, five of
six milliseconds of ranking 500 candidates at a million synopses. ``STORAGE MAIN`` keeps the
vector in the row and moves the text out instead, which only a page's snippets read. Rows
written before this migration keep their layout until they are rewritten (``VACUUM FULL
films_synopsis``, docs/production.md).

The partial GIN indexes each hold a fixed pseudo-random sample of the synopses (1 in 512,
64 and 8, by a hash of the id): a word found in tens of thousands of synopses finds its
capped candidates in a sample instead of building a bitmap of every match
(films/search/pgtext.py ``SEARCH_SAMPLES``, docs/search.md). SQLite: nothing to do.
"""

from django.db import migrations

SAMPLES = (512, 64, 8)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE films_synopsis ALTER COLUMN search_vector SET STORAGE MAIN")
    for size in SAMPLES:
        schema_editor.execute(
            f"CREATE INDEX synopsis_search_sample_{size} ON films_synopsis "
            f"USING gin (search_vector) WHERE (hashint8(id) & {size - 1}) = 0"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for size in SAMPLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS synopsis_search_sample_{size}")
    schema_editor.execute(
        "ALTER TABLE films_synopsis ALTER COLUMN search_vector SET STORAGE EXTENDED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0009_sqlite_full_text_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
