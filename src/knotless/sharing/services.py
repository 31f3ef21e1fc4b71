"""Shares with a physio: make one, answer a viewer's manifest request, withdraw, purge.

The views and the ``knotless share`` commands call these; nothing here reads a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.accounts.services import user_zone
from knotless.journal.models import Knot
from knotless.portable.fhir import Only, bundle
from knotless.sharing import links
from knotless.sharing.models import MAX_WRONG_PASSCODES, Share, ShareAccess

# How long a share may live: from an hour (a visit) to 90 days (a course of treatment).
LIFETIMES: dict[str, tuple[str, dt.timedelta]] = {
    "1h": ("1 hour", dt.timedelta(hours=1)),
    "1d": ("1 day", dt.timedelta(days=1)),
    "7d": ("1 week", dt.timedelta(days=7)),
    "14d": ("2 weeks", dt.timedelta(days=14)),
    "30d": ("30 days", dt.timedelta(days=30)),
    "90d": ("90 days", dt.timedelta(days=90)),
}
# An ended share's row and access log stay this long for the person to look back at, without
# its content (emptied the moment it ends); then the row goes too.
KEEP_ENDED = dt.timedelta(days=30)
RECIPIENT_MAX = 200
# A file's location URL lives an hour at most, as the spec requires.
FILE_LIFETIME = 3600
FILE_SALT = "knotless.sharing.file"


@dataclass(frozen=True, slots=True)
class Made:
    share: Share
    link: str  # the viewer URL with #shlink:/… : the only place the key ever is
    key: str


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]


# Dates outside these cannot hold a rating, and at the calendar's ends a time zone's offset
# would run past year 1 or 9999.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 12, 31)


def _bounds(user: Any, since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first and last moment of those days on the person's clock."""
    zone = user_zone(user)
    since, until = min(max(since, EARLIEST), LATEST), min(max(until, EARLIEST), LATEST)
    start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(until, dt.time.max, tzinfo=zone)


def _label(knots: Sequence[Knot], since: dt.date, until: dt.date) -> str:
    places = knots[0].label if len(knots) == 1 else f"{len(knots)} knots"
    span = f"{since:%-d %b %Y} – {until:%-d %b %Y}"
    return f"knotless pain diary: {places}, {span}"[:80]


def create(
    user: Any,
    knot_ids: Sequence[int],
    since: dt.date,
    until: dt.date,
    lifetime: dt.timedelta,
    passcode: str = "",
    absolute: Callable[[str], str] = lambda path: path,
    now: dt.datetime | None = None,
) -> Made:
    """Encrypt the chosen part of the diary under a new key and store only the ciphertext.

    ``absolute`` turns a path into a full URL (the request's host on the web, the configured
    one in the CLI). The key is returned in the link and never written anywhere.
    """
    now = now or timezone.now()
    knots = list(Knot.objects.filter(user=user, pk__in=knot_ids).order_by("first_felt", "id"))
    if not knots:
        raise ValueError("Choose at least one of your knots.")
    if until < since:
        since, until = until, since
    start, end = _bounds(user, since, until)
    key = links.new_key()
    document = bundle(user, now=now, only=Only([k.pk for k in knots], start, end))
    share = Share(
        id=links.new_id(),
        user=user,
        label=_label(knots, since, until),
        knots=[k.label for k in knots],
        since=since,
        until=until,
        created_at=now,
        expires_at=now + lifetime,
        passcode=make_password(passcode) if passcode else "",
        content=links.encrypt(document, key),
    )
    share.save(force_insert=True)
    found = links.payload(
        absolute(reverse("share_manifest", args=[share.pk])),
        key,
        int(share.expires_at.timestamp()),
        share.label,
        passcode=bool(passcode),
    )
    return Made(share, links.shlink(absolute(reverse("share_viewer")), found), key)


def purge(now: dt.datetime | None = None) -> tuple[int, int]:
    """Empty the content of every share that has ended (expired, withdrawn, locked) and delete
    those ended more than KEEP_ENDED ago, with their logs. Returns how many shares were
    emptied and deleted.
    Called on every manifest request and by ``knotless share purge``."""
    now = now or timezone.now()
    ended = Q(expires_at__lte=now) | Q(revoked_at__isnull=False)
    ended |= Q(wrong_passcodes__gte=MAX_WRONG_PASSCODES)
    ending = Share.objects.filter(ended).exclude(content="")
    owners = set(ending.values_list("user_id", flat=True))
    emptied = ending.update(content="")
    for owner in owners:  # (an update sends no signal: the person's cached pages are told here)
        touch(owner)
    old = Q(expires_at__lte=now - KEEP_ENDED) | Q(revoked_at__lte=now - KEEP_ENDED)
    _, deleted = Share.objects.filter(old).delete()
    return emptied, deleted.get(Share._meta.label, 0)


