"""The water page: one-tap logging, undo, today's ring and pace, history and settings."""

from __future__ import annotations

import contextlib
import math
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotless import queued
from knotless.accounts.services import local_today
from knotless.accounts.typing import AuthedRequest
from knotless.forms import Form, ModelForm
from knotless.hydration import services
from knotless.hydration.models import Drink, Vessel, WaterSettings
from knotless.lib import hydration

RING_RADIUS = 52


@require_GET
def water_page(request: AuthedRequest) -> HttpResponse:
    units = services.units_of(request.user)
    settings = services.settings_of(request.user)  # read once for the day, the days and cups
    today = services.today(request.user, s=settings)
    days = services.history(request.user, s=settings)
    top = max([d.ml for d in days] + [d.target for d in days] + [1])
    circumference = 2 * math.pi * RING_RADIUS
    return render(
        request,
        "hydration/water.html",
        {
            "t": today,
            "units": units,
            "show": lambda ml: hydration.show(ml, units),
            "intake": hydration.show(today.intake, units),
            "goal": hydration.show(today.target.ml, units),
            "pace": hydration.show(today.pace, units),
            "behind": hydration.show(today.behind, units),
            "parts": [(p, hydration.show(p.ml, units)) for p in today.target.parts],
            "drinks": [(d, hydration.show(d.ml, units)) for d in today.drinks],
            "vessels": [
                (v, hydration.show(v.ml, units))
                for v in services.vessels(request.user, set_up=True)
            ],
            "kinds": Drink.Kind.choices,
            "ring": {
                "radius": RING_RADIUS,
                "dash": f"{circumference * today.share:.1f} {circumference:.1f}",
                "percent": round(today.share * 100),
            },
            "days": [
                (
                    d,
                    hydration.show(d.ml, units),
                    round(100 * d.ml / top),
                    round(100 * d.target / top),
                )
                for d in days
            ],
            "unit_word": "oz" if units == "imperial" else "ml",
        },
    )


