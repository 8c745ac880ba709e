"""Seconds an import spends per stage, wherever the work ran (this process or a worker)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields

STAGES = ("reading", "language", "search_columns", "matching", "database", "other")


@dataclass
class StageSeconds:
    """Seconds per stage: reading and segmenting files, language, search columns, matching,
    database writes, and the rest of the importing process's own time.

    Workers' seconds are added to the importing process's, so with workers the total is
    more than the import's wall time: the shares say where the work goes.
    """

    reading: float = 0.0
    language: float = 0.0
    search_columns: float = 0.0
    matching: float = 0.0
    database: float = 0.0
    other: float = 0.0

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, stage, getattr(self, stage) + time.perf_counter() - started)

    def add(self, other: "StageSeconds") -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    @property
    def total(self) -> float:
        return sum(getattr(self, stage) for stage in STAGES)

    def shares(self) -> dict[str, float]:
        """Each stage's part of the total, 0 to 1."""
        total = self.total
        return {stage: getattr(self, stage) / total if total else 0.0 for stage in STAGES}

    def as_dict(self) -> dict[str, float]:
        return asdict(self)
