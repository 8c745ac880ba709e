"""The catalogue generation row (films/caching.py), and a covering index for list pages.

A list page reads (id, film_id, language) of its films' synopses; with ``id`` included in the
(film, language) index that is an index-only scan (PostgreSQL; elsewhere a plain index).
"""

import time

from django.db import migrations, models


def create_generation(apps, schema_editor):
    generation = apps.get_model("films", "CatalogueGeneration")
    generation.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"value": time.time_ns() // 1000}
    )


class Migration(migrations.Migration):

    dependencies = [
        ('films', '0004_title_trigram_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='CatalogueGeneration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.PositiveBigIntegerField(default=1, verbose_name='generation')),
                ('changed_at', models.DateTimeField(auto_now=True, verbose_name='changed')),
            ],
            options={
                'verbose_name': 'catalogue generation',
                'verbose_name_plural': 'catalogue generation',
            },
        ),
        migrations.RunPython(create_generation, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='synopsis',
            index=models.Index(fields=['film', 'language'], include=('id',), name='synopsis_film_language_cover'),
        ),
        migrations.RemoveIndex(
            model_name='synopsis',
            name='synopsis_film_language_idx',
        ),
    ]
