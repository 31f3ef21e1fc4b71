from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from knotless.journal import services
from knotless.journal.models import CheckIn, Knot

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TZ = "Europe/Berlin"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def add(user: Any, **overrides: Any) -> Knot:
    fields: dict[str, Any] = {
        "region": "medial-border-of-scapula",
        "side": "left",
        "pain": 6,
        "tz_name": TZ,
    }
    fields.update(overrides)
    return services.add_knot(user, **fields)


def test_it_adds_a_knot_with_its_first_checkin(user: Any) -> None:
    knot = add(user, muscle="rhomboids", note="  after the long drive ")
    assert (knot.region, knot.side, knot.muscle, knot.note) == (
        "medial-border-of-scapula",
        "left",
        "rhomboids",
        "after the long drive",
    )
    assert knot.first_felt == date(2026, 11, 23)
    assert list(knot.checkins.values_list("pain", flat=True)) == [6]
    assert knot.label == "Left inner edge of shoulder blade"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pain": 11}, "whole number from 0"),
        ({"pain": -1}, "whole number from 0"),
        ({"region": "shoulderblade"}, "shoulderblade"),
        ({"region": "sacrum", "side": "left"}, "center"),
        ({"side": "center"}, "left or right"),
        ({"muscle": "upper-trapezus"}, "Did you mean upper-trapezius"),
        ({"note": "x" * 2001}, "up to 2000"),
        ({"first_felt": date(2026, 11, 30)}, "future"),
        ({"moment": NOW + timedelta(hours=2)}, "future"),
        (
            {"first_felt": date(2026, 11, 20), "moment": datetime(2026, 11, 1, tzinfo=UTC)},
            "first felt",
        ),
    ],
)
def test_it_rejects_bad_input_and_stores_nothing(
    user: Any, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        add(user, **overrides)
    assert not Knot.objects.exists()
    assert not CheckIn.objects.exists()


def test_it_uses_the_users_local_day_for_first_felt(user: Any) -> None:
    # 23:30 UTC is already tomorrow in Tokyo: "today" there is allowed, not "in the future".
    with time_machine.travel(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), tick=False):
        knot = add(user, tz_name="Asia/Tokyo", first_felt=date(2026, 11, 24))
    assert knot.first_felt == date(2026, 11, 24)


def test_it_checks_in_many_times_a_day(user: Any) -> None:
    knot = add(user)
    for pain in (5, 4, 4):
        services.check_in(knot, pain=pain, tz_name=TZ)
    assert knot.checkins.count() == 4


def test_it_refuses_a_checkin_before_the_knot(user: Any) -> None:
    knot = add(user, first_felt=date(2026, 11, 20))
    with pytest.raises(ValidationError, match="first felt on 20 Nov 2026"):
        services.check_in(knot, pain=3, tz_name=TZ, moment=datetime(2026, 11, 19, 12, tzinfo=UTC))


def test_it_unties_and_reopens(user: Any) -> None:
    knot = add(user)
    services.untie(knot, pain=1, tz_name=TZ, note="the ball on the wall")
    assert (knot.status, knot.untied_at) == ("untied", NOW)
    # The last rating is a normal check-in at the moment of untying.
    last = knot.checkins.order_by("moment").last()
    assert last is not None and (last.pain, last.moment, last.note) == (
        1,
        NOW,
        "the ball on the wall",
    )
    [summary] = services.summaries(Knot.objects.filter(pk=knot.pk))
    assert (summary.trend.latest, summary.first_pain, summary.rated_at_untie) == (1, 6, True)
    services.reopen(knot)
    assert (knot.status, knot.untied_at) == ("active", None)


def test_it_unties_only_with_a_valid_last_rating_and_only_once(user: Any) -> None:
    knot = add(user)
    with pytest.raises(ValidationError, match="whole number from 0"):
        services.untie(knot, pain=11, tz_name=TZ)
    knot.refresh_from_db()
    assert (knot.status, knot.checkins.count()) == ("active", 1)
    services.untie(knot, pain=2, tz_name=TZ)
    with pytest.raises(ValidationError, match="already marked untied"):
        services.untie(knot, pain=0, tz_name=TZ)
    assert knot.checkins.count() == 2


def test_it_tells_an_old_untied_knot_without_a_last_rating(user: Any) -> None:
    knot = add(user)
    # Knots untied before the last rating was asked: their latest rating is older.
    Knot.objects.filter(pk=knot.pk).update(status="untied", untied_at=NOW + timedelta(hours=1))
    [summary] = services.summaries(Knot.objects.filter(pk=knot.pk), now=NOW + timedelta(hours=2))
    assert (summary.trend.latest, summary.rated_at_untie) == (6, False)


