"""Load-test a local catalogue server: N concurrent connections for a fixed time, loopback only.

    python scripts/loadtest.py --url http://127.0.0.1:8000 --connections 16 --seconds 10

Each connection requests the paths in turn (list, detail, search, API, health, admin login by
default) and the run reports requests, errors (5xx and failed connections), status counts and
latency percentiles. It refuses any host that is not a loopback address, so it cannot be aimed
at someone else's server by mistake.
"""

import argparse
import http.client
import ipaddress
import json
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_PATHS = [
    "/en/films/",
    "/en/films/rocky/",
    "/en/films/?q=rocky",
    "/api/films/",
    "/api/films/rocky/",
    "/healthz",
    "/admin/login/",
]
MAX_SECONDS = 120
MAX_CONNECTIONS = 64


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency_ms: float, status: int | None, failure: str | None) -> None:
        with self.lock:
            self.latencies_ms.append(latency_ms)
            if status is not None:
                self.statuses[status] += 1
            if failure is not None:
                self.failures[failure] += 1


def loopback_host(url: str) -> tuple[str, int]:
    """Return (host, port) of url, or raise ValueError unless every address it names is loopback."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"only http://<loopback address>:<port> URLs are allowed, not {url!r}")
    port = parts.port or 80
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port)}
    except OSError as error:
        raise ValueError(f"refusing non-loopback host {parts.hostname!r} ({error})") from error
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise ValueError(f"refusing non-loopback host {parts.hostname!r} ({sorted(addresses)})")
    return parts.hostname, port


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def worker(
    host: str, port: int, paths: list[str], offset: int, deadline: float, tally: Tally
) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    turn = offset
    while time.monotonic() < deadline:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Host": f"{host}:{port}"})
            response = connection.getresponse()
            response.read()
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            tally.record((time.perf_counter() - started) * 1000, None, type(error).__name__)
            continue
        failure = "5xx" if response.status >= 500 else None
        tally.record((time.perf_counter() - started) * 1000, response.status, failure)
    connection.close()


def run(url: str, paths: list[str], connections: int, seconds: float) -> dict:
    host, port = loopback_host(url)
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=worker, args=(host, port, paths, n, deadline, tally), daemon=True)
        for n in range(connections)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - started
    latencies = sorted(tally.latencies_ms)
    return {
        "url": url,
        "connections": connections,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "errors": sum(tally.failures.values()),
        "failures": dict(tally.failures),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else float("nan"),
        "paths": paths,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="loopback server URL")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the run")
    parser.add_argument(
        "--path", action="append", dest="paths", help="path to request (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.connections <= MAX_CONNECTIONS:
        parser.error(f"--connections must be between 1 and {MAX_CONNECTIONS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be more than 0 and at most {MAX_SECONDS}")
    try:
        report = run(args.url, args.paths or DEFAULT_PATHS, args.connections, args.seconds)
    except ValueError as error:
        parser.error(str(error))
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"{report['requests']} requests in {report['seconds']} s "
            f"({report['requests_per_second']}/s) over {report['connections']} connections\n"
            f"errors: {report['errors']} {report['failures'] or ''}\n"
            f"statuses: {report['statuses']}\n"
            f"latency ms: p50 {report['p50_ms']}  p99 {report['p99_ms']}  max {report['max_ms']}\n"
        )
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
