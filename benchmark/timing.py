"""Latency samples and their percentiles, shared by the test-client, gunicorn and peer timings."""

import statistics
from dataclasses import dataclass, field


@dataclass
class Timing:
    samples_ms: list[float] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        """The nearest-rank percentile: a sample that was measured, never an interpolation."""
        ordered = sorted(self.samples_ms)
        if not ordered:
            return 0.0
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else 0.0

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def p99(self) -> float:
        return self.percentile(0.99)

    @property
    def max(self) -> float:
        return max(self.samples_ms, default=0.0)

    @property
    def per_second(self) -> float:
        total = sum(self.samples_ms)
        return 1000 * len(self.samples_ms) / total if total else 0.0


def ratio(value: float | None, reference: float | None, digits: int = 2) -> float | None:
    """``value`` as a multiple of ``reference``; None when either is missing or zero."""
    if not value or not reference:
        return None
    return round(value / reference, digits)


def latency_to_reference(timing: Timing, reference_ms: float | None) -> dict:
    """p50 and p95 as multiples of a reference latency (the test client's /healthz p50)."""
    return {
        "p50_to_healthz_p50": ratio(timing.p50, reference_ms),
        "p95_to_healthz_p50": ratio(timing.p95, reference_ms),
    }
