"""scripts/slowprobe.py: loopback only, and its figures add up (the figures: docs/production.md)."""

import pytest

from scripts.slowprobe import main, run


def test_refuses_a_host_that_is_not_loopback(capsys):
    with pytest.raises(SystemExit):
        main(["--url", "http://192.0.2.1:8000", "--seconds", "1"])
    assert "refusing non-loopback host" in capsys.readouterr().err


@pytest.mark.slow
def test_a_short_probe_against_a_threaded_server_answers_every_probe(live_server, db):
    report = run(live_server.url, "/healthz", slow=2, seconds=2, interval=0.5)
    assert report["slow_sockets"] == 2
    assert report["probes"] >= 2 and report["answered"] == report["probes"]
    assert report["failed"] == 0 and report["p99_ms"] >= report["p50_ms"] > 0
