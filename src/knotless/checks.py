"""System checks for deployment settings that Django cannot know are wrong for knotless."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register

from knotless import config


@register("deploy")
def check_secret_key_is_shared(**kwargs: Any) -> list[Warning]:
    """Several workers on PostgreSQL need one secret key; a generated one is per machine."""
    if config.database_url() and not config.env_str("KNOTLESS_SECRET_KEY"):
        return [
            Warning(
                "KNOTLESS_DATABASE_URL is set but KNOTLESS_SECRET_KEY is not: each machine "
                "generates its own key, so sessions break across workers on different machines.",
                hint="Set KNOTLESS_SECRET_KEY to the same long random value everywhere.",
                id="knotless.W001",
            )
        ]
    return []
