from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from knotless.journal import services
from knotless.journal.models import CheckIn, Knot

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TZ = "Europe/Berlin"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def knot(user: Any) -> Knot:
    return services.add_knot(
        user,
        region="medial-border-of-scapula",
        side="left",
        pain=6,
        tz_name=TZ,
        moment=NOW - timedelta(days=2),
        first_felt=date(2026, 11, 20),
    )


@pytest.fixture
def stranger_client(client: Client, stranger: Any) -> Client:
    client.force_login(stranger)
    return client


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_active_knots_on_today(client_in: Client, knot: Knot) -> None:
    services.check_in(knot, pain=4, tz_name=TZ)
    page = client_in.get(reverse("today")).content.decode()
    assert "Left inner edge of shoulder blade" in page
    assert "4<small>/10</small>" in page
    assert "Add a knot" in page


def test_it_invites_a_first_knot_when_there_is_none(client_in: Client) -> None:
    assert "No active knots" in client_in.get(reverse("today")).content.decode()


def test_it_offers_the_body_map_with_a_preselected_region(client_in: Client) -> None:
    page = client_in.get(
        reverse("knot_new"), {"region": "temple", "side": "right"}
    ).content.decode()
    assert 'class="region-link"' in page
    assert "Selected: Right temple" in page
    assert "Call emergency services now" in page  # red-flag advice sits beside the form


def test_it_adds_a_knot_from_the_form(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("knot_new"),
        {"region": "temple", "side": "right", "pain": "7", "first_felt": "2026-11-23", "note": ""},
    )
    knot = Knot.objects.get(user=user)
    assert response.status_code == 302
    # The temple is on the head: the knot is saved, then the red-flag check comes first.
    assert response["Location"].startswith(reverse("safety_check"))
    assert f"knot={knot.pk}" in response["Location"] and "areas=head" in response["Location"]
    assert list(knot.checkins.values_list("pain", flat=True)) == [7]


def test_it_goes_straight_to_an_arm_knot(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("knot_new"),
        {
            "region": "lateral-elbow",
            "side": "left",
            "pain": "4",
            "first_felt": "2026-11-23",
            "muscle": "wrist-extensors",
        },
    )
    knot = Knot.objects.get(user=user)
    assert response["Location"] == reverse("knot", args=[knot.pk])
    assert knot.muscle == "wrist-extensors"


def test_a_calf_knot_asks_the_leg_and_foot_questions_first(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("knot_new"),
        {
            "region": "calf",
            "side": "left",
            "pain": "4",
            "first_felt": "2026-11-23",
            "muscle": "soleus",
        },
    )
    knot = Knot.objects.get(user=user)
    assert knot.muscle == "soleus"
    # The calf has its own red flags now (a swollen, warm calf; a sudden pop), and the soleus
    # sends pain to the heel, so the foot questions come too.
    assert response["Location"].startswith(reverse("safety_check"))
    assert f"knot={knot.pk}" in response["Location"]
    assert "areas=foot%2Cleg" in response["Location"]


