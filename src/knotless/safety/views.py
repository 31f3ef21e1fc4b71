from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from knotless.accounts.services import profile_for
from knotless.accounts.typing import AuthedRequest
from knotless.journal.models import Knot
from knotless.safety import screening
from knotless.safety.checklist import AREAS, flags_for
from knotless.safety.models import Screening

ADVICE = {
    "today": "One of your answers needs a doctor's look today. Please arrange that before "
    "relying on self-care.",
    "soon": "One of your answers is worth checking with a doctor or physiotherapist soon. "
    "Book an appointment; gentle self-care meanwhile is fine if it does not make things worse.",
}


def _next(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


@require_http_methods(["GET", "POST"])
def check(request: AuthedRequest) -> HttpResponse:
    """The red-flag questions for some body areas; answers are stored, emergencies stop here."""
    source = request.POST if request.method == "POST" else request.GET
    areas = frozenset(a for a in source.get("areas", "").split(",") if a in AREAS)
    if not areas:
        return redirect(_next(request))
    knot = None
    if source.get("knot"):
        raw = source["knot"]
        knot = (
            Knot.objects.filter(pk=int(raw), user=request.user).first() if raw.isdigit() else None
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
            return redirect(_next(request))
    return render(
        request,
        "safety/check.html",
        {
            "flags": flags_for(areas),
            "areas": ",".join(sorted(areas)),
            "next": _next(request),
            "knot": knot,
        },
    )


def emergency_page(request: AuthedRequest, result: Screening | None) -> HttpResponse:
    """What to do now, with the user's own emergency number; no self-care on this page."""
    return render(
        request,
        "safety/emergency.html",
        {
            "screen": result,
            "number": profile_for(request.user).emergency_number,
            "again": request.get_full_path() if request.method == "GET" else _next(request),
        },
    )
