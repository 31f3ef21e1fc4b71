"""Bench-only URLs: every knotless URL, plus `/_bench/bare`, a signed-in view that loads only the
session and the user (through the full middleware stack) and answers with the user's name. It is
the floor a page is compared with in bench/pages.py."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.user.get_username(), content_type="text/plain")


urlpatterns = [
    path("_bench/bare", bare),
    path("", include("knotless.urls")),
]
