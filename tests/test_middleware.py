import logging

import pytest
from django.test import RequestFactory

from catalogue.middleware import client_ip_address, logfmt_value

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
    [record] = [r for r in caplog.records if r.name == "catalogue.middleware"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None


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


@pytest.mark.parametrize(
    ("trust", "meta", "expected"),
    [
        (False, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "10.0.0.1"),
        (True, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, "6.6.6.6"),
        # A client-sent header is on the left; our proxy appends the real address on the right.
        (True, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"}, "5.6.7.8"),
        (True, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
    ],
)
def test_client_ip_address(settings, trust, meta, expected):
    settings.TRUST_X_FORWARDED_FOR = trust
    request = RequestFactory().get("/", **meta)
    assert client_ip_address(request) == expected
