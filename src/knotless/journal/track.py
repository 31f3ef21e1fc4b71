""" "Track as a knot" from the finder: a new knot, or the muscle for the knot already there.

The finder offers the user's active knot at the marked place first (see
:func:`knotless.journal.services.knots_here`), so one knot is not silently split in two; this
view carries out what the user chose.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from knotless.accounts.services import profile_for
from knotless.accounts.typing import AuthedRequest
from knotless.atlas.muscles import get_muscle
from knotless.journal import services
from knotless.journal.forms import TrackForm
from knotless.journal.views import _after_new_knot


@require_POST
def knot_track(request: AuthedRequest) -> HttpResponse:
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "journal/track_error.html", {"form": form}, status=400)
    data = form.cleaned_data
    muscle = get_muscle(data["muscle"])
    tz_name = profile_for(request.user).time_zone
    if data["action"] == "new":
        try:
            knot = services.add_knot(
                request.user,
                region=data["region"],
                side=data["side"],
                pain=data["pain"],
                muscle=muscle.slug,
                tz_name=tz_name,
            )
        except ValidationError as exc:
            return render(
                request, "journal/track_error.html", {"problems": exc.messages}, status=400
            )
        messages.success(request, f"Added {knot.label.lower()}, rated {data['pain']}/10.")
        return _after_new_knot(request, knot)
    if data["knot"] is None:
        return render(
            request,
            "journal/track_error.html",
            {"problems": ["Which knot? The form lost it; go back to the finder."]},
            status=400,
        )
    knot = services.knot_for(request.user, data["knot"])
    if not knot.is_active:
        messages.error(request, "That knot is marked untied. Reopen it first if it is back.")
        return redirect("knot", knot_id=knot.pk)
    try:
        services.set_muscle(knot, muscle.slug, replace=data["action"] == "replace")
    except ValidationError as exc:
        # Another tab named a different muscle meanwhile: say so rather than overwrite it.
        messages.error(request, f"{exc.messages[0]} Nothing was changed.")
        return redirect("knot", knot_id=knot.pk)
    messages.success(request, f"{muscle.name} noted for your {knot.label.lower()} knot.")
    return _after_new_knot(request, knot)
