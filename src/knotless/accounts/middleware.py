from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from knotless.lib.days import zone


class UserTimezoneMiddleware:
    """Render every page on the signed-in user's clock."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        profile = getattr(user, "profile", None) if user.is_authenticated else None
        if profile is not None:
            timezone.activate(zone(profile.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
