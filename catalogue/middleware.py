"""Request logging, a friendly 503 while the database is away, and the client address for axes."""

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin

access_logger = logging.getLogger("catalogue.access")
logger = logging.getLogger(__name__)

# Seconds a client is told to wait before retrying while the database is unavailable.
RETRY_AFTER_SECONDS = 30


def logfmt_value(value: object) -> str:
    """Quote a value for a key=value log line so that no request can forge or split a line."""
    text = str(value)
    if text and all(c.isprintable() and c not in ' "=\\' for c in text):
        return text
    return json.dumps(text)


class AccessLogMiddleware:
    """Log one line per request: method, path, status and duration in milliseconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": f"{duration_ms:.1f}",
        }
        line = " ".join(f"{key}={logfmt_value(value)}" for key, value in fields.items())
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        access_logger.log(level, line)
        return response


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Answer 503 with a friendly page, not a 500 and a traceback, when the database is down.

    Nothing else is needed for recovery: Django drops a connection that raised, so the next
    request connects afresh and succeeds as soon as the database is back.
    """

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database unavailable: %s %s", request.method, request.path, exc_info=exception
        )
        return database_unavailable_response(request)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The catalogue is briefly unavailable. Please try again shortly."},
            status=503,
        )
    else:
        # No request context: context processors could touch the database that just failed.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def client_ip_address(request: HttpRequest) -> str | None:
    """Return the client's address for login throttling (django-axes).

    With DJANGO_TRUST_X_FORWARDED_FOR on, the right-most X-Forwarded-For entry is the one our
    own proxy appended; anything to its left was sent by the client and could be forged.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
