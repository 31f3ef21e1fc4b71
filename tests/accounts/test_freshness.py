"""The data version (accounts/freshness.py) moves with every write to a person's data, so no page
cached for them (pagecache.py) shows what was true before."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from knotless.accounts.freshness import FRAME_KEEPS, IGNORED, owned_models
from knotless.accounts.models import Profile
from knotless.accounts.services import create_user
from knotless.journal import services as journal
from knotless.journal.models import Knot

SRC = Path(__file__).resolve().parents[2] / "src" / "knotless"
# Calls that write rows without Django's save and delete signals.
SILENT_WRITES = {"bulk_create", "bulk_update", "update"}
# Functions allowed to write silently, and why.
EXEMPT = {
    # The data version itself.
    ("accounts/freshness.py", "touch"),
    # Parts of portable.archive.import_user, which touches once when the whole import is in.
    ("portable/archive.py", "_save"),
    ("portable/archive.py", "_restore_automatic"),
    # The first plan's checkpoint, a sum of sessions whose own writes are watched (IGNORED).
    ("practice/done.py", "_store"),
}


def _silent_writes(tree: ast.AST) -> list[tuple[str, int]]:
    """(enclosing function, line) of every queryset write without signals that is not in a
    function which also calls touch(...)."""
    found: list[tuple[str, int]] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        calls = [n for n in ast.walk(func) if isinstance(n, ast.Call)]
        touches = any(
            (isinstance(c.func, ast.Name) and c.func.id == "touch")
            or (isinstance(c.func, ast.Attribute) and c.func.attr == "touch")
            for c in calls
        )
        for call in calls:
            f = call.func
            if not (isinstance(f, ast.Attribute) and f.attr in SILENT_WRITES):
                continue
            receiver = ast.unparse(f.value)
            # Only querysets and managers: `.objects`, `.filter(...)`, `_default_manager`.
            if not any(m in receiver for m in ("objects", "filter(", "_manager", "exclude(")):
                continue
            if f.attr == "update" and not call.keywords:
                continue  # a dict or a set, not a queryset
            if not touches:
                found.append((func.name, call.lineno))
    return found


def test_every_silent_write_touches_the_data_version() -> None:
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel:
            continue
        for name, line in _silent_writes(ast.parse(path.read_text())):
            if (rel, name) not in EXEMPT:
                missing.append(f"{rel}:{line} in {name}()")
    assert not missing, (
        "These write without save/delete signals and do not call freshness.touch(user_id), "
        "so a page cached for the person would not see the change:\n" + "\n".join(missing)
    )


def test_the_net_finds_a_silent_write() -> None:
    code = "def f(k):\n    Knot.objects.filter(pk=k).update(pain=1)\n"
    assert _silent_writes(ast.parse(code)) == [("f", 2)]
    assert _silent_writes(ast.parse(code + "    touch(1)\n")) == []


def test_every_model_with_a_path_to_a_user_is_watched() -> None:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    watched = owned_models()
    # Left out on purpose, and only these: the tallies, which only the database writes (every
    # write to the rows they count is watched), and the checkpoint that sums the sessions up.
    database_kept = {"journal.knottally", "practice.sessiontally", "practice.donecheckpoint"}
    assert {
        label for label in IGNORED if not label.startswith(("sessions.", "admin.", "axes."))
    } == (database_kept)
    for model in apps.get_models():
        if model._meta.label_lower in database_kept:
            continue
        if model.__module__.startswith("knotless.") and any(
            f.is_relation and f.related_model is user_model for f in model._meta.get_fields()
        ):
            assert model in watched, model


def _version(user: Any) -> int:
    return Profile.objects.get(user=user).data_version


@pytest.mark.django_db
def test_writes_move_the_version_on() -> None:
    user = create_user("fresh", "a-long-password-for-tests", time_zone="Europe/Berlin")
    before = _version(user)
    knot = journal.add_knot(
        user, region="top-of-shoulder", side="left", pain=5, tz_name="Europe/Berlin"
    )
    after_add = _version(user)
    assert after_add != before
    journal.check_in(knot, pain=3, tz_name="Europe/Berlin")
    after_checkin = _version(user)
    assert after_checkin != after_add
    journal.untie(knot, pain=0, tz_name="Europe/Berlin")  # a QuerySet.update, touched by hand
    assert _version(user) != after_checkin
    last = _version(user)
    Knot.objects.get(pk=knot.pk).delete()
    assert _version(user) != last


@pytest.mark.django_db
def test_a_profile_saved_from_an_old_copy_never_puts_its_version_back() -> None:
    user = create_user("copy", "a-long-password-for-tests", time_zone="Europe/Berlin")
    old = Profile.objects.get(user=user)
    journal.add_knot(user, region="top-of-shoulder", side="left", pain=5, tz_name="UTC")
    moved = _version(user)
    old.units = Profile.Units.IMPERIAL
    old.save()
    assert _version(user) not in (old.data_version, moved)


@pytest.mark.django_db
def test_a_cached_page_shows_a_write_at_once() -> None:
    """Today and the knot page come from the cache on the second view, and a check-in made
    elsewhere (the terminal, another device) shows on the very next one."""
    user = create_user("page", "a-long-password-for-tests", time_zone="Europe/Berlin")
    knot = journal.add_knot(
        user, region="top-of-shoulder", side="left", pain=5, tz_name="Europe/Berlin"
    )
    client = Client()
    client.force_login(user)
    client.get("/")  # sets the CSRF cookie the cache key needs
    first = client.get(f"/knots/{knot.pk}/")
    again = client.get(f"/knots/{knot.pk}/")
    assert first.content == again.content
    journal.check_in(
        knot,
        pain=9,
        note="a very sore morning",
        tz_name="Europe/Berlin",
        moment=timezone.now() - timedelta(minutes=1),
    )
    fresh = client.get(f"/knots/{knot.pk}/")
    assert b"a very sore morning" in fresh.content


def _frame(user: Any) -> int:
    return Profile.objects.get(user=user).frame_version


@pytest.mark.django_db
def test_a_check_in_moves_the_data_version_and_leaves_the_frame_version() -> None:
    user = create_user("frame", "a-long-password-for-tests", time_zone="Europe/Berlin")
    knot = journal.add_knot(
        user, region="top-of-shoulder", side="left", pain=5, tz_name="Europe/Berlin"
    )
    data, frame = _version(user), _frame(user)
    made = journal.check_in(knot, pain=3, tz_name="Europe/Berlin")
    assert _version(user) != data and _frame(user) == frame
    made.delete()
    assert _frame(user) == frame
    journal.untie(knot, pain=0, tz_name="Europe/Berlin")  # anything else moves both
    assert _frame(user) != frame


def test_only_check_ins_keep_frames() -> None:
    """The models and views that leave the frame version alone: check-ins, and nothing that
    a page's frame shows. Adding one means showing it only in a page's live parts."""
    labels = {m._meta.label_lower for m in owned_models()}
    assert set(FRAME_KEEPS) == {"journal.checkin"} and labels >= FRAME_KEEPS
    assert {p.name for p in _patterns() if getattr(p.callback, "keeps_frames", False)} == {
        "knot_checkin"
    }


def _patterns(found: list[Any] | None = None) -> list[URLPattern]:
    """Every URL pattern, included ones too."""
    out: list[URLPattern] = []
    for pattern in get_resolver().url_patterns if found is None else found:
        if isinstance(pattern, URLResolver):
            out += _patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            out.append(pattern)
    return out
