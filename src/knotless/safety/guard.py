"""The safety gate on the web pages that offer exercises to play (library, exercise page,
player, session pages): what each may offer, and the one server-side stop before playing.

The rule itself is :mod:`knotless.safety.policy`; this module only turns its verdicts into
what a page shows or where a request goes, so every page words them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from knotless.accounts.typing import AuthedRequest
from knotless.journal.models import Knot
from knotless.safety.models import Screening
from knotless.safety.policy import NEEDS_ANSWERS, ORDER, Gates, Verdict
from knotless.safety.views import emergency_page


def active_knots(user: Any) -> list[Knot]:
    return list(Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("id"))


@dataclass(frozen=True, slots=True)
class Offers:
    """Which of some exercises a page may offer to play."""

    emergency: Screening | None
    held: dict[str, Verdict] = field(default_factory=dict)  # slug -> why it is held back

    @property
    def any(self) -> bool:
        """Whether the page may offer anything to play at all."""
        return self.emergency is None

    def playable(self, slug: str) -> bool:
        return self.emergency is None and slug not in self.held


def offers(user: Any, exercises: Sequence[Any], gates: Gates | None = None) -> Offers:
    gates = gates or Gates(user)
    if gates.emergency is not None:
        return Offers(gates.emergency)
    held = gates.held(exercises, active_knots(user))
    return Offers(None, {e.slug: v for e, v in held})


def refuse_play(request: AuthedRequest, exercises: Sequence[Any], back: str) -> HttpResponse | None:
    """None when these exercises may be played now; otherwise the response instead: the
    emergency page, the safety questions (coming back to ``back``), or the refusal with
    the reason for each exercise held back. Every way into the player calls this, so a
    hand-made URL gets the same answer as a button."""
    gates = Gates(request.user)
    if gates.emergency is not None:
        return emergency_page(request, gates.emergency, status=403)
    held = gates.held(exercises, active_knots(request.user))
    if not held:
        return None
    waiting = [v for _, v in held if v.state == NEEDS_ANSWERS]
    if waiting:
        asked = Verdict(NEEDS_ANSWERS, frozenset(a for v in waiting for a in v.areas))
        return redirect(asked.check_url(back))
    worst = max((v for _, v in held), key=lambda v: ORDER.index(v.state))
    return render(
        request,
        "safety/refused.html",
        {"held": held, "worst": worst},
        status=403,
    )
