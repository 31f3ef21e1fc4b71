"""Daily pages cached per person, keyed so that any write shows at once.

A page such as Today or a knot's page reads a dozen tables and renders a long template, yet
between two of a person's writes it changes only with the clock. :func:`fresh_page` keeps the
rendered page under a key made of everything it depends on:

- the person and their data version (:mod:`knotless.accounts.freshness`: it changes with every
  write to their data, time zone and settings included);
- the minute on the clock, so anything worded relative to now ("a break is due", "2 hours ago")
  is at most a minute old, and a day's boundary is crossed on time;
- the path and query string, and the deployed version of knotless;
- the CSRF cookie, since the page's forms carry a token made from it.

A page is not cached when the person has a message waiting (it would be shown twice or lost),
when the view set a cookie or answered with anything but 200, or for anyone signed out. The cache
is the default one (memory, per process: a restart empties it); nothing in it is ever read
without the current data version, so there is nothing to invalidate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone

import knotless

SECONDS = 60

View = Callable[..., HttpResponseBase]


def person_key(request: HttpRequest, kind: str, version: str, *more: str) -> str | None:
    """A cache key for something drawn for the signed-in person of this GET or HEAD, or None
    (anyone else, or no CSRF cookie yet): the deployed version, ``more``, the person and their
    profile's ``version`` field, the minute, the path and query, and the CSRF cookie."""
    if request.method not in ("GET", "HEAD"):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if profile is None or not csrf:
        return None
    minute = int(timezone.now().timestamp() // 60)
    parts = (
        knotless.__version__,
        *more,
        str(user.pk),
        str(getattr(profile, version)),
        str(minute),
        request.get_full_path(),
        csrf,
    )
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()
    return f"{kind}:{digest}"


def page_key(request: HttpRequest) -> str | None:
    """The cache key of this request's page, or None when it must be rendered afresh."""
    key = person_key(request, "page", "data_version")
    if key is None or len(messages.get_messages(request)) > 0:
        return None
    return key


def fresh_page(view: View) -> View:
    """Serve the view's page from the cache while nothing it depends on has changed."""

    @wraps(view)
    def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        hit = cache.get(key)
        if hit is not None:
            content, headers = hit
            page = HttpResponse(content)
            for name, value in headers:
                page[name] = value
            return page
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and isinstance(response, HttpResponse)
        ):
            headers = list(response.headers.items())
            cache.set(key, (response.content, headers), SECONDS)
        return response

    return cached
