import logging

import pytest
from django.test import RequestFactory

from catalogue.middleware import client_ip_address, logfmt_value, parse_networks

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.fault_urls")]


def access_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "catalogue.access"]


def test_access_log_has_method_path_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="catalogue.access")
    client.get("/no-such-page/?q=secret")
    [line] = access_lines(caplog)
    fields = dict(part.split("=", 1) for part in line.split(" "))
    assert fields.keys() == {"method", "path", "status", "duration_ms"}
    assert (fields["method"], fields["path"], fields["status"]) == ("GET", "/no-such-page/", "404")
    assert float(fields["duration_ms"]) >= 0
    assert "secret" not in line  # query strings (search terms) stay out of the log


def test_access_log_line_cannot_be_split_or_forged(client, caplog):
    caplog.set_level(logging.INFO, logger="catalogue.access")
    client.get("/a%0Astatus=200 b/")
    [line] = access_lines(caplog)
    assert "\n" not in line
    assert 'path="/a\\nstatus=200 b/"' in line


@pytest.mark.parametrize(
    ("value", "expected"),
    [("/films/", "/films/"), ("a b", '"a b"'), ("", '""'), ('x"=y', '"x\\"=y"'), ("é", "é")],
)
def test_logfmt_value(value, expected):
    assert logfmt_value(value) == expected


def test_database_error_in_a_view_is_a_friendly_503(client, caplog):
    response = client.get("/faults/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "briefly unavailable" in body
    assert "Connection refused" not in body
    assert "Traceback" not in body


def test_database_outage_logs_one_line_per_503_without_traceback(client, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(3):
        assert client.get("/faults/database-gone/").status_code == 503
    assert len(caplog.records) == 3, [r.getMessage() for r in caplog.records]
    for record in caplog.records:
        assert record.name == "catalogue.access"
        assert record.exc_info is None
        assert "status=503" in record.getMessage()
        assert 'reason="database unavailable: connection to server' in record.getMessage()


def test_database_error_under_the_api_is_json(client):
    response = client.get("/api/faults/database-gone/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The catalogue is briefly unavailable. Please try again shortly."
    }


def test_error_is_logged_with_its_traceback_and_never_shown(client, caplog):
    client.raise_request_exception = False
    response = client.get("/faults/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "hunter2" not in body
    assert "Traceback" not in body
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info[0] is RuntimeError
    assert "status=500" in access_lines(caplog)[-1]


def test_healthy_view_is_untouched(client):
    response = client.get("/faults/film-count/")
    assert (response.status_code, response.content) == (200, b"films=0")


PROXY = "127.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        # No trusted proxy: the header is never read.
        ([], {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "10.0.0.1"),
        # A peer that is not a trusted proxy is the client, whatever it claims.
        ([PROXY], {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "10.0.0.1"),
        ([PROXY], {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "6.6.6.6"),
        # A client-sent header is on the left; our proxy appends the real address on the right.
        ([PROXY], {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"}, "5.6.7.8"),
        # Two proxies of ours (a network entry): the right-most address that is not one of them.
        (
            [PROXY, "10.1.0.0/16"],
            {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8, 10.1.2.3"},
            "5.6.7.8",
        ),
        ([PROXY], {"REMOTE_ADDR": PROXY}, PROXY),
        # Garbage where our proxy writes an address: the peer, not the garbage.
        ([PROXY], {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, bogus"}, PROXY),
    ],
)
def test_client_ip_address(settings, proxies, meta, expected):
    settings.TRUSTED_PROXIES = parse_networks(proxies)
    request = RequestFactory().get("/", **meta)
    assert client_ip_address(request) == expected
