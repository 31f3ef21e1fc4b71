"""Response headers that keep health data in its page: a Content-Security-Policy and
``Cache-Control: private, no-store`` on everything a signed-in user is shown.

Why our own middleware and not django-csp: the policy is one fixed string (the app loads nothing
from elsewhere and has no inline script or style, so it needs no nonces), which is all a library
would add here, against a new dependency on every deployment. The policy is read from
``SECURE_CSP`` in the shape Django 6.0's built-in ``ContentSecurityPolicyMiddleware`` reads, so
moving to Django 6 is swapping this class for Django's in ``MIDDLEWARE``.

Static files never reach this middleware (whitenoise answers them first) and keep their caching.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Content-Security-Policy"
NO_STORE = "private, no-store"

_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def policy(directives: Mapping[str, Sequence[str]]) -> str:
    """``{"default-src": ["'self'"]}`` -> ``"default-src 'self'"``; a directive with no sources
    (``upgrade-insecure-requests``) stands alone."""
    return "; ".join(
        " ".join([name, *sources]) if sources else name for name, sources in directives.items()
    )


def svg_document_policy(svg: str) -> str:
    """The policy for an SVG served as a file of its own (the exercise figures): nothing loads,
    nothing runs, and only the ``<style>`` elements it carries apply, named by their hashes.

    Inside an ``<img>`` no policy reaches it; opened on its own, the page policy would refuse
    its styles and draw it black.
    """
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in _STYLE.findall(svg)
    ]
    return policy(
        {
            "default-src": ["'none'"],
            "style-src": hashes or ["'none'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
            "frame-ancestors": ["'none'"],
        }
    )


class SecurityHeadersMiddleware:
    """Adds the site's Content-Security-Policy (unless the view set its own) and keeps every
    signed-in response out of all caches, the browser's back-forward and disk caches included:
    on a shared computer the next person must not page back into someone's knots."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if HEADER not in response and not _debug_page(response):
            response[HEADER] = policy(settings.SECURE_CSP)
        if _signed_in(request) and "no-store" not in response.get("Cache-Control", ""):
            # Replaced, not merged: a max-age or public a view set has no place on health data.
            response["Cache-Control"] = NO_STORE
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        # Views that need a sign-in only ever answer a signed-in user (or send them to sign in).
        request._knotless_private = getattr(view_func, "login_required", True) is not False  # type: ignore[attr-defined]


def _signed_in(request: HttpRequest) -> bool:
    if getattr(request, "_knotless_private", False):
        return True
    # A page open to everyone (sign-in, setup) that looked at the session may still show a
    # signed-in user something of theirs. One that never touched it (/healthz, figures, the
    # calendar feed) is left alone: asking would cost them a session and user query.
    session = getattr(request, "session", None)
    if session is None or not session.accessed:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _debug_page(response: HttpResponseBase) -> bool:
    """Django's technical 404 and 500 pages (KNOTLESS_DEBUG only) are made of inline script and
    style; under the policy a developer would get them without their styles and controls."""
    return bool(settings.DEBUG) and response.status_code in (404, 500)
