"""Form base classes shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


class Form(forms.Form):
    """Labels without a trailing colon: they sit above their fields, styled bold."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """The same labels for forms over a model."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
