"""Run the background worker that imports admin uploads (django-tasks' database worker).

    python manage.py import_worker [--batch] [--no-reload] [db_worker's options]

Before taking tasks it gives back to the queue any uploaded file whose worker died
mid-file (nothing of it was stored), or marks it failed after DJANGO_IMPORT_MAX_ATTEMPTS
tries: docs/editors.md. Everything else is django-tasks-db's ``db_worker``.
"""

from django_tasks_db.management.commands import db_worker

from films.importer.uploads import resume_interrupted


class Command(db_worker.Command):
    help = (
        "Import the files editors upload in admin, in the background; first retry (or fail) "
        "files whose worker died mid-import. Options are those of db_worker."
    )

    def handle(self, *args, **options):
        for file in resume_interrupted():
            self.stderr.write(
                f"{file.name} (import #{file.batch_id}): its worker died mid-file; nothing of "
                "it was stored, tried again (or failed after too many tries)"
            )
        return super().handle(*args, **options)
