"""The URL conf as data, for the safety nets generated from it (DESIGN habit 13).

:func:`routes` lists every named URL with the arguments its pattern takes; :data:`ARGS` says how
to fill those arguments from a :class:`World` of rows made in code. A URL with arguments that
``ARGS`` does not know is reported by :func:`unfilled`, so a test built on this module fails on
a new URL instead of passing it by.

Also here, because both generated tests need them: a snapshot of every stored row, and the
forms on a rendered page, read with the standard library's HTML parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from knotless.accounts.models import VERSIONS
from knotless.hydration import services as water
from knotless.hydration.models import Drink, Vessel
from knotless.insights import services as insights
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from knotless.practice import schedule
from knotless.practice import services as practice
from knotless.practice.models import Session
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record
from knotless.training import services as training

A_SLUG = "upper-trapezius-side-bend-stretch"
A_MUSCLE = "upper-trapezius"
A_STRENGTH = "dumbbell-shrug"  # works the upper trapezius, the world knot's muscle


@dataclass(frozen=True)
class Route:
    name: str
    args: frozenset[str]
    callback: Callable[..., Any] | None
    template: str = ""  # the route as written, such as "knots/<int:knot_id>/"

    def path(self, kwargs: dict[str, Any], raw: dict[str, str] | None = None) -> str:
        """The path with ``kwargs`` filled in, and ``raw`` (already percent-encoded) put in
        as it is, whether or not the argument's converter would take it."""
        raw = raw or {}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return raw[name] if name in raw else quote(str(kwargs[name]), safe="")

        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, self.template)

    @property
    def public(self) -> bool:
        """Reachable signed out (``login_not_required``)."""
        return getattr(self.callback, "login_required", True) is False


