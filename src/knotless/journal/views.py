from __future__ import annotations

from functools import lru_cache

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from knotless import queued
from knotless.accounts.freshness import keeps_frames
from knotless.accounts.services import profile_for
from knotless.accounts.typing import AuthedRequest
from knotless.atlas.bodymap import CAPTIONS, render_view, views
from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import get_region, load_regions, region_label, sides_for
from knotless.atlas.sprite import sprite_url
from knotless.insights.services import tag_checkin
from knotless.insights.today import insights_today
from knotless.journal import services
from knotless.journal.forms import CheckInForm, EditKnotForm, NewKnotForm, UntieForm
from knotless.journal.knot_page import knot_page
from knotless.journal.models import CheckIn, Knot
from knotless.overview import quick_glass, today_parts
from knotless.safety.policy import EMERGENCY, NEEDS_ANSWERS, Gates
from knotless.training.forms import EFFORT_WORDS
from knotless.training.today import training_today

# Which form field a service error belongs to, by its code.
ERROR_FIELDS = {
    "region": "region",
    "side": "side",
    "pain": "pain",
    "note": "note",
    "muscle": "muscle",
    "after_checkin": "first_felt",
}
CHECKINS_PER_PAGE = 50


def _tz_name(request: AuthedRequest) -> str:
    return profile_for(request.user).time_zone


def _attach(form: Form, exc: ValidationError, fallback: str) -> None:
    for error in exc.error_list:
        form.add_error(ERROR_FIELDS.get(error.code or "", fallback), error)


@lru_cache(maxsize=256)
def _picker(selected: tuple[str, str] | None) -> list[dict[str, str]]:
    """The body map views for choosing a place; each region links to the form preselected."""
    chosen = {selected: 1.0} if selected else None
    return [
        {
            "caption": CAPTIONS.get(view, view.capitalize()),
            "svg": render_view(
                view,
                href=lambda slug, side: f"?region={slug}&side={side}#knot-form",
                selected=chosen,
                id_prefix=f"pick-{view}",
                sprite=sprite_url(),
            ),
        }
        for view in views()
    ]


def today(request: AuthedRequest) -> HttpResponse:
    active = services.summaries(
        Knot.objects.filter(user=request.user, status=Knot.Status.ACTIVE).order_by(
            "first_felt", "id"
        )
    )
    gates = Gates(request.user)  # the safety answers, read once for the whole page
    parts = today_parts(request.user, gates)
    training = training_today(request.user, [s.knot for s in active])
    return render(
        request,
        "journal/today.html",
        {
            "training": training,
            "insights": insights_today(request.user, gates),
            "efforts": EFFORT_WORDS.items(),
            "summaries": active,
            "dayplan": parts.dayplan,
            "plan_minutes": parts.plan_minutes,
            "emergency": parts.emergency,
            "emergency_number": parts.emergency_number,
            "emergency_until": parts.emergency_until,
            "glass": quick_glass(request.user),
            "pains": range(11),
        },
    )


def journal(request: AuthedRequest) -> HttpResponse:
    rows = services.summaries(
        Knot.objects.filter(user=request.user).order_by("status", "-first_felt")
    )
    return render(
        request,
        "journal/journal.html",
        {
            "active": [r for r in rows if r.knot.is_active],
            "untied": [r for r in rows if not r.knot.is_active],
        },
    )


@require_http_methods(["GET", "POST"])
def knot_new(request: AuthedRequest) -> HttpResponse:
    tz_name = _tz_name(request)
    if request.method == "POST":
        form = NewKnotForm(request.POST, tz_name=tz_name)
        if form.is_valid():
            try:
                knot = services.add_knot(request.user, tz_name=tz_name, **form.cleaned_data)
            except ValidationError as exc:
                _attach(form, exc, "__all__")
            else:
                messages.success(
                    request, f"Added {knot.label.lower()}, rated {form.cleaned_data['pain']}/10."
                )
                return _after_new_knot(request, knot)
    else:
        initial: dict[str, str] = {}
        region, side = request.GET.get("region", ""), request.GET.get("side", "")
        if region in load_regions():
            initial["region"] = region
            allowed = sides_for(get_region(region))
            initial["side"] = side if side in allowed else allowed[0]
        if request.GET.get("muscle", "") in load_muscles():
            initial["muscle"] = request.GET["muscle"]
        form = NewKnotForm(initial=initial, tz_name=tz_name)
    region_value, side_value = form["region"].value(), form["side"].value()
    regions = load_regions()
    selected = None
    if region_value in regions and side_value in sides_for(regions[region_value]):
        selected = (region_value, side_value)
    return render(
        request,
        "journal/knot_form.html",
        {
            "form": form,
            "picker": _picker(selected),
            "selected_label": region_label(*selected) if selected else "",
            "sides": {r.slug: list(sides_for(r)) for r in load_regions().values()},
        },
    )


def _after_new_knot(request: AuthedRequest, knot: Knot) -> HttpResponse:
    """A knot in the head, neck, chest or back gets the red-flag check first (unless answered
    recently); the knot itself is already saved, so nothing is lost whatever the answers."""
    verdict = Gates(request.user).for_knot(knot)
    if verdict.state == EMERGENCY:
        messages.error(
            request,
            "Your recent safety answer means this needs medical help now, not self-care. "
            "Please call your emergency number.",
        )
        return redirect("knot", knot_id=knot.pk)
    if verdict.state == NEEDS_ANSWERS:
        return redirect(verdict.check_url(reverse("knot", args=[knot.pk]), knot=knot))
    return redirect("knot", knot_id=knot.pk)


def knot_detail(request: AuthedRequest, knot_id: int) -> HttpResponse:
    knot = services.knot_for(request.user, knot_id)
    return knot_page(request, knot, _tz_name(request))


