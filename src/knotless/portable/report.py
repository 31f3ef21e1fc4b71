"""A report to hand a physio: one page a knot, printable from the browser as a PDF.

Why the browser's print and not a PDF library: every person already has a browser that prints
to PDF, the report is the same HTML they can read on screen, and the print style sheet makes it
black-and-white friendly and one page a knot. No extra dependency to keep safe.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from knotless.accounts.services import profile_for, user_zone
from knotless.accounts.typing import AuthedRequest
from knotless.atlas.bodymap import render_view, view_for
from knotless.atlas.sprite import sprite_url
from knotless.forms import Form
from knotless.insights import services as insights
from knotless.journal.models import CheckIn, Knot
from knotless.lib.charts import pain_chart
from knotless.library.exercises import load_exercises
from knotless.practice.models import SessionExercise, SessionKnot
from knotless.safety.checklist import load_flags
from knotless.safety.models import Screening
from knotless.safety.policy import knot_areas

WEEKS = (2, 5, 8, 13)


class QuestionsForm(Form):
    questions = forms.CharField(
        label="Questions for your physio",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Printed at the end of the report.",
    )


@dataclass(frozen=True, slots=True)
class KnotPage:
    knot: Knot
    figure: str
    chart: str
    weeks: list[tuple[str, float | None, int]]  # week label, mean, ratings
    sessions: int
    helped: list[str]
    hurt: list[str]
    screenings: list[tuple[Any, list[str]]]  # screening, ticked questions in words
    patterns: list[str]
    results: list[str]


def _figure(region: str, side: str, prefix: str) -> str:
    return render_view(
        view_for(region), selected={(region, side): 1.0}, id_prefix=prefix, sprite=sprite_url()
    )


@dataclass(frozen=True, slots=True)
class _Read:
    """Everything the report's pages need, read once for all knots."""

    ratings: dict[int, list[tuple[Any, int]]]
    sessions: dict[int, int]
    verdicts: dict[int, list[tuple[str, str]]]
    screenings: list[Any]

    @classmethod
    def of(cls, user: Any, knots: list[Knot], since: Any) -> _Read:
        ratings: dict[int, list[tuple[Any, int]]] = defaultdict(list)
        for knot_id, moment, pain in (
            CheckIn.objects.filter(knot__in=knots, moment__gte=since)
            .order_by("moment")
            .values_list("knot_id", "moment", "pain")
        ):
            ratings[knot_id].append((moment, pain))
        sessions = dict(
            SessionKnot.objects.filter(knot__in=knots, session__started_at__gte=since)
            .values("knot_id")
            .annotate(n=Count("id"))
            .values_list("knot_id", "n")
        )
        verdicts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for knot_id, slug, verdict in SessionExercise.objects.filter(
            session__knots__knot__in=knots, session__started_at__gte=since
        ).values_list("session__knots__knot_id", "slug", "verdict"):
            verdicts[knot_id].append((slug, verdict))
        screenings = list(
            Screening.objects.filter(user=user, created_at__gte=since).order_by("created_at")
        )
        return cls(ratings, sessions, verdicts, screenings)


def _page(
    user: Any, knot: Knot, since: Any, read: _Read, patterns: list[str], results: list[str]
) -> KnotPage:
    zone = user_zone(user)
    ratings = read.ratings.get(knot.pk, [])
    series = tuple((timezone.localtime(m, zone).replace(tzinfo=None), p) for m, p in ratings)
    chart = pain_chart(series, id_prefix=f"report-{knot.pk}").html if series else ""
    weeks = []
    end = timezone.localdate()
    start = since.date()
    while start <= end:
        stop = start + timedelta(days=7)
        inside = [p for m, p in ratings if start <= timezone.localtime(m, zone).date() < stop]
        mean = round(sum(inside) / len(inside), 1) if inside else None
        weeks.append((f"{start:%d %b}", mean, len(inside)))
        start = stop
    library = load_exercises()
    verdicts = read.verdicts.get(knot.pk, [])
    helped = sorted({library[s].name for s, v in verdicts if v == "helped" and s in library})
    hurt = sorted({library[s].name for s, v in verdicts if v == "hurt" and s in library})
    areas = knot_areas(knot)
    flags = {f.id: f.question for f in load_flags()}
    screenings = [
        (s, [flags.get(t, t) for t in s.ticked]) for s in read.screenings if s.area_set & areas
    ]
    return KnotPage(
        knot,
        _figure(knot.region, knot.side, f"report-map-{knot.pk}"),
        chart,
        weeks,
        read.sessions.get(knot.pk, 0),
        helped,
        hurt,
        screenings,
        patterns,
        results,
    )


@require_http_methods(["GET", "POST"])
def report_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    profile = profile_for(user)
    if request.method == "POST":
        form = QuestionsForm(request.POST)
        if form.is_valid():
            profile.report_questions = form.cleaned_data["questions"].strip()
            profile.save(update_fields=["report_questions"])
            messages.success(request, "Questions saved; they print at the end.")
            return redirect("report")
    weeks = request.GET.get("weeks", "5")
    span = next((w for w in WEEKS if str(w) == weeks), 5)  # never int() of whatever came in
    since = timezone.now() - timedelta(weeks=span)
    knots = list(
        Knot.objects.filter(user=user)
        .exclude(status=Knot.Status.UNTIED, untied_at__lt=since)
        .order_by("first_felt", "id")
    )
    active = [k for k in knots if k.is_active]
    found = {kp.knot.pk: kp.sentences for kp in insights.knot_patterns(user, active) if kp.knot}
    results: dict[int, list[str]] = {}
    for experiment in user.experiments.exclude(status="running").select_related("knot"):
        result = insights.result(user, experiment)
        results.setdefault(experiment.knot_id, []).append(
            f"{result.sentence} (80 % interval {result.effect.low:.1f} to "
            f"{result.effect.high:.1f}; followed on {round(result.adherence * 100)} % of days.)"
        )
    read = _Read.of(user, knots, since)
    pages = [_page(user, k, since, read, found.get(k.pk, []), results.get(k.pk, [])) for k in knots]
    return render(
        request,
        "portable/report.html",
        {
            "pages": [(p, mark_safe(p.figure), mark_safe(p.chart)) for p in pages],
            "span": span,
            "spans": WEEKS,
            "form": QuestionsForm(initial={"questions": profile.report_questions}),
            "questions": profile.report_questions,
            "made": timezone.localtime(timezone.now(), user_zone(user)),
        },
    )
