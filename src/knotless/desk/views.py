"""Desk mode in the browser: the same break policy as the agent, ticked by the page."""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from knotless.accounts.services import local_today, user_zone
from knotless.accounts.typing import AuthedRequest
from knotless.desk import services
from knotless.desk.models import DeskSettings
from knotless.forms import ModelForm
from knotless.hydration import services as water
from knotless.lib import hydration
from knotless.practice import planning

WEEKDAYS = [(n, d) for n, d in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))]


class DeskSettingsForm(ModelForm):
    work_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Working days",
        # Django's own message repeats the value sent, however long, into the flash message.
        error_messages={"invalid_choice": "Working days are Monday to Sunday."},
    )

    class Meta:
        model = DeskSettings
        fields = [
            "micro_after_minutes",
            "micro_seconds",
            "movement_after_minutes",
            "movement_minutes",
            "work_start",
            "work_end",
            "work_days",
            "daily_limit_hours",
        ]
        labels = {
            "micro_after_minutes": "Micro-break after (active minutes)",
            "micro_seconds": "Micro-break length (seconds)",
            "movement_after_minutes": "Movement break after (active minutes)",
            "movement_minutes": "Movement break length (minutes)",
            "work_start": "Working hours from",
            "work_end": "to",
            "daily_limit_hours": "Daily limit of active hours (0 for none)",
        }
        widgets = {
            "work_start": forms.TimeInput(attrs={"type": "time"}),
            "work_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        micro, movement = data.get("micro_after_minutes"), data.get("movement_after_minutes")
        if (
            isinstance(micro, int)
            and isinstance(movement, int)
            and not 5 <= micro < movement <= 240
        ):
            raise forms.ValidationError(
                "Micro-breaks come more often than movement breaks (5 to 240 minutes)."
            )
        seconds, minutes = data.get("micro_seconds"), data.get("movement_minutes")
        if isinstance(seconds, int) and not 10 <= seconds <= 120:
            self.add_error("micro_seconds", "10 to 120 seconds.")
        if isinstance(minutes, int) and not 1 <= minutes <= 30:
            self.add_error("movement_minutes", "1 to 30 minutes.")
        limit = data.get("daily_limit_hours")
        if isinstance(limit, int) and limit > 16:
            self.add_error("daily_limit_hours", "0 (no limit) to 16 hours.")
        if (
            data.get("work_start")
            and data.get("work_end")
            and data["work_start"] >= data["work_end"]
        ):
            self.add_error("work_end", "The end comes after the start.")
        return data


@require_GET
def desk_page(request: AuthedRequest) -> HttpResponse:
    settings = services.settings_of(request.user)
    today = local_today(request.user)
    agent = services.agent_running(request.user)
    state = services.state_of(request.user, agent=agent)
    status = services.status_of(request.user, state, s=settings)
    status_data = status.as_json() | {"agent": agent}
    if status.offer is not None and not agent:
        status_data |= services.hint(request.user).as_json()
    water_settings = water.settings_of(request.user)
    drinks = water.today(request.user, s=water_settings)
    units = water.units_of(request.user)
    water_days = {d.day: d for d in water.history(request.user, days=7, s=water_settings)}
    week = []
    zone = user_zone(request.user)
    for stats in services.days_stats(request.user, today - timedelta(days=6), today):
        stats = services.with_open_stretch(stats, state, zone)
        drank = water_days.get(stats.day)
        week.append(
            (
                stats,
                " of ".join(hydration.show(ml, units) for ml in (drank.ml, drank.target))
                if drank
                else "",
            )
        )
    top = max([s.active_minutes for s, _ in week] + [1])
    return render(
        request,
        "desk/desk.html",
        {
            "status": status,
            "status_json": json.dumps(status_data),
            "agent": agent,
            "stats": week[-1][0],
            "form": DeskSettingsForm(instance=settings),
            "water": drinks,
            "water_text": " of ".join(
                hydration.show(ml, units) for ml in (drinks.intake, drinks.target.ml)
            ),
            "behind": hydration.show(drinks.behind, units) if drinks.behind else "",
            "week": [(s, w, round(100 * s.active_minutes / top)) for s, w in week],
        },
    )


@require_POST
def desk_tick(request: AuthedRequest) -> JsonResponse:
    try:
        idle = float(request.POST.get("idle", "0"))
    except ValueError:
        return JsonResponse({"error": "idle is seconds"}, status=400)
    if not 0 <= idle <= 7 * 24 * 3600:
        return JsonResponse({"error": "idle is seconds"}, status=400)
    if services.agent_running(request.user):
        # The agent reminds; the page only mirrors it, so nobody is reminded twice.
        return JsonResponse(services.agent_status(request.user).as_json() | {"agent": True})
    status = services.tick(request.user, idle=idle, busy=request.POST.get("busy") == "1")
    data = status.as_json() | {"agent": False}
    if status.offer is not None:
        data |= services.hint(request.user).as_json()  # today's routine; a sip when behind
    return JsonResponse(data)


@require_GET
def desk_break(request: AuthedRequest) -> HttpResponse:
    """ "Start the break": moves for the user's knots in the player, seated for a micro-break
    and standing (after a short walk) for a movement break."""
    kind = request.GET.get("kind", "micro")
    raw = request.GET.get("turn", "")
    turn = int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 5 else None
    plan = services.break_plan(request.user, kind, turn=turn)
    if not plan.items:
        note = plan.notes[-1] if plan.notes else "Nothing aimed at your knots fits this break."
        messages.info(request, note)
        return redirect(reverse("plan") + "?variant=desk")
    if kind == "movement":
        messages.info(request, plan.notes[0])  # the walk comes first, then these moves
    return redirect(planning.play_url_for(plan))


@require_POST
def desk_action(request: AuthedRequest) -> JsonResponse:
    try:
        status = services.act(request.user, request.POST.get("action", ""))
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(status.as_json())


@require_POST
def desk_settings(request: AuthedRequest) -> HttpResponse:
    form = DeskSettingsForm(request.POST, instance=services.settings_of(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, "Desk guard settings saved.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("desk")
