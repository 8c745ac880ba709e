"""Slow-client probe: do slow sockets keep a normal visitor out? Loopback only.

    python scripts/slowprobe.py --url http://127.0.0.1:8000 --path /en/films/rocky-iv/ \
        --slow 50 --seconds 60

``--slow`` sockets each send a request line, then one more header line every
``--interval`` seconds and never finish (a slow-loris client); one that the server closes is
opened again at once, as an attacker would. Meanwhile a normal client requests ``--path``
once a second (each probe on its own thread, 10 s timeout) and the run prints how many
probes were answered, their p50/p99/max latency, and how often the server shed a slow
socket. Used for docs/production.md's comparison of bare gunicorn and nginx in front.
"""

import argparse
import http.client
import socket
import sys
import threading
import time

from scripts.loadtest import loopback_host, percentile

MAX_SLOW = 500
MAX_SECONDS = 300


def slow_sockets(host: str, port: int, count: int, interval: float, stop: threading.Event):
    """Hold ``count`` unfinished requests open until ``stop``; return how many were reopened."""
    sockets: list[socket.socket | None] = [None] * count
    reopened = 0
    line = 0

    def connect() -> socket.socket | None:
        try:
            sock = socket.create_connection((host, port), timeout=5)
            sock.sendall(f"GET /?slow={line} HTTP/1.1\r\nHost: {host}\r\n".encode())
            return sock
        except OSError:
            return None

    for index in range(count):
        sockets[index] = connect()
    while not stop.wait(interval):
        line += 1
        for index, sock in enumerate(sockets):
            try:
                if sock is None:
                    raise OSError
                sock.sendall(f"X-Slow-{line}: {'x' * 8}\r\n".encode())
            except OSError:
                if sock is not None:
                    sock.close()
                reopened += 1
                sockets[index] = connect()
    for sock in sockets:
        if sock is not None:
            sock.close()
    return reopened


def probe(host: str, port: int, path: str, results: list, lock: threading.Lock) -> None:
    started = time.monotonic()
    status = None
    try:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        status = response.status
        connection.close()
    except OSError:
        pass
    with lock:
        results.append(((time.monotonic() - started) * 1000, status))


def run(url: str, path: str, slow: int, seconds: float, interval: float) -> dict:
    host, port = loopback_host(url)
    stop = threading.Event()
    reopened: list[int] = []
    attacker = threading.Thread(
        target=lambda: reopened.append(slow_sockets(host, port, slow, interval, stop))
    )
    attacker.start()
    time.sleep(min(2.0, interval))  # the slow sockets are in place before the first probe
    results: list[tuple[float, int | None]] = []
    lock = threading.Lock()
    probes = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        thread = threading.Thread(target=probe, args=(host, port, path, results, lock))
        thread.start()
        probes.append(thread)
        time.sleep(1)
    for thread in probes:
        thread.join()
    stop.set()
    attacker.join()
    answered = sorted(ms for ms, status in results if status is not None and status < 400)
    return {
        "url": url + path,
        "slow_sockets": slow,
        "seconds": seconds,
        "probes": len(results),
        "answered": len(answered),
        "failed": len(results) - len(answered),
        "p50_ms": round(percentile(answered, 0.50), 1),
        "p99_ms": round(percentile(answered, 0.99), 1),
        "max_ms": round(answered[-1], 1) if answered else None,
        "slow_sockets_reopened": reopened[0] if reopened else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--path", default="/en/films/rocky-iv/", help="the page probed each second")
    parser.add_argument("--slow", type=int, default=50, help=f"slow sockets (at most {MAX_SLOW})")
    parser.add_argument("--seconds", type=float, default=60, help=f"at most {MAX_SECONDS}")
    parser.add_argument("--interval", type=float, default=5, help="seconds between header lines")
    args = parser.parse_args(argv)
    if not (0 <= args.slow <= MAX_SLOW and 0 < args.seconds <= MAX_SECONDS):
        parser.error(f"--slow 0..{MAX_SLOW} and --seconds up to {MAX_SECONDS}")
    try:
        report = run(args.url.rstrip("/"), args.path, args.slow, args.seconds, args.interval)
    except ValueError as error:
        parser.error(str(error))
    sys.stdout.write(
        f"{report['url']}: {report['slow_sockets']} slow sockets for {report['seconds']:g} s; "
        f"{report['answered']}/{report['probes']} probes answered, "
        f"p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms, max {report['max_ms']} ms; "
        f"slow sockets shed and reopened {report['slow_sockets_reopened']} times\n"
    )
    return 0 if report["answered"] == report["probes"] else 1


if __name__ == "__main__":
    sys.exit(main())
