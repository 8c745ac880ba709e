"""Two source trees' search pages timed side by side, request by request (``--interleave``).

This machine's speed drifts more than most changes measured: the test client's ``/healthz``
p50 moved between 0.42 and 0.80 ms within one hour, so two runs made one after the other
compare the machine as much as the code. Here each tree serves from a process of its own
(its own code and Django, the same database), and every request of the search mix, and
``/healthz`` between them, goes to both in turn, the first of the two alternating; each
side's figures are multiples of its own ``/healthz`` p50, taken over the same minutes.
docs/performance.md.
"""

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from .corpus import CatalogueSpec
from .pages import HEALTHZ_PATH, film_list_url, search_mix
from .tables import table
from .timing import Timing, latency_to_reference, ratio

# /healthz requests per search request: enough for a steady p50 of the baseline.
HEALTHZ_PER_REQUEST = 2
WARM_UP = 3

# Run by each tree's own Python in the tree: a test client that reads paths on stdin and
# answers each with one JSON line, [status, milliseconds]. Only what every version of the
# catalogue has is used (its settings module, the page-cache bypass header); it starts as
# benchmark/pages.py's served_like_a_worker() does.
WORKER = """
import json, logging, os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue.settings")
import django
django.setup()
logging.disable(logging.CRITICAL)
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
override_settings(
    ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], DEBUG=False, PAGE_CACHE_BYPASS=True
).enable()
client = Client(raise_request_exception=False, headers={"X-Page-Cache-Bypass": "1"})
# As the catalogue's gunicorn workers start, as far as this version of it has that step.
import gc
try:
    from catalogue.warmup import prepare_worker_heap
except ImportError:
    try:
        from catalogue.warmup import warm_up
    except ImportError:
        pass
    else:
        warm_up()
    gc.collect()
    gc.freeze()
else:
    prepare_worker_heap()
# What a worker does after sending each response, in the versions that do something then.
try:
    from catalogue.warmup import collect_between_requests
except ImportError:
    def collect_between_requests():
        pass
print("ready", flush=True)
for line in sys.stdin:
    started = time.perf_counter()
    response = client.get(line.strip())
    print(json.dumps([response.status_code, (time.perf_counter() - started) * 1000]), flush=True)
    collect_between_requests()
"""


class InterleaveError(Exception):
    """A tree whose server process could not start or answer."""


def tree_python(tree: Path) -> str:
    """The tree's own virtual environment's Python, else this one."""
    own = tree / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


class Side:
    """One tree's test client in a process of its own, timing one path at a time."""

    def __init__(self, tree: Path) -> None:
        self.tree = tree
        self.process = subprocess.Popen(
            [tree_python(tree), "-c", WORKER],
            cwd=tree,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            self.close()
            raise InterleaveError(f"{tree}: the catalogue's test client did not start")

    def get(self, path: str) -> tuple[int, float]:
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise InterleaveError(f"{self.tree}: the server process stopped at {path}")
        status, ms = json.loads(line)
        return status, ms

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _side_figures(timings: dict[str, Timing], healthz: Timing, statuses: dict) -> dict:
    reference = healthz.p50
    mix = Timing([ms for timing in timings.values() for ms in timing.samples_ms])
    return {
        "healthz_p50_ms": round(reference, 3),
        "p50_ms": round(mix.p50, 2),
        "p95_ms": round(mix.p95, 2),
        **latency_to_reference(mix, reference),
        "queries": {
            path: {
                "status": statuses[path],
                "p50_ms": round(timing.p50, 2),
                "p95_ms": round(timing.p95, 2),
                **latency_to_reference(timing, reference),
            }
            for path, timing in timings.items()
        },
    }


def interleave(
    spec: CatalogueSpec,
    trees: tuple[Path, Path],
    *,
    repeats: int,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Time the search mix in both trees, alternating request by request; every figure."""
    list_url = film_list_url()
    mix = search_mix(spec)
    paths = [f"{list_url}?{urlencode({'q': query.text})}" for query in mix]
    sides = []
    try:
        for tree in trees:
            sides.append(Side(tree))
        timings = [{path: Timing() for path in paths} for _ in sides]
        healthz = [Timing() for _ in sides]
        statuses = [{} for _ in sides]
        for path in [HEALTHZ_PATH, *paths]:
            for side in sides:
                for _ in range(WARM_UP):
                    side.get(path)
        for repeat in range(repeats):
            progress(f"  round {repeat + 1} of {repeats}")
            order = [0, 1] if repeat % 2 == 0 else [1, 0]
            for path in paths:
                for index in order:
                    status, ms = sides[index].get(path)
                    statuses[index][path] = status
                    timings[index][path].samples_ms.append(ms)
                    for _ in range(HEALTHZ_PER_REQUEST):
                        healthz[index].samples_ms.append(sides[index].get(HEALTHZ_PATH)[1])
    finally:
        for side in sides:
            side.close()
    figures = [_side_figures(timings[i], healthz[i], statuses[i]) for i in range(len(sides))]
    return {
        # Folder names only: a report names no path of the machine it ran on.
        "trees": [tree.name for tree in trees],
        "repeats": repeats,
        "sides": figures,
        "queries": [
            {
                "kind": f"{query.kind} {query.language}".strip(),
                "q": query.text,
                "p50_second_to_first": ratio(
                    figures[1]["queries"][path]["p50_ms"], figures[0]["queries"][path]["p50_ms"]
                ),
            }
            for path, query in zip(paths, mix, strict=True)
        ],
    }


def render_interleaved(result: dict) -> str:
    """The two trees' search mix, query by query, as a text table."""
    first, second = result["sides"]
    lines = [
        f"Search mix, interleaved request by request ({result['repeats']} rounds)",
        f"  first:  {result['trees'][0]}",
        f"  second: {result['trees'][1]}",
    ]
    headers = ["kind", "query", "1st p50", "1st p95", "2nd p50", "2nd p95", "2nd/1st p50"]
    rows = []
    for query, (path, one) in zip(result["queries"], first["queries"].items(), strict=True):
        two = second["queries"][path]
        rows.append(
            [
                query["kind"],
                query["q"],
                f"{one['p50_ms']:.2f}",
                f"{one['p95_ms']:.2f}",
                f"{two['p50_ms']:.2f}",
                f"{two['p95_ms']:.2f}",
                f"{query['p50_second_to_first']}",
            ]
        )
    for label, side in (("ALL 1st", first), ("ALL 2nd", second)):
        rows.append([label, "", f"{side['p50_ms']:.2f}", f"{side['p95_ms']:.2f}", "", "", ""])
    lines += table(headers, rows)
    for label, side in (("first", first), ("second", second)):
        lines.append(
            f"{label}: /healthz p50 {side['healthz_p50_ms']} ms; mix p50 "
            f"{side['p50_to_healthz_p50']}x, p95 {side['p95_to_healthz_p50']}x /healthz p50"
        )
    return "\n".join(lines)
