"""Today's plan, the morning and desk routines, the week, plan settings and the calendar feed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotless.accounts.services import local_today
from knotless.accounts.typing import AuthedRequest
from knotless.forms import Form
from knotless.insights.services import instructions
from knotless.library.exercises import load_exercises
from knotless.practice import calendar, plan_edits, planning, schedule
from knotless.practice.models import DayPlan, PlanSettings
from knotless.practice.views import EQUIPMENT_LABELS, KIND_LABELS

MINUTE_CHOICES = (2, 5, 10, 15, 20, 30, 45)
PLACE_LABELS = {"desk": "At my desk", "floor": "Floor at home", "gym": "Gym"}
# The shape of secrets.token_urlsafe: anything else is not a token, and must not reach the
# database (PostgreSQL refuses a NUL in text with an error, not a miss).
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Weeks the page can show and link around: a week near date.min or date.max has no neighbour,
# and its days have no UTC bounds in every time zone.
FIRST_WEEK = date(1900, 1, 1)
LAST_WEEK = date(9998, 12, 31)
WEEKDAYS = [
    (n, name)
    for n, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
]


def _variant(request: AuthedRequest) -> str:
    variant = request.GET.get("variant", request.POST.get("variant", DayPlan.Variant.MAIN))
    return variant if variant in DayPlan.Variant.values else DayPlan.Variant.MAIN


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
def plan_page(request: AuthedRequest) -> HttpResponse:
    variant = _variant(request)
    minutes = _int(request.GET.get("minutes"))
    place = request.GET.get("place") or None
    inputs = planning.gather(request.user)
    try:
        dayplan = planning.todays_plan(
            request.user,
            variant,
            minutes=minutes,
            place=place,
            rebuild=request.GET.get("rebuild") == "1",
            inputs=inputs,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        dayplan = planning.todays_plan(request.user, variant, inputs=inputs)
    items = planning.planned(dayplan)
    total = planning.total_seconds(items)
    taken = {p.exercise.slug for p in items}
    addable = sorted(
        (e for e in load_exercises().values() if e.slug not in taken and inputs.allows(e)),
        key=lambda e: e.name,
    )
    from knotless.physio import plan as physio

    programme = physio.active(request.user) if variant == DayPlan.Variant.MAIN else None
    return render(
        request,
        "practice/plan.html",
        {
            "physio": programme,
            "physio_described": physio.described_today(programme, inputs.today),
            # Exercises described in words work muscles knotless cannot name, so no gate can
            # hold them back: while any knot is held back, say to ask the physio first.
            "physio_caution": any(not v.allowed for v in inputs.verdicts.values()),
            "dayplan": dayplan,
            "variant": variant,
            "variants": DayPlan.Variant.choices,
            "items": items,
            "total": f"{total // 60}:{total % 60:02d}",
            "over": total > dayplan.minutes * 60,
            "play_url": planning.play_url(dayplan) if items else "",
            "minute_choices": MINUTE_CHOICES,
            "places": PLACE_LABELS,
            "kinds": KIND_LABELS,
            "addable": addable,
            "week": schedule.week(request.user),
            "safety_url": _safety_url(inputs.pending_areas),
            "emergency": inputs.emergency,
            "experiments": []
            if inputs.emergency
            else instructions(request.user, inputs.today, inputs.gates),
        },
    )


def _safety_url(areas: frozenset[str]) -> str:
    if not areas:
        return ""
    query = urlencode({"areas": ",".join(sorted(areas)), "next": reverse("plan") + "?rebuild=1"})
    return f"{reverse('safety_check')}?{query}"


@require_POST
def plan_edit(request: AuthedRequest) -> HttpResponse:
    variant = _variant(request)
    dayplan = planning.todays_plan(request.user, variant)
    action = request.POST.get("action", "")
    position = _int(request.POST.get("position"))
    try:
        if action == "remove" and position is not None:
            plan_edits.remove(dayplan, position)
        elif action == "swap" and position is not None:
            plan_edits.swap(dayplan, position)
        elif action == "add":
            plan_edits.add(dayplan, request.POST.get("slug", ""))
        else:
            raise ValidationError("Unknown change.", code="action")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(reverse("plan") + f"?variant={variant}")


@require_GET
def week_page(request: AuthedRequest) -> HttpResponse:
    around = None
    if request.GET.get("week"):
        try:
            around = date.fromisoformat(request.GET["week"])
        except ValueError:
            messages.error(request, "That is not a date; showing this week.")
        else:
            if not FIRST_WEEK <= around <= LAST_WEEK:
                around = None
                messages.error(
                    request,
                    f"Weeks from {FIRST_WEEK.year} to {LAST_WEEK.year} can be shown; "
                    "showing this week.",
                )
    week = schedule.week(request.user, around)
    today = local_today(request.user)
    settings = planning.settings_of(request.user)
    feed = ""
    if settings.feed_token:
        feed = request.build_absolute_uri(reverse("plan_feed", args=[settings.feed_token]))
    return render(
        request,
        "practice/week.html",
        {
            "week": week,
            "today": today,
            "previous": (week.start - timedelta(days=7)).isoformat(),
            "next": (week.start + timedelta(days=7)).isoformat(),
            "is_current": week.start <= today < week.start + timedelta(days=7),
            "feed": feed,
            "webcal": feed.replace("https://", "webcal://").replace("http://", "webcal://"),
        },
    )


@require_POST
def feed_toggle(request: AuthedRequest) -> HttpResponse:
    if request.POST.get("action") == "stop":
        schedule.stop_feed(request.user)
        messages.success(
            request, "The calendar link is switched off; calendars using it stop updating."
        )
    else:
        schedule.new_feed_token(request.user)
        messages.success(
            request, "A new private calendar link is ready. Any older link stops working."
        )
    return redirect("plan_week")


@login_not_required
@require_GET
def plan_feed(request: AuthedRequest, token: str) -> HttpResponse:
    if not FEED_TOKEN.fullmatch(token):
        raise Http404("No such calendar.")
    settings = (
        PlanSettings.objects.filter(feed_token=token)
        .exclude(feed_token="")
        .select_related("user__profile")
        .first()
    )
    if settings is None:
        raise Http404("No such calendar.")
    body = calendar.feed(settings, request.build_absolute_uri(reverse("plan")))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="knotless-plan.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


class PlanSettingsForm(Form):
    equipment = forms.MultipleChoiceField(
        choices=[(k, v) for k, v in EQUIPMENT_LABELS.items() if k != "none"],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What you have at hand. A chair counts at a desk anyway.",
    )
    place = forms.ChoiceField(choices=list(PLACE_LABELS.items()), label="Usual place")
    minutes = forms.IntegerField(min_value=1, max_value=90, label="Minutes for the daily routine")
    morning_minutes = forms.IntegerField(min_value=1, max_value=30, label="Minutes in the morning")
    desk_minutes = forms.IntegerField(min_value=1, max_value=5, label="Minutes for a desk break")
    strength_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Two or three days with a rest day between them.",
    )
    stretch_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    practice_time = forms.TimeField(
        label="Usual time", widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean_strength_days(self) -> list[int]:
        return schedule.check_days(self.cleaned_data["strength_days"], "strength")

    def clean_stretch_days(self) -> list[int]:
        return schedule.check_days(self.cleaned_data["stretch_days"], "stretch")


@require_http_methods(["GET", "POST"])
def plan_settings(request: AuthedRequest) -> HttpResponse:
    settings = planning.settings_of(request.user)
    fields = (
        "equipment",
        "place",
        "minutes",
        "morning_minutes",
        "desk_minutes",
        "strength_days",
        "stretch_days",
        "practice_time",
    )
    if request.method == "POST":
        form = PlanSettingsForm(request.POST)
        if form.is_valid():
            for name in fields:
                setattr(settings, name, form.cleaned_data[name])
            settings.save()
            # Today's plans follow the new settings unless the user edited them.
            DayPlan.objects.filter(
                user=request.user, day=local_today(request.user), edited=False
            ).delete()
            messages.success(request, "Plan settings saved.")
            return redirect("plan")
    else:
        form = PlanSettingsForm(initial={name: getattr(settings, name) for name in fields})
    return render(
        request, "practice/plan_settings.html", {"form": form}, status=400 if form.errors else 200
    )