def knot_checkins(request: AuthedRequest, knot_id: int) -> HttpResponse:
    """Every check-in of a knot, newest first, each with a delete button for mistakes."""
    knot = services.knot_for(request.user, knot_id)
    page = Paginator(knot.checkins.order_by("-moment", "-id"), CHECKINS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "journal/knot_checkins.html", {"knot": knot, "label": knot.label, "page": page}
    )


@keeps_frames
@require_POST
@queued.answers_queue("This knot is gone (deleted elsewhere?), so the check-in has nowhere to go.")
def knot_checkin(request: AuthedRequest, knot_id: int) -> HttpResponse:
    knot = services.knot_for(request.user, knot_id)
    tz_name = _tz_name(request)
    form = CheckInForm(request.POST)
    cid = queued.client_id(request)
    if form.is_valid():
        moment = form.cleaned_data["moment"]
        pain, note = form.cleaned_data["pain"], form.cleaned_data["note"]
        try:
            made, new = queued.once(
                CheckIn,
                cid,
                owned=Q(knot__user=request.user),
                create=lambda: services.check_in(
                    knot, pain=pain, moment=moment, note=note, tz_name=tz_name, client_id=cid
                ),
                same=lambda c: (
                    (c.knot_id, c.pain, c.note) == (knot.pk, pain, services.check_note(note))
                ),
            )
            if new:
                tag_checkin(request.user, made, request.POST.getlist("tags"), request.POST)
        except ValidationError as exc:
            if any(e.code == "untied" for e in exc.error_list):
                # A stale tab: the knot was untied meanwhile, and its page has no form to show.
                messages.error(request, exc.messages[0])
                return redirect("knot", knot_id=knot.pk)
            _attach(form, exc, "moment")
        else:
            messages.success(request, f"Checked in: {form.cleaned_data['pain']}/10.")
            if request.POST.get("next") == "today":  # Today's quick check-in stays on Today
                return redirect("today")
            return redirect("knot", knot_id=knot.pk)
    return knot_page(request, knot, tz_name, form, status=400)


@require_http_methods(["GET", "POST"])
def knot_edit(request: AuthedRequest, knot_id: int) -> HttpResponse:
    knot = services.knot_for(request.user, knot_id)
    tz_name = _tz_name(request)
    conflict = False
    if request.method == "POST":
        form = EditKnotForm(request.POST, tz_name=tz_name)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.edit_knot(knot, version=version, tz_name=tz_name, **data)
            except services.StaleEdit:
                # Keep what the user typed on screen and show what the other tab saved.
                knot.refresh_from_db()
                conflict = True
                resubmit = request.POST.copy()
                resubmit["version"] = str(knot.version)
                form = EditKnotForm(resubmit, tz_name=tz_name)
                form.is_valid()
            except ValidationError as exc:
                _attach(form, exc, "__all__")
            else:
                messages.success(request, "Saved.")
                return redirect("knot", knot_id=knot.pk)
    else:
        form = EditKnotForm(
            initial={
                "region": knot.region,
                "side": knot.side,
                "muscle": knot.muscle,
                "first_felt": knot.first_felt,
                "note": knot.note,
                "version": knot.version,
            },
            tz_name=tz_name,
        )
    return render(
        request,
        "journal/knot_edit.html",
        {
            "form": form,
            "knot": knot,
            "label": knot.label,
            "conflict": conflict,
            "sides": {r.slug: list(sides_for(r)) for r in load_regions().values()},
        },
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def knot_untie(request: AuthedRequest, knot_id: int) -> HttpResponse:
    """Mark a knot untied, asking how it feels now: that last rating closes its history."""
    knot = services.knot_for(request.user, knot_id)
    if not knot.is_active:
        messages.info(request, "This knot is already marked untied.")
        return redirect("knot", knot_id=knot.pk)
    form = UntieForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.untie(knot, tz_name=_tz_name(request), **form.cleaned_data)
        except ValidationError as exc:
            _attach(form, exc, "__all__")
        else:
            messages.success(
                request,
                f"Marked {knot.label.lower()} as untied at {form.cleaned_data['pain']}/10. "
                "Well done.",
            )
            return redirect("knot", knot_id=knot.pk)
    return render(
        request,
        "journal/knot_untie.html",
        {"form": form, "knot": knot, "label": knot.label},
        status=400 if form.is_bound else 200,
    )


@require_POST
def knot_reopen(request: AuthedRequest, knot_id: int) -> HttpResponse:
    knot = services.reopen(services.knot_for(request.user, knot_id))
    messages.info(request, f"Reopened {knot.label.lower()}.")
    return redirect("knot", knot_id=knot.pk)


@require_http_methods(["GET", "POST"])
def knot_delete(request: AuthedRequest, knot_id: int) -> HttpResponse:
    knot = services.knot_for(request.user, knot_id)
    if request.method == "POST":
        name = knot.label
        knot.delete()
        messages.success(request, f"Deleted {name.lower()} and its check-ins.")
        return redirect("journal")
    return render(
        request,
        "journal/knot_delete.html",
        {"knot": knot, "label": knot.label, "count": knot.checkins.count()},
    )


@require_POST
def checkin_delete(request: AuthedRequest, checkin_id: int) -> HttpResponse:
    checkin = (
        CheckIn.objects.select_related("knot")
        .filter(pk=checkin_id, knot__user=request.user)
        .first()
    )
    if checkin is None:
        raise Http404("No such check-in.")
    try:
        services.delete_checkin(checkin)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        local = timezone.localtime(checkin.moment)
        messages.success(
            request, f"Deleted the {checkin.pain}/10 check-in from {local:%d %b %H:%M}."
        )
    return redirect("knot_checkins", knot_id=checkin.knot_id)
