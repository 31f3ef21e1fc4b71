"""Widgets kept by their whole context render exactly as Django would, and never a stale state."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

import knotless
from knotless import formrender
from knotless.formrender import WIDGETS, MemoRenderer
from knotless.journal.forms import CheckInForm


def _project_forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for info in pkgutil.walk_packages(knotless.__path__, "knotless."):
        if ".migrations" in info.name or info.name.endswith(("__main__", "wsgi")):
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__.startswith("knotless."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def _unbound(form_class: type[forms.BaseForm]) -> forms.BaseForm | None:
    try:
        return form_class()
    except (TypeError, ValueError):  # needs the person or knot it is for, or is a base class
        return None


@pytest.mark.django_db
def test_every_form_of_the_project_renders_as_django_renders_it() -> None:
    WIDGETS.clear()
    checked = 0
    for form_class in _project_forms():
        form = _unbound(form_class)
        if form is None:
            continue
        form.renderer = TemplatesSetting()
        plain = str(form)
        form.renderer = MemoRenderer()
        assert str(form) == plain, form_class  # the first time, kept
        assert str(form) == plain, form_class  # the second time, from the memo
        checked += 1
    assert checked >= 10
    assert len(WIDGETS._items) > 0


def test_a_widget_is_kept_once_and_reused() -> None:
    WIDGETS.clear()
    first = CheckInForm()["pain"].as_widget()
    size = len(WIDGETS._items)
    assert size == 1
    assert CheckInForm()["pain"].as_widget() == first
    assert len(WIDGETS._items) == size


def test_a_different_value_is_a_different_widget() -> None:
    blank = CheckInForm()["pain"].as_widget()
    chosen = CheckInForm({"pain": "3"})["pain"].as_widget()
    assert blank != chosen
    assert "checked" in chosen
    assert "checked" not in blank
    # And back: the blank one is not served the chosen state.
    assert CheckInForm()["pain"].as_widget() == blank


def test_a_different_choice_list_is_a_different_widget() -> None:
    one = forms.ChoiceField(choices=[("a", "Apple")])
    two = forms.ChoiceField(choices=[("a", "Apricot")])
    html_one = one.widget.render("fruit", "a", renderer=MemoRenderer())
    html_two = two.widget.render("fruit", "a", renderer=MemoRenderer())
    assert "Apple" in html_one and "Apricot" in html_two


def test_a_context_that_is_not_plain_data_is_rendered_but_not_kept() -> None:
    WIDGETS.clear()

    class Thing:
        def __str__(self) -> str:
            return "thing"

    html = MemoRenderer().render(
        "django/forms/widgets/input.html",
        {
            "widget": {
                "name": "x",
                "value": Thing(),
                "attrs": {},
                "type": "text",
                "template_name": "",
            }
        },
    )
    assert 'value="thing"' in html
    assert len(WIDGETS._items) == 0


def test_nothing_is_kept_while_developing(settings: Any) -> None:
    settings.DEBUG = True
    WIDGETS.clear()
    CheckInForm()["pain"].as_widget()
    assert len(WIDGETS._items) == 0


def test_the_keys_tell_types_apart() -> None:
    assert formrender._key({"v": 1}) != formrender._key({"v": "1"})
    assert formrender._key({"v": True}) != formrender._key({"v": 1})
    with pytest.raises(formrender._NotPlain):
        formrender._key({1: "a"})
