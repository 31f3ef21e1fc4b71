"""Bad input never makes a server error (issue 12, defect 5 and the net that keeps it out)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib import messages as message_levels
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.http import QueryDict
from django.test import Client

from knotless.accounts.services import issue_setup_token
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from knotless.lib.hydration import parse_amount
from knotless.practice import services as practice
from knotless.practice.models import Session
from tests.urlwalk import (
    ARGS,
    Route,
    forms_on,
    lost_or_changed,
    make_world,
    routes,
    snapshot,
    unfilled,
)

# --- the issue's one-line requests --------------------------------------------------------------


def test_it_answers_a_calendar_token_with_a_nul_with_404(client: Client, db: None) -> None:
    # PostgreSQL refuses NUL in text: the token never reaches the query.
    assert client.get("/plan/calendar/%00.ics").status_code == 404
    assert client.get("/plan/calendar/a%00b.ics").status_code == 404


def test_it_refuses_a_session_note_with_a_nul(client_in: Client, user: Any) -> None:
    session = practice.start(user, ["chin-tuck"], before={}, token="nul")
    response = client_in.post(f"/play/{session.pk}/finish/", {"note": "tight\x00", "played": "60"})
    assert response.status_code == 400
    assert "cannot contain" in response.content.decode()
    assert Session.objects.get(pk=session.pk).status == Session.Status.STARTED


def test_it_refuses_a_start_token_with_a_nul(client_in: Client, user: Any) -> None:
    response = client_in.post("/play/", {"e": "chin-tuck", "token": "ab\x00cd"})
    assert response.status_code == 400
    assert "damaged" in response.content.decode()
    assert not Session.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("time_zone", "moment"),
    [
        ("America/Adak", "9999-12-31T23:59"),
        ("Pacific/Pago_Pago", "9999-12-31T23:59"),
        # In year 1 the tz database has local mean time: Auckland was east of UTC then, and
        # Adak too (it kept Asia's date until 1867), while Kiritimati was west.
        ("Pacific/Auckland", "0001-01-01T00:00"),
        ("America/Adak", "0001-01-01T00:00"),
        ("Pacific/Kiritimati", "0001-01-01T00:00"),
    ],
)
def test_it_refuses_a_check_in_that_overflows_in_utc(
    client: Client, make_user: Any, time_zone: str, moment: str
) -> None:
    user = make_user("far", time_zone=time_zone)
    knot = journal.add_knot(user, region="back-of-neck", side="left", pain=5, tz_name=time_zone)
    client.force_login(user)
    response = client.post(f"/knots/{knot.pk}/checkin/", {"pain": "3", "moment": moment})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert knot.checkins.count() == 1


@pytest.mark.parametrize("amount", ["inf", "-inf", "1e309", "nan", "9" * 5000, "1" * 5000 + "ml"])
def test_it_refuses_an_amount_that_is_not_finite(amount: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount(amount)


@pytest.mark.parametrize("amount", ["inf", "1e309", "9" * 5000])
def test_it_says_an_unreal_water_amount_is_not_one(client_in: Client, amount: str) -> None:
    response = client_in.post("/water/log/", {"amount": amount}, follow=True)
    assert response.status_code == 200
    assert "not an amount" in response.content.decode()


@pytest.mark.parametrize("next_", ["abc", "today", "water", "a\nb", "/\x00"])
def test_it_sends_a_bare_next_home(client_in: Client, next_: str) -> None:
    response = client_in.get("/safety/check/", {"next": next_})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("knot", ["²", "٣", "9" * 5000, "99999999999999999999"])
def test_it_answers_an_unreal_knot_id_with_404(client_in: Client, knot: str) -> None:
    response = client_in.get("/safety/check/", {"areas": "neck", "knot": knot})
    assert response.status_code == 404


@pytest.mark.parametrize("e", [f"chin-tuck:{'9' * 5000}", "x" * 100_000])
def test_it_refuses_an_unreal_routine_in_a_short_message(client_in: Client, e: str) -> None:
    response = client_in.get("/play/", {"e": e}, follow=True)
    assert response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert said and all(len(m) < 200 for m in said)


@pytest.mark.parametrize("field", ["after", "played", "reached"])
def test_it_refuses_a_finish_with_thousands_of_digits(
    client_in: Client, user: Any, field: str
) -> None:
    knot = journal.add_knot(user, region="calf", side="left", pain=4, tz_name="UTC")
    session = practice.start(user, ["chin-tuck"], before={knot.pk: 4}, token="digits")
    name = f"after-{knot.pk}" if field == "after" else field
    response = client_in.post(f"/play/{session.pk}/finish/", {name: "9" * 5000})
    assert response.status_code == 400
    assert Session.objects.get(pk=session.pk).status == Session.Status.STARTED


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "9999-12-27"])
def test_it_shows_this_week_for_a_week_out_of_range(client_in: Client, week: str) -> None:
    response = client_in.get("/plan/week/", {"week": week})
    assert response.status_code == 200
    assert "showing this week" in response.content.decode()
    assert response.context["is_current"]


# --- the net generated from the URL conf and the forms ------------------------------------------
#
# Every URL is fetched with its arguments filled from a world of rows (tests/urlwalk.py); every
# form on every page is found by parsing the HTML, every link's query is followed, and every
# query or form key a view reads is recorded as it runs. Then each bad value goes into each of
# those keys and into each URL argument once, each request in a transaction rolled back
# afterwards, so that every request starts from the same rows. The rule: never a server error;
# a refused request (4xx, an error message, a form with errors) changes nothing stored; the rows
# no URL points at (a second knot and its check-in, another user's) never change at all.


@dataclass(frozen=True)
class Bad:
    label: str
    encoded: str  # percent-encoded, as it goes into a URL, a query string or a form body
    everywhere: bool = True  # False: dates and times, tried for every time zone in ZONES
    twice: bool = False  # the key is sent twice: its usual value, then this one


def _bad(label: str, value: str, **kw: bool) -> Bad:
    return Bad(label, quote(value, safe=""), **kw)


BAD = [
    _bad("empty", ""),
    _bad("huge", "x" * 100_000),
    _bad("negative", "-1"),
    _bad("NaN", "NaN"),
    _bad("inf", "inf"),
    _bad("1e309", "1e309"),
    _bad("over int64", "9223372036854775808"),
    _bad("5000 digits", "9" * 5000),
    _bad("superscript two", "²"),
    _bad("Arabic-Indic digits", "٣٤"),
    _bad("NUL", "\x00"),
    Bad("lone surrogate as bytes", "%ED%A0%80"),
    _bad("lone surrogate as a JSON escape", '"\\ud800"'),
    _bad("no such zone", "Mars/Olympus_Mons"),
    _bad("twice", "2", twice=True),
    _bad("year 1", "0001-01-01", everywhere=False),
    _bad("year 9999", "9999-12-31", everywhere=False),
    _bad("last minute", "9999-12-31T23:59", everywhere=False),
    _bad("first minute", "0001-01-01T00:00", everywhere=False),
    _bad("30 February", "2026-02-30", everywhere=False),
    _bad("30 February at noon", "2026-02-30T12:00", everywhere=False),
    _bad("hour 25", "25:61", everywhere=False),
]

# 14 hours east of UTC, and 10 and 11 hours west (both east of it in year 1, when the tz
# database keeps local mean time): every value for the first, the dates for all three.
ZONES = ["Pacific/Kiritimati", "America/Adak", "Pacific/Pago_Pago"]

NEVER_TRIED = {
    "admin:*": "Django's own admin: staff only, with its own forms and tests",
}
# URLs that read no query or form key at all, so only their URL arguments can be bad. A URL
# that reads none and is not listed fails the net: give it a reason here, or a form or link.
READ_NOTHING = {
    "experiment_stop": "a button: the experiment is the URL's",
    "insights_how": "a page of explanation with the person's own numbers",
    "physio": "the programme the person follows, nothing to choose",
    "physio_stop": "a button: it ends the one programme the person follows",
    "insights": "the person's own patterns, nothing to choose",
    "training_entry_delete": "a button: the entry is the URL's",
    "training_workout_delete": "a button: the workout is the URL's",
    "training_workout": "a saved workout: it is the URL's",
    "training_load": "the person's own load, nothing to choose",
    "healthz": "a fixed 'ok' for load balancers",
    "pwa_manifest": "the installed app's fixed manifest",
    "pwa_sw": "the service worker's script",
    "pwa_offline": "the fixed offline page",
    "pwa_precache": "the person's own pages to keep offline, nothing to choose",
    "pwa_reminders": "the person's own reminder status, nothing to choose",
    "cli_door": "the terminal's quick path: JSON sent with the server's secret "
    "(tests/cli/test_door.py sends it bad input)",
    "learn_knots": "a page of text",
    "learn_finder": "a page of text",
    "knot_reopen": "a button: the knot is the URL's",
    "knot_delete": "a confirmation: the knot is the URL's",
    "checkin_delete": "a button: the check-in is the URL's",
    "play_discard": "a button: the session is the URL's",
    "figure_moving": "a picture: the exercise is the URL's",
    "figure_still": "a picture: the exercise and frame are the URL's",
    "plan_feed": "a calendar: the token is the URL's",
    "session": "a saved session: it is the URL's",
    "muscle": "a page of knowledge: the muscle is the URL's",
    "exercise": "a page of knowledge: the exercise is the URL's",
    "safety_emergency": "the standing emergency answer, if there is one",
    "setup": "tried in the world before the first account (test_it_never_fails_on_first_run)",
    "journal": "a list of the user's knots",
    "desk": "the desk guard's page: its script posts to desk_tick and desk_action",
    "play": "the player for the URL's session: its form posts to play_finish",
    "water": "today's water: its forms post elsewhere",
    "today": "the day's overview",
    "shares": "the person's shares: its buttons post to share_revoke",
    "share_revoke": "a button: the share is the URL's",
    "share_viewer": "the physio's page: its script reads the link's fragment, the server nothing",
    "share_manifest": "an API for link viewers: a JSON body, not form keys (tests/sharing)",
    "share_file": "the encrypted file a manifest points at: the token is the URL's",
}
SKIP_KEYS = frozenset({"csrfmiddlewaretoken"})
DATE_INPUTS = frozenset({"date", "datetime-local", "time", "month", "week"})
DATED = re.compile(r"\d{4}-\d\d-\d\d|\d\d:\d\d")
MAX_KEYS = 40  # per case: a page with one form per item repeats the same few keys
MAX_CASES = 6  # per URL: distinct sets of fields (and "action" values)

Pairs = list[tuple[str, str]]


@dataclass
class Case:
    """One request as a browser makes it: a page fetched, a link followed, a form sent."""

    method: str
    path: str
    query: Pairs
    body: Pairs
    unsent: tuple[str, ...] = ()  # keys a browser may leave out (unticked boxes)
    dated: frozenset[str] = frozenset()  # keys that take a date or a time

    def __post_init__(self) -> None:
        looks_dated = {k for k, v in [*self.query, *self.body] if DATED.match(v)}
        self.dated = self.dated | looks_dated

    def key(self) -> tuple[Any, ...]:
        action = next((v for k, v in self.body if k == "action"), "")
        return (
            self.method,
            frozenset(k for k, _ in self.query),
            frozenset(dict(self.body)),
            action,
        )


def _join(pairs: Pairs, key: str = "", bad: Bad | None = None) -> str:
    """Percent-encode ``pairs``, with ``key`` set to the (already encoded) bad value."""
    out = [
        (quote(k, safe=""), quote(v, safe=""))
        for k, v in pairs
        if bad is None or k != key or bad.twice
    ]
    if bad is not None:
        # Twice: after the usual value, or (for a key the case does not send) on its own twice.
        times = 2 if bad.twice and key not in dict(pairs) else 1
        out += [(quote(key, safe=""), bad.encoded)] * times
    return "&".join(f"{k}={v}" for k, v in out)


class _Rollback(Exception):
    pass


class Reads:
    """Which keys a view reads, from which QueryDict, while a request runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[tuple[int, str]] = []
        for name in ("__getitem__", "get", "getlist", "__contains__"):
            original = getattr(QueryDict, name)

            def wrapper(qd: Any, key: Any, *args: Any, _original: Any = original) -> Any:
                if isinstance(key, str):
                    self.seen.append((id(qd), key))
                return _original(qd, key, *args)

            monkeypatch.setattr(QueryDict, name, wrapper)

    def of(self, qd: Any) -> list[str]:
        return list(dict.fromkeys(k for i, k in self.seen if i == id(qd)))


