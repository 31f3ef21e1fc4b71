"""The training log on the web: log, copy last time, rate, answer the morning question, edit."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotless import fragments, queued
from knotless.accounts.services import local_today, profile_for, user_zone
from knotless.accounts.typing import AuthedRequest
from knotless.journal.models import Knot
from knotless.lib import setgrammar
from knotless.library.exercises import load_exercises
from knotless.safety.policy import Gates
from knotless.training import coaching, services
from knotless.training.forms import EFFORT_WORDS, EntryForm, LiftForm, SessionForm
from knotless.training.log_parts import LogParts, log_parts
from knotless.training.models import Entry, Workout

SESSION_ERRORS = {
    "kind": "Pick what kind of session it was from the list.",
    "minutes": "Minutes go from 1 to 1440.",
    "effort": "Effort goes from 0 (rest) to 10 (maximal).",
    "title": "A title has at most 80 characters.",
    "day": "Give the day as a date, such as 2026-12-04.",
}


def _int(value: str | None) -> int | None:
    if value and value.isascii() and value.isdecimal() and len(value) <= 18:
        return int(value)
    return None


def _first_error(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else "That could not be saved."


def _lift_names() -> list[str]:
    return sorted(e.name for e in load_exercises().values() if e.kind == "strength")


def _page(request: AuthedRequest, form: LiftForm, first_time: Any = None) -> HttpResponse:
    user = request.user
    now = timezone.now()
    today = local_today(user, now)
    gates = Gates(user)
    current = services.current_workout(user)
    entries = list(current.entries.select_related("own").order_by("position")) if current else []
    knots = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE))
    own = list(user.own_exercises.all())
    parts = log_parts(
        user,
        gates=gates,
        knots=knots,
        marks=services.settings_of(user),
        own=own,
        today=today,
        now=now,
    )
    return render(
        request,
        "training/log.html",
        {
            "form": form,
            "first_time": first_time,
            "current": current,
            "entries": [(e, services.entry_lift(e)) for e in entries],
            "lifts": _drawn(
                request,
                "training/_lifts.html",
                parts,
                {"recent": parts.recent, "emergency": gates.emergency is not None},
                gates.emergency is not None,
            ),
            "names": _lift_names() + [o.name for o in own],
            "to_rate": parts.to_rate,
            "efforts": EFFORT_WORDS.items(),
            "morning": parts.morning,
            "flares": parts.flares,
            "load": parts.load,
            "past": _drawn(request, "training/_past.html", parts, {"workouts": parts.workouts}),
            "session_form": SessionForm(),
            "emergency": gates.emergency,
            "units": profile_for(user).units,
        },
    )


def _drawn(
    request: AuthedRequest,
    template: str,
    parts: LogParts,
    context: dict[str, Any],
    *also: bool,
) -> SafeString:
    """A part of the page drawn from ``parts`` (and ``also``, the rest of ``context``), kept
    under what they are kept under, ``also`` and the CSRF cookie (its forms carry a token made
    from it); drawn afresh for someone who never trained or before the cookie is set."""
    cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    full = {**context, "csrf_token": get_token(request)}
    if parts.key is None or not cookie:
        return mark_safe(render_to_string(template, full))  # the template escapes its values
    return fragments.kept(template, (parts.key, also, cookie), lambda: full)


@require_GET
def log_page(request: AuthedRequest) -> HttpResponse:
    initial = {k: request.GET[k][:1000] for k in ("exercise", "sets") if k in request.GET}
    return _page(request, LiftForm(initial=initial))


@require_POST
@queued.answers_queue("Not found: it was deleted elsewhere, so the set was not logged.")
def log_lift(request: AuthedRequest) -> HttpResponse:
    cid = queued.client_id(request)
    form = LiftForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    data = form.cleaned_data
    try:
        # A typo in the sets is told before anything else.
        sets_text = setgrammar.format_entry(services.read_sets(data["sets"]))
    except ValidationError as exc:
        form.add_error("sets", exc)
        return _page(request, form)
    try:
        lift = services.find_lift(request.user, data["exercise"], create=False)
    except ValidationError:
        lift = None  # a new own exercise: made when the entry is saved
    # Sent later from the offline queue: the sets were done already, so the first-time
    # checklist cannot come before them; store them and point to the checklist instead.
    later = request.headers.get(queued.HEADER) == "1"
    first_time = (
        lift is not None
        and request.POST.get("first_time_seen") != "1"
        and coaching.needs_first_time(request.user, lift)
    )
    if first_time and not later:
        return _page(request, form, first_time=lift)
    try:
        entry, _ = queued.once(
            Entry,
            cid,
            owned=Q(workout__user=request.user),
            create=lambda: services.log_lift(
                request.user,
                data["exercise"],
                data["sets"],
                pain=data["pain"],
                familiar=data["familiar"],
                client_id=cid,
            ),
            same=lambda e: (e.sets_text, e.pain_during) == (sets_text, data["pain"]),
        )
    except ValidationError as exc:
        form.add_error("sets" if "set" in _first_error(exc).lower() else None, exc)
        return _page(request, form)
    name = services.entry_lift(entry).name
    messages.success(request, f"Logged {name}: {entry.sets_text}.")
    if first_time and later:
        messages.info(
            request,
            f"First time logging {name}: read its technique checklist before the next sets "
            "(the training page shows it when you log it again).",
        )
    return redirect(f"{reverse('training')}#entry-{entry.pk}")


@require_POST
def log_session(request: AuthedRequest) -> HttpResponse:
    form = SessionForm(request.POST)
    if not form.is_valid():
        # Fixed words per field: Django's own messages would quote what was typed.
        for field in form.errors:
            messages.error(request, SESSION_ERRORS.get(field, "Check the session's details."))
        return redirect("training")
    data = form.cleaned_data
    when = None
    if data["day"] is not None:
        if data["day"] > local_today(request.user):
            messages.error(request, "That day is in the future.")
            return redirect("training")
        if data["day"] != local_today(request.user):
            when = datetime.combine(data["day"], time(12, 0), tzinfo=user_zone(request.user))
    try:
        workout = services.log_session(
            request.user,
            data["kind"],
            data["minutes"],
            effort=data["effort"],
            when=when,
            title=data["title"],
        )
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
        return redirect("training")
    load = f", load {workout.load} (effort × minutes)" if workout.load is not None else ""
    messages.success(request, f"Logged {workout.label.lower()}, {workout.minutes} min{load}.")
    return redirect("training")


@require_POST
def rate_workout(request: AuthedRequest, workout_id: int) -> HttpResponse:
    effort = _int(request.POST.get("effort"))
    try:
        services.own_workout(request.user, workout_id)  # someone else's: 404 before anything
        if effort is None:
            raise ValidationError("Pick how hard it was, from 0 to 10.")
        minutes = _int(request.POST.get("minutes"))
        workout = services.rate(request.user, workout_id, effort, minutes)
    except Workout.DoesNotExist as exc:
        raise Http404("No such workout.") from exc
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(
            request, f"Rated {workout.label.lower()} {effort}/10 over {workout.minutes} min."
        )
    return redirect(_next(request, "training"))


@require_POST
def answer_morning(request: AuthedRequest, entry_id: int) -> HttpResponse:
    try:
        services.own_entry(request.user, entry_id)  # someone else's: 404 before anything
        services.answer_morning(request.user, entry_id, request.POST.get("answer", ""))
    except Entry.DoesNotExist as exc:
        raise Http404("No such entry.") from exc
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, "Thanks: progression takes that into account.")
    return redirect(_next(request, "training"))


def _next(request: AuthedRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target in ("today", "training"):
        return reverse(target)
    return reverse(default)


@require_POST
def copy_lift(request: AuthedRequest) -> HttpResponse:
    """One tap: log last time's sets of this lift again."""
    lift = services.lift_by_key(request.user, request.POST.get("lift", "")[:40])
    if lift is None:
        raise Http404("No such exercise.")
    sets = services.last_sets(request.user, lift)
    if sets is None:
        messages.error(request, f"{lift.name} has no earlier sets to copy.")
        return redirect("training")
    entry = services.log_lift(request.user, lift.name, sets)
    messages.success(request, f"Logged {lift.name} as last time: {entry.sets_text}.")
    return redirect(f"{reverse('training')}#entry-{entry.pk}")