def test_it_edits_only_from_the_current_version(user: Any) -> None:
    knot = add(user)
    fields = {
        "region": "upper-back",
        "side": "right",
        "first_felt": date(2026, 11, 22),
        "note": "a",
    }
    services.edit_knot(knot, version=1, tz_name=TZ, **fields)
    assert (knot.region, knot.version) == ("upper-back", 2)
    with pytest.raises(services.StaleEdit):
        services.edit_knot(knot, version=1, tz_name=TZ, **{**fields, "note": "stale tab"})
    knot.refresh_from_db()
    assert knot.note == "a"


def test_it_will_not_move_first_felt_after_the_first_checkin(user: Any) -> None:
    knot = add(user, moment=NOW - timedelta(days=3), first_felt=date(2026, 11, 19))
    with pytest.raises(ValidationError, match="cannot start later"):
        services.edit_knot(
            knot,
            version=1,
            tz_name=TZ,
            region=knot.region,
            side="left",
            first_felt=date(2026, 11, 22),
        )


def test_it_hides_other_peoples_knots(user: Any, stranger: Any) -> None:
    knot = add(user)
    with pytest.raises(Http404):
        services.knot_for(stranger, knot.pk)
    assert services.knot_for(user, knot.pk) == knot


def test_it_summarises_latest_rating_and_weekly_change(user: Any) -> None:
    knot = add(user, first_felt=date(2026, 10, 1), moment=NOW - timedelta(days=30), pain=8)
    for days_ago, pain in [(10, 7), (6, 5), (1, 4)]:
        services.check_in(knot, pain=pain, tz_name=TZ, moment=NOW - timedelta(days=days_ago))
    quiet = add(user, region="temple", pain=3)
    [first, second] = services.summaries(Knot.objects.filter(user=user).order_by("id"))
    assert (first.trend.latest, first.trend.change, first.checkin_count) == (4, -3, 4)
    assert (second.knot, second.trend.latest, second.trend.change) == (quiet, 3, None)


def test_it_summarises_in_a_fixed_number_of_queries(
    user: Any, django_assert_num_queries: Any
) -> None:
    for region in ("temple", "calf", "buttock"):
        add(user, region=region)
    # The knots, their counts and first, latest and standing ratings, the last week's ratings.
    with django_assert_num_queries(3):
        services.summaries(Knot.objects.filter(user=user))
    old = add(user, region="heel", first_felt=date(2026, 10, 1), moment=NOW - timedelta(days=40))
    services.check_in(old, pain=6, tz_name=TZ)
    with django_assert_num_queries(4):  # one more for the 4-week reviews
        services.summaries(Knot.objects.filter(user=user))
    with django_assert_num_queries(3):  # reviews are cached until check-ins change
        services.summaries(Knot.objects.filter(user=user))


def test_it_reviews_active_knots_after_four_weeks(user: Any) -> None:
    knot = add(user, first_felt=date(2026, 10, 1), moment=NOW - timedelta(days=40), pain=6)
    services.check_in(knot, pain=6, tz_name=TZ, moment=NOW - timedelta(days=1))
    [summary] = services.summaries(Knot.objects.filter(pk=knot.pk))
    assert summary.stall is not None and summary.stall.baseline == 6.0
    services.check_in(knot, pain=2, tz_name=TZ)
    [summary] = services.summaries(Knot.objects.filter(pk=knot.pk))
    assert summary.stall is None  # 6 -> (6 + 2) / 2 = 4: down 2 points


def test_it_does_not_review_untied_knots(user: Any) -> None:
    knot = add(user, first_felt=date(2026, 10, 1), moment=NOW - timedelta(days=40), pain=6)
    services.check_in(knot, pain=6, tz_name=TZ, moment=NOW - timedelta(days=1))
    services.untie(knot, pain=6, tz_name=TZ)
    [summary] = services.summaries(Knot.objects.filter(pk=knot.pk))
    assert summary.stall is None


@pytest.mark.django_db
def test_all_ratings_reads_exactly_what_the_orm_reads(user: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from knotless.journal.models import CheckIn, Knot

    knot = Knot.objects.create(
        user=user, region="back-of-neck", side="left", first_felt=datetime(2024, 1, 1).date()
    )
    start = datetime(2024, 3, 31, 0, 59, 59, 123456, tzinfo=UTC)  # around a DST change
    CheckIn.objects.bulk_create(
        CheckIn(
            knot=knot,
            moment=start + timedelta(hours=7 * n, microseconds=n),
            pain=n % 11,
            note="ünïcode" if n % 5 == 0 else "",
        )
        for n in range(40)
    )
    expected = list(
        knot.checkins.order_by("moment", "id").values_list("id", "moment", "pain", "note")
    )
    found = services.all_ratings(knot)
    assert found == expected
    assert all(
        moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
        for _, moment, _, _ in found
    )
