"""PostgreSQL: the sampled search indexes four times apart (1 in 2048, 512, 128, 32 and 8).

Migration 0010 built samples eight times apart (1 in 512, 64 and 8). A query ranks the
first sample holding a quarter of the cap (125 of 500, films/search/pgtext.py
``sample_enough``); the next of those samples held up to eight times that many, so a word
just short of enough in one ranked the whole cap from the next: 500 candidates read and
ranked where about 250 would do, half of the text statement at a million synopses
(docs/performance.md). Four times apart, the cap over the quarter, the sample ranked holds
at most about the cap. The 1 in 2048 sample does the same for words in a quarter or more of
all synopses. Each index holds only its sample: the five together are a fifth of the full
index's entries, against a seventh before. SQLite: nothing to do.
"""

from django.db import migrations

ADDED = (2048, 128, 32)
REMOVED = (64,)


def _swap(schema_editor, *, create: tuple[int, ...], drop: tuple[int, ...]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for size in create:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS synopsis_search_sample_{size} ON films_synopsis "
            f"USING gin (search_vector) WHERE (hashint8(id) & {size - 1}) = 0"
        )
    for size in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS synopsis_search_sample_{size}")


def forwards(apps, schema_editor):
    _swap(schema_editor, create=ADDED, drop=REMOVED)


def backwards(apps, schema_editor):
    _swap(schema_editor, create=REMOVED, drop=ADDED)


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0011_title_key_code_point_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
