"""What the installed app reminds of, by the desk agent's rules, and which pages it keeps.

Breaks: the desk's break policy counts computer time (the agent or the desk page tick it); the
phone does not count, it only passes on an offer that is open, and stays quiet while the
agent runs, since the agent reminds on the computer (nobody is reminded twice). Water: behind
the day's pace, as the agent's sip hint. Check-ins: an active knot with no rating today.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from knotless.lib.days import day_bounds, local_date

MAX_KNOTS = 12
PLAN_DAYS = 3  # exercises planned on the last few days are the ones a person is doing


def status(user: Any) -> dict[str, Any]:
    from knotless.accounts.services import user_zone
    from knotless.desk import services as desk
    from knotless.hydration import services as water
    from knotless.journal.models import CheckIn, Knot

    now = timezone.now()
    agent = desk.agent_running(user)
    offer = None if agent else desk.status(user, now).offer
    drinks = water.today(user, now)
    start, end = day_bounds(local_date(now, user_zone(user)), user_zone(user))
    rated = set(
        CheckIn.objects.filter(knot__user=user, moment__gte=start, moment__lt=end).values_list(
            "knot_id", flat=True
        )
    )
    due = Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).exclude(pk__in=rated)
    return {
        "agent": agent,
        "break": offer.kind if offer else None,
        "break_url": reverse("desk"),
        "water_behind": drinks.behind > 0,
        "water_url": reverse("water"),
        "checkin": [k.label for k in due.order_by("pk")[:MAX_KNOTS]],
        "checkin_url": reverse("today"),
    }


def pages_to_keep(user: Any) -> list[str]:
    """Today, the body map, water and training, the person's active knots, and the exercise
    pages and figures of their recent plans. Read only: no plan is built for this."""
    from knotless.journal.models import Knot
    from knotless.practice.models import DayPlan

    urls = [
        reverse(name)
        for name in ("today", "knot_new", "journal", "water", "training", "plan", "library")
    ]
    knots = Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("pk")
    urls += [reverse("knot", args=[pk]) for pk in knots.values_list("pk", flat=True)[:MAX_KNOTS]]
    slugs: list[str] = []
    for items in (
        DayPlan.objects.filter(user=user)
        .order_by("-day")
        .values_list("items", flat=True)[: PLAN_DAYS * 3]
    ):
        slugs += [item["slug"] for item in items if item.get("slug") and item["slug"] not in slugs]
    for slug in slugs:
        urls += [reverse("exercise", args=[slug]), reverse("figure_moving", args=[slug])]
    return urls
