from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotless.lib.setgrammar import (
    MAX_REPS,
    MAX_SETS,
    Effort,
    Entry,
    Load,
    WorkSet,
    format_entry,
    parse,
)

KG20 = Load("kg", Decimal(20))


def rir(n: int) -> Effort:
    return Effort("rir", Decimal(n))


def test_sets_times_reps_at_a_load() -> None:
    assert parse("3x10@20kg") == Entry((WorkSet(10, KG20),) * 3)


def test_a_list_of_reps_is_one_set_each() -> None:
    entry = parse("5,5,4@100lb")
    assert [s.reps for s in entry.sets] == [5, 5, 4]
    assert {s.load for s in entry.sets} == {Load("lb", Decimal(100))}


def test_bands_and_bodyweight() -> None:
    assert parse("3x12 band:red").sets[0].load == Load("band", colour="red")
    assert parse("3x8 bw").sets[0].load == Load("bw")


def test_one_effort_applies_to_every_set() -> None:
    entry = parse("3x10@20kg rir2")
    assert [s.effort for s in entry.sets] == [rir(2)] * 3
    assert parse("3x5@100kg rpe8").sets[2].effort == Effort("rpe", Decimal(8))


def test_efforts_can_be_given_per_set() -> None:
    entry = parse("3x5@100kg rir 2,1,0")
    assert [s.effort for s in entry.sets] == [rir(2), rir(1), rir(0)]
    assert format_entry(entry) == "3x5@100kg rir2,1,0"


def test_decimal_loads_and_no_load_at_all() -> None:
    assert parse("10,8,8@22.5kg").sets[1] == WorkSet(8, Load("kg", Decimal("22.5")))
    assert parse("12") == Entry((WorkSet(12),))


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("3x10@20kg", "3x10@20kg"),
        ("5,5,4@100lb", "5,5,4@100lb"),
        ("3x12 band:red", "3x12 band:red"),
        ("3x8 bw", "3x8 bw"),
        ("3x10@20kg rir2", "3x10@20kg rir2"),
        ("3x5@100kg rpe8", "3x5@100kg rpe8"),
        ("10,8,8@22.5kg", "10,8,8@22.5kg"),
        ("10,10,10 @ 20 KG", "3x10@20kg"),
        ("3 × 10 @ 20.50 kg RPE 7.5", "3x10@20.5kg rpe7.5"),
        ("3x8@bw", "3x8 bw"),
        ("2x10@45lbs", "2x10@45lb"),
        ("12", "1x12"),
        ("1x5@140kg rpe9 + 3x8@100kg", "1x5@140kg rpe9 + 3x8@100kg"),
        ("2x5@100kg + 1x5@100kg", "3x5@100kg"),
    ],
)
def test_canonical_form(typed: str, canonical: str) -> None:
    assert format_entry(parse(typed)) == canonical
    assert str(parse(typed)) == canonical


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Nothing to read"),
        ("   ", "Nothing to read"),
        ("3x10@nankg", "finite"),
        ("3x10@inf kg", "finite"),
        ("3x10@-5kg", "negative"),
        ("3x10 rir -1", "negative"),
        ("0x10", "1 to 20 sets"),
        ("21x1", "1 to 20 sets"),
        ("11x1 + 10x1", "1 to 20 sets"),
        ("3x0", "1 to 100 reps"),
        ("3x101", "1 to 100 reps"),
        ("3x10@1001kg", "0 to 1000 kg"),
        ("3x10@2201lb", "0 to 2200 lb"),
        ("3x10@20.125kg", "two decimals"),
        ("3x10 rir 11", "0 to 10"),
        ("3x10 rir 1.5", "whole number"),
        ("3x10 rpe 0.5", "1 to 10"),
        ("3x10 rpe 7.3", "steps of 0.5"),
        ("3x5 rir2,1", "one for each"),
        ("３x10", "plain digits"),
        ("3x١٠", "plain digits"),
        ("3x10 band:", "Could not read"),
        ("3x10 band:averyveryverylongcolourname", "colour"),
        ("3x10@20kg +", "around a"),
        ("ten sets", "Could not read"),
        ("3x10@20", "Could not read"),
        ("x" * 1001, "too long"),
    ],
)
def test_bad_input_says_what_to_change(typed: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse(typed)


def test_messages_quote_little_of_the_input() -> None:
    junk = "squat like a champion " * 8
    with pytest.raises(ValueError, match="Could not read") as caught:
        parse(junk)
    message = str(caught.value)
    assert "champion" in message  # it does show some of it
    quoted = message.split("'")[1]
    assert len(quoted) <= 40


def test_values_built_by_hand_are_checked_too() -> None:
    with pytest.raises(ValueError, match="reps"):
        WorkSet(0)
    with pytest.raises(ValueError, match="negative"):
        Load("kg", Decimal("-0"))
    with pytest.raises(ValueError, match="plain number"):
        Load("kg", Decimal("NaN"))
    with pytest.raises(ValueError, match="plain number"):
        Effort("rpe", Decimal("Infinity"))
    with pytest.raises(ValueError, match="no amount"):
        Load("bw", Decimal(1))
    with pytest.raises(ValueError, match="sets"):
        Entry(())


# --- properties ---------------------------------------------------------------------------

loads = st.one_of(
    st.none(),
    st.just(Load("bw")),
    st.from_regex(r"[a-z][a-z-]{0,19}", fullmatch=True).map(lambda c: Load("band", colour=c)),
    st.integers(0, 100_000).map(lambda n: Load("kg", Decimal(n) / 100)),
    st.integers(0, 220_000).map(lambda n: Load("lb", Decimal(n) / 100)),
)
efforts = st.one_of(
    st.none(),
    st.integers(0, 10).map(rir),
    st.integers(2, 20).map(lambda n: Effort("rpe", Decimal(n) / 2)),
)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    count = draw(st.integers(1, MAX_SETS))
    sets: list[WorkSet] = []
    for _ in range(count):
        if len(sets) > 0 and draw(st.booleans()):
            # Often repeat the last load and effort scale, as real sessions do.
            last = sets[-1]
            effort = last.effort
            if effort is not None and draw(st.booleans()):
                effort = Effort(effort.scale, Decimal(draw(st.integers(1, 10))))
            sets.append(WorkSet(draw(st.integers(1, MAX_REPS)), last.load, effort))
        else:
            sets.append(WorkSet(draw(st.integers(1, MAX_REPS)), draw(loads), draw(efforts)))
    return Entry(tuple(sets))


@given(entries())
def test_parse_reads_back_what_format_writes(entry: Entry) -> None:
    text = format_entry(entry)
    assert parse(text) == entry
    assert format_entry(parse(text)) == text


@given(st.text(max_size=80))
def test_junk_only_ever_raises_value_error(text: str) -> None:
    try:
        entry = parse(text)
    except ValueError as error:
        message = str(error)
    else:
        assert parse(format_entry(entry)) == entry
        return
    assert 0 < len(message) < 200


@given(st.text(alphabet="0123456789x@,.+ :kglbswrnadipe-×", max_size=40))
def test_near_miss_junk_only_ever_raises_value_error(text: str) -> None:
    try:
        entry = parse(text)
    except ValueError:
        return
    assert parse(format_entry(entry)) == entry