@dataclass
class Net:
    """Sends requests, each rolled back, and collects what breaks the rule."""

    reads: Reads
    before: dict[str, frozenset[tuple[Any, ...]]]
    bystanders: dict[str, set[Any]]  # model label -> primary keys that no URL points at
    signed_in: Client | None = None  # signed in again as user when a request signs it out
    user: Any = None
    failures: list[str] = field(default_factory=list)
    sent: int = 0

    def send(
        self, client: Client, case: Case, *, where: str = "", key: str = "", bad: Bad | None = None
    ) -> tuple[list[str], list[str]]:
        """One request; returns the keys the view read from the query and from the body."""
        query = _join(case.query, key, bad if where == "query" else None)
        body = _join(case.body, key, bad if where == "body" else None)
        url = case.path + (f"?{query}" if query else "")
        what = f"{case.method.upper()} {url[:100]}" + (
            f" with {key}={bad.label!r} in the {where}" if bad and where else ""
        )
        self.reads.seen.clear()
        client.cookies.pop("messages", None)
        self.sent += 1
        response: Any = None
        try:
            with transaction.atomic():
                try:
                    if case.method == "post":
                        response = client.post(
                            url, body, content_type="application/x-www-form-urlencoded"
                        )
                    else:
                        response = client.get(url)
                except Exception as exc:
                    self.failures.append(f"{what}: raised {exc!r}"[:300])
                    raise _Rollback from None
                self._check(response, case, what)
                raise _Rollback
        except _Rollback:
            pass
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        if client is self.signed_in and (session is None or not session.value):
            client.force_login(self.user)
        if response is None:
            return [], []
        request = response.wsgi_request
        return self.reads.of(request.GET), self.reads.of(request.POST)

    def _check(self, response: Any, case: Case, what: str) -> None:
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code}")
            return
        said = list(getattr(response.wsgi_request, "_messages", []))
        if long := [len(str(m)) for m in said if len(str(m)) > 500]:
            self.failures.append(f"{what}: a message of {long[0]} characters echoes the input")
        body = b"" if response.streaming else response.content
        refused = (
            400 <= response.status_code < 500
            or any(m.level >= message_levels.ERROR for m in said)
            or b'class="errorlist' in body
        )
        try:
            after = snapshot()
        except DatabaseError as exc:
            self.failures.append(f"{what}: left the transaction broken: {exc!r}"[:300])
            return
        for label, pks in self.bystanders.items():
            if {r for r in self.before[label] if r[0] in pks} - after[label]:
                self.failures.append(f"{what}: changed a {label} that no URL named")
        # A refused request may make a settings row with its defaults (get_or_create); it may
        # not lose or change one.
        if refused and (changed := lost_or_changed(self.before, after)):
            self.failures.append(f"{what}: refused ({response.status_code}) but changed {changed}")

    def fuzz(
        self,
        client: Client,
        route: Route,
        cases: list[Case],
        kwargs: dict[str, Any],
        values: list[Bad],
        dated_only: bool = False,
    ) -> int:
        """Every value in every key each case reads and in each URL argument; returns how
        many keys were tried. ``dated_only``: only the keys that take a date or time."""
        tried = 0
        # Each key once per URL, method and "action" (a form posting several actions to one URL
        # reads its keys on a different path for each), however many cases send it.
        seen: set[tuple[str, ...]] = set()
        for case in cases:
            if dated_only and not case.dated:
                continue
            action = next((v for k, v in case.body if k == "action"), "")
            query_reads, body_reads = self.send(client, case)
            keys = [("query", k) for k, _ in case.query] + [("query", k) for k in query_reads]
            if case.method == "post":
                keys += [("body", k) for k, _ in case.body] + [("body", k) for k in case.unsent]
                keys += [("body", k) for k in body_reads]
            todo = [
                k
                for k in dict.fromkeys(keys)
                if k[1] not in SKIP_KEYS and (k[1] in case.dated or not dated_only)
            ]
            done: set[tuple[str, str]] = set()
            while todo and len(done) < MAX_KEYS:
                where, key = todo.pop(0)
                done.add((where, key))
                if (case.method, action, where, key) in seen:
                    continue
                seen.add((case.method, action, where, key))
                for bad in values:
                    more_query, more_body = self.send(client, case, where=where, key=key, bad=bad)
                    for found in [("query", k) for k in more_query] + (
                        [("body", k) for k in more_body] if case.method == "post" else []
                    ):
                        if (
                            found[1] not in SKIP_KEYS
                            and found not in done
                            and found not in todo
                            and not dated_only
                        ):
                            todo.append(found)
            tried += len(done)
        # A bad URL argument, once by GET and once by POST, as the first such case sends it.
        firsts = {c.method: c for c in reversed(cases)}.values()
        for arg in sorted(route.args) if not dated_only else []:
            for bad in values:
                if bad.twice:
                    continue
                path = route.path(kwargs, raw={arg: bad.encoded})
                for case in firsts:
                    self.send(client, Case(case.method, path, case.query, case.body))
        return tried


