from __future__ import annotations

from django import template

from knotless.safety.guard import Offers
from knotless.safety.policy import Verdict

register = template.Library()


@register.filter
def held(offers: Offers, slug: str) -> Verdict | None:
    """Why an exercise is held back from playing, or None when it may be played."""
    return offers.held.get(slug)
