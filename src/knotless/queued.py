"""Entries the browser may send more than once: an offline queue, a retry, two tabs.

A form for a check-in, a drink, a set or a player session carries an optional ``client_id``,
a UUID the browser made when it drew the form (``static/knotless/queue.js``). The row stores it
under a unique constraint, so the same entry sent twice is stored once and the second send gets
the same answer as the first. The id used for something else (another person's entry, or the
same person's entry with other content) is refused with a clear message, never merged.

Race-safe: two sends of the same entry at the same moment both try to insert; the database's
unique constraint lets one through, and the other's IntegrityError is caught inside a savepoint
and answered with the row the first one made.

The queue (``queue.js``, ``sw-queue.js``) asks with the header ``X-Knotless-Queue`` and reads
a small JSON answer instead of the page (``@answers_queue``): the views themselves stay plain
form views that redirect after success.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, TypeVar

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

M = TypeVar("M", bound=models.Model)
HEADER = "X-Knotless-Queue"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

OTHER_OWNER = (
    "This entry's id already belongs to an entry that is not yours, so it was not stored. "
    "Enter it again from a fresh page."
)
OTHER_CONTENT = (
    "This entry's id was already used for a different entry, so this one was not stored. "
    "Enter it again from a fresh page."
)
NOT_STORED = "The server did not store this entry; open its page to see why."
DAMAGED = "This entry's id was damaged on the way, so it was not stored. Enter it again."


class ClientIdRefused(Exception):
    """A client_id that cannot be used for this entry; the message says why, in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def client_id(request: Any) -> uuid.UUID | None:
    """The posted ``client_id`` (lower-case canonical UUID), None when not sent."""
    raw = request.POST.get("client_id", "")
    if raw == "":
        return None
    raw = raw.strip().lower()
    if not _UUID.fullmatch(raw):
        raise ClientIdRefused(DAMAGED)
    return uuid.UUID(raw)


def once(
    model: type[M],
    cid: uuid.UUID | None,
    *,
    owned: models.Q,
    create: Callable[[], M],
    same: Callable[[M], bool],
) -> tuple[M, bool]:
    """The row ``create`` makes, or the one already stored under ``cid``; and whether it is new.

    ``owned`` filters the model to the person's rows; ``same`` says whether a stored row is
    the entry being sent (the same content), else ClientIdRefused. Without ``cid`` it only
    creates. ``create`` may raise ValidationError; nothing is stored then.
    """
    if cid is None:
        return create(), True
    rows = model._default_manager.filter(client_id=cid)
    found = rows.filter(owned).first()
    if found is None and rows.exists():
        # Someone's row has it: another person's, or a twin's that committed just now.
        found = rows.filter(owned).first()
        if found is None:
            raise ClientIdRefused(OTHER_OWNER)
    if found is None:
        try:
            with transaction.atomic():  # a savepoint: a racing twin may insert first
                return create(), True
        except IntegrityError:
            found = rows.filter(owned).first()
            if found is None:  # some other constraint: not ours to explain
                raise
    if not same(found):
        raise ClientIdRefused(OTHER_CONTENT)
    return found, False


class _Errors(HTMLParser):
    """The error texts of a re-drawn form page: its error lists and error messages."""

    # Only what the form says about this entry: a knot page also carries warnings of its own.
    KINDS = ("errorlist", "message--error")

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # >0 while inside an error element
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif any(k in classes for k in self.KINDS):
            self.depth = 1
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1] += data

    def text(self) -> str:
        parts = [" ".join(f.split()) for f in self.found]
        return " ".join(p for p in parts if p)


def _said(request: Any) -> tuple[list[str], list[str], list[Any]]:
    """The messages the view said in this request (success, error), and their list."""
    good: list[str] = []
    bad: list[str] = []
    said = getattr(messages.get_messages(request), "_queued_messages", [])
    for message in said:
        (bad if message.level >= messages.ERROR else good).append(str(message))
    return good, bad, said


def answers_queue(gone: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """Answer the queue in JSON ({"ok", "message", "next"}) when it asks; a form gets the page.

    ``gone`` is said when the view raises Http404 (the knot or cup was deleted elsewhere).
    A redirect is success unless the view said an error on the way; anything else is the
    form drawn again with its errors, and the queue keeps the entry with those words.
    """

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            # "1": sent from the queue; "now": the entry just made, whose page goes on to "next".
            asked = request.headers.get(HEADER) in ("1", "now")
            try:
                response = view(request, *args, **kwargs)
            except ClientIdRefused as exc:
                if asked:
                    return JsonResponse({"ok": False, "message": exc.message}, status=409)
                return render(request, "queued_refused.html", {"why": exc.message}, status=409)
            except Http404:
                if not asked:
                    raise
                return JsonResponse({"ok": False, "message": gone}, status=404)
            if not asked:
                return response
            good, bad, said = _said(request)
            ok = 300 <= response.status_code < 400 and not bad
            if not (ok and request.headers.get(HEADER) == "now"):
                # The queue shows these words itself (a page that made the entry just now goes
                # on to the next page, which shows them; refused, it posts the form again).
                said.clear()
            if ok:
                return JsonResponse(
                    {
                        "ok": True,
                        "message": " ".join(good) or "Saved.",
                        "next": response["Location"],
                    }
                )
            if bad:
                text = " ".join(bad)
            else:
                parser = _Errors()
                parser.feed(response.content.decode("utf-8", "replace"))
                text = parser.text() or NOT_STORED
            status = response.status_code if response.status_code >= 400 else 400
            return JsonResponse({"ok": False, "message": text}, status=status)

        return wrapper

    return wrap