def _cases(
    client: Client, routes: dict[str, Route], paths: dict[str, str]
) -> dict[str, list[Case]]:
    """Each route's requests as a browser makes them: its page fetched bare, the queries of
    the links to it, and each form that sends to it (one per distinct set of fields)."""
    by_path = {p: n for n, p in paths.items()}
    found: dict[str, dict[tuple[Any, ...], Case]] = {n: {} for n in routes}

    def add(case: Case) -> None:
        cases = found[by_path[case.path]]
        if len(cases) < MAX_CASES:
            cases.setdefault(case.key(), case)

    pages: list[tuple[str, Pairs]] = [(paths[n], []) for n in routes]
    # A bare POST too: the keys a view reads from a script's posts (the desk guard's ticks)
    # are recorded as it runs; a GET-only view answers 405.
    for name in routes:
        add(Case("post", paths[name], [], []))
    fetched: set[str] = set()
    while pages:
        path, query = pages.pop(0)
        url = path + (f"?{urlencode(query)}" if query else "")
        if url in fetched or len(fetched) > 300:
            continue
        fetched.add(url)
        add(Case("get", path, query, []))
        try:
            # Kept: the rows a page makes on first sight are there, as for a real user.
            with transaction.atomic():
                response = client.get(url)
        except Exception:
            continue  # the net reports it, case by case
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for form in forms_on(html, url):
            form.action = urljoin(url, form.action)
            target = urlsplit(form.action).path
            if target not in by_path:
                continue  # another row's form (the second knot's): its own page has one too
            dated = frozenset(n for n, kind in form.types.items() if kind in DATE_INPUTS)
            if form.method == "post":
                add(
                    Case(
                        "post",
                        target,
                        _query(form.action),
                        form.fields,
                        tuple(form.unsent),
                        dated,
                    )
                )
            else:
                add(Case("get", target, form.fields, [], dated=dated))
        for href in re.findall(r'href="([^"#]+)"', html):
            link = urljoin(url, unescape(href))
            if urlsplit(link).path in by_path and urlsplit(link).query:
                pages.append((urlsplit(link).path, _query(link)))
    return {n: list(c.values()) for n, c in found.items()}


