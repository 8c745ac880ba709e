import pytest

from scripts.loadtest import loopback_host, main, percentile, run


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org:8000",
        "http://10.0.0.1:8000",
        "http://0.0.0.0:8000",
        "https://127.0.0.1:8000",
        "ftp://127.0.0.1",
        "127.0.0.1:8000",
    ],
)
def test_refuses_anything_but_loopback_http(url):
    with pytest.raises(ValueError):
        loopback_host(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8123", ("127.0.0.1", 8123)),
        ("http://localhost:8123/", ("localhost", 8123)),
        ("http://[::1]:8123", ("::1", 8123)),
    ],
)
def test_accepts_loopback(url, expected):
    assert loopback_host(url) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "http://example.org"], "non-loopback"),
        (["--seconds", "3600"], "--seconds"),
        (["--connections", "1000"], "--connections"),
    ],
)
def test_command_line_refuses(args, message, capsys):
    with pytest.raises(SystemExit):
        main(args)
    assert message in capsys.readouterr().err


def test_percentile():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0 or percentile(values, 0.5) == 51.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_short_run_against_the_live_server(live_server):
    report = run(live_server.url, ["/healthz", "/no-such-page/"], connections=4, seconds=1)
    assert report["requests"] > 0
    assert report["errors"] == 0
    assert set(report["statuses"]) == {"200", "404"}
    assert report["p50_ms"] <= report["p99_ms"]
