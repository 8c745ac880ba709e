"""Measure the importer's film matching and language detection on texts whose films are known.

    manage.py evaluate_matching DIR [--key DIR/key.json] [--format json]

Runs the real importer on the key's files in a transaction that is rolled back, then prints,
per language and per film, how many blocks got the right film, a wrong one or none, how many
works outside the catalogue stayed unassigned and how many languages were right; every miss
with the evidence that decided it; and precision and recall as the confidence threshold moves.
docs/matching.md explains the key's shape.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from films.importer.evaluation import (
    KEPT_OUT,
    RIGHT,
    UNASSIGNED,
    WRONG,
    KeyFileError,
    evaluate,
    read_key,
    tally,
    threshold_table,
)
from films.importer.matching import min_confidence

COLUMNS = ("blocks", RIGHT, WRONG, UNASSIGNED, KEPT_OUT, "languages right")


class Command(BaseCommand):
    help = (
        "Import texts whose films are known in a rolled-back transaction and report how well "
        "films and languages were found."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="Folder of the text files.")
        parser.add_argument(
            "--key", type=Path, help="JSON key: per file, per block, the film and language."
        )
        parser.add_argument(
            "--format", choices=("text", "json"), default="text", help="Output format."
        )

    def handle(self, *args, directory: Path, key: Path | None, format: str, **options) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a folder")
        try:
            verdicts = evaluate(directory=directory, key=read_key(key) if key else {})
        except KeyFileError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(
                f"the database is not ready ({error}): run manage.py migrate"
            ) from error
        by_language = tally(verdicts, lambda v: v.expected.language or v.language)
        by_film = tally(
            verdicts,
            lambda v: (
                f"{v.expected.film[0]} ({v.expected.film[1]})"
                if v.expected.film
                else "outside the catalogue"
            ),
        )
        misses = [v for v in verdicts if v.outcome in (WRONG, UNASSIGNED)]
        thresholds = threshold_table(verdicts)
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "totals": tally(verdicts, lambda v: "all")["all"] if verdicts else {},
                        "by_language": by_language,
                        "by_film": by_film,
                        "misses": [_miss(v) for v in misses],
                        "thresholds": thresholds,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self._table("language", by_language)
        self._table("film", by_film)
        self._table("", tally(verdicts, lambda v: "all"))
        self.stdout.write("\nMisses:" if misses else "\nNo misses.")
        for verdict in misses:
            self.stdout.write(_describe(verdict))
        self.stdout.write(f"\nConfidence threshold (now {min_confidence()}):")
        self.stdout.write("  threshold  right  wrong  precision  recall")
        for row in thresholds:
            self.stdout.write(
                f"  {row['threshold']:>9}  {row['right']:>5}  {row['wrong']:>5}"
                f"  {row['precision']:>9.3f}  {row['recall']:>6.3f}"
            )

    def _table(self, title: str, rows: dict[str, dict[str, int]]) -> None:
        width = max([len(title), *(len(name) for name in rows)])
        self.stdout.write("")
        self.stdout.write(f"{title:<{width}}  " + "  ".join(f"{c:>{len(c)}}" for c in COLUMNS))
        for name, row in rows.items():
            cells = "  ".join(f"{row.get(column, 0):>{len(column)}}" for column in COLUMNS)
            self.stdout.write(f"{name:<{width}}  {cells}")


def _miss(verdict) -> dict:
    return {
        "file": verdict.file,
        "block": verdict.block,
        "lines": list(verdict.lines),
        "expected": verdict.expected.film,
        "got": verdict.got,
        "language": verdict.language,
        "confidence": verdict.confidence,
        "evidence": verdict.evidence,
        "note": verdict.note,
        "candidates": verdict.candidates,
    }


def _describe(verdict) -> str:
    expected = _film_label(verdict.expected.film) if verdict.expected.film else "outside"
    got = _film_label(verdict.got) if verdict.got else "none"
    lines = [
        f"  {verdict.file} block {verdict.block} (lines {verdict.lines[0]}–{verdict.lines[1]},"
        f" {verdict.language}): expected {expected}, got {got},"
        f" confidence {verdict.confidence:.2f}; {verdict.note or verdict.evidence}"
    ]
    for candidate in verdict.candidates[:3]:
        evidence = ", ".join(candidate.get("evidence", []))
        lines.append(
            f"      {candidate.get('title')} ({candidate.get('year')})"
            f" {candidate.get('score')}: {evidence}"
        )
    return "\n".join(lines)


def _film_label(film: tuple[str, int]) -> str:
    return f"{film[0]} ({film[1]})"
