from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthedRequest(HttpRequest):
    """A request that LoginRequiredMiddleware has let through: its user is signed in."""

    user: User
