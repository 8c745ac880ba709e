"""Request logging, a friendly 503 while the database is away, the client address for axes, and
the Content-Security-Policy header built once."""

import ipaddress
import json
import logging
import time
from collections.abc import Callable, Sequence
from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
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
        reason = getattr(response, "log_reason", "")
        if reason:
            fields["reason"] = reason
        line = " ".join(f"{key}={logfmt_value(value)}" for key, value in fields.items())
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        access_logger.log(level, line)
        return response


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Answer 503 with a friendly page, not a 500 and a traceback, when the database is down.

    Nothing else is needed for recovery: Django drops a connection that raised, so the next
    request connects afresh and succeeds as soon as the database is back.

    An outage is logged as one access-log line per 503 with the error's first line as its
    ``reason``, never a traceback: a restart under load answers hundreds of 503s a second.
    """

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        response = database_unavailable_response(request)
        first_line = (str(exception).strip().splitlines() or [type(exception).__name__])[0]
        response.log_reason = f"database unavailable: {first_line[:200]}"
        # django.request would log the 503 again (docs/production.md, "Health and outages").
        response._has_been_logged = True
        return response


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


def parse_networks(entries: Sequence[str]) -> tuple:
    """Parse DJANGO_TRUSTED_PROXIES entries (addresses or CIDR networks); raise ValueError."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _is_trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip_address(request: HttpRequest) -> str | None:
    """Return the client's address for login throttling (django-axes).

    X-Forwarded-For is read only when the peer is one of settings.TRUSTED_PROXIES, and then
    from the right: each trusted proxy appends the address it saw, so the right-most entry
    that is not a trusted proxy is the client. Entries further left were written by the
    client and could be anything; a peer that is not a trusted proxy is the client itself,
    whatever header it sends (docs/production.md, "Login lockout").
    """
    peer = request.META.get("REMOTE_ADDR")
    networks = settings.TRUSTED_PROXIES
    if not networks or not peer or not _is_trusted(peer, networks):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage where our proxy writes an address: not ours, ignore it
    return hops[0] if hops else peer


# What a response carries when a view changed its policy (django-csp's decorators).
_CSP_OVERRIDES = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace") for suffix in ("", "_ro")
)


@lru_cache(maxsize=2)
def site_policy(report_only: bool) -> str:
    """The site's Content-Security-Policy (or its report-only policy) from the settings."""
    return build_policy(report_only=report_only)


@receiver(setting_changed)
def _forget_site_policy(setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class SitePolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the site's policy built once per process.

    The library builds the header from the settings on every response (deep copies of the
    directives included): 0.1 ms, a tenth of a cached page on gunicorn. A response whose
    view changed its policy (``csp_update`` on the API's browsable pages) or a request that
    drew a nonce takes the library's own path.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) for name in _CSP_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, report_only, exempt, setting in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = site_policy(report_only)
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(tuple(excluded or ()))
            ):
                response[header] = policy
        # As the library does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
