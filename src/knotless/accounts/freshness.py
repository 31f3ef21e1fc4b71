"""Each person's data version: a number that changes with every write to their data.

Pages cached for a person (:mod:`knotless.pagecache`) are keyed by it, so a check-in, a drink or
a safety answer shows on the very next page: nothing stale is ever served, and nothing needs to
be found and deleted when data changes. The number lives on :class:`Profile`, which every
signed-in request loads with the user anyway (``accounts.backends``), so reading it is free.

It moves in three ways, each after the write it follows (never before, or a page read in between
could be cached with the old data under the new number):

- ``post_save`` and ``post_delete`` of every model that belongs to a person. The models are found
  from the foreign keys that lead to the user, so a new app's models are covered without a list;
- :func:`touch`, called by code that writes without those signals (``bulk_create``,
  ``bulk_update``, ``QuerySet.update``). ``tests/accounts/test_freshness.py`` reads the source
  and fails on such a call in a function that does not touch;
- every unsafe request (POST and the like) by a signed-in person (:class:`TouchAfterWrite`), a
  backstop for writes in views.

A second number, the frame version, moves with every one of those writes except a check-in's
(:data:`FRAME_KEEPS`): the parts of a page that no check-in can change are kept under it
(:mod:`knotless.frames`), so the knot page after a check-in draws only what the check-in changed.
A view whose own writes are only check-ins says so with :func:`keeps_frames`; any other write in
it (a new tag) still moves the frame version through its model's signal.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db.models import ForeignKey, Model, OneToOneField
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponseBase

# Models whose rows are not one person's health data, or which change on reads, or which only
# the database writes (a tally follows the rows it counts, whose own writes count), or which
# only sum up other rows (a checkpoint of the sessions, written when a plan reads them).
IGNORED = {
    "sessions.session",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accesslog",
    "journal.knottally",
    "practice.sessiontally",
    "practice.donecheckpoint",
}
# Models whose writes leave the frame version alone: only a page's live parts read them.
FRAME_KEEPS = frozenset({"journal.checkin"})
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def touch(user_id: int | None, *, frame: bool = True) -> None:
    """Give a person a new data version: every page cached for them is now out of date; and,
    unless ``frame`` is False (a check-in), a new frame version too."""
    if user_id is None:
        return
    from knotless.accounts.models import Profile

    # A fresh random number rather than a count: a profile saved from a copy read earlier puts
    # an old number back for a moment, and an old number must never come back for good.
    versions = {"data_version": secrets.randbits(62)}
    if frame:
        versions["frame_version"] = secrets.randbits(62)
    Profile.objects.filter(user_id=user_id).update(**versions)


def _user_path(model: type[Model], seen: frozenset[type[Model]] = frozenset()) -> tuple[str, ...]:
    """The foreign-key attribute names from ``model`` to the user, shortest first; () if none."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    fields = [f for f in model._meta.get_fields() if isinstance(f, ForeignKey | OneToOneField)]
    for field in fields:
        if field.related_model is user_model:
            return (field.name,)
    best: tuple[str, ...] = ()
    for field in fields:
        target = field.related_model
        if not isinstance(target, type) or target in seen or target is model:
            continue
        rest = _user_path(target, seen | {model})
        if rest and (not best or len(rest) + 1 < len(best)):
            best = (field.name, *rest)
    return best


@cache
def owned_models() -> dict[type[Model], tuple[str, ...]]:
    """Every installed model that belongs to a person, with its path to the user."""
    found: dict[type[Model], tuple[str, ...]] = {}
    for model in apps.get_models():
        if model._meta.label_lower in IGNORED:
            continue
        path = _user_path(model)
        if path:
            found[model] = path
    return found


def owner_id(instance: Model, path: tuple[str, ...]) -> int | None:
    """The user id at the end of ``path``, following cached relations where they are loaded."""
    current: Any = instance
    for name in path[:-1]:
        try:
            current = getattr(current, name)
        except Exception:  # a parent deleted in the same cascade: nothing left to show
            return None
        if current is None:
            return None
    value = getattr(current, f"{path[-1]}_id", None)
    return value if isinstance(value, int) else None


def _on_write(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    path = owned_models().get(sender)
    if path:
        touch(owner_id(instance, path), frame=sender._meta.label_lower not in FRAME_KEEPS)


def connect() -> None:
    """Listen to every owned model's writes (called once, from AccountsConfig.ready)."""
    for model in owned_models():
        post_save.connect(_on_write, sender=model, dispatch_uid=f"freshness-{model._meta.label}")
        post_delete.connect(
            _on_write, sender=model, dispatch_uid=f"freshness-del-{model._meta.label}"
        )
    from django.contrib.auth.models import User

    if apps.get_model(settings.AUTH_USER_MODEL) is User:
        post_save.connect(_on_user_saved, sender=User, dispatch_uid="freshness-user")


def _on_user_saved(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    touch(instance.pk)


V = TypeVar("V", bound=Callable[..., Any])


def keeps_frames(view: V) -> V:
    """Mark a view whose own writes are only check-ins: the backstop below then leaves the
    frame version alone (the signals of anything else it writes still move it)."""
    view.keeps_frames = True  # type: ignore[attr-defined]
    return view


class TouchAfterWrite:
    """After an unsafe request by a signed-in person, move their data version on, whatever the
    view wrote and however it wrote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                match = request.resolver_match
                keeps = match is not None and getattr(match.func, "keeps_frames", False)
                touch(user.pk, frame=not keeps)
        return response
