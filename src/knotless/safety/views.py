from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from knotless.accounts.services import profile_for
from knotless.accounts.typing import AuthedRequest
from knotless.journal.models import Knot
from knotless.safety import screening
from knotless.safety.checklist import AREAS, flags_for, load_flags
from knotless.safety.models import Screening
from knotless.safety.policy import Gates

ADVICE = {
    "today": "One of your answers needs a doctor's look today. Please arrange that before "
    "relying on self-care.",
    "soon": "One of your answers is worth checking with a doctor or physiotherapist soon. "
    "Book an appointment; gentle self-care meanwhile is fine if it does not make things worse.",
}


def _next(request: AuthedRequest) -> str:
    """Where to go after the questions: a path on this site, else Today. A bare word would be
    taken for a view name by ``redirect``, and a control character cannot go in a header."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return target if safe else "/"


def _in_words(areas: frozenset[str]) -> str:
    """The areas in words: back; head or neck; abdomen, foot, leg or pelvis."""
    names = sorted(areas)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _knot_id(raw: str) -> int | None:
    """A knot id as posted, or None: ``isdigit`` alone lets ² and 5,000 digits through."""
    if raw.isascii() and raw.isdecimal() and len(raw) <= 18:
        return int(raw)
    return None


@require_http_methods(["GET", "POST"])
def check(request: AuthedRequest) -> HttpResponse:
    """The red-flag questions for some body areas; answers are stored, emergencies stop here."""
    source = request.POST if request.method == "POST" else request.GET
    areas = frozenset(a for a in source.get("areas", "").split(",") if a in AREAS)
    if not areas:
        return HttpResponseRedirect(_next(request))
    knot = None
    if source.get("knot"):
        knot_id = _knot_id(source["knot"])
        knot = (
            Knot.objects.filter(pk=knot_id, user=request.user).first()
            if knot_id is not None
            else None
        )
        if knot is None:
            raise Http404("No such knot.")
    if request.method == "POST":
        ticked = request.POST.getlist("flag")
        if not ticked and request.POST.get("none") != "1":
            messages.error(request, "Tick what applies, or choose “None of these apply”.")
        else:
            result = screening.record(request.user, areas, ticked, knot=knot)
            if result.outcome == "emergency":
                return emergency_page(request, result)
            if result.outcome in ADVICE:
                messages.warning(request, ADVICE[result.outcome])
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "safety/check.html",
        {
            "flags": flags_for(areas),
            "areas": ",".join(sorted(areas)),
            "areas_text": _in_words(areas),
            "next": _next(request),
            "knot": knot,
        },
    )


def noticed(result: Screening | None) -> list[str]:
    """The questions the user ticked, in the checklist's words and order, to take along."""
    if result is None:
        return []
    ticked = set(result.ticked)
    return [f.question for f in load_flags() if f.id in ticked]


def emergency_page(
    request: AuthedRequest, result: Screening | None, again: str = "", status: int = 200
) -> HttpResponse:
    """What to do now, with the user's own emergency number; no self-care on this page.
    ``again`` is where answering the questions again leads (by default, back here)."""
    return render(
        request,
        "safety/emergency.html",
        {
            "screen": result,
            "noticed": noticed(result),
            "number": profile_for(request.user).emergency_number,
            "again": again
            or (request.get_full_path() if request.method == "GET" else _next(request)),
        },
        status=status,
    )


@require_http_methods(["GET"])
def emergency(request: AuthedRequest) -> HttpResponse:
    """The standing emergency answer, for the banner on every page that would suggest
    exercise; once it has lapsed or been answered again, there is nothing to show."""
    standing = Gates(request.user).emergency
    if standing is None:
        messages.info(request, "No emergency answer stands from the last 12 hours.")
        return redirect("today")
    return emergency_page(request, standing, again=reverse("today"))
