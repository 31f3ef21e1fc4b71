"""Journal operations. Views and CLI commands both call these, so the rules live in one place."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.atlas.muscles import get_muscle
from knotless.atlas.regions import get_region, load_regions, sides_for, sides_text
from knotless.journal.models import NOTE_MAX, PAIN_MAX, PAIN_MIN, CheckIn, Knot
from knotless.journal.summary import (
    KnotSummary,
    all_ratings,
    rating_stats,
    ratings_after,
    summaries,
    summary_of,
)
from knotless.lib.days import zone

__all__ = [  # read here by views, the CLI and insights
    "KnotSummary",
    "all_ratings",
    "rating_stats",
    "ratings_after",
    "summaries",
    "summary_of",
]

# A phone's clock and the server's may disagree a little; more than this is a typo.
CLOCK_SKEW = timedelta(minutes=5)


class StaleEdit(Exception):
    """The knot changed since the form was drawn (another tab saved first)."""


def knot_for(user: Any, knot_id: int) -> Knot:
    """The user's knot with this id, or 404: other people's knots do not exist for them."""
    try:
        pk, owner = int(knot_id), int(user.pk)
    except (ValueError, TypeError):
        raise Http404("No such knot.") from None
    if not 0 < pk < 2**63:  # no id is larger, and a database refuses to compare with one
        raise Http404("No such knot.")
    # Every knot page starts here: a raw query, as building it with the ORM cost more than
    # SQLite spent answering it.
    found = list(Knot.objects.raw(_KNOT_FOR, [pk, owner]))
    if not found:
        raise Http404("No such knot.")
    return found[0]


_KNOT_FOR = f"SELECT * FROM {Knot._meta.db_table} WHERE id = %s AND user_id = %s"


def check_pain(pain: int) -> int:
    if isinstance(pain, bool) or not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX:
        raise ValidationError(
            "Pain is a whole number from 0 (none) to 10 (worst imaginable).", code="pain"
        )
    return pain


def check_note(note: str) -> str:
    # Browsers send line breaks as CRLF but count them as one character against maxlength.
    note = note.replace("\r\n", "\n").strip()
    if "\x00" in note:
        # Forms refuse it already; the player posts its note directly, and PostgreSQL cannot
        # store a NUL in text at all.
        raise ValidationError(
            "A note cannot contain a null character; remove it and try again.", code="note"
        )
    if len(note) > NOTE_MAX:
        raise ValidationError(
            f"Notes can be up to {NOTE_MAX} characters; this one has {len(note)}.", code="note"
        )
    return note


def check_place(region: str, side: str) -> tuple[str, str]:
    """Validate a region slug and side together.

    Midline regions take 'center', paired ones 'left' or 'right', and a midline region with
    sides (between the shoulder blades) any of the three."""
    try:
        found = get_region(region)
    except (KeyError, ValueError) as exc:
        message = exc.args[0] if exc.args else f"Unknown region {region!r}."
        raise ValidationError(str(message), code="region") from None
    if side not in sides_for(found):
        raise ValidationError(
            f"{found.name} takes the side {sides_text(found)}, not {side!r}.", code="side"
        )
    return found.slug, side


def check_muscle(muscle: str) -> str:
    """An atlas muscle slug, or "" for not known."""
    muscle = muscle.strip().lower()
    if muscle:
        try:
            get_muscle(muscle)
        except KeyError as exc:
            raise ValidationError(
                f"{exc.args[0]} Muscles are given by their atlas name, such as upper-trapezius.",
                code="muscle",
            ) from None
    return muscle


def check_first_felt(first_felt: date, tz_name: str) -> date:
    today = timezone.now().astimezone(zone(tz_name)).date()
    if first_felt > today:
        raise ValidationError("The day you first felt it cannot be in the future.", code="future")
    if first_felt < date(1900, 1, 1):
        raise ValidationError("That first-felt date is too far in the past.", code="past")
    return first_felt


def local_moment(wall: datetime, tz_name: str) -> datetime:
    """A wall-clock time on the user's clock as an aware moment.

    In the hour repeated when clocks go back, the first occurrence is meant. A time skipped when
    clocks spring forward does not exist, and saying so beats silently shifting it.
    """
    tz = zone(tz_name)
    moment = wall.replace(tzinfo=tz)
    try:
        round_trip = moment.astimezone(UTC).astimezone(tz)
    except OverflowError:
        # Within a day of year 1 or 9999 the same moment in UTC falls outside the calendar.
        raise ValidationError(
            f"{wall:%d %b %Y} is too far from today to record; check the date.",
            code="out_of_range",
        ) from None
    if round_trip.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise ValidationError(
            f"{wall:%H:%M} did not exist on {wall:%d %b %Y} in {tz_name}: the clocks jumped "
            "forward then. Pick a time just before or after.",
            code="no_such_time",
        )
    return moment


def check_moment(knot: Knot, moment: datetime, tz_name: str) -> datetime:
    if timezone.is_naive(moment):
        moment = local_moment(moment, tz_name)
    if moment > timezone.now() + CLOCK_SKEW:
        raise ValidationError("A check-in cannot be in the future.", code="future")
    if moment.astimezone(zone(tz_name)).date() < knot.first_felt:
        raise ValidationError(
            f"This knot was first felt on {knot.first_felt:%d %b %Y}; "
            "a check-in cannot be earlier than that.",
            code="before_knot",
        )
    return moment


@transaction.atomic
def add_knot(
    user: Any,
    *,
    region: str,
    side: str,
    pain: int,
    tz_name: str,
    muscle: str = "",
    note: str = "",
    first_felt: date | None = None,
    moment: datetime | None = None,
) -> Knot:
    """Create a knot and its first check-in.

    Raises ValidationError, and stores nothing, on bad input."""
    region, side = check_place(region, side)
    now = timezone.now()
    knot = Knot(
        user=user,
        region=region,
        side=side,
        muscle=check_muscle(muscle),
        note=check_note(note),
        first_felt=check_first_felt(first_felt or now.astimezone(zone(tz_name)).date(), tz_name),
    )
    check_pain(pain)
    moment = check_moment(knot, moment or now, tz_name)
    knot.save()
    CheckIn.objects.create(knot=knot, moment=moment, pain=pain)
    return knot


def _locked(knot: Knot) -> Knot:
    """The knot's current row, locked until the transaction ends (PostgreSQL; SQLite's
    IMMEDIATE transactions already serialise writers). 404 if another tab deleted it."""
    try:
        return Knot.objects.select_for_update().get(pk=knot.pk)
    except Knot.DoesNotExist:
        raise Http404("This knot was deleted.") from None


@transaction.atomic
def check_in(
    knot: Knot,
    *,
    pain: int,
    tz_name: str,
    moment: datetime | None = None,
    note: str = "",
    client_id: uuid.UUID | None = None,
) -> CheckIn:
    """Rate an active knot. Raises ValidationError, storing nothing, on bad input.

    ``client_id`` is stored for the offline queue; ``knotless.queued.once`` finds a resent one."""
    check_pain(pain)
    note = check_note(note)
    current = _locked(knot)
    if not current.is_active:
        raise ValidationError(
            "This knot is marked untied. If it is back, reopen it first.", code="untied"
        )
    moment = check_moment(current, moment or timezone.now(), tz_name)
    return CheckIn.objects.create(
        knot=current, moment=moment, pain=pain, note=note, client_id=client_id
    )


@transaction.atomic
def delete_checkin(checkin: CheckIn) -> None:
    """Delete a mistaken rating; the knot's last one stays (delete the knot instead)."""
    _locked(checkin.knot)
    if not CheckIn.objects.filter(knot_id=checkin.knot_id).exclude(pk=checkin.pk).exists():
        raise ValidationError(
            "A knot keeps at least one check-in; delete the knot instead.", code="last"
        )
    CheckIn.objects.filter(pk=checkin.pk).delete()


