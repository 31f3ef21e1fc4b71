from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from knotless.accounts.throttle import Throttled
from knotless.lib.days import zone


class UserTimezoneMiddleware:
    """Render every signed-in page on the user's clock.

    Works in process_view so that views open to everyone (health checks, static pages) never
    load the session or the user just to pick a time zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        if getattr(view_func, "login_required", True) is False:
            return
        user = request.user
        profile = getattr(user, "profile", None) if user.is_authenticated else None
        if profile is not None:
            timezone.activate(zone(profile.time_zone))


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, but a view open to everyone is let through before the
    session and user are loaded: a health check should cost no database queries."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if getattr(view_func, "login_required", True) is False:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ThrottledMiddleware:
    """Answer Throttled (too many sign-ins from one address, a paused password change, every
    hashing slot taken) with a page that says so, its status and a Retry-After header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Throttled):
            return None
        return throttled_response(request, exception)


def throttled_response(request: HttpRequest, throttled: Throttled) -> HttpResponse:
    response = render(
        request, "accounts/throttled.html", {"throttled": throttled}, status=throttled.status
    )
    response["Retry-After"] = str(throttled.retry_after)
    return response