def routes() -> Iterator[Route]:
    """Every URL name in the URL conf with the arguments it takes; the admin counts as one,
    ``admin:*``, with no callback."""

    def walk(patterns: list[Any], prefix: str = "", route: str = "") -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    yield Route("admin:*", frozenset(), None)
                    continue
                space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                yield from walk(entry.url_patterns, space, route + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                converters = getattr(entry.pattern, "converters", {})
                yield Route(
                    f"{prefix}{entry.name}",
                    frozenset(converters),
                    entry.callback,
                    route + str(entry.pattern),
                )

    yield from walk(get_resolver().url_patterns)


@dataclass
class World:
    """One user's rows, each reachable through a URL argument."""

    user: Any
    knot: Knot  # active, with a check-in
    checkin: CheckIn
    session: Session  # saved
    open_session: Session  # started, not saved yet
    feed_token: str
    vessel: Vessel
    drink: Drink
    workout: Any = None  # a strength workout with an own exercise's entry
    entry: Any = None
    experiment: Any = None  # running, on the world's knot
    extra: dict[str, Any] = field(default_factory=dict)


def make_world(user: Any, tz_name: str = "UTC") -> World:
    knot = journal.add_knot(
        user, region="back-of-neck", side="left", muscle=A_MUSCLE, pain=6, tz_name=tz_name
    )
    # Answered, so that the player and the plan offer its exercises.
    record(user, knot_areas(knot), [], knot=knot)
    saved = practice.start(user, [A_SLUG], before={knot.pk: 6}, token=f"saved-{user.pk}")
    practice.finish(user, saved.pk, after={knot.pk: 4}, verdicts={}, played_seconds=300)
    started = practice.start(
        user, [A_SLUG, "chin-tuck"], before={knot.pk: 5}, token=f"open-{user.pk}"
    )
    vessel = water.add_vessel(user, name="Mug", ml=300)
    entry = training.log_lift(user, "barbell hip thrust", "3x8@60kg rir2", pain=1)
    training.log_lift(user, A_STRENGTH, "3x10@20kg", workout=entry.workout)
    experiment = insights.start_experiment(user, knot.pk, "water", days_per_phase=3)
    return World(
        user=user,
        knot=knot,
        checkin=knot.checkins.get(),
        session=saved,
        open_session=started,
        feed_token=schedule.new_feed_token(user),
        vessel=vessel,
        drink=water.log_drink(user, 250),
        workout=entry.workout,
        entry=entry,
        experiment=experiment,
    )


def world_share(w: World) -> str:
    """The world's share with a physio (of its knot, for a week), made when first asked for."""
    if "share" not in w.extra:
        from knotless.sharing import services as sharing

        today = timezone.localdate()
        made = sharing.create(w.user, [w.knot.pk], today, today, timedelta(days=7))
        w.extra["share"] = made.share.pk
    return str(w.extra["share"])


def world_share_file(w: World) -> str:
    """A fresh location token for the world's share (what a manifest hands a viewer)."""
    from knotless.sharing import services as sharing

    return sharing.file_token(world_share(w))


# How to fill each URL's arguments from a world. The id and token arguments point at the
# world's rows; a slug is public knowledge (the atlas, the library).
ARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "knot": lambda w: {"knot_id": w.knot.pk},
    "knot_checkin": lambda w: {"knot_id": w.knot.pk},
    "knot_edit": lambda w: {"knot_id": w.knot.pk},
    "knot_untie": lambda w: {"knot_id": w.knot.pk},
    "knot_reopen": lambda w: {"knot_id": w.knot.pk},
    "knot_delete": lambda w: {"knot_id": w.knot.pk},
    "knot_checkins": lambda w: {"knot_id": w.knot.pk},
    "checkin_delete": lambda w: {"checkin_id": w.checkin.pk},
    "muscle": lambda w: {"slug": A_MUSCLE},
    "exercise": lambda w: {"slug": A_SLUG},
    "figure_moving": lambda w: {"slug": A_SLUG},
    "figure_still": lambda w: {"slug": A_SLUG, "frame": 0},
    "play": lambda w: {"session_id": w.open_session.pk},
    "play_finish": lambda w: {"session_id": w.open_session.pk},
    "play_discard": lambda w: {"session_id": w.open_session.pk},
    "session": lambda w: {"session_id": w.session.pk},
    "plan_feed": lambda w: {"token": w.feed_token},
    "training_lift_history": lambda w: {"key": f"own:{w.entry.own_id}"},
    "training_workout": lambda w: {"workout_id": w.workout.pk},
    "training_rate": lambda w: {"workout_id": w.workout.pk},
    "training_workout_delete": lambda w: {"workout_id": w.workout.pk},
    "training_entry_edit": lambda w: {"entry_id": w.entry.pk},
    "training_entry_delete": lambda w: {"entry_id": w.entry.pk},
    "training_morning": lambda w: {"entry_id": w.entry.pk},
    "experiment_answer": lambda w: {"experiment_id": w.experiment.pk},
    "experiment_stop": lambda w: {"experiment_id": w.experiment.pk},
    "share_revoke": lambda w: {"share_id": world_share(w)},
    "share_manifest": lambda w: {"share_id": world_share(w)},
    "share_file": lambda w: {"token": world_share_file(w)},
    # Valid only before the first account exists: a world's setup token is in ``extra``.
    "setup": lambda w: {"token": w.extra.get("setup_token", "no-setup-token-here")},
}

# Arguments that name something the signed-in user owns (or holds a link to), as opposed to
# public knowledge such as a muscle's slug or a figure's frame.
OWNED_ARGS = frozenset(
    {
        "knot_id",
        "checkin_id",
        "session_id",
        "token",
        "workout_id",
        "entry_id",
        "key",
        "experiment_id",
        "share_id",
    }
)


def unfilled(known: set[str]) -> list[str]:
    """URLs with arguments that ``ARGS`` cannot fill, and names in ``known`` that are gone."""
    found = {r.name: r for r in routes()}
    missing = [n for n, r in found.items() if r.args and n not in ARGS and n not in known]
    gone = [n for n in (set(ARGS) | known) if n not in found]
    return sorted(missing) + [f"{n} (gone)" for n in sorted(gone)]


# Routes that answer GET but are not pages a person reads: sign-out, the one-time setup link,
# the load balancers' check.
NOT_PAGES = frozenset({"logout", "setup", "healthz"})


def signed_in_pages(world: World) -> Iterator[str]:
    """The path of every signed-in GET route, its arguments filled from ``world``."""
    for route in routes():
        if route.callback is None or route.public or route.name in NOT_PAGES:
            continue
        if route.args and route.name not in ARGS:
            continue
        yield route.path(ARGS[route.name](world) if route.args else {})