@transaction.atomic
def edit_knot(knot: Knot, *, version: int, tz_name: str, **fields: Any) -> Knot:
    """Save new values for region, side, muscle, first_felt and note, if nobody saved since
    ``version``. Raises StaleEdit otherwise, so the caller can show both versions."""
    _locked(knot)
    region, side = check_place(fields["region"], fields["side"])
    first_felt = check_first_felt(fields["first_felt"], tz_name)
    values = {
        "region": region,
        "side": side,
        "muscle": check_muscle(fields.get("muscle", "")),
        "note": check_note(fields.get("note", "")),
        "first_felt": first_felt,
    }
    first_checkin = knot.checkins.order_by("moment").values_list("moment", flat=True).first()
    if first_checkin and first_checkin.astimezone(zone(tz_name)).date() < first_felt:
        raise ValidationError(
            "The first check-in is from "
            f"{first_checkin.astimezone(zone(tz_name)):%d %b %Y}; the knot cannot start later.",
            code="after_checkin",
        )
    updated = Knot.objects.filter(pk=knot.pk, version=version).update(
        **values, version=F("version") + 1
    )
    if not updated:
        raise StaleEdit
    touch(knot.user_id)
    knot.refresh_from_db()
    return knot


@transaction.atomic
def untie(knot: Knot, *, pain: int, tz_name: str, note: str = "") -> Knot:
    """Mark an active knot untied, with a last rating stored as a check-in at that moment, so
    its page and lists end on how it felt when it went, not on an older, worse rating.

    Raises ValidationError, storing nothing, on bad input or when the knot is untied already
    (a second tab, a double click)."""
    check_pain(pain)
    note = check_note(note)
    current = _locked(knot)
    if not current.is_active:
        raise ValidationError("This knot is already marked untied.", code="untied")
    now = timezone.now()
    CheckIn.objects.create(
        knot=current, moment=check_moment(current, now, tz_name), pain=pain, note=note
    )
    Knot.objects.filter(pk=knot.pk).update(
        status=Knot.Status.UNTIED, untied_at=now, version=F("version") + 1
    )
    touch(knot.user_id)
    knot.refresh_from_db()
    return knot


