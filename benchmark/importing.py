"""Import throughput: the real importer over generated files, against langdetect alone.

The import runs once per worker count (1 and 2 by default), each from cold detection
caches, and reports its seconds per stage (films/importer/stages.py); the headline rate is
the last run's. langdetect alone is timed twice on the same texts: with all 55 profiles,
as the importer used it before ``IMPORT_LANGUAGES`` (the baseline of the first
measurements), and as the importer is configured now; the ratios are to those two.
"""

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from films.importer.language import (
    ALL_PROFILES,
    DetectorSetup,
    configured_setup,
    detect_language,
    forget_detections,
    guess_language,
    warm_up_detector,
)
from films.importer.services import import_synopses
from films.importer.stages import StageSeconds

from .corpus import CatalogueSpec, film_specs, franchise_specs, iter_synopses

SYNOPSES_PER_FILE = 50
DEFAULT_WORKERS = (1, 2)
WARM_UP_TEXT = "The profiles load on the first detection, which is not what is measured."


@dataclass(frozen=True)
class ImportRun:
    """One dry-run import of the generated files with ``workers`` processes."""

    workers: int
    seconds: float
    stages: StageSeconds

    def as_dict(self, synopses: int) -> dict:
        seconds = self.stages.as_dict()
        return {
            "workers": self.workers,
            "seconds": round(self.seconds, 2),
            "synopses_per_second": round(synopses / self.seconds, 1) if self.seconds else 0.0,
            "stage_seconds": {name: round(value, 2) for name, value in seconds.items()},
            "stage_shares": {name: round(share, 3) for name, share in self.stages.shares().items()},
        }


@dataclass(frozen=True)
class ImportFigures:
    synopses: int
    files: int
    seconds: float
    detect_seconds: float
    configured_detect_seconds: float
    created: int
    matched: int
    languages: tuple[str, ...] | None
    runs: tuple[ImportRun, ...] = ()

    @property
    def rate(self) -> float:
        return self.synopses / self.seconds if self.seconds else 0.0

    @property
    def detect_rate(self) -> float:
        return self.synopses / self.detect_seconds if self.detect_seconds else 0.0

    @property
    def configured_detect_rate(self) -> float:
        seconds = self.configured_detect_seconds
        return self.synopses / seconds if seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "synopses": self.synopses,
            "files": self.files,
            "seconds": round(self.seconds, 2),
            "synopses_per_second": round(self.rate, 1),
            "langdetect_seconds": round(self.detect_seconds, 2),
            "langdetect_per_second": round(self.detect_rate, 1),
            "ratio_to_langdetect": round(self.rate / self.detect_rate, 3)
            if self.detect_rate
            else 0,
            "langdetect_configured_seconds": round(self.configured_detect_seconds, 2),
            "langdetect_configured_per_second": round(self.configured_detect_rate, 1),
            "ratio_to_configured_langdetect": round(self.rate / self.configured_detect_rate, 3)
            if self.configured_detect_rate
            else 0,
            "languages": list(self.languages) if self.languages is not None else "all",
            "created": self.created,
            "matched_automatically": self.matched,
            "runs": [run.as_dict(self.synopses) for run in self.runs],
        }


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_knowledge_file(spec: CatalogueSpec, path: Path) -> None:
    """The curated knowledge of the import films: their titles and characters, as TOML."""
    lines = []
    for franchise in franchise_specs(spec):
        lines += [
            "[[franchises]]",
            f"slug = {_toml_string(franchise.slug + '-import')}",
            f"name = {_toml_string(franchise.name + ' (import)')}",
            "",
        ]
    for film in film_specs(spec):
        lines += [
            "[[films]]",
            f"slug = {_toml_string(film.slug + '-import')}",
            f"title = {_toml_string(film.title)}",
            f"year = {film.year}",
        ]
        if film.franchise is not None:
            franchise = franchise_specs(spec)[film.franchise]
            lines += [
                f"franchise = {_toml_string(franchise.slug + '-import')}",
                f"position = {film.position}",
            ]
        for character in film.characters:
            lines += [
                "[[films.knowledge]]",
                'kind = "character"',
                f"text = {_toml_string(character)}",
            ]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def measure_import(
    *, synopses: int, seed: int = 0, workers: Sequence[int] = DEFAULT_WORKERS
) -> ImportFigures:
    """Import ``synopses`` generated synopses in a rolled-back dry run per worker count; time
    langdetect alone too.

    The texts come from their own random stream, so they never collide with the catalogue's.
    """
    films = max(4, synopses // 10)
    spec = CatalogueSpec(synopses=films * 20, seed=seed)
    texts = [item.text for item in iter_synopses(spec, stream="import", count=synopses)]
    with tempfile.TemporaryDirectory(prefix="benchmark-import-") as folder:
        root = Path(folder)
        knowledge = root / "knowledge.toml"
        write_knowledge_file(spec, knowledge)
        source = root / "synopses"
        source.mkdir()
        file_count = 0
        for start in range(0, len(texts), SYNOPSES_PER_FILE):
            chunk = texts[start : start + SYNOPSES_PER_FILE]
            (source / f"{file_count:05d}.txt").write_text("\n\n".join(chunk) + "\n", "utf-8")
            file_count += 1
        # Load the profiles outside the timings (a text of its own: detections are cached).
        warm_up_detector()
        detect_language(WARM_UP_TEXT)
        runs = []
        for count in workers:
            # Each run starts as a fresh import process would: nothing detected yet.
            forget_detections()
            started = time.perf_counter()
            report = import_synopses(
                paths=[source], knowledge_file=knowledge, dry_run=True, workers=count
            )
            runs.append(ImportRun(count, time.perf_counter() - started, report.stages))

    detect_seconds, configured_seconds = (
        _time_detection(texts, setup) for setup in (ALL_PROFILES, configured_setup())
    )
    totals = report.totals
    return ImportFigures(
        synopses=len(texts),
        files=file_count,
        seconds=runs[-1].seconds,
        detect_seconds=detect_seconds,
        configured_detect_seconds=configured_seconds,
        created=totals["created"],
        matched=totals["synopses"] - totals["for_review"],
        languages=None if settings.IMPORT_LANGUAGES is None else tuple(settings.IMPORT_LANGUAGES),
        runs=tuple(runs),
    )


def _time_detection(texts: list[str], setup: DetectorSetup) -> float:
    """Seconds langdetect takes over ``texts`` one by one (no cache), profiles loaded first."""
    guess_language(texts[0], setup=setup)
    started = time.perf_counter()
    for text in texts:
        guess_language(text, setup=setup)
    return time.perf_counter() - started
