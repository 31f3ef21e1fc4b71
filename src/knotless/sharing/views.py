"""Share with your physio: the person's pages, and the two open to anyone with the link.

* ``shares`` lists the person's shares with every access, each withdrawn with one button;
* ``share_new`` makes one and shows its link and QR code once: the answer to the POST is the
  page itself, not a redirect, because a redirect would have to park the key somewhere on the
  server (a session, a message) for the next request, and the key must never be stored;
* ``share_viewer`` is the page the link opens: static HTML and a script that reads the key from
  the URL fragment, asks the manifest, decrypts in the browser and draws the report;
* ``share_manifest`` is the SMART Health Links manifest endpoint any standard viewer can call:
  no account, no CSRF token (no cookie is used: it is an API), CORS open, throttled.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotless.accounts.services import local_today
from knotless.accounts.throttle import THROTTLE_CACHE, client_address
from knotless.accounts.typing import AuthedRequest
from knotless.forms import Form
from knotless.journal.models import Knot
from knotless.sharing import links, services
from knotless.sharing.models import Share

MANIFEST_PER_MINUTE = 30  # per address: a viewer asks once; a guesser is slowed at once
NO_STORE = "no-store"


class ShareForm(Form):
    knots = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Which knots",
        error_messages={"required": "Choose at least one knot."},
    )
    since = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    lifetime = forms.ChoiceField(
        label="The link works for",
        choices=[(k, v[0]) for k, v in services.LIFETIMES.items()],
        initial="7d",
    )
    passcode = forms.CharField(
        label="Passcode (optional)",
        required=False,
        min_length=4,
        max_length=40,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Tell it to your physio yourself, not in the same message as the link. "
        "Five wrong tries lock the link.",
    )

    def __init__(self, *args: object, knots: list[Knot], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["knots"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(k.pk, k.label + ("" if k.is_active else " (untied)")) for k in knots]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end comes before the start.")
        return cleaned


def _form_knots(request: AuthedRequest) -> list[Knot]:
    return list(Knot.objects.filter(user=request.user).order_by("status", "first_felt", "id"))


@require_GET
def shares_page(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    shares = [(s, s.state(now)) for s in services.shares_of(request.user)]
    return render(request, "sharing/shares.html", {"shares": shares})


@require_http_methods(["GET", "POST"])
def share_new(request: AuthedRequest) -> HttpResponse:
    knots = _form_knots(request)
    today = local_today(request.user)
    if request.method == "POST":
        form = ShareForm(request.POST, knots=knots)
        if form.is_valid():
            data = form.cleaned_data
            made = services.create(
                request.user,
                data["knots"],
                data["since"],
                data["until"],
                services.LIFETIMES[data["lifetime"]][1],
                passcode=data["passcode"],
                absolute=request.build_absolute_uri,
            )
            response = render(
                request,
                "sharing/made.html",
                {
                    "share": made.share,
                    "link": made.link,
                    "qr": mark_safe(links.qr_svg(made.link)),  # segno's own SVG, our text only
                },
            )
            response["Cache-Control"] = "private, no-store"
            response["Referrer-Policy"] = "no-referrer"
            return response
    else:
        form = ShareForm(
            knots=knots,
            initial={
                "knots": [k.pk for k in knots if k.is_active],
                "since": today - timedelta(weeks=5),
                "until": today,
            },
        )
    return render(request, "sharing/new.html", {"form": form, "has_knots": bool(knots)})


# A share id as made (base64url, 43 characters); anything else is no share. Checked before the
# database sees it: PostgreSQL refuses a NUL in text with an error, not an empty answer.
SHARE_ID = re.compile(r"[A-Za-z0-9_-]{1,43}")


@require_POST
def share_revoke(request: AuthedRequest, share_id: str) -> HttpResponse:
    if not SHARE_ID.fullmatch(share_id):
        raise Http404("No such share.")
    share = get_object_or_404(Share, pk=share_id, user=request.user)
    services.revoke(share)
    messages.success(request, "Withdrawn: the link opens nothing any more.")
    return redirect("shares")


@login_not_required
@require_GET
def share_viewer(request: HttpRequest) -> HttpResponse:
    response = render(request, "sharing/viewer.html")
    response["Cache-Control"] = NO_STORE
    response["Referrer-Policy"] = "no-referrer"
    return response


def _cors(response: HttpResponseBase) -> HttpResponseBase:
    # Any viewer, on any site, may ask: the answer is ciphertext, and no cookie is involved.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = NO_STORE
    return response


def _throttled(request: HttpRequest) -> int:
    """Seconds to wait if this address asked too often this minute, else 0 (and counted)."""
    now = int(timezone.now().timestamp())
    slot, into = divmod(now, 60)
    key = f"share-manifest:{client_address(request)}:{slot}"
    cache = caches[THROTTLE_CACHE]
    if cache.get(key, 0) >= MANIFEST_PER_MINUTE:
        return 60 - into
    if not cache.add(key, 1, timeout=60):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=60)
    return 0


@csrf_exempt
@login_not_required
@require_http_methods(["POST", "OPTIONS"])
def share_manifest(request: HttpRequest, share_id: str) -> HttpResponseBase:
    if request.method == "OPTIONS":  # a browser's preflight for a JSON POST from elsewhere
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "POST"
        response["Access-Control-Allow-Headers"] = "content-type"
        response["Access-Control-Max-Age"] = "86400"
        return _cors(response)
    wait = _throttled(request)
    if wait:
        refused = JsonResponse({"error": "Too many requests; try again in a minute."}, status=429)
        refused["Retry-After"] = str(wait)
        return _cors(refused)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    recipient = body.get("recipient") if isinstance(body, dict) else None
    passcode = body.get("passcode") if isinstance(body, dict) else None
    if not SHARE_ID.fullmatch(share_id):
        return _cors(
            JsonResponse({"error": "No such link, or it is no longer active."}, status=404)
        )
    if not isinstance(recipient, str) or not recipient.strip() or "\x00" in recipient:
        return _cors(JsonResponse({"error": "Send JSON with a recipient."}, status=400))
    if passcode is not None and not isinstance(passcode, str):
        return _cors(JsonResponse({"error": "The passcode is text."}, status=400))
    most = body.get("embeddedLengthMax") if isinstance(body, dict) else None
    if most is not None and (type(most) is not int or not 0 <= most <= 2**62):
        return _cors(JsonResponse({"error": "embeddedLengthMax is a whole number."}, status=400))
    answer = services.manifest(
        share_id,
        recipient,
        passcode,
        client_address(request),
        embedded_max=most,
        location=lambda token: request.build_absolute_uri(reverse("share_file", args=[token])),
    )
    return _cors(JsonResponse(answer.body, status=answer.status))


@login_not_required
@require_GET
def share_file(request: HttpRequest, token: str) -> HttpResponseBase:
    """A manifest's ``location`` URL: the JWE itself, for an hour, while the share is active."""
    content = services.file_content(token) if len(token) <= 200 else None
    if content is None:
        return _cors(HttpResponse("No such file, or no longer.", status=404))
    return _cors(HttpResponse(content, content_type="application/jose"))
