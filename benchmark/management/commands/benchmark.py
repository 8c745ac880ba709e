"""Measure the catalogue at a given size: load, import, pages, search (beside a peer library).

    python manage.py benchmark [--synopses N] [--seed S] [--quick] [--server-seconds S]
                               [--format json]
    python manage.py benchmark --compare small.json large.json
    python manage.py benchmark --synopses N --interleave OTHER_TREE [--rounds R]

Builds a deterministic synthetic catalogue into the database DATABASE_URL selects (rows
marked "bench-"; a database with other data is refused unless --force), then prints
every figure as a table or as one JSON object.
"""

import argparse
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmark.corpus import CatalogueSpec
from benchmark.importing import DEFAULT_WORKERS
from benchmark.interleave import InterleaveError, interleave, render_interleaved
from benchmark.loading import ForeignDataError, benchmark_catalogue_in_place
from benchmark.report import compare, render, render_comparison, run_benchmark

QUICK_SYNOPSES = 1000


def _worker_counts(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in value.split(","))
    except ValueError:
        counts = ()
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("worker counts, comma-separated, each at least 1")
    return counts


class Command(BaseCommand):
    help = (
        "Build a synthetic catalogue of --synopses synopses and measure import throughput, "
        "page and search latency with their SQL share (test client), the same search mix "
        "through tantivy when the bench extra is installed, and requests/s and latency on "
        "gunicorn, all as multiples of /healthz; or compare two runs' JSON with --compare."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--synopses",
            type=int,
            help=f"Size of the synthetic catalogue (default 10000; {QUICK_SYNOPSES} with --quick).",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the generator.")
        parser.add_argument(
            "--quick",
            action="store_true",
            help="Few repetitions and a small import: under 2 minutes on SQLite, for CI.",
        )
        parser.add_argument(
            "--import-synopses",
            type=int,
            help="Synopses to run through the importer (default 2000; 100 with --quick).",
        )
        parser.add_argument(
            "--import-workers",
            type=_worker_counts,
            default=DEFAULT_WORKERS,
            help="Worker counts to import with, one run each, comma-separated (default 1,2); "
            "the last is the headline rate.",
        )
        parser.add_argument(
            "--server-seconds",
            type=float,
            help="Seconds per URL and mode on a gunicorn started for the run (default 5; 1 with "
            "--quick; 0 skips it).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run on a database that holds other data; only benchmark rows are replaced.",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Rebuild the catalogue even when the database already holds this one.",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="'json' prints one JSON object on stdout and nothing else there.",
        )
        parser.add_argument("--output", type=Path, help="Also write the JSON figures to this file.")
        parser.add_argument(
            "--compare",
            nargs=2,
            type=Path,
            metavar=("SMALL_JSON", "LARGE_JSON"),
            help="Compare two runs' JSON files (p95 ratios, large over small) and exit.",
        )
        parser.add_argument(
            "--interleave",
            type=Path,
            metavar="OTHER_TREE",
            help="Time the search mix in this source tree and in OTHER_TREE (another checkout "
            "of the catalogue) request by request, on the catalogue already loaded, and exit.",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            # Of 40 requests a query's nearest-rank p95 is the 38th; of 10 or 20 it was the slowest.
            default=40,
            help="Requests per query and tree with --interleave (default 40).",
        )

    def handle(self, *args, **options):
        as_json = options["format"] == "json"
        if options["compare"]:
            runs = []
            for path in options["compare"]:
                try:
                    runs.append(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError) as error:
                    raise CommandError(f"{path}: {error}") from error
            comparison = compare(*runs)
            self.stdout.write(
                json.dumps(comparison, indent=2) if as_json else render_comparison(comparison)
            )
            return

        synopses = options["synopses"] or (QUICK_SYNOPSES if options["quick"] else 10_000)
        if synopses < 1:
            raise CommandError("--synopses must be at least 1")
        verbose = options["verbosity"] >= 1
        if options["interleave"]:
            self._interleave(synopses, options, verbose)
            return
        try:
            result = run_benchmark(
                synopses=synopses,
                seed=options["seed"],
                quick=options["quick"],
                force=options["force"],
                reload=options["reload"],
                import_synopses=options["import_synopses"],
                import_workers=options["import_workers"],
                server_seconds=options["server_seconds"],
                progress=lambda message: self.stderr.write(message) if verbose else None,
            )
        except ForeignDataError as error:
            raise CommandError(str(error)) from error
        self._report(result, options, render)

    def _report(self, result: dict, options: dict, render_text) -> None:
        """Print the figures (a table, or JSON with --format json); --output keeps the JSON."""
        text = json.dumps(result, indent=2, ensure_ascii=False)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
        self.stdout.write(text if options["format"] == "json" else render_text(result))

    def _interleave(self, synopses: int, options: dict, verbose: bool) -> None:
        other = options["interleave"].resolve()
        if not (other / "manage.py").is_file():
            raise CommandError(f"{other}: not a source tree of the catalogue (no manage.py)")
        if options["rounds"] < 1:
            raise CommandError("--rounds must be at least 1")
        spec = CatalogueSpec(synopses=synopses, seed=options["seed"])
        if not benchmark_catalogue_in_place(spec):
            raise CommandError(
                f"this database does not hold the benchmark catalogue of {synopses} synopses "
                f"(seed {options['seed']}): load it first with "
                f"manage.py benchmark --synopses {synopses}"
            )
        try:
            result = interleave(
                spec,
                (Path(settings.BASE_DIR), other),
                repeats=options["rounds"],
                progress=lambda message: self.stderr.write(message) if verbose else None,
            )
        except InterleaveError as error:
            raise CommandError(str(error)) from error
        self._report(result, options, render_interleaved)
