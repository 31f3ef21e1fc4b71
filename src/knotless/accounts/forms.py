from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from knotless.accounts.models import Profile
from knotless.accounts.services import check_username
from knotless.forms import Form
from knotless.lib.days import is_time_zone, time_zone_names


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


@functools.cache
def _zone_options() -> tuple[tuple[str, str], ...]:
    """Each time zone's ``<option>`` as two halves, escaped once per process: the list is
    the same for everyone, and ``selected`` goes between the halves."""
    return tuple(
        (f'<option value="{escape(value)}"', f">{escape(label)}</option>")
        for value, label in time_zone_choices()
    )


class TimeZoneSelect(forms.Select):
    """The time-zone list drawn in Python: Django's option template, run about 600 times,
    made the account page some 80 ms slower than the rest of it put together."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        mark = f'<option value="{escape(value)}"' if value not in (None, "") else None
        options = "".join(
            head + (" selected" if head == mark else "") + tail for head, tail in _zone_options()
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final)}>{options}</select>')


class TimeZoneField(forms.ChoiceField):
    widget = TimeZoneSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault("help_text", "Your days start and end at midnight here.")
        super().__init__(choices=time_zone_choices, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not is_time_zone(value):
            raise forms.ValidationError("Pick a time zone from the list.")


class SetupForm(Form):
    username = forms.CharField(label="Name to sign in with", max_length=150)
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    time_zone = TimeZoneField(initial="UTC")

    def clean_username(self) -> str:
        return check_username(self.cleaned_data["username"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1 and "username" in data:
            try:
                validate_password(p1, get_user_model()(username=data["username"]))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ProfileForm(forms.ModelForm[Profile]):
    time_zone = TimeZoneField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    class Meta:
        model = Profile
        fields = ["time_zone", "units", "emergency_number"]
        widgets = {"units": forms.RadioSelect}
