"""``/healthz``: 200 when the app and its database answer, 503 when the database does not."""

import logging
from collections.abc import Callable

from django.db import Error, connection
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error as error:
        # One line, no traceback: a load balancer probes every few seconds during an outage.
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        logger.warning("health check: database unavailable: %s", first_line[:200])
        return False
    return True


def health_response() -> HttpResponse:
    if database_answers():
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain; charset=utf-8"
        )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer ``/healthz`` before any other middleware: no sessions, auth, CSRF or templates.

    It sits above SecurityMiddleware on purpose: a load balancer or container probe calls it
    over plain HTTP by address, which an HTTPS redirect or ALLOWED_HOSTS would otherwise refuse.
    The body says nothing but "ok" or "database unavailable".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH and request.method in {"GET", "HEAD"}:
            response = health_response()
            if request.method == "HEAD":
                response.content = b""
            return response
        return self.get_response(request)
