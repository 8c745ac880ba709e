"""Measure the importer against texts whose films are known: right, wrong, unassigned, languages.

The key is a JSON object: for each file name, one entry per blank-line block of the file, in
order: ``{"film": [title, year] or null, "lang": "de", "allow": [[title, year], ...]}``. A null
film is a work outside the catalogue, which must stay unassigned. The importer runs for real,
in a transaction that is rolled back (``import_synopses(dry_run=True)``). docs/matching.md
shows the command and how to read what it prints.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .reading import SourceError, read_source
from .services import import_synopses

RIGHT, WRONG, UNASSIGNED, KEPT_OUT = "right", "wrong", "unassigned", "kept outside"
THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)


class KeyFileError(ValueError):
    """The key file cannot be read or does not fit the texts."""


@dataclass(frozen=True)
class Expected:
    film: tuple[str, int] | None
    language: str
    allowed: frozenset[tuple[str, int]] = frozenset()


@dataclass
class Verdict:
    """What the importer made of one block of a text, against the key."""

    file: str
    block: int
    lines: tuple[int, int]
    expected: Expected
    got: tuple[str, int] | None
    best: tuple[str, int] | None
    confidence: float
    language: str
    evidence: str
    note: str
    candidates: list[dict] = field(default_factory=list)

    def is_right(self, film: tuple[str, int] | None) -> bool:
        if self.expected.film is None:
            return film is None
        return film == self.expected.film or film in self.expected.allowed

    @property
    def outcome(self) -> str:
        if self.is_right(self.got):
            return KEPT_OUT if self.expected.film is None else RIGHT
        return UNASSIGNED if self.got is None else WRONG

    @property
    def language_right(self) -> bool:
        return self.language.split("-")[0].lower() == self.expected.language.split("-")[0].lower()


def read_key(path: Path) -> dict[str, list[Expected]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KeyFileError(f"{path}: cannot read the key ({error})") from error
    if not isinstance(data, dict):
        raise KeyFileError(f"{path}: the key must be an object of file names")
    key = {}
    for name, entries in data.items():
        if name.startswith("_"):
            continue
        if not isinstance(entries, list):
            raise KeyFileError(f"{path}: {name}: a list of blocks expected")
        key[name] = [
            Expected(
                film=_film(entry.get("film")),
                language=str(entry.get("lang", "")),
                allowed=frozenset(_film(film) for film in entry.get("allow") or ()),
            )
            for entry in entries
        ]
    return key


def _film(value) -> tuple[str, int] | None:
    return (str(value[0]), int(value[1])) if value else None


def _blocks(text: str) -> list[tuple[int, int]]:
    """The first and last line (1-based) of each run of non-blank lines."""
    blocks, start = [], None
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if line.strip() and start is None:
            start = number
        elif not line.strip() and start is not None:
            blocks.append((start, number - 1))
            start = None
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def evaluate(*, directory: Path, key: dict[str, list[Expected]]) -> list[Verdict]:
    """Import the key's files (or every .txt file), rolled back; judge each block."""
    names = sorted(key) if key else sorted(p.name for p in directory.glob("*.txt"))
    paths = [directory / name for name in names]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise KeyFileError(f"the key names files that are not there: {', '.join(missing)}")
    report = import_synopses(paths=paths, dry_run=True)
    verdicts = []
    for path, file_report in zip(paths, report.files, strict=True):
        try:
            blocks = _blocks(read_source(path, encoding=None))
        except SourceError:
            blocks = []
        expected = key.get(path.name) or [Expected(None, "")] * len(blocks)
        if len(expected) != len(blocks):
            raise KeyFileError(
                f"{path.name}: the key has {len(expected)} blocks, the file {len(blocks)}"
            )
        for number, (first, last) in enumerate(blocks, 1):
            synopsis = next(
                (s for s in file_report.synopses if s.first_line <= first and last <= s.last_line),
                None,
            )
            if synopsis is None:
                continue
            verdicts.append(
                Verdict(
                    file=path.name,
                    block=number,
                    lines=(first, last),
                    expected=expected[number - 1],
                    got=_film_of(synopsis.film),
                    best=_film_of(synopsis.best),
                    confidence=synopsis.match_confidence or 0.0,
                    language=synopsis.language,
                    evidence=synopsis.evidence,
                    note=synopsis.note,
                    candidates=synopsis.candidates,
                )
            )
    return verdicts


def _film_of(row: dict | None) -> tuple[str, int] | None:
    return (row["title"], row["year"]) if row else None


def tally(verdicts: list[Verdict], by) -> dict[str, dict[str, int]]:
    """Counts of each outcome, and of right languages, grouped by ``by(verdict)``."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for verdict in verdicts:
        row = table[by(verdict)]
        row["blocks"] += 1
        row[verdict.outcome] += 1
        row["languages right"] += verdict.language_right
    return {group: dict(row) for group, row in sorted(table.items())}


def threshold_table(verdicts: list[Verdict]) -> list[dict]:
    """Precision and recall of film decisions as the confidence threshold moves."""
    in_catalogue = sum(1 for verdict in verdicts if verdict.expected.film is not None)
    rows = []
    for threshold in THRESHOLDS:
        chosen = [v for v in verdicts if v.best is not None and v.confidence >= threshold]
        right = sum(1 for verdict in chosen if verdict.is_right(verdict.best))
        wrong = len(chosen) - right
        rows.append(
            {
                "threshold": threshold,
                "right": right,
                "wrong": wrong,
                "precision": right / len(chosen) if chosen else 1.0,
                "recall": right / in_catalogue if in_catalogue else 0.0,
            }
        )
    return rows
