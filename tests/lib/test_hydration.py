"""The drinks target, the pace line, warnings and amounts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.hydration import (
    FIRM_PER_HOUR,
    Person,
    intake_warning,
    pace,
    parse_amount,
    show,
    target,
)


@pytest.mark.parametrize(
    ("person", "ml"),
    [
        (Person("efsa", "male"), 2000),
        (Person("efsa", "female"), 1600),
        (Person("iom", "male"), 3000),
        (Person("iom", "female"), 2200),
        (Person("efsa", "unspecified"), 1800),
        (Person("efsa", "female", pregnant=True), 1900),
        (Person("efsa", "female", lactating=True), 2100),
        (Person("iom", "female", pregnant=True), 2300),
        (Person("iom", "female", lactating=True), 3100),
        (Person("efsa", "male", age=12), 1600),
        (Person("iom", "female", age=15), 1800),
        (Person("efsa", "female", age=6), 1200),
    ],
)
def test_the_base_target_is_the_named_standards_drinks_share(person: Person, ml: int) -> None:
    result = target(person)
    assert result.ml == ml
    assert result.parts[0].source.startswith(("EFSA", "US National"))


def test_exercise_and_heat_raise_the_target_and_say_why() -> None:
    result = target(Person("efsa", "female"), exercise_minutes=60, hot_day=True)
    assert result.ml == 1600 + 500 + 500
    labels = [p.label for p in result.parts]
    assert labels[1:] == ["60 min of exercise", "hot day"]
    assert "0.5-1.0 L" in result.parts[1].source
    own = target(Person("efsa", "female", sweat_ml_per_hour=900), exercise_minutes=30)
    assert own.ml == 1600 + 450 and own.parts[1].source == "your own sweat rate"


def test_an_override_wins_and_the_panel_says_what_the_standard_gives() -> None:
    result = target(Person("efsa", "male", override_ml=2500))
    assert result.ml == 2500 and result.overridden
    assert "standard would give 2000 ml" in result.notes[0]
    with pytest.raises(ValueError, match="500 ml to 6 L"):
        target(Person(override_ml=9000))


def test_it_never_urges_drinking_beyond_thirst_in_endurance_exercise() -> None:
    notes = " ".join(target(Person(), exercise_minutes=240).notes)
    assert "drink to thirst" in notes


def test_pace_spreads_the_target_over_the_waking_day() -> None:
    assert pace(1600, time(6, 0)) == 0
    assert pace(1600, time(15, 0)) == 800  # halfway between 07:00 and 23:00
    assert pace(1600, time(23, 30)) == 1600
    # A night owl: up at 10, asleep at 2.
    assert pace(1600, time(1, 0), wake=time(10), sleep=time(2)) == 1500


@given(st.integers(500, 6000), st.times())
def test_pace_never_runs_past_the_target(goal: int, now: time) -> None:
    assert 0 <= pace(goal, now) <= goal


def test_warnings_follow_the_hourly_amounts() -> None:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert intake_warning([(now - timedelta(minutes=10), 900)], now) is None
    gentle = intake_warning([(now - timedelta(minutes=10), 600), (now, 500)], now)
    assert gentle is not None and gentle.level == "gentle"
    firm = intake_warning([(now - timedelta(minutes=50), 800), (now, 600)], now)
    assert firm is not None and firm.level == "firm" and firm.ml_last_hour == FIRM_PER_HOUR
    old = intake_warning([(now - timedelta(minutes=61), 1500)], now)
    assert old is None  # outside the hour


@pytest.mark.parametrize(
    ("text", "ml"),
    [("250", 250), ("250ml", 250), ("0.5l", 500), ("0,33 l", 330), ("12oz", 355), ("8 OZ", 237)],
)
def test_amounts_in_the_usual_units(text: str, ml: int) -> None:
    assert parse_amount(text) == ml


@pytest.mark.parametrize("text", ["", "lots", "0", "-5", "4l"])
def test_bad_amounts_are_explained(text: str) -> None:
    with pytest.raises(ValueError, match=r"amount|between"):
        parse_amount(text)


def test_amounts_show_in_the_users_units() -> None:
    assert show(250, "metric") == "250 ml"
    assert show(1800, "metric") == "1.8 L"
    assert show(355, "imperial") == "12 oz"
    assert show(250, "imperial") == "8.5 oz"
