"""The phone's web app: the manifest, the service worker (served from the site's root so it
may look after every page), the offline page, the list of pages a device keeps for offline
use, and what the page needs to remind the way the desk agent does.

The worker and the manifest are public and never look at the session: a browser fetches them
without asking who is signed in, and the security middleware leaves their caching alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

import knotless
from knotless.accounts.typing import AuthedRequest
from knotless.pwa import reminders
from knotless.security import policy

# Everything a page needs to draw itself offline; names go through the static storage, so
# after a build they are the fingerprinted ones.
SHELL = (
    "knotless/app.css",
    "knotless/app.js",
    "knotless/pwa.js",
    "knotless/queue.js",
    "knotless/sw-queue.js",
    "knotless/bodymap.js",
    "knotless/bodymap.svg",
    "knotless/player.js",
    "knotless/training.js",
    "knotless/icon.svg",
    "knotless/icons/icon-192.png",
    "knotless/icons/icon-512.png",
)
LIGHT, DARK = "#2f6f68", "#141a1b"  # the header's colours in app.css
PAPER = "#f6f4ef"
# The worker is a script of its own: it loads nothing from elsewhere and builds no HTML from
# strings in a document, so Trusted Types (a document's guard) has nothing to do there.
WORKER_CSP = policy(
    {"default-src": ["'self'"], "script-src": ["'self'"], "connect-src": ["'self'"]}
)


def deploy_version() -> str:
    """Names this deploy's caches: the app's version and a fingerprint of its static files,
    so any new release or changed file installs a new worker and drops the old caches.
    ``KNOTLESS_DEPLOY_VERSION`` in the settings overrides it (tests pretend to deploy)."""
    forced = getattr(settings, "KNOTLESS_DEPLOY_VERSION", "")
    if forced:
        return str(forced)
    # While developing, files change under a running server: look again each time.
    fingerprint = _static_fingerprint.__wrapped__() if settings.DEBUG else _static_fingerprint()
    return f"{knotless.__version__}-{fingerprint}"


@functools.cache
def _static_fingerprint() -> str:
    built = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if built.exists():  # the fingerprinted build the server made when it started
        return hashlib.blake2s(built.read_bytes(), digest_size=6).hexdigest()
    from knotless.staticbuild import sources_stamp

    return sources_stamp()[:12]


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    icon = functools.partial(_icon, "image/png")
    data: dict[str, Any] = {
        "id": reverse("today"),
        "name": "knotless",
        "short_name": "knotless",
        "description": "Untie muscle knots and keep them gone: notice, water, stretch, strengthen.",
        "lang": "en",
        "start_url": reverse("today"),
        "scope": "/",
        "display": "standalone",
        "background_color": PAPER,
        "theme_color": LIGHT,
        "icons": [
            icon("knotless/icons/icon-192.png", "192x192", "any"),
            icon("knotless/icons/icon-512.png", "512x512", "any"),
            icon("knotless/icons/maskable-512.png", "512x512", "maskable"),
        ],
        "shortcuts": [
            _shortcut("Check in", "Rate a knot's pain from Today", reverse("today")),
            _shortcut("Log water", "Add a drink", reverse("water")),
            _shortcut("Log a set", "Training log", reverse("training")),
        ],
    }
    response = HttpResponse(json.dumps(data, indent=1), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


def _icon(kind: str, name: str, sizes: str, purpose: str) -> dict[str, str]:
    return {"src": static(name), "sizes": sizes, "type": kind, "purpose": purpose}


def _shortcut(name: str, description: str, url: str) -> dict[str, Any]:
    return {
        "name": name,
        "short_name": name,
        "description": description,
        "url": url,
        "icons": [_icon("image/png", "knotless/icons/icon-192.png", "192x192", "any")],
    }


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    body = render_to_string(
        "pwa/sw.js",
        {
            "version": deploy_version(),
            "shell": json.dumps([static(name) for name in SHELL] + [reverse("pwa_offline")]),
            "offline_url": json.dumps(reverse("pwa_offline")),
            "precache_url": json.dumps(reverse("pwa_precache")),
            "queue_script": json.dumps(static("knotless/sw-queue.js")),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Always asked again, so a deploy is seen on the next visit; the scope is the whole site.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    response["Content-Security-Policy"] = WORKER_CSP
    return response


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    # Drawn without the session: the worker keeps one copy for everyone on this device.
    return HttpResponse(render_to_string("pwa/offline.html"))


@require_GET
def precache(request: AuthedRequest) -> JsonResponse:
    """The pages and figures this person uses, for the worker to keep for offline use."""
    urls = reminders.pages_to_keep(request.user)
    return JsonResponse({"version": deploy_version(), "urls": urls})


@require_GET
def reminder_status(request: AuthedRequest) -> JsonResponse:
    return JsonResponse(reminders.status(request.user))
