"""What helped: patterns per knot with their uncertainty, experiments, and how it works."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from knotless.accounts.services import local_today
from knotless.accounts.typing import AuthedRequest
from knotless.insights import charts, services
from knotless.insights.facts import EXPERIMENTS, habit_words
from knotless.insights.models import Experiment
from knotless.journal.models import Knot
from knotless.lib import patterns
from knotless.safety.policy import Gates


def _int(value: str | None) -> int | None:
    if value and value.isascii() and value.isdecimal() and len(value) <= 18:
        return int(value)
    return None


@require_GET
def insights_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    knots = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("id"))
    today = local_today(user)
    found = services.knot_patterns(user, knots, today)
    gates = Gates(user)
    running = {i.experiment.knot_id: i for i in services.instructions(user, today, gates)}
    finished = [
        services.result(user, e)
        for e in Experiment.objects.filter(user=user)
        .exclude(status=Experiment.Status.RUNNING)
        .select_related("knot")[:6]
    ]
    cards = []
    for kp in found:
        cards.append(
            {
                "kp": kp,
                "chart": charts.effects_chart(kp.shown, habit_words) if kp.shown else None,
                "rows": [
                    (e, habit_words(e.habit), services.chance(e.p_one_point)) for e in kp.shown
                ],
                # A shown pattern about a habit knotless can test: one tap starts the experiment.
                "testable": [
                    (sentence, e.habit)
                    for sentence, e in zip(kp.sentences, kp.shown, strict=True)
                    if e.habit in EXPERIMENTS
                ],
                "waiting": [(e, habit_words(e.habit)) for e in kp.waiting[:4]],
                "running": running.get(kp.knot.pk) if kp.knot else None,
                **_history(kp, running.get(kp.knot.pk) if kp.knot else None),
            }
        )
    return render(
        request,
        "insights/insights.html",
        {
            "cards": cards,
            "finished": finished,
            "experiments": sorted(EXPERIMENTS.values(), key=lambda h: h.key),
            "knots": knots,
            "emergency": gates.emergency,
        },
    )


def _history(kp: services.KnotPatterns, running: services.Instruction | None) -> dict[str, object]:
    """The knot's pain over the window, with the running experiment's "do it" phases or the
    strongest pattern's habit days shaded, and the same numbers as a table."""
    if running is not None:
        phases = services.schedule_of(running.experiment)
        shaded = [
            p.start + timedelta(days=n)
            for p in phases
            if p.arm == "B"
            for n in range((p.end - p.start).days + 1)
        ]
        label = "experiment: “do it” phases"
    elif kp.shown:
        habit = kp.shown[0].habit
        shaded = [d.day for d in kp.days if d.habits.get(habit) == 1]
        label = f"days you {habit_words(habit)}"
    else:
        return {"history": None, "history_rows": []}
    marked = set(shaded)
    rows = [(d.day, d.pain, d.day in marked) for d in reversed(kp.days) if d.pain is not None]
    return {
        "history": charts.pain_with_days(kp.days, shaded, label),
        "history_rows": rows,
        "history_label": label,
    }


@require_POST
def experiment_start(request: AuthedRequest) -> HttpResponse:
    knot_id = _int(request.POST.get("knot"))
    if knot_id is None:
        raise Http404("No such knot.")
    phases = _int(request.POST.get("phases")) or 4
    days = _int(request.POST.get("days")) or 7
    if Gates(request.user).emergency is not None:
        messages.error(request, "Not while an emergency answer stands: get medical help first.")
        return redirect("insights")
    try:
        experiment = services.start_experiment(
            request.user,
            knot_id,
            request.POST.get("habit", "")[:40],
            phases=phases,
            days_per_phase=days,
        )
    except Knot.DoesNotExist as exc:
        raise Http404("No such knot.") from exc
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("insights")
    messages.success(
        request,
        f"Experiment set for {experiment.knot.label.lower()}: it starts tomorrow, and Today "
        "says each day what to do.",
    )
    return redirect("insights")


@require_POST
def experiment_answer(request: AuthedRequest, experiment_id: int) -> HttpResponse:
    followed = request.POST.get("followed")
    try:
        day = date.fromisoformat(request.POST.get("day", "")[:10])
    except ValueError:
        day = local_today(request.user)
    try:
        if followed not in ("yes", "no"):
            if not Experiment.objects.filter(user=request.user, pk=experiment_id).exists():
                raise Experiment.DoesNotExist
            raise ValidationError("Say whether you followed today's instruction.")
        services.answer(request.user, experiment_id, day, followed == "yes")
    except Experiment.DoesNotExist as exc:
        raise Http404("No such experiment.") from exc
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Noted for the experiment.")
    target = request.POST.get("next", "")
    return redirect(reverse("today") if target == "today" else reverse("insights"))


@require_POST
def experiment_stop(request: AuthedRequest, experiment_id: int) -> HttpResponse:
    try:
        services.stop_experiment(request.user, experiment_id)
    except Experiment.DoesNotExist as exc:
        raise Http404("No such experiment.") from exc
    messages.success(
        request, "Experiment stopped early: its result uses the days so far, and says so."
    )
    return redirect("insights")


@require_GET
def how_page(request: AuthedRequest) -> HttpResponse:
    """How the patterns are found, with the person's own numbers for one habit."""
    user = request.user
    knots = list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("id"))
    example = None
    for kp in services.knot_patterns(user, knots):
        candidates = kp.shown or [e for e in kp.findings.effects if e.enough]
        if candidates:
            e = candidates[0]
            example = (
                kp,
                e,
                habit_words(e.habit),
                services.chance(e.p_benefit),
                services.chance(e.p_one_point),
            )
            break
    return render(
        request,
        "insights/how.html",
        {
            "example": example,
            "minimum": patterns.MIN_DAYS,
            "prior": f"{patterns.HABIT_PRIOR_SD:g}",
            "show_p": round(patterns.SHOW_P * 100),
            "doc": patterns.__doc__ or "",
        },
    )
