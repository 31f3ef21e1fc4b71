"""Bad input never makes a server error (issue 12, defect 5 and the net that keeps it out)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from knotless.journal import services as journal
from knotless.lib.hydration import parse_amount
from knotless.practice import services as practice
from knotless.practice.models import Session

# --- the one-line requests --------------------------------------------------------------


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


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "9999-12-27"])
def test_it_shows_this_week_for_a_week_out_of_range(client_in: Client, week: str) -> None:
    response = client_in.get("/plan/week/", {"week": week})
    assert response.status_code == 200
    assert "showing this week" in response.content.decode()
    assert response.context["is_current"]