@require_POST
@queued.answers_queue("That cup is gone (removed elsewhere?), so the drink was not logged.")
def water_log(request: AuthedRequest) -> HttpResponse:
    cid = queued.client_id(request)
    user = request.user
    try:
        if vessel := request.POST.get("vessel"):
            # int() would turn ² or 5,000 digits into an error in Python's own words.
            if not (vessel.isascii() and vessel.isdecimal() and len(vessel) <= 18):
                raise Http404("No such cup.")
            drink, _ = queued.once(
                Drink,
                cid,
                owned=Q(user=user),
                create=lambda: services.log_vessel(user, int(vessel), client_id=cid),
                same=lambda d: _same_cup(user, d, int(vessel)),
            )
        else:
            amount = request.POST.get("amount", "")
            if services.units_of(user) == "imperial" and amount.strip().replace(".", "").isdigit():
                amount += "oz"
            ml = hydration.parse_amount(amount)
            kind = request.POST.get("kind", Drink.Kind.WATER)
            drink, _ = queued.once(
                Drink,
                cid,
                owned=Q(user=user),
                create=lambda: services.log_drink(user, ml, kind=kind, client_id=cid),
                same=lambda d: (d.ml, d.kind) == (ml, kind),
            )
    except (ValidationError, ValueError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        units = services.units_of(user)
        messages.success(request, f"Logged {hydration.show(drink.ml, units)} of {drink.kind}.")
    # Today's one-tap glass stays on Today.
    return redirect("today" if request.POST.get("next") == "today" else "water")


def _same_cup(user: Any, drink: Drink, vessel_id: int) -> bool:
    """A resent cup is the same drink while the cup still pours what was logged (a cup
    removed since cannot say otherwise)."""
    cup = Vessel.objects.filter(user=user, pk=vessel_id).first()
    return cup is None or (cup.ml, cup.kind) == (drink.ml, drink.kind)


@require_POST
def water_undo(request: AuthedRequest) -> HttpResponse:
    drink_id = request.POST.get("drink")
    try:
        drink = services.undo(request.user, int(drink_id) if drink_id else None)
    except (ValidationError, ValueError):
        messages.error(request, "Nothing from the last day to undo.")
    else:
        units = services.units_of(request.user)
        messages.success(request, f"Removed {hydration.show(drink.ml, units)}.")
    return redirect("water")


@require_POST
def water_day(request: AuthedRequest) -> HttpResponse:
    try:
        minutes = int(request.POST.get("exercise_minutes") or 0)
        services.set_day(
            request.user,
            local_today(request.user),
            hot=request.POST.get("hot") == "1",
            exercise_minutes=minutes,
        )
    except (ValidationError, ValueError):
        messages.error(request, "Exercise minutes run from 0 to 600.")
    return redirect("water")


class WaterSettingsForm(ModelForm):
    class Meta:
        model = WaterSettings
        fields = [
            "standard",
            "sex",
            "birth_year",
            "pregnant",
            "lactating",
            "sweat_ml_per_hour",
            "override_ml",
            "wake",
            "sleep",
        ]
        labels = {
            "standard": "Standard",
            "birth_year": "Year of birth",
            "pregnant": "Pregnant",
            "lactating": "Breastfeeding",
            "sweat_ml_per_hour": "Your sweat rate (ml per hour of exercise), if you measured it",
            "override_ml": "Your own daily target in ml (leave empty to use the standard)",
            "wake": "Usually up at",
            "sleep": "Usually asleep at",
        }
        widgets = {
            "standard": forms.RadioSelect,
            "sex": forms.RadioSelect,
            "wake": forms.TimeInput(attrs={"type": "time"}),
            "sleep": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data["birth_year"]
        latest = local_today(self.instance.user).year - 4
        if year is not None and not 1900 <= year <= latest:
            raise ValidationError("Targets here are for ages 4 and up; check the year.")
        return year

    def clean_override_ml(self) -> int | None:
        value: int | None = self.cleaned_data["override_ml"]
        if value is not None and not 500 <= value <= 6000:
            raise ValidationError("A chosen target runs from 500 ml to 6000 ml.")
        return value

    def clean_sweat_ml_per_hour(self) -> int | None:
        value: int | None = self.cleaned_data["sweat_ml_per_hour"]
        if value is not None and not 100 <= value <= 3500:
            raise ValidationError("Sweat rates run from about 100 to 3500 ml per hour.")
        return value


class VesselForm(Form):
    name = forms.CharField(max_length=40)
    ml = forms.IntegerField(min_value=1, max_value=3000, label="Size (ml)")
    kind = forms.ChoiceField(choices=Drink.Kind.choices)


@require_http_methods(["GET", "POST"])
def water_settings(request: AuthedRequest) -> HttpResponse:
    settings = services.settings_of(request.user)
    form = WaterSettingsForm(instance=settings)
    vessel_form = VesselForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings":
            form = WaterSettingsForm(request.POST, instance=settings)
            if form.is_valid():
                form.save()
                messages.success(request, "Water settings saved.")
                return redirect("water")
        elif action == "add-vessel":
            vessel_form = VesselForm(request.POST)
            if vessel_form.is_valid():
                try:
                    services.add_vessel(request.user, **vessel_form.cleaned_data)
                except ValidationError as exc:
                    vessel_form.add_error(None, exc)
                else:
                    return redirect("water_settings")
        elif action == "remove-vessel":
            with contextlib.suppress(ValueError):
                services.remove_vessel(request.user, int(request.POST.get("vessel", "")))
            return redirect("water_settings")
    bad = form.errors or vessel_form.errors
    return render(
        request,
        "hydration/settings.html",
        {"form": form, "vessel_form": vessel_form, "vessels": services.vessels(request.user)},
        status=400 if bad else 200,
    )
