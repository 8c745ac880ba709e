"""Import raw synopsis text files: detect each synopsis's language and the film it describes.

    python manage.py import_synopses [PATH ...] [--encoding ENC] [--dry-run] [--format json]
                                     [--workers N] [--follow-symlinks]

Without paths it imports everything under fixtures/. Files that cannot be read are
named with the reason and skipped; the others go on, and the command exits 1. So are
symbolic links (unless --follow-symlinks), files over DJANGO_IMPORT_MAX_FILE_MB, and
synopses over DJANGO_IMPORT_MAX_SYNOPSIS_CHARS (docs/importing.md, "Limits").
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from films.importer.knowledge import KnowledgeError
from films.importer.reading import SourceError, check_encoding
from films.importer.report import FileReport, ImportReport
from films.importer.services import import_synopses

# Progress lines are printed per file once an import has more files than this.
PROGRESS_FROM_FILES = 20


class Command(BaseCommand):
    help = (
        "Import synopsis text files (default: everything in fixtures/), tagging each synopsis "
        "with its language and film; unsure ones go to the review queue in admin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Files or directories to import (default: the project's fixtures/ folder).",
        )
        parser.add_argument(
            "--encoding",
            help="Text encoding of the files when they are not UTF-8, e.g. cp1252 or latin-1.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything inside a transaction that is rolled back: report, change nothing.",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="'json' prints one JSON report on stdout and nothing else there.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="Processes that analyse files while this one writes them "
            "(default: DJANGO_IMPORT_WORKERS, else the number of CPUs; 1: none).",
        )

        parser.add_argument(
            "--follow-symlinks",
            action="store_true",
            help="Import the files symbolic links point to (refused by default: a link could "
            "make the import read any file the importing user can).",
        )

    def handle(self, *args, **options):
        as_json = options["format"] == "json"
        if options["encoding"]:
            try:
                check_encoding(options["encoding"])
            except SourceError as error:
                raise CommandError(str(error)) from error
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers must be 1 or more")
        paths = options["paths"] or [Path(settings.FIXTURES_ROOT)]

        def on_file(index: int, total: int, report: FileReport) -> None:
            if report.status == "failed":
                self.stderr.write(f"{report.path}: {report.error} (skipped)")
            elif total > PROGRESS_FROM_FILES and options["verbosity"] >= 1:
                self.stderr.write(f"[{index}/{total}] {report.path}: {len(report.synopses)}")
            for reason in report.refused:
                self.stderr.write(f"{report.path}: {reason}")

        try:
            report = import_synopses(
                paths=paths,
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                on_file=on_file,
                workers=options["workers"],
                follow_symlinks=options["follow_symlinks"],
            )
        except KnowledgeError as error:
            raise CommandError(f"film knowledge: {error}") from error

        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._write_summary(report, verbosity=options["verbosity"])
        problems = []
        if report.failed:
            failed = len(report.failed)
            problems.append(f"{failed} of {len(report.files)} files could not be imported")
        if refused := report.totals["refused"]:
            problems.append(
                f"{refused} synopses were refused: longer than "
                f"{settings.IMPORT_MAX_SYNOPSIS_CHARS:,} characters"
            )
        if problems:
            raise CommandError("; ".join(problems), returncode=1)

    def _write_summary(self, report: ImportReport, *, verbosity: int) -> None:
        if verbosity >= 2:
            for file_report in report.files:
                for synopsis in file_report.synopses:
                    film = synopsis.film["title"] if synopsis.film else "— for review"
                    self.stdout.write(
                        f"{file_report.path}:{synopsis.first_line}-{synopsis.last_line} "
                        f"[{synopsis.language}] {film} ({synopsis.action}) {synopsis.evidence}"
                    )
        self.stdout.write(report.summary())