@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedRequest, entry_id: int) -> HttpResponse:
    try:
        entry = services.own_entry(request.user, entry_id)
    except Entry.DoesNotExist as exc:
        raise Http404("No such entry.") from exc
    lift = services.entry_lift(entry)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                services.edit_entry(
                    request.user,
                    entry.pk,
                    form.cleaned_data["sets"],
                    pain=form.cleaned_data["pain"],
                    familiar=form.cleaned_data["familiar"],
                )
            except ValidationError as exc:
                form.add_error("sets", exc)
            else:
                messages.success(request, f"Saved {lift.name}.")
                return redirect("training_workout", workout_id=entry.workout_id)
    else:
        familiar = {True: "yes", False: "no", None: ""}[entry.familiar_knot]
        form = EntryForm(
            initial={"sets": entry.sets_text, "pain": entry.pain_during, "familiar": familiar}
        )
    return render(request, "training/entry_edit.html", {"form": form, "entry": entry, "lift": lift})


@require_POST
def entry_delete(request: AuthedRequest, entry_id: int) -> HttpResponse:
    try:
        entry = services.delete_entry(request.user, entry_id)
    except Entry.DoesNotExist as exc:
        raise Http404("No such entry.") from exc
    messages.success(request, f"Deleted {entry.sets_text}.")
    if Workout.objects.filter(pk=entry.workout_id).exists():
        return redirect("training_workout", workout_id=entry.workout_id)
    return redirect("training")


@require_GET
def workout_page(request: AuthedRequest, workout_id: int) -> HttpResponse:
    try:
        workout = services.own_workout(request.user, workout_id)
    except Workout.DoesNotExist as exc:
        raise Http404("No such workout.") from exc
    entries = list(workout.entries.select_related("own").order_by("position"))
    return render(
        request,
        "training/workout.html",
        {
            "workout": workout,
            "entries": [(e, services.entry_lift(e)) for e in entries],
            "started": timezone.localtime(workout.started_at, user_zone(request.user)),
            "efforts": EFFORT_WORDS.items(),
        },
    )


@require_POST
def workout_delete(request: AuthedRequest, workout_id: int) -> HttpResponse:
    try:
        workout = services.delete_workout(request.user, workout_id)
    except Workout.DoesNotExist as exc:
        raise Http404("No such workout.") from exc
    messages.success(request, f"Deleted {workout.label.lower()} of {workout.day:%d %b}.")
    return redirect("training")
