"""The exercise library pages, the figures, the web player and the sessions it stores."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotless import queued
from knotless.accounts.typing import AuthedRequest
from knotless.atlas.muscles import GROUPS, load_muscles
from knotless.atlas.regions import load_regions
from knotless.lib.sequence import Step, dose_as_played, item_seconds, total_seconds
from knotless.library import figure as drawing
from knotless.library.exercises import EQUIPMENT, KINDS, POSITIONS, Exercise, load_exercises
from knotless.library.figures import load_figures
from knotless.practice import services
from knotless.practice.models import Session, SessionExercise
from knotless.safety import guard
from knotless.security import svg_document_policy

TIMES = {"2": 120, "5": 300, "10": 600}
KIND_LABELS = {
    "release": "Pressure release",
    "stretch": "Stretch",
    "mobility": "Mobility",
    "strength": "Strength",
}
EQUIPMENT_LABELS = {
    "none": "Nothing",
    "ball": "Massage ball",
    "foam-roller": "Foam roller",
    "band": "Band",
    "dumbbell": "Dumbbell",
    "door-frame": "Door frame",
    "chair": "Chair",
    "barbell": "Barbell",
    "trap-bar": "Trap (hex) bar",
    "rack": "Squat rack with safety bars",
    "bench": "Weight bench",
    "kettlebell": "Kettlebell",
}


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass(frozen=True, slots=True)
class Card:
    exercise: Exercise
    seconds: int
    targets: list[str]

    @property
    def time(self) -> str:
        return _minutes(self.seconds)


def _card(exercise: Exercise) -> Card:
    muscles = load_muscles()
    names = [muscles[m].name for m in exercise.primary] + list(exercise.trains)
    seconds = item_seconds(exercise.dose, seconds_per_rep=exercise.seconds_per_rep)
    return Card(exercise, seconds, names)


def _muscles_for_region(region: str) -> set[str]:
    return {m.slug for m in load_muscles().values() if region in m.zones}


@require_GET
def library_index(request: AuthedRequest) -> HttpResponse:
    muscles = load_muscles()
    regions = load_regions()
    muscle = request.GET.get("muscle", "")
    region = request.GET.get("region", "")
    kind = request.GET.get("kind", "")
    position = request.GET.get("position", "")
    equipment = request.GET.get("equipment", "")
    time = request.GET.get("time", "")
    problems = []
    for value, allowed, label in (
        (muscle, muscles, "muscle"),
        (region, regions, "body area"),
        (kind, KINDS, "kind"),
        (position, POSITIONS, "position"),
        (equipment, EQUIPMENT, "equipment"),
        (time, TIMES, "time"),
    ):
        if value and value not in allowed:
            problems.append(f"Ignored the {label} {value!r}: there is no such choice.")
    muscle = muscle if muscle in muscles else ""
    region = region if region in regions else ""
    kind = kind if kind in KINDS else ""
    position = position if position in POSITIONS else ""
    equipment = equipment if equipment in EQUIPMENT else ""
    time = time if time in TIMES else ""
    near = _muscles_for_region(region) if region else set()
    cards = []
    for exercise in load_exercises().values():
        aimed = set(exercise.primary + exercise.secondary)
        card = _card(exercise)
        if (
            (not muscle or muscle in aimed)
            and (not region or aimed & near)
            and (not kind or exercise.kind == kind)
            and (not position or exercise.position == position)
            and (not equipment or equipment in exercise.equipment)
            and (not time or card.seconds <= TIMES[time])
        ):
            cards.append(card)
    ticked = [s for s in dict.fromkeys(request.GET.getlist("e")) if s in load_exercises()]
    shown = {card.exercise.slug for card in cards}
    # The safety gate: nothing to play in an emergency, and no tick for held-back exercises,
    # shown or carried over from another filter.
    library = load_exercises()
    offers = guard.offers(request.user, [library[s] for s in shown | set(ticked)])
    ticked = [s for s in ticked if offers.playable(s)]
    grouped = [
        (label, sorted((m for m in muscles.values() if m.group == key), key=lambda m: m.name))
        for key, label in GROUPS.items()
    ]
    return render(
        request,
        "practice/library.html",
        {
            "cards": cards,
            "total": len(load_exercises()),
            "problems": problems,
            "chosen": {
                "muscle": muscle,
                "region": region,
                "kind": kind,
                "position": position,
                "equipment": equipment,
                "time": time,
            },
            "filtered": any((muscle, region, kind, position, equipment, time)),
            # Ticked exercises survive a change of filters, shown or not.
            "ticked": ticked,
            "ticked_hidden": [s for s in ticked if s not in shown],
            "muscle_groups": grouped,
            "regions": sorted(
                ((slug, r.name.capitalize()) for slug, r in regions.items()),
                key=lambda pair: pair[1],
            ),
            "kinds": KIND_LABELS,
            "positions": POSITIONS,
            "equipment": EQUIPMENT_LABELS,
            "times": {"2": "Up to 2 min", "5": "Up to 5 min", "10": "Up to 10 min"},
            "offers": offers,
            "here": request.get_full_path(),
        },
    )


def _exercise(slug: str) -> Exercise:
    try:
        return load_exercises()[slug]
    except KeyError:
        raise Http404("No such exercise.") from None


@require_GET
def exercise_page(request: AuthedRequest, slug: str) -> HttpResponse:
    exercise = _exercise(slug)
    library = load_exercises()
    muscles = load_muscles()
    spec = load_figures()[slug]
    offers = guard.offers(request.user, [exercise])
    play_url = reverse("play_new") + f"?e={slug}"
    return render(
        request,
        "practice/exercise.html",
        {
            "e": exercise,
            "card": _card(exercise),
            "kind_label": KIND_LABELS[exercise.kind],
            "equipment": [EQUIPMENT_LABELS[item] for item in exercise.equipment],
            "primary": [muscles[m] for m in exercise.primary],
            "secondary": [muscles[m] for m in exercise.secondary],
            "easier": library.get(exercise.easier),
            "harder": library.get(exercise.harder),
            "frames": range(len(spec.frames)),
            "play_url": play_url if offers.playable(slug) else "",
            "offers": offers,
            "held": offers.held.get(slug),
            "check_url": offers.held[slug].check_url(play_url) if slug in offers.held else "",
        },
    )


@functools.lru_cache(maxsize=512)
def _figure(slug: str, frame: int | None) -> str:
    spec = load_figures()[slug]
    name = load_exercises()[slug].name
    if frame is None:
        return drawing.render_animated(spec, title=f"{name}: the movement")
    label = "start" if frame == 0 else ("end" if frame == len(spec.frames) - 1 else "middle")
    return drawing.render(spec, frame, title=f"{name}: {label} position")


@login_not_required
@require_GET
def figure_svg(request: AuthedRequest, slug: str, frame: int | None = None) -> HttpResponse:
    """A figure as an SVG file: ``still-N.svg`` for keyframe N, ``moving.svg`` animated."""
    if slug not in load_figures():
        raise Http404("No such figure.")
    if frame is not None and frame >= len(load_figures()[slug].frames):
        raise Http404("No such keyframe.")
    svg = _figure(slug, frame)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    # Opened on its own, the figure needs its own <style>; the page policy would refuse it.
    response["Content-Security-Policy"] = svg_document_policy(svg)
    return response


# --- playing ---------------------------------------------------------------------------------


def _slugs(request: AuthedRequest) -> list[str]:
    return [slug for slug in request.GET.getlist("e") if slug]


def _pain(value: str) -> int | None:
    value = value.strip()
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError("Pain is a whole number from 0 to 10.", code="pain") from None


@require_http_methods(["GET", "POST"])
@queued.answers_queue("Not found: a knot in this session was deleted elsewhere.")
def play_new(request: AuthedRequest) -> HttpResponse:
    """Before playing: the routine, its length, and how the knots it works on feel now."""
    slugs = _slugs(request) if request.method == "GET" else request.POST.getlist("e")
    try:
        exercises = services.routine(slugs)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("library")
    back = f"{reverse('play_new')}?{urlencode([('e', slug) for slug in slugs])}"
    refused = guard.refuse_play(request, exercises, back)
    if refused is not None:
        return refused
    knots = services.targeted_knots(request.user, exercises)
    muscles = load_muscles()
    error = ""
    if request.method == "POST":
        try:
            before = {
                knot.pk: _pain(request.POST.get(f"before-{knot.pk}", ""))
                for knot in knots
                if request.POST.get(f"include-{knot.pk}")
            }
            cid = queued.client_id(request)
            session, _ = queued.once(
                Session,
                cid,
                owned=Q(user=request.user),
                create=lambda: services.start(
                    request.user,
                    slugs,
                    before=before,
                    token=request.POST.get("token", ""),
                    client_id=cid,
                ),
                same=lambda s: (
                    list(s.exercises.order_by("position").values_list("slug", flat=True))
                    == [e.slug for e in exercises]
                ),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("play", session_id=session.pk)
    steps = services.script(exercises, services.active_knots(request.user))
    whys = {step.item: step.why for step in steps if step.why}
    doses = [
        dose_as_played(e.dose.describe(), [s for s in steps if s.item == n])
        for n, e in enumerate(exercises)
    ]
    return render(
        request,
        "practice/play_new.html",
        {
            "cards": [(_card(e), whys.get(n, ""), doses[n]) for n, e in enumerate(exercises)],
            "slugs": slugs,
            "knots": [
                (knot, f"before-{knot.pk}", muscles[knot.muscle].name if knot.muscle else "")
                for knot in knots
            ],
            "total": _minutes(total_seconds(steps)),
            "error": error,
            "pains": range(11),
            "token": request.POST.get("token") or secrets.token_urlsafe(16),
        },
        status=400 if error else 200,
    )


@require_GET
def play(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = services.session_for(request.user, session_id)
    if not session.is_open:
        return redirect("session", session_id=session.pk)
    refused = guard.refuse_play(request, services.exercises_of(session), request.path)
    if refused is not None:
        return refused
    return _player(request, session)


def _planned_sets(steps: list[Step]) -> dict[int, int]:
    """Per exercise with reps: the most sets any one side gets in this script."""
    found: dict[int, int] = {}
    for step in steps:
        if step.state == "reps":
            found[step.item] = max(found.get(step.item, 0), step.sets)
    return found


def _shown_number(value: str) -> int | None:
    """A number posted back into the refused form, if it is a small whole one."""
    return int(value) if value.isascii() and value.isdecimal() and len(value) <= 9 else None


def _player(
    request: AuthedRequest, session: Session, posted: dict[str, str] | None = None, error: str = ""
) -> HttpResponse:
    """The player page; after a refused save, the finish form comes back as it was filled."""
    posted = posted or {}
    exercises = services.exercises_of(session)
    steps = services.script(exercises, services.active_knots(request.user))
    planned_sets = _planned_sets(steps)
    script = {
        "steps": [step.as_json() for step in steps],
        "exercises": [
            {
                "slug": e.slug,
                "name": e.name,
                "figure": reverse("figure_moving", args=[e.slug]),
                "cues": list(e.cues),
            }
            for e in exercises
        ],
        "total": total_seconds(steps),
    }
    rows = []
    for row in session.knots.select_related("knot"):
        name = f"after-{row.knot_id}"
        value = posted.get(name, "")
        rows.append((row, name, _shown_number(value)))
    reached = posted.get("reached", "")
    shown = _shown_number(reached)
    shown = len(exercises) if shown is None else shown
    items = []
    for n, e in enumerate(exercises):
        counted = None
        if n in planned_sets:
            counted = {
                "sets": posted.get(f"sets-done-{n}", planned_sets[n]),
                "reps": posted.get(f"reps-done-{n}", e.dose.reps),
                "planned_sets": planned_sets[n],
                "each_side": e.dose.per_side,
            }
        items.append(
            {
                "n": n,
                "e": e,
                "name": f"verdict-{n}",
                "chosen": posted.get(f"verdict-{n}", ""),
                "counted": counted,
                "reached": n < shown,
            }
        )
    return render(
        request,
        "practice/play.html",
        {
            "session": session,
            "script": script,
            "planned": _minutes(total_seconds(steps)),
            "rows": rows,
            "items": items,
            "pains": range(11),
            "verdicts": SessionExercise.Verdict.choices,
            "error": error,
            "posted": posted,
            "reached": reached or str(len(exercises)),
            "left_out": shown < len(exercises),
        },
        status=400 if error else 200,
    )


def _whole(value: str, what: str) -> int | None:
    value = value.strip()
    if value == "":
        return None
    if not value.isascii() or not value.isdecimal():
        raise ValidationError(f"{what} is a whole number.", code="number")
    if len(value) > 9:  # int() refuses 5,000 digits with an error of its own
        raise ValidationError(f"{what} is too large.", code="number")
    return int(value)


@require_POST
@queued.answers_queue("This session is gone (discarded elsewhere?), so it was not saved.")
def play_finish(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = services.session_for(request.user, session_id)
    if not session.is_open:
        messages.info(request, "This session was already saved.")
        return redirect("session", session_id=session.pk)
    try:
        after = {
            row.knot_id: _pain(request.POST.get(f"after-{row.knot_id}", ""))
            for row in session.knots.all()
        }
        reached = _whole(request.POST.get("reached", ""), "The number of exercises reached")
        played = _whole(request.POST.get("played", ""), "Played time") or 0
        library = load_exercises()
        verdicts: dict[int, str] = {}
        done: dict[int, tuple[int | None, int | None]] = {}
        for row in session.exercises.all():
            n = row.position
            if reached is not None and n >= reached:
                continue  # not played: neither asked nor answered
            verdicts[n] = request.POST.get(f"verdict-{n}", "")
            if row.slug in library and library[row.slug].dose.reps:
                sets = _whole(request.POST.get(f"sets-done-{n}", ""), "Sets done")
                reps = _whole(request.POST.get(f"reps-done-{n}", ""), "Reps done")
                if sets is not None or reps is not None:
                    done[n] = (sets, reps)
        services.finish(
            request.user,
            session.pk,
            after=after,
            verdicts=verdicts,
            played_seconds=played,
            stopped=request.POST.get("stopped") == "1",
            note=request.POST.get("note", ""),
            reached=reached,
            done=done,
        )
    except ValidationError as exc:
        return _player(request, session, posted=request.POST.dict(), error=exc.messages[0])
    messages.success(request, "Session saved.")
    return redirect("session", session_id=session.pk)


@require_POST
def play_discard(request: AuthedRequest, session_id: int) -> HttpResponse:
    try:
        services.discard(request.user, session_id)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("session", session_id=session_id)
    messages.success(request, "Discarded the unsaved session.")
    return redirect("sessions")


@require_GET
def session_page(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = services.session_for(request.user, session_id)
    library = load_exercises()
    items = [(row, library.get(row.slug)) for row in session.exercises.all()]
    offers = guard.offers(request.user, services.exercises_of(session))
    return render(
        request,
        "practice/session.html",
        {
            "session": session,
            "counts": services.counts_as_done(session),
            "items": items,
            "rows": list(session.knots.select_related("knot")),
            "played": _minutes(session.played_seconds),
            "planned": _minutes(session.planned_seconds),
            "again": reverse("play_new")
            + "?"
            + "&".join(f"e={row.slug}" + (f":{row.reps}" if row.reps else "") for row, _ in items)
            if offers.any and not offers.held
            else "",
            "offers": offers,
        },
    )