def _query(url: str) -> Pairs:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _routes(public_only: bool = False) -> dict[str, Route]:
    return {
        r.name: r for r in routes() if r.name not in NEVER_TRIED and (r.public or not public_only)
    }


def test_it_knows_every_url() -> None:
    assert not unfilled(set(NEVER_TRIED)), (
        f"URL(s) {unfilled(set(NEVER_TRIED))}: say how to fill their arguments in ARGS in "
        "tests/urlwalk.py (or list them in NEVER_TRIED here with a reason)."
    )
    assert not set(READ_NOTHING) - {r.name for r in routes()}, "READ_NOTHING names a gone URL"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(monkeypatch)


@pytest.fixture
def quiet() -> Iterator[None]:
    # Thousands of refused requests log a warning each; a server error still logs.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("time_zone", ZONES)
def test_it_never_fails_on_bad_input(
    make_user: Any, reads: Reads, quiet: None, time_zone: str
) -> None:
    owner = make_user("owner", time_zone=time_zone)
    world = make_world(owner, time_zone)
    # Rows no URL points at: the owner's second knot and its check-in, and a stranger's.
    # Its low-back questions are unanswered: pages link to them, and so the safety check's
    # form is found and tried.
    other = journal.add_knot(
        owner,
        region="low-back",
        side="right",
        muscle="quadratus-lumborum",
        pain=3,
        tz_name=time_zone,
    )
    theirs = make_world(make_user("stranger", time_zone="UTC"))
    # Every value for the first zone; the dates and times, in the keys that take them, for all.
    dated_only = time_zone != ZONES[0]
    values = [b for b in BAD if not (dated_only and b.everywhere)]

    signed_in = Client()
    signed_in.force_login(owner)
    all_routes = _routes()
    paths = {n: r.path(ARGS[n](world) if r.args else {}) for n, r in all_routes.items()}
    cases = _cases(signed_in, all_routes, paths)
    anonymous = Client()
    public = _routes(public_only=True)
    public_cases = _cases(anonymous, public, {n: paths[n] for n in public})

    net = Net(
        reads,
        signed_in=signed_in,
        user=owner,
        before=snapshot(),
        bystanders={
            "journal.Knot": {other.pk, theirs.knot.pk},
            "journal.CheckIn": {other.checkins.get().pk, theirs.checkin.pk},
            "practice.Session": {theirs.session.pk, theirs.open_session.pk},
            "hydration.Drink": {theirs.drink.pk},
        },
    )
    silent = []
    for name, route in sorted(all_routes.items()):
        kwargs = ARGS[name](world) if route.args else {}
        tried = net.fuzz(signed_in, route, cases[name], kwargs, values, dated_only)
        if name in public:
            tried += net.fuzz(anonymous, route, public_cases[name], kwargs, values, dated_only)
        if dated_only:
            continue
        if not tried and name not in READ_NOTHING:
            silent.append(name)
        if tried and name in READ_NOTHING:
            silent.append(f"{name} (listed in READ_NOTHING, but reads keys)")

    assert not net.failures, f"{len(net.failures)} of {net.sent} requests:\n" + "\n".join(
        net.failures[:60]
    )
    assert not silent, (
        f"No key to try for {silent}: link to them with their query or render their form on a "
        "page, or list them in READ_NOTHING with a reason."
    )
    # Nothing stored was lost: the same rows as before, the known knot and check-in included.
    assert not lost_or_changed(net.before, snapshot())
    assert Knot.objects.get(pk=world.knot.pk).version == world.knot.version
    assert CheckIn.objects.get(pk=world.checkin.pk).pain == world.checkin.pain


def test_it_never_fails_on_first_run(db: None, reads: Reads, quiet: None) -> None:
    """Before the first account: the setup link's form and the sign-in page."""
    token = issue_setup_token()
    anonymous = Client()
    routes_ = {n: r for n, r in _routes(public_only=True).items() if n in ("setup", "login")}
    paths = {n: r.path({"token": token} if r.args else {}) for n, r in routes_.items()}
    cases = _cases(anonymous, routes_, paths)
    assert any(c.method == "post" for c in cases["setup"]), "the setup form was not found"
    net = Net(reads, before=snapshot(), bystanders={})
    for name, route in routes_.items():
        assert net.fuzz(anonymous, route, cases[name], {"token": token}, BAD), name
    assert not net.failures, f"{len(net.failures)} of {net.sent} requests:\n" + "\n".join(
        net.failures[:60]
    )
    assert not get_user_model().objects.exists()
