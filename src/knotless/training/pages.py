"""Training pages that read the history: the load, one lift over time, and the import."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from knotless import fragments
from knotless.accounts.services import local_today, profile_for
from knotless.accounts.typing import AuthedRequest
from knotless.lib import load as loadmath
from knotless.lib import trainchart
from knotless.lib.importers import ImportFormatError
from knotless.library.exercises import load_exercises
from knotless.safety.policy import Gates
from knotless.training import coaching, importing, insights, programmes, services
from knotless.training.forms import ImportForm, TrainingSettingsForm

MAX_UPLOAD = 5 * 1024 * 1024
TABLE_DAYS = 30  # the lift table shows the latest days; ?all=1 shows every one


@require_GET
def load_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = local_today(user)
    marks = services.settings_of(user)
    # The charts and tables rest on the workouts, their exercises and sets, the settings'
    # marks and the day alone: they are kept under those (fragments.py), the workouts as
    # their number and summed revisions, which the database moves with every write to any
    # of them (training/0006, 0008). A visit with nothing new written reads two small rows.
    body = fragments.kept(
        "training/_load_body.html",
        (user.pk, today, services.workout_tally(user), marks.ratio_jump, marks.week_jump),
        lambda: _load_context(
            today, insights.load_view(user, today, marks), *insights.weekly_volume(user, today)
        ),
    )
    return render(request, "training/load.html", {"body": body})


def _load_context(
    today: date,
    view: insights.LoadView,
    starts: list[date],
    groups: list[insights.GroupWeek],
) -> dict[str, Any]:
    chart = None
    if view.days and any(d.load for d in view.days):
        start = view.days[0].day
        chart = trainchart.chart(
            start,
            today,
            bars=[(d.day, d.load) for d in view.days],
            bar_label="daily load (effort × minutes)",
            lines=[
                trainchart.Series(
                    [(d.day, d.acute) for d in view.days], "chart-line", "7-day average"
                ),
                trainchart.Series(
                    [(d.day, d.chronic) for d in view.days], "chart-line2", "28-day average"
                ),
            ],
            shade=[
                d.day
                for d in view.days
                if view.summary.enough_history
                and d.ratio is not None
                and d.ratio >= view.ratio_jump
                and (d.day - view.days[0].day).days >= 0
            ],
            shade_label=f"7-day average ≥ {view.ratio_jump:g}× the 28-day one",
        )
    volume_chart = None
    if groups:
        volume_chart = trainchart.chart(
            starts[0],
            starts[-1] + timedelta(days=6),
            bars=[
                (start + timedelta(days=3), float(sum(g.sets[i] for g in groups)))
                for i, start in enumerate(starts)
            ],
            bar_label="work sets that week, all groups",
            bar_days=7,
        )
    return {
        "view": view,
        "summary": view.summary,
        "chart": mark_safe(chart) if chart else None,
        "volume_chart": mark_safe(volume_chart) if volume_chart else None,
        "table_days": list(reversed(view.days[-28:])),
        "weeks": list(reversed(view.weeks)),
        "starts": starts,
        "groups": groups,
        "ratio_jump": f"{view.ratio_jump:g}",
        "week_jump": f"{view.week_jump:g}",
        "evidence": loadmath.EVIDENCE_NOTE,
    }


@require_GET
def lift_page(request: AuthedRequest, key: str) -> HttpResponse:
    lift = services.lift_by_key(request.user, key[:40])
    if lift is None:
        raise Http404("No such exercise.")
    days = insights.lift_days(request.user, lift)
    show_all = request.GET.get("all") == "1"
    unit = services.unit_of(request.user)
    factor = float(services.LB) if unit == "lb" else 1.0

    def shown(kg: Decimal | float | None) -> float | None:
        return None if kg is None else round(float(kg) / factor, 1)

    chart = None
    if days:
        chart = trainchart.chart(
            days[0].day,
            max(days[-1].day, days[0].day + timedelta(days=13)),
            lines=[
                trainchart.Series(
                    [(d.day, shown(d.e1rm)) for d in days],
                    "chart-line",
                    f"estimated one-rep max ({unit})",
                ),
                trainchart.Series(
                    [(d.day, shown(d.best_kg)) for d in days],
                    "chart-dots",
                    f"heaviest set ({unit})",
                    dots=True,
                ),
            ]
            if any(d.best_kg is not None for d in days)
            else [
                trainchart.Series(
                    [(d.day, float(d.best_reps)) for d in days], "chart-line", "most reps in a set"
                )
            ],
        )
    gates = Gates(request.user)
    return render(
        request,
        "training/lift.html",
        {
            "lift": lift,
            "exercise": lift.exercise,
            "technique": lift.exercise.technique if lift.exercise is not None else None,
            "days": [
                (
                    d,
                    services.show_load(d.best_kg, unit),
                    "" if d.e1rm is None else f"{shown(d.e1rm):g} {unit}",
                    "" if not d.volume_kg else f"{shown(d.volume_kg):,.0f} {unit}",
                )
                for d in list(reversed(days))[: None if show_all else TABLE_DAYS]
            ],
            "acceptable": services.settings_of(request.user).acceptable_pain,
            "hidden": 0 if show_all else max(0, len(days) - TABLE_DAYS),
            "total": len(days),
            "chart": mark_safe(chart) if chart else None,
            "next": coaching.next_time(request.user, lift, gates=gates),
            "emergency": gates.emergency,
            "logged": bool(days),
        },
    )


@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    report = None
    units = "lb" if profile_for(request.user).units == "imperial" else "kg"
    form = ImportForm(initial={"weight_unit": units})
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", "The file is larger than 5 MB; export a shorter period.")
            else:
                raw = upload.read(MAX_UPLOAD + 1)
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = raw.decode("latin-1")
                try:
                    report = importing.import_text(
                        request.user, text, weight_unit=form.cleaned_data["weight_unit"]
                    )
                except ImportFormatError as exc:
                    form.add_error("file", str(exc))
                else:
                    messages.success(
                        request,
                        f"Imported {report.workouts} workout{'s' * (report.workouts != 1)} "
                        f"with {report.sets} sets.",
                    )
    return render(request, "training/import.html", {"form": form, "report": report})


@require_http_methods(["GET", "POST"])
def programme_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        key = request.POST.get("start", "")
        if request.POST.get("stop") == "1":
            programmes.stop(user)
            messages.success(request, "Programme stopped. Your logged training stays.")
        elif key in programmes.TEMPLATES:
            programmes.start(user, key)
            messages.success(request, f"Started the {programmes.TEMPLATES[key].name.lower()}.")
        else:
            messages.error(request, "Pick one of the programmes below.")
        return redirect("training_programme")
    gates = Gates(user)
    followed = programmes.active(user)
    rows = []
    if followed is not None:
        library = load_exercises()
        for item in followed[1].items:
            exercise = library[item.slug]
            lift = services.Lift(f"lib:{item.slug}", exercise.name, exercise)
            advice = coaching.next_time(user, lift, gates=gates)
            rows.append((item, lift, advice))
    return render(
        request,
        "training/programme.html",
        {
            "templates": list(programmes.TEMPLATES.values()),
            "followed": followed[0] if followed else None,
            "template": followed[1] if followed else None,
            "rows": rows,
            "emergency": gates.emergency,
        },
    )


@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest) -> HttpResponse:
    marks = services.settings_of(request.user)
    unit = services.unit_of(request.user)
    form = TrainingSettingsForm(instance=marks, unit=unit)
    if request.method == "POST":
        form = TrainingSettingsForm(request.POST, instance=marks, unit=unit)
        if form.is_valid():
            form.save()
            messages.success(request, "Training settings saved.")
            return redirect("training")
    return render(request, "training/settings.html", {"form": form})