def reopen(knot: Knot) -> Knot:
    Knot.objects.filter(pk=knot.pk, status=Knot.Status.UNTIED).update(
        status=Knot.Status.ACTIVE, untied_at=None, version=F("version") + 1
    )
    touch(knot.user_id)
    knot.refresh_from_db()
    return knot


def delete_knot(knot: Knot) -> str:
    """Delete a knot with its check-ins; returns its label for the confirmation."""
    label = knot.label
    knot.delete()
    return label


def checkin_for(user: Any, checkin_id: int) -> CheckIn:
    """The user's check-in with this id, or 404, like :func:`knot_for`."""
    try:
        return CheckIn.objects.select_related("knot").get(pk=checkin_id, knot__user=user)
    except (CheckIn.DoesNotExist, ValueError, TypeError):
        raise Http404("No such check-in.") from None


def edit_fields(knot: Knot, tz_name: str, **changes: Any) -> Knot:
    """Change some of a knot's fields (None means keep), through :func:`edit_knot`'s checks.

    For callers that hold the knot they just read (the CLI): the version is the one read."""
    fields = {
        "region": knot.region,
        "side": knot.side,
        "muscle": knot.muscle,
        "note": knot.note,
        "first_felt": knot.first_felt,
    }
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"Not knot fields: {sorted(unknown)}")
    fields.update({k: v for k, v in changes.items() if v is not None})
    # A new region with no side given keeps the side when it fits, else takes the region's first.
    if changes.get("region") is not None and changes.get("side") is None:
        region = get_region(fields["region"]) if fields["region"] in load_regions() else None
        if region is not None and fields["side"] not in sides_for(region):
            fields["side"] = sides_for(region)[0]
    return edit_knot(knot, version=knot.version, tz_name=tz_name, **fields)


def _same_place(knot: Knot, region: str, side: str) -> bool:
    """Whether a knot sits where a finder mark is. A midline region's centre also matches
    either side: "between the shoulder blades" without a side may be the same knot."""
    if knot.region != region:
        return False
    return knot.side == side or "center" in (knot.side, side)


def _pick(knots: list[Knot], region: str, side: str) -> Knot | None:
    """The knot at this place among ``knots`` (oldest first): one on the same side before one
    that only may be the same (a midline region's centre)."""
    here = [k for k in knots if _same_place(k, region, side)]
    return next((k for k in here if k.side == side), here[0] if here else None)


def active_knot_at(user: Any, region: str, side: str) -> Knot | None:
    """The user's active knot at this place, if any (the oldest when there are several):
    what "Track as a knot" offers before making a second one there."""
    return knots_here(user)(region, side)


def knots_here(user: Any) -> Callable[[str, str], Knot | None]:
    """A lookup of the user's active knots by place, from one query: for pages that ask about
    several places (the finder's results)."""
    knots = list(
        Knot.objects.filter(user=user, status=Knot.Status.ACTIVE).order_by("first_felt", "id")
    )
    return lambda region, side: _pick(knots, region, side)


@transaction.atomic
def set_muscle(knot: Knot, muscle: str, *, replace: bool = False) -> Knot:
    """Name the muscle of a knot. A knot that already has a different muscle keeps it unless
    ``replace``: raises ValidationError (code "other_muscle") so the caller can ask."""
    muscle = check_muscle(muscle)
    if not muscle:
        raise ValidationError("Which muscle? Give its atlas name.", code="muscle")
    current = _locked(knot)
    if current.muscle and current.muscle != muscle and not replace:
        raise ValidationError(
            f"This knot is already tracked as {get_muscle(current.muscle).name}.",
            code="other_muscle",
        )
    if current.muscle != muscle:
        Knot.objects.filter(pk=knot.pk).update(muscle=muscle, version=F("version") + 1)
        touch(knot.user_id)
    knot.refresh_from_db()
    return knot