def test_it_prefills_the_form_from_a_finding(client_in: Client) -> None:
    page = client_in.get(
        reverse("knot_new"), {"region": "temple", "side": "left", "muscle": "upper-trapezius"}
    ).content.decode()
    assert '<option value="upper-trapezius" selected>' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pain": "12"}, "Pain is a whole number from 0 to 10"),
        ({"region": "elbow-of-doom"}, "Select a valid choice"),
        ({"side": "center"}, "left or right"),
        ({"first_felt": "2026-12-01"}, "cannot be in the future"),
        ({"note": "n" * 2001}, "at most 2000"),
        ({"side": "sideways"}, "Select a valid choice"),
    ],
)
def test_it_explains_bad_input_and_stores_nothing(
    client_in: Client, data: dict[str, str], message: str
) -> None:
    form = {"region": "temple", "side": "right", "pain": "7", "first_felt": "2026-11-23", **data}
    response = client_in.post(reverse("knot_new"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Knot.objects.exists()


def test_it_shows_the_knot_with_chart_and_table(client_in: Client, knot: Knot) -> None:
    services.check_in(knot, pain=4, tz_name=TZ)
    page = client_in.get(reverse("knot", args=[knot.pk])).content.decode()
    assert page.count('class="chart card"') == 1  # one chart for phones and desktops alike
    assert page.count('class="chart-line"') == 1
    assert "<strong>6</strong>" in page and "<strong>4</strong>" in page
    assert "Mark as untied" in page


def test_its_chart_draws_the_day_averages_of_its_table(client_in: Client, knot: Knot) -> None:
    from knotless.lib.charts import DATA_SCALE, HIGH

    for days_ago, hours, pain in [(2, 1, 3), (2, 2, 8), (1, 2, 7), (1, 3, 2), (0, 1, 5)]:
        moment = NOW - timedelta(days=days_ago, hours=hours)
        services.check_in(knot, pain=pain, tz_name=TZ, moment=moment)
    page = client_in.get(reverse("knot", args=[knot.pk])).content.decode()
    line = re.search(r'<path class="chart-line" d="M([^"]+)"', page)
    assert line
    numbers = [float(n) for n in line.group(1).split()]
    charted = [round(HIGH - y / DATA_SCALE, 1) for y in numbers[1::2]]  # oldest day first
    tabled = [float(a) for a in re.findall(r"<td>([\d.]+)</td>\s*</tr>", page)]  # newest first
    assert charted == tabled[::-1] == [5.7, 4.5, 5.0]


def test_its_chart_says_when_it_goes_by_week(client_in: Client, user: Any) -> None:
    old = services.add_knot(
        user, region="calf", side="left", pain=5, tz_name=TZ,
        moment=NOW - timedelta(days=800), first_felt=date(2024, 9, 1),
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(knot=old, moment=NOW - timedelta(days=d, hours=3), pain=d % 11) for d in range(799)
    )
    page = client_in.get(reverse("knot", args=[old.pk]) + "?all=1").content.decode()
    assert "the line joins weekly averages" in page and "weekly average</li>" in page
    assert "The table below lists each day's numbers." in page
    assert "The same numbers are in the table below." not in page


def test_a_long_history_charts_its_last_90_days_until_asked_for_all(
    client_in: Client, user: Any
) -> None:
    old = services.add_knot(
        user, region="calf", side="left", pain=5, tz_name=TZ,
        moment=NOW - timedelta(days=400), first_felt=date(2025, 10, 1),
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(knot=old, moment=NOW - timedelta(days=d, hours=3), pain=d % 11) for d in range(399)
    )
    url = reverse("knot", args=[old.pk])
    page = client_in.get(url).content.decode()
    shown_from = (NOW - timedelta(hours=3)).astimezone(ZoneInfo(TZ)).date() - timedelta(days=89)
    assert f"The last 90 days, from {shown_from.day} {shown_from:%b %Y}." in page
    assert 'href="?all=1#history-title">Show the whole history</a> (400 days with ratings)' in page
    # 90 days draw a dot per check-in (a longer chart would draw a band instead).
    assert page.count("<circle ") == 90 and "key--band" not in page
    everything = client_in.get(url + "?all=1").content.decode()
    assert "Show the whole history" not in everything
    assert "<circle " not in everything and "key--band" in everything  # the whole 400 days


def test_it_redraws_the_cached_history_after_each_change(client_in: Client, knot: Knot) -> None:
    url = reverse("knot", args=[knot.pk])
    assert "<strong>6</strong>" in client_in.get(url).content.decode()
    extra = services.check_in(knot, pain=2, tz_name=TZ)
    assert "<strong>2</strong>" in client_in.get(url).content.decode()
    client_in.post(reverse("checkin_delete", args=[extra.pk]))
    assert "<strong>2</strong>" not in client_in.get(url).content.decode()


def test_it_checks_in_and_redirects(client_in: Client, knot: Knot) -> None:
    response = client_in.post(reverse("knot_checkin", args=[knot.pk]), {"pain": "3"})
    assert response.status_code == 302
    assert list(knot.checkins.order_by("moment").values_list("pain", flat=True)) == [6, 3]


def test_it_refuses_a_checkin_from_the_future(client_in: Client, knot: Knot) -> None:
    response = client_in.post(
        reverse("knot_checkin", args=[knot.pk]), {"pain": "3", "moment": "2026-11-25T09:00"}
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert knot.checkins.count() == 1


def test_it_refuses_a_checkin_before_the_knot(client_in: Client, knot: Knot) -> None:
    response = client_in.post(
        reverse("knot_checkin", args=[knot.pk]), {"pain": "3", "moment": "2026-11-01T09:00"}
    )
    assert response.status_code == 400
    assert "cannot be earlier" in response.content.decode()


def test_it_unties_and_reopens(client_in: Client, knot: Knot) -> None:
    url = reverse("knot_untie", args=[knot.pk])
    assert "How much does it hurt now?" in client_in.get(url).content.decode()
    response = client_in.post(url, {"pain": "1", "note": "massage ball"})
    assert response["Location"] == reverse("knot", args=[knot.pk])
    knot.refresh_from_db()
    assert knot.status == "untied"
    assert knot.checkins.order_by("moment").last().pain == 1  # type: ignore[union-attr]
    page = client_in.get(reverse("knot", args=[knot.pk])).content.decode()
    assert "Reopen" in page and "How does it feel now?" not in page
    # It reads as how it ended, not as a trend: no "worse" from the last week of ratings.
    assert "1<small>/10 when untied</small>" in page
    assert "after starting at 6/10" in page
    assert "over 7 days" not in page
    client_in.post(reverse("knot_reopen", args=[knot.pk]))
    knot.refresh_from_db()
    assert knot.status == "active"


def test_it_only_changes_data_on_post(client_in: Client, knot: Knot) -> None:
    for name in ("knot_reopen", "knot_checkin"):
        assert client_in.get(reverse(name, args=[knot.pk])).status_code == 405
    # Untying asks first: a GET shows the question and changes nothing.
    untie = client_in.get(reverse("knot_untie", args=[knot.pk]), {"pain": "0"})
    assert untie.status_code == 200
    assert client_in.get(reverse("knot_track"), {"action": "new"}).status_code == 405
    knot.refresh_from_db()
    assert (knot.status, knot.checkins.count()) == ("active", 1)


@pytest.mark.parametrize("pain", ["", "11", "-1", "four"])
def test_it_will_not_untie_without_a_last_rating(client_in: Client, knot: Knot, pain: str) -> None:
    response = client_in.post(reverse("knot_untie", args=[knot.pk]), {"pain": pain})
    assert response.status_code == 400
    assert "0 to 10" in response.content.decode()
    knot.refresh_from_db()
    assert (knot.status, knot.checkins.count()) == ("active", 1)


def test_it_untie_twice_is_harmless(client_in: Client, knot: Knot) -> None:
    url = reverse("knot_untie", args=[knot.pk])
    client_in.post(url, {"pain": "2"})
    again = client_in.post(url, {"pain": "0"}, follow=True)
    assert "already marked untied" in again.content.decode()
    assert knot.checkins.count() == 2


def test_it_shows_an_untied_knot_as_it_ended_in_the_journal(client_in: Client, knot: Knot) -> None:
    # 6 two days ago, 7 an hour ago: a trend would read "+1, worse" on a knot that is gone.
    services.check_in(knot, pain=7, tz_name=TZ, moment=NOW - timedelta(hours=1))
    services.untie(knot, pain=0, tz_name=TZ)
    page = client_in.get(reverse("journal")).content.decode()
    assert "0<small>/10 when untied</small>" in page
    assert "worse" not in page and "easing" not in page


def test_it_says_when_an_old_untied_knot_has_no_last_rating(client_in: Client, knot: Knot) -> None:
    Knot.objects.filter(pk=knot.pk).update(status="untied", untied_at=NOW)
    page = client_in.get(reverse("journal")).content.decode()
    assert "6<small>/10 last rated</small>" in page and "before it was untied" in page
    assert "worse" not in page


def test_it_edits_a_knot(client_in: Client, knot: Knot) -> None:
    url = reverse("knot_edit", args=[knot.pk])
    assert "Edit knot" in client_in.get(url).content.decode()
    response = client_in.post(
        url,
        {
            "region": "upper-back",
            "side": "left",
            "first_felt": "2026-11-20",
            "note": "better",
            "version": "1",
        },
    )
    assert response.status_code == 302
    knot.refresh_from_db()
    assert (knot.region, knot.note, knot.version) == ("upper-back", "better", 2)


def test_it_keeps_both_edits_visible_when_two_tabs_save(client_in: Client, knot: Knot) -> None:
    url = reverse("knot_edit", args=[knot.pk])
    base = {
        "region": "medial-border-of-scapula",
        "side": "left",
        "first_felt": "2026-11-20",
        "version": "1",
    }
    assert client_in.post(url, {**base, "note": "first tab"}).status_code == 302
    response = client_in.post(url, {**base, "note": "second tab"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed in another tab" in page
    assert "second tab" in page  # what this tab typed is still in the form
    assert "first tab" in page  # and what the other tab saved is shown
    knot.refresh_from_db()
    assert knot.note == "first tab"
    # Saving again from the refreshed form keeps the second tab's words.
    assert client_in.post(url, {**base, "version": "2", "note": "second tab"}).status_code == 302
    knot.refresh_from_db()
    assert knot.note == "second tab"


def test_it_asks_before_deleting(client_in: Client, knot: Knot) -> None:
    url = reverse("knot_delete", args=[knot.pk])
    assert "Delete for good" in client_in.get(url).content.decode()
    assert Knot.objects.filter(pk=knot.pk).exists()
    assert client_in.post(url).status_code == 302
    assert not Knot.objects.filter(pk=knot.pk).exists()
    assert not CheckIn.objects.exists()


def test_it_lists_checkins_for_correction(client_in: Client, knot: Knot) -> None:
    services.check_in(knot, pain=9, tz_name=TZ, note="typo, meant 3")
    page = client_in.get(reverse("knot_checkins", args=[knot.pk])).content.decode()
    assert "typo, meant 3" in page
    assert page.count('action="/checkins/') == 2


def test_it_deletes_a_mistaken_checkin_but_keeps_the_last(client_in: Client, knot: Knot) -> None:
    extra = services.check_in(knot, pain=9, tz_name=TZ)
    response = client_in.post(reverse("checkin_delete", args=[extra.pk]))
    assert response["Location"] == reverse("knot_checkins", args=[knot.pk])
    assert list(knot.checkins.values_list("pain", flat=True)) == [6]
    only = knot.checkins.get()
    response = client_in.post(reverse("checkin_delete", args=[only.pk]), follow=True)
    assert "keeps at least one check-in" in response.content.decode()
    assert knot.checkins.count() == 1


def test_it_lists_active_and_untied_knots_in_the_journal(
    client_in: Client, knot: Knot, user: Any
) -> None:
    other = services.add_knot(user, region="calf", side="right", pain=2, tz_name=TZ)
    services.untie(other, pain=0, tz_name=TZ)
    page = client_in.get(reverse("journal")).content.decode()
    assert "Active (1)" in page and "Untied (1)" in page and "Right calf" in page


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("knot", "get"),
        ("knot_checkins", "get"),
        ("knot_edit", "get"),
        ("knot_edit", "post"),
        ("knot_delete", "get"),
        ("knot_delete", "post"),
        ("knot_checkin", "post"),
        ("knot_untie", "get"),
        ("knot_untie", "post"),
        ("knot_reopen", "post"),
    ],
)
def test_it_gives_strangers_404(
    stranger_client: Client, knot: Knot, name: str, method: str
) -> None:
    if name == "knot_reopen":
        services.untie(knot, pain=1, tz_name=TZ)  # so that a leaky reopen would show
    knot.refresh_from_db()
    before = (knot.status, knot.checkins.count(), knot.version)
    response = getattr(stranger_client, method)(reverse(name, args=[knot.pk]), {"pain": "1"})
    assert response.status_code == 404
    knot.refresh_from_db()
    assert (knot.status, knot.checkins.count(), knot.version) == before


def test_it_gives_strangers_404_for_checkins(stranger_client: Client, knot: Knot) -> None:
    checkin = knot.checkins.get()
    assert stranger_client.post(reverse("checkin_delete", args=[checkin.pk])).status_code == 404
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_it_rejects_a_tampered_form_without_csrf(user: Any, db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("knot_new"), {"region": "temple", "side": "left", "pain": "3"})
    assert response.status_code == 403
    assert "form expired" in response.content.decode()
    assert not Knot.objects.exists()


def test_it_refuses_a_checkin_on_an_untied_knot(client_in: Client, knot: Knot) -> None:
    services.untie(knot, pain=1, tz_name=TZ)
    response = client_in.post(reverse("knot_checkin", args=[knot.pk]), {"pain": "3"}, follow=True)
    assert "marked untied" in response.content.decode()
    assert knot.checkins.count() == 2


@pytest.mark.parametrize(
    ("time_zone", "wall_clock", "accepted"),
    [
        # 10:00 UTC is 02:00 in Los Angeles: 09:00 there is still to come.
        ("America/Los_Angeles", "2026-11-23T09:00", False),
        ("America/Los_Angeles", "2026-11-23T01:30", True),
        # ...and already Tuesday 00:00 on Kiritimati (UTC+14): Monday 23:50 has passed.
        ("Pacific/Kiritimati", "2026-11-23T23:50", True),
        ("Pacific/Kiritimati", "2026-11-24T00:30", False),
    ],
)
def test_it_reads_the_checkin_time_on_the_users_clock(
    client: Client, make_user: Any, time_zone: str, wall_clock: str, accepted: bool
) -> None:
    owner = make_user("pat", time_zone=time_zone)
    client.force_login(owner)
    knot = services.add_knot(
        owner,
        region="calf",
        side="left",
        pain=5,
        tz_name=time_zone,
        first_felt=date(2026, 11, 20),
        moment=NOW - timedelta(days=1),
    )
    response = client.post(
        reverse("knot_checkin", args=[knot.pk]), {"pain": "3", "moment": wall_clock}
    )
    assert (response.status_code == 302) is accepted
    assert knot.checkins.count() == (2 if accepted else 1)


def test_it_logs_the_repeated_hour_and_explains_the_skipped_one(
    client: Client, make_user: Any
) -> None:
    owner = make_user("pat", time_zone="America/New_York")
    client.force_login(owner)
    knot = services.add_knot(
        owner,
        region="calf",
        side="left",
        pain=5,
        tz_name="America/New_York",
        first_felt=date(2026, 3, 1),
        moment=datetime(2026, 3, 2, 12, tzinfo=UTC),
    )
    url = reverse("knot_checkin", args=[knot.pk])
    # 1 November 2026, 01:30 happens twice in New York; the first (EDT, UTC-4) is meant.
    assert client.post(url, {"pain": "4", "moment": "2026-11-01T01:30"}).status_code == 302
    assert knot.checkins.filter(pain=4).get().moment == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    # 8 March 2026, 02:30 never happened there: the clocks jumped from 02:00 to 03:00.
    response = client.post(url, {"pain": "6", "moment": "2026-03-08T02:30"})
    assert response.status_code == 400
    assert "did not exist" in response.content.decode()
    assert not knot.checkins.filter(pain=6).exists()


def test_it_suggests_a_professional_for_a_knot_stuck_for_weeks(
    client_in: Client, user: Any
) -> None:
    knot = services.add_knot(
        user,
        region="calf",
        side="left",
        pain=6,
        tz_name=TZ,
        first_felt=date(2026, 10, 1),
        moment=NOW - timedelta(days=35),
    )
    services.check_in(knot, pain=6, tz_name=TZ)
    assert "time to see a professional" in client_in.get(reverse("today")).content.decode()
    page = client_in.get(reverse("knot", args=[knot.pk])).content.decode()
    assert "Time to see a professional" in page and "first week about 6.0/10" in page


def test_it_shows_the_safety_answers_given_for_a_knot(client_in: Client, knot: Knot) -> None:
    from knotless.safety.checklist import flags_for

    soon = next(f for f in flags_for(["back"]) if f.tier == "soon")
    client_in.post(
        reverse("safety_check"), {"areas": "back", "flag": [soon.id], "knot": str(knot.pk)}
    )
    page = client_in.get(reverse("knot", args=[knot.pk])).content.decode()
    assert "Safety check answers" in page and "Book an appointment soon" in page


def _rule_in_words() -> str:
    from knotless.lib.trends import MCID_POINTS, MCID_SHARE

    # The 4-week review asks for both a drop in points AND a share of the first week's level.
    return f"{MCID_POINTS:g} points and {round(100 * MCID_SHARE)} %"


def test_it_words_the_review_as_the_code_computes_it(client_in: Client, user: Any) -> None:
    stuck = services.add_knot(
        user,
        region="calf",
        side="left",
        pain=6,
        tz_name=TZ,
        first_felt=date(2026, 10, 1),
        moment=NOW - timedelta(days=40),
    )
    services.check_in(stuck, pain=5, tz_name=TZ, moment=NOW - timedelta(days=1))
    page = client_in.get(reverse("knot", args=[stuck.pk])).content.decode()
    assert "Time to see a professional" in page
    assert _rule_in_words() in page


def test_it_words_the_review_in_the_readme_as_the_code_computes_it() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"at least {_rule_in_words()}" in readme
    assert not re.search(r"\d points? or \d+ ?%", readme)
