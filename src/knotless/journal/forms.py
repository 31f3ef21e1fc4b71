from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils import timezone

from knotless.atlas.muscles import GROUPS as MUSCLE_GROUPS
from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import GROUPS, load_regions
from knotless.forms import Form
from knotless.journal.models import NOTE_MAX, PAIN_MAX, PAIN_MIN, Side
from knotless.lib.days import zone

PAIN_CHOICES = [(n, str(n)) for n in range(PAIN_MIN, PAIN_MAX + 1)]


def region_choices() -> list[tuple[str, Any]]:
    grouped: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    for region in load_regions().values():
        grouped[region.group].append((region.slug, region.name))
    return [("", "Choose where it hurts…")] + [
        (GROUPS[g], choices) for g, choices in grouped.items() if choices
    ]


def muscle_choices() -> list[tuple[str, Any]]:
    muscles = list(load_muscles().values())
    return [("", "Not sure")] + [
        (name, [(m.slug, m.name) for m in muscles if m.group == group])
        for group, name in MUSCLE_GROUPS.items()
        if any(m.group == group for m in muscles)
    ]


class PainScale(forms.RadioSelect):
    """The 0-10 radios drawn by one template: Django's per-option templates made the pain scale
    the most expensive part of rendering a knot page."""

    template_name = "widgets/pain_scale.html"


class PainField(forms.TypedChoiceField):
    """0-10 as a row of big radio buttons: one tap, no typing, no out-of-range values."""

    widget = PainScale

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Pain right now (0 = none, 10 = worst imaginable)")
        super().__init__(choices=PAIN_CHOICES, coerce=int, **kwargs)
        self.error_messages["invalid_choice"] = "Pain is a whole number from 0 to 10."
        self.error_messages["required"] = "Pick a number from 0 to 10."


class NoteField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            max_length=NOTE_MAX,
            widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
            **kwargs,
        )


class KnotForm(Form):
    region = forms.ChoiceField(label="Where", choices=region_choices)
    side = forms.ChoiceField(label="Side", choices=Side.choices, widget=forms.RadioSelect)
    muscle = forms.ChoiceField(
        label="Muscle, if you know it",
        required=False,
        choices=muscle_choices,
        help_text="Optional. Not sure? The finder suggests muscles for where it hurts.",
    )
    first_felt = forms.DateField(
        label="First felt on", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = NoteField(label="Note")

    def __init__(self, *args: Any, tz_name: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name
        today = timezone.now().astimezone(zone(tz_name)).date()
        self.fields["first_felt"].initial = today
        self.fields["first_felt"].widget.attrs["max"] = today.isoformat()


class NewKnotForm(KnotForm):
    pain = PainField()
    field_order = ["region", "side", "pain", "first_felt", "muscle", "note"]


class EditKnotForm(KnotForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class WallClockField(forms.DateTimeField):
    """A date and time as read off the user's clock, returned naive.

    Django's field would localise it and refuse the ambiguous hour when clocks go back; the
    journal service localises it instead, taking the first occurrence of a repeated time and
    explaining a skipped one.
    """

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None) if parsed else None


class CheckInForm(Form):
    pain = PainField()
    moment = WallClockField(
        label="When",
        required=False,
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = NoteField(label="Note")


class UntieForm(Form):
    """The last rating, taken as a knot is marked untied: its history ends on how it felt."""

    pain = PainField(label="How much does it hurt now? (0 = none, 10 = worst imaginable)")
    note = NoteField(label="Note, such as what helped")


class TrackForm(Form):
    """A finder result to track: a new knot, or the muscle for a knot already tracked there."""

    ACTIONS = [
        ("new", "Track a separate knot"),
        ("add", "Add the muscle to the knot there"),
        ("replace", "Change the knot's muscle"),
    ]

    region = forms.ChoiceField(choices=region_choices)
    side = forms.ChoiceField(choices=Side.choices)
    muscle = forms.ChoiceField(choices=muscle_choices)
    pain = PainField()
    action = forms.ChoiceField(choices=ACTIONS)
    knot = forms.IntegerField(required=False, min_value=1)
