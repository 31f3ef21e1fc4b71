"""Forms of the training log. The sets field is read by ``setgrammar`` in the service."""

from __future__ import annotations

from typing import Any

from django import forms

from knotless.forms import Form, ModelForm
from knotless.training.models import MAX_MINUTES, TrainingSettings, Workout

SETS_HELP = "Like 3x10@20kg, 5,5,4@45lb, 3x8 bw or 3x12 band:red; add rir2 or rpe8 for effort."
PAIN_CHOICES = [("", "Not asked")] + [(str(n), str(n)) for n in range(11)]
EFFORT_WORDS = {
    0: "rest",
    1: "very, very easy",
    2: "easy",
    3: "moderate",
    4: "somewhat hard",
    5: "hard",
    6: "hard",
    7: "very hard",
    8: "very hard",
    9: "very hard",
    10: "maximal",
}


class LiftForm(Form):
    exercise = forms.CharField(
        max_length=80,
        widget=forms.TextInput(attrs={"list": "lift-names", "autocomplete": "off"}),
        help_text="From the library, or your own: it is added the first time.",
    )
    sets = forms.CharField(
        max_length=1000,
        help_text=SETS_HELP,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    pain = forms.TypedChoiceField(
        label="Pain during it (0-10)",
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    familiar = forms.TypedChoiceField(
        label="Was it your familiar knot?",
        choices=[
            ("", "No pain / not sure"),
            ("yes", "Yes, the familiar knot"),
            ("no", "No, something else"),
        ],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )


class EntryForm(Form):
    sets = LiftForm.base_fields["sets"]
    pain = LiftForm.base_fields["pain"]
    familiar = LiftForm.base_fields["familiar"]


class SessionForm(Form):
    kind = forms.ChoiceField(
        choices=[(k, label) for k, label in Workout.Kind.choices if k not in ("strength", "player")]
    )
    minutes = forms.IntegerField(min_value=1, max_value=MAX_MINUTES)
    effort = forms.TypedChoiceField(
        label="How hard was it as a whole (0-10)?",
        choices=[("", "Rate it later (about 30 minutes after is best)")]
        + [(str(n), f"{n} · {w}") for n, w in EFFORT_WORDS.items()],
        coerce=int,
        empty_value=None,
        required=False,
    )
    title = forms.CharField(max_length=80, required=False)
    day = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today.",
    )


class ImportForm(Form):
    file = forms.FileField(
        label="Export file",
        help_text="Strong or Hevy CSV export, or wger's workout log as JSON (5 MB at most).",
    )
    weight_unit = forms.ChoiceField(
        label="Weights in the file are in",
        choices=[("kg", "kg"), ("lb", "lb")],
        widget=forms.RadioSelect,
        help_text="Only older Strong exports leave this out; files that name their unit keep it.",
    )


class TrainingSettingsForm(ModelForm):
    class Meta:
        model = TrainingSettings
        fields = ["acceptable_pain", "ratio_jump", "week_jump", "increment"]
        labels = {
            "acceptable_pain": "Pain you accept during an exercise (0-10)",
            "ratio_jump": "Point out a jump when the 7-day average reaches this many times the "
            "28-day one",
            "week_jump": "Point out a week of this many times the mean of the four before",
        }
        help_texts = {
            "acceptable_pain": "Above it, that exercise holds or steps back. Many physios use "
            "3 to 5; lower is more careful.",
            "ratio_jump": "1.5 by default, as often quoted. From 1.1 to 3.0.",
            "week_jump": "1.5 by default. From 1.1 to 3.0.",
        }

    def __init__(self, *args: Any, unit: str = "kg", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["increment"].label = f"The smallest step you can add ({unit})"
        self.fields["increment"].help_text = (
            "With 1.25 kg plates a barbell goes up 2.5 kg; fixed dumbbells often 1 or 2 kg."
            if unit == "kg"
            else "With 2.5 lb plates a barbell goes up 5 lb; fixed dumbbells often 5 lb."
        )