# --- every stored row -------------------------------------------------------------------------

# Rows that change as a side effect of any request, whatever its input: sign-in sessions and
# django-axes' access log. Data loss would show in the other tables.
VOLATILE = frozenset({"sessions.Session", "axes.AccessLog", "axes.AccessAttempt"})


def _models() -> list[type[Model]]:
    return [m for m in apps.get_models() if m._meta.label not in VOLATILE]


def _frozen(value: Any) -> Any:
    # JSON fields hold lists and dicts: compared by their JSON text.
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def snapshot() -> dict[str, frozenset[tuple[Any, ...]]]:
    """Every row of every model (but the volatile ones), by model label; each row a tuple with
    the primary key first. A sign-in's time is left out: signing in is not a change of data; nor are
    the data and frame versions (accounts/freshness.py), which every POST moves on to empty the
    page cache."""
    found = {}
    for m in _models():
        names = [
            f.attname
            for f in m._meta.concrete_fields
            if f.name != "last_login" and f.name not in VERSIONS
        ]
        rows = m._default_manager.order_by().values_list(*names)
        found[m._meta.label] = frozenset(tuple(_frozen(v) for v in row) for row in rows)
    return found


def lost_or_changed(
    before: dict[str, frozenset[tuple[Any, ...]]], after: dict[str, frozenset[tuple[Any, ...]]]
) -> dict[str, int]:
    """How many rows of ``before`` are gone or changed in ``after``, by model."""
    return {
        label: len(rows - after.get(label, frozenset()))
        for label, rows in before.items()
        if rows - after.get(label, frozenset())
    }


def added(
    before: dict[str, frozenset[tuple[Any, ...]]], after: dict[str, frozenset[tuple[Any, ...]]]
) -> dict[str, int]:
    return {
        label: len(rows - before.get(label, frozenset()))
        for label, rows in after.items()
        if rows - before.get(label, frozenset())
    }


# --- the forms on a page ----------------------------------------------------------------------


@dataclass
class FormSeen:
    """A ``<form>`` as a browser would submit it untouched (with one of its named buttons)."""

    action: str
    method: str
    fields: list[tuple[str, str]]
    unsent: list[str] = field(default_factory=list)  # unticked checkboxes
    types: dict[str, str] = field(default_factory=dict)  # input name -> its type="…"

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys([name for name, _ in self.fields] + self.unsent))


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormSeen] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {
                "action": a.get("action") or self.page_url,
                "method": (a.get("method") or "get").lower(),
                "fields": [],
                "buttons": [],
                "radios": [],
                "unsent": [],
                "types": {},
            }
            return
        form = self._form
        if form is None or (tag != "option" and "disabled" in a):
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            form["types"][name] = kind
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
                elif kind == "radio":
                    form["radios"].append((name, a.get("value", "on")))
                else:
                    form["unsent"].append(name)
            elif kind in ("submit", "image"):
                form["buttons"].append((name, a.get("value", "")))
            elif kind not in ("button", "reset", "file"):
                form["fields"].append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form["buttons"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = []
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option_value is None and self._select is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "option" and self._select is not None:
            value = self._option_value
            self._options.append(
                (
                    value if value is not None else "".join(self._option_text).strip(),
                    self._option_selected,
                )
            )
            self._option_value = None
        elif tag == "select" and self._select is not None and form is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            form["fields"] += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and form is not None:
            form["fields"].append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form" and form is not None:
            # A radio group with nothing checked sends nothing; a filled form picks the first.
            for name, value in form["radios"]:
                if not any(n == name for n, _ in form["fields"]):
                    form["fields"].append((name, value))
            for button in form["buttons"] or [None]:
                fields = list(form["fields"]) + ([button] if button else [])
                self.forms.append(
                    FormSeen(
                        form["action"],
                        form["method"],
                        fields,
                        list(form["unsent"]),
                        dict(form["types"]),
                    )
                )
            self._form = None


def forms_on(html: str, page_url: str) -> list[FormSeen]:
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms
