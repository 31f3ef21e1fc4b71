"""Today's plan for a user: the planner (``lib.planner``) fed from the journal, the safety
answers, the sessions and the plan settings; the plan kept per day so it can be edited; and the
weekly schedule with what was done. Views, the CLI and the calendar feed all call these."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from knotless.accounts.services import local_today, user_zone
from knotless.atlas.muscles import load_muscles
from knotless.journal.models import CheckIn, Knot
from knotless.lib import finder, planner
from knotless.lib.days import day_bounds
from knotless.library.exercises import EQUIPMENT, Exercise, load_exercises
from knotless.practice.models import DayPlan, PlanSettings, Session, SessionExercise
from knotless.safety import screening

GUESSED_MUSCLES = 2  # a knot without a muscle: the finder's two likeliest
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
VARIANT_DEFAULTS = {"main": "minutes", "morning": "morning_minutes", "desk": "desk_minutes"}


def settings_of(user: Any) -> PlanSettings:
    found, _ = PlanSettings.objects.get_or_create(user=user)
    return found


def _active_knots(user: Any) -> Any:
    """Active knots with their latest rating, in one query."""
    latest = CheckIn.objects.filter(knot=OuterRef("pk")).order_by("-moment", "-id")
    return (
        Knot.objects.filter(user=user, status=Knot.Status.ACTIVE)
        .annotate(
            latest_pain=Subquery(latest.values("pain")[:1]),
            latest_moment=Subquery(latest.values("moment")[:1]),
        )
        .order_by("id")
    )


def knot_needs(user: Any) -> list[planner.KnotNeed]:
    """Active knots as the planner sees them: muscles, latest pain and the day it was rated."""
    muscles = load_muscles()
    tz = user_zone(user)
    needs = []
    for knot in _active_knots(user):
        if knot.muscle:
            chosen: tuple[str, ...] = (knot.muscle,)
        else:
            found = finder.find({knot.region: 1.0}, muscles.values(), limit=GUESSED_MUSCLES)
            chosen = tuple(f.slug for f in found)
        rated = knot.latest_moment
        needs.append(
            planner.KnotNeed(
                knot_id=knot.pk,
                label=knot.label,
                muscles=chosen,
                pain=knot.latest_pain,
                rated_on=timezone.localtime(rated, tz).date() if rated else None,
                guessed=not knot.muscle,
            )
        )
    return needs


def _gates(user: Any) -> list[tuple[Knot, frozenset[str], screening.Gate]]:
    """Each active knot with the safety areas it involves and where its answers stand."""
    muscles = load_muscles()
    gates = []
    for knot in Knot.objects.filter(user=user, status=Knot.Status.ACTIVE):
        involved = [muscles[knot.muscle]] if knot.muscle in muscles else []
        areas = screening.areas_involved([knot.region], involved)
        gates.append((knot, areas, screening.gate(user, areas)))
    return gates


def blocked_knots(user: Any) -> dict[int, str]:
    """Knots the safety answers keep out of self-care plans, with the reason in words."""
    blocked = {}
    for knot, _, gate in _gates(user):
        if gate.emergency:
            blocked[knot.pk] = "an emergency answer stands: see the safety page, not exercises"
        elif gate.needs_answers:
            blocked[knot.pk] = "answer the safety questions for this area first"
        elif gate.advice:
            blocked[knot.pk] = "your safety answers call for a professional first"
    return blocked


def pending_areas(user: Any) -> frozenset[str]:
    """Body areas whose safety questions must be answered before their knots get a plan."""
    return frozenset(a for _, areas, gate in _gates(user) if gate.needs_answers for a in areas)


def history(user: Any) -> tuple[dict[str, planner.Feedback], dict[str, list[tuple[date, str]]]]:
    """Per exercise: what the user said about it, and (for strength) when it was done."""
    library = load_exercises()
    tz = user_zone(user)
    rows = (
        SessionExercise.objects.filter(session__user=user)
        .exclude(session__status=Session.Status.STARTED)
        .select_related("session")
        .order_by("session__started_at", "position")
    )
    counts: dict[str, list[int]] = {}
    last_hurt: dict[str, date] = {}
    strength: dict[str, list[tuple[date, str]]] = {}
    for row in rows:
        day = timezone.localtime(row.session.started_at, tz).date()
        counts.setdefault(row.slug, [0, 0])
        if row.verdict == SessionExercise.Verdict.HELPED:
            counts[row.slug][0] += 1
        elif row.verdict == SessionExercise.Verdict.HURT:
            counts[row.slug][1] += 1
            last_hurt[row.slug] = day
        if row.slug in library and library[row.slug].kind == "strength":
            strength.setdefault(row.slug, []).append((day, row.verdict))
    feedback = {
        slug: planner.Feedback(helped=h, hurt=x, last_hurt=last_hurt.get(slug))
        for slug, (h, x) in counts.items()
    }
    return feedback, strength


def build_request(
    user: Any, *, minutes: int, place: str, moment: str, today: date
) -> planner.Request:
    plan_settings = settings_of(user)
    feedback, strength = history(user)
    knots = tuple(knot_needs(user))
    blocked = blocked_knots(user)
    # Nothing for a muscle whose knot the safety answers hold back, not even as variety.
    held = frozenset(m for k in knots if k.knot_id in blocked for m in k.muscles)
    return planner.Request(
        knots=knots,
        minutes=minutes,
        place=place,
        equipment=frozenset(e for e in plan_settings.equipment if e in EQUIPMENT),
        today=today,
        time_of_day=moment,
        blocked=blocked,
        avoid_muscles=held,
        feedback=feedback,
        strength_log=strength,
    )


def _names() -> dict[str, str]:
    return {m.slug: m.name.lower() for m in load_muscles().values()}


def _compute(user: Any, variant: str, minutes: int, place: str, today: date) -> planner.Plan:
    # The morning routine is its own variant; the main plan is the same at any hour.
    moment = "morning" if variant == "morning" else "day"
    if variant == "desk":
        place = "desk"
    request = build_request(user, minutes=minutes, place=place, moment=moment, today=today)
    return planner.plan(request, load_exercises(), _names())


def check_choice(minutes: int, place: str) -> None:
    if not 1 <= minutes <= 90:
        raise ValidationError("Minutes run from 1 to 90.", code="minutes")
    if place not in planner.PLACES:
        raise ValidationError(f"Place is one of {', '.join(planner.PLACES)}.", code="place")


def todays_plan(
    user: Any,
    variant: str = DayPlan.Variant.MAIN,
    *,
    minutes: int | None = None,
    place: str | None = None,
    rebuild: bool = False,
    today: date | None = None,
) -> DayPlan:
    """The plan for today: the one kept (edited or not), or a new one when asked for other
    minutes or another place, or to rebuild."""
    plan_settings = settings_of(user)
    today = today or local_today(user)
    asked_minutes, asked_place = minutes, place
    minutes = minutes or getattr(plan_settings, VARIANT_DEFAULTS[variant])
    place = "desk" if variant == "desk" else (place or plan_settings.place)
    check_choice(minutes, place)
    kept = DayPlan.objects.filter(user=user, day=today, variant=variant).first()
    if kept is not None and rebuild and asked_minutes is None and asked_place is None:
        minutes, place = kept.minutes, kept.place  # start over with the same time and place
    if kept is not None and not rebuild:
        same = (asked_minutes in (None, kept.minutes)) and (asked_place in (None, kept.place))
        if same:
            return kept
    result = _compute(user, variant, minutes, place, today)
    fields = {
        "minutes": minutes,
        "place": place,
        "items": [
            {
                "slug": item.slug,
                "reps": item.dose.reps or None,
                "reason": item.reason,
                "knots": list(item.knot_ids),
            }
            for item in result.items
        ],
        "left_out": [list(pair) for pair in result.left_out],
        "edited": False,
    }
    try:
        with transaction.atomic():
            dayplan, _ = DayPlan.objects.update_or_create(
                user=user, day=today, variant=variant, defaults=fields
            )
    except IntegrityError:  # a second tab built it at the same moment
        dayplan = DayPlan.objects.get(user=user, day=today, variant=variant)
    return dayplan


@dataclass(frozen=True, slots=True)
class Planned:
    position: int
    exercise: Exercise  # with the plan's reps
    reason: str
    seconds: int

    @property
    def token(self) -> str:
        from knotless.practice.services import token_for

        return token_for(self.exercise)


def planned(dayplan: DayPlan) -> list[Planned]:
    library = load_exercises()
    out = []
    for position, item in enumerate(dayplan.items):
        if item["slug"] not in library:
            continue
        exercise = library[item["slug"]]
        if item.get("reps") and exercise.dose.reps:
            exercise = replace(exercise, dose=replace(exercise.dose, reps=int(item["reps"])))
        out.append(
            Planned(position, exercise, item.get("reason", ""), planner.seconds_for(exercise.dose))
        )
    return out


def play_url(dayplan: DayPlan) -> str:
    tokens = [p.token for p in planned(dayplan)]
    return reverse("play_new") + "?" + "&".join(f"e={t}" for t in tokens)


def _save_edit(dayplan: DayPlan, items: list[dict[str, Any]]) -> DayPlan:
    order = {kind: n for n, kind in enumerate(planner.KIND_ORDER)}
    library = load_exercises()
    items.sort(key=lambda i: order[library[i["slug"]].kind] if i["slug"] in library else 9)
    dayplan.items = items
    dayplan.edited = True
    dayplan.save(update_fields=["items", "edited"])
    return dayplan


def _item_at(dayplan: DayPlan, position: int) -> dict[str, Any]:
    if not 0 <= position < len(dayplan.items):
        raise ValidationError("That item is no longer in the plan; reload it.", code="stale")
    return dict(dayplan.items[position])


def remove(dayplan: DayPlan, position: int) -> DayPlan:
    _item_at(dayplan, position)
    items = [dict(i) for n, i in enumerate(dayplan.items) if n != position]
    return _save_edit(dayplan, items)


def alternatives(dayplan: DayPlan, position: int) -> list[Exercise]:
    """Other exercises for the same muscles, possible here: the same kind first, best first."""
    item = _item_at(dayplan, position)
    library = load_exercises()
    current = library[item["slug"]]
    settings = settings_of(dayplan.user)
    request = planner.Request(
        knots=(),
        minutes=dayplan.minutes,
        place=dayplan.place,
        equipment=frozenset(settings.equipment),
        today=dayplan.day,
    )
    taken = {i["slug"] for i in dayplan.items}
    wanted = set(current.primary + current.trains) or set(current.secondary)
    options = [
        e
        for e in library.values()
        if e.slug not in taken
        and wanted & set(e.primary + e.secondary + e.trains)
        and planner._usable(e, request)
    ]
    # The same kind first (a release for a release), then other kinds for the same muscles.
    return sorted(
        options,
        key=lambda e: (e.kind != current.kind, *planner._rank(e, sorted(wanted), request)),
    )


def swap(dayplan: DayPlan, position: int) -> DayPlan:
    item = _item_at(dayplan, position)
    options = alternatives(dayplan, position)
    if not options:
        raise ValidationError(
            "There is no other exercise for these muscles here; try Remove, or Add.", code="none"
        )
    chosen = options[0]
    items = [dict(i) for i in dayplan.items]
    reason = item.get("reason", "")
    items[position] = {
        "slug": chosen.slug,
        "reps": chosen.dose.reps or None,
        "reason": (reason + "; " if reason else "") + "swapped in by you",
        "knots": item.get("knots", []),
    }
    return _save_edit(dayplan, items)


def add(dayplan: DayPlan, slug: str) -> DayPlan:
    library = load_exercises()
    if slug not in library:
        raise ValidationError("No such exercise in the library.", code="unknown")
    if any(i["slug"] == slug for i in dayplan.items):
        raise ValidationError("It is already in today's plan.", code="twice")
    items = [dict(i) for i in dayplan.items]
    items.append(
        {
            "slug": slug,
            "reps": library[slug].dose.reps or None,
            "reason": "added by you",
            "knots": [],
        }
    )
    return _save_edit(dayplan, items)


# --- the week ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    name: str
    planned: tuple[str, ...]  # "strength", "stretch"
    sessions: int
    minutes: int

    @property
    def done(self) -> bool:
        return self.sessions > 0


@dataclass(frozen=True, slots=True)
class Week:
    days: tuple[Day, ...]
    start: date

    @property
    def planned_days(self) -> int:
        return sum(1 for d in self.days if d.planned)

    @property
    def done_planned_days(self) -> int:
        return sum(1 for d in self.days if d.planned and d.done)

    @property
    def sessions(self) -> int:
        return sum(d.sessions for d in self.days)


def week(user: Any, around: date | None = None) -> Week:
    """Monday to Sunday around a day: what the schedule plans and what was done."""
    plan_settings = settings_of(user)
    around = around or local_today(user)
    start = around - timedelta(days=around.weekday())
    tz = user_zone(user)
    done: dict[date, list[int]] = {}
    begin, _ = day_bounds(start, tz)
    _, finish = day_bounds(start + timedelta(days=6), tz)
    for session in Session.objects.filter(
        user=user, started_at__gte=begin, started_at__lt=finish
    ).exclude(status=Session.Status.STARTED):
        day = timezone.localtime(session.started_at, tz).date()
        count = done.setdefault(day, [0, 0])
        count[0] += 1
        count[1] += session.played_seconds
    days = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        kinds = []
        if day.weekday() in plan_settings.strength_days:
            kinds.append("strength")
        if day.weekday() in plan_settings.stretch_days:
            kinds.append("stretch")
        sessions, seconds = done.get(day, [0, 0])
        days.append(Day(day, DAY_NAMES[day.weekday()], tuple(kinds), sessions, round(seconds / 60)))
    return Week(tuple(days), start)


def check_days(days: list[int], what: str) -> list[int]:
    chosen = sorted(set(days))
    if any(d not in range(7) for d in chosen):
        raise ValidationError("Days are Monday (0) to Sunday (6).", code="days")
    if what == "strength" and len(chosen) > 1:
        # Non-consecutive, Sunday to Monday included: a muscle needs a day between.
        for a, b in zip(chosen, [*chosen[1:], chosen[0] + 7], strict=True):
            if b - a == 1:
                raise ValidationError(
                    "Strength days need a rest day between them (e.g. Mon, Wed, Fri).",
                    code="consecutive",
                )
    return chosen


def new_feed_token(user: Any) -> str:
    plan_settings = settings_of(user)
    plan_settings.feed_token = secrets.token_urlsafe(24)
    plan_settings.save(update_fields=["feed_token"])
    return plan_settings.feed_token


def stop_feed(user: Any) -> None:
    plan_settings = settings_of(user)
    plan_settings.feed_token = ""
    plan_settings.save(update_fields=["feed_token"])
