"""Import throughput: the real importer over generated files, against langdetect alone."""

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..importer.language import detect_language
from ..importer.services import import_synopses
from .corpus import CatalogueSpec, film_specs, franchise_specs, iter_synopses

SYNOPSES_PER_FILE = 50


@dataclass(frozen=True)
class ImportFigures:
    synopses: int
    files: int
    seconds: float
    detect_seconds: float
    created: int
    matched: int

    @property
    def rate(self) -> float:
        return self.synopses / self.seconds if self.seconds else 0.0

    @property
    def detect_rate(self) -> float:
        return self.synopses / self.detect_seconds if self.detect_seconds else 0.0

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
            "created": self.created,
            "matched_automatically": self.matched,
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


def measure_import(*, synopses: int, seed: int = 0) -> ImportFigures:
    """Import ``synopses`` generated synopses in a rolled-back dry run; time langdetect alone too.

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
        detect_language(texts[0])  # load the profiles outside the timings
        started = time.perf_counter()
        report = import_synopses(paths=[source], knowledge_file=knowledge, dry_run=True)
        seconds = time.perf_counter() - started

    started = time.perf_counter()
    for text in texts:
        detect_language(text)
    detect_seconds = time.perf_counter() - started
    totals = report.totals
    return ImportFigures(
        synopses=len(texts),
        files=file_count,
        seconds=seconds,
        detect_seconds=detect_seconds,
        created=totals["created"],
        matched=totals["synopses"] - totals["for_review"],
    )
