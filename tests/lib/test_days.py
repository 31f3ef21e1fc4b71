from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.days import day_bounds, is_time_zone, local_date, short_moment, zone


def test_it_knows_real_time_zones() -> None:
    assert is_time_zone("Europe/Berlin")
    assert not is_time_zone("Mars/Olympus")


def test_it_explains_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="not a known time zone"):
        zone("Mars/Olympus")


def test_it_puts_a_late_evening_on_the_local_day() -> None:
    moment = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert local_date(moment, zone("Asia/Tokyo")) == date(2026, 11, 24)
    assert local_date(moment, zone("America/New_York")) == date(2026, 11, 23)


def test_it_refuses_naive_moments() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 1, 1), zone("UTC"))


def test_it_gives_short_and_long_days_at_dst_changes() -> None:
    berlin = zone("Europe/Berlin")
    spring = day_bounds(date(2026, 3, 29), berlin)
    autumn = day_bounds(date(2026, 10, 25), berlin)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


zones = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)), zones)
def test_it_places_every_moment_inside_its_local_day(naive: datetime, name: str) -> None:
    tz = zone(name)
    moment = naive.replace(tzinfo=UTC)
    start, end = day_bounds(local_date(moment, tz), tz)
    assert start <= moment < end


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns"]),
)
def test_short_moment_writes_what_the_date_filter_writes(moment: datetime, name: str) -> None:
    from django.utils.dateformat import format as date_format

    local = moment.replace(tzinfo=UTC).astimezone(zone(name))
    assert short_moment(local) == date_format(local, "D j M, H:i")