def file_token(share_id: str) -> str:
    """A signed, timestamped token naming a share, for a ``location`` URL (valid FILE_LIFETIME)."""
    return signing.dumps(share_id, salt=FILE_SALT, compress=False)


def file_content(token: str, now: dt.datetime | None = None) -> str | None:
    """The JWE a ``location`` URL stands for, while its token is fresh and its share active."""
    try:
        share_id = signing.loads(token, salt=FILE_SALT, max_age=FILE_LIFETIME)
    except signing.BadSignature:  # expired tokens too (SignatureExpired is one)
        return None
    share = Share.objects.filter(pk=str(share_id)).first()
    if share is None or share.state(now) != "active" or not share.content:
        return None
    return share.content


def manifest(
    share_id: str,
    recipient: str,
    passcode: str | None,
    address: str,
    now: dt.datetime | None = None,
    embedded_max: int | None = None,
    location: Callable[[str], str] = lambda token: token,
) -> Answer:
    """A viewer's manifest request, answered as the spec says, and logged when the share is
    known: 404 for a share that is unknown or no longer active (expired, withdrawn, locked),
    401 with ``remainingAttempts`` for a missing or wrong passcode, else the files: embedded,
    or, when the viewer's ``embeddedLengthMax`` is smaller, a ``location`` URL that works for
    an hour (``location`` makes it absolute from a token)."""
    now = now or timezone.now()
    purge(now)
    # One request at a time per share (a row lock on PostgreSQL; SQLite writes one at a time):
    # parallel guesses cannot get past the count of wrong passcodes.
    with transaction.atomic():
        share = Share.objects.select_for_update().filter(pk=share_id).first()
        if share is None:
            return Answer(404, {"error": "No such link, or it is no longer active."})
        recipient = recipient.strip()[:RECIPIENT_MAX]

        def log(outcome: str) -> None:
            ShareAccess.objects.create(
                share=share, at=now, address=address[:64], recipient=recipient, outcome=outcome
            )

        state = share.state(now)
        if state != "active":
            log(
                {
                    "expired": ShareAccess.Outcome.EXPIRED,
                    "revoked": ShareAccess.Outcome.REVOKED,
                    "locked": ShareAccess.Outcome.LOCKED,
                }[state]
            )
            return Answer(404, {"error": "No such link, or it is no longer active."})
        if share.has_passcode:
            if not passcode:
                log(ShareAccess.Outcome.NO_PASSCODE)
                left = MAX_WRONG_PASSCODES - share.wrong_passcodes
                return Answer(401, {"error": "A passcode is needed.", "remainingAttempts": left})
            if not check_password(passcode, share.passcode):
                share.wrong_passcodes += 1
                fields = ["wrong_passcodes"]
                if share.wrong_passcodes >= MAX_WRONG_PASSCODES:
                    share.content = ""  # locked: nothing left to guess for
                    fields.append("content")
                share.save(update_fields=fields)
                log(ShareAccess.Outcome.WRONG)
                left = MAX_WRONG_PASSCODES - share.wrong_passcodes
                return Answer(401, {"error": "Wrong passcode.", "remainingAttempts": left})
        log(ShareAccess.Outcome.OK)
        found: dict[str, Any] = {"contentType": links.CONTENT_TYPE}
        if embedded_max is not None and len(share.content) > embedded_max:
            found["location"] = location(file_token(share.pk))
        else:
            found["embedded"] = share.content
        found |= {
            "lastUpdated": share.created_at.isoformat(),
            "status": "finalized",
            "fhirVersion": links.FHIR_VERSION,
        }
        return Answer(200, {"files": [found]})


def revoke(share: Share, now: dt.datetime | None = None) -> None:
    """Withdraw a share at once: its content is deleted, the link answers 404 from now on."""
    if share.revoked_at is None:
        share.revoked_at = now or timezone.now()
        share.content = ""
        share.save(update_fields=["revoked_at", "content"])


def shares_of(user: Any) -> list[Share]:
    """The person's shares, newest first, each with its accesses (two queries)."""
    return list(Share.objects.filter(user=user).prefetch_related("accesses"))
