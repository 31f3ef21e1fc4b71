from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_name(regions: dict[str, Any], slug: str) -> str:
    """A region's display name, lower-cased to sit inside a sentence."""
    region = regions.get(slug)
    return region.name.lower() if region is not None else slug
