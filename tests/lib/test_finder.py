from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from knotless.lib.finder import (
    CONTEXT_BOOST,
    P_ESSENTIAL,
    P_MARK,
    PRIORS,
    WITHIN_WEIGHT,
    find,
    marks_from,
    parse_mark,
)


@dataclass(frozen=True)
class M:
    slug: str
    essential: tuple[str, ...]
    spillover: tuple[str, ...] = ()
    prevalence: str = "common"
    contexts: tuple[str, ...] = ()


REGIONS = [f"r{i}" for i in range(12)]

muscle_sets = st.lists(
    st.builds(
        M,
        slug=st.text("abcdefgh", min_size=3, max_size=6),
        essential=st.lists(st.sampled_from(REGIONS), min_size=1, max_size=4, unique=True).map(
            tuple
        ),
        spillover=st.lists(st.sampled_from(REGIONS), max_size=3, unique=True).map(tuple),
        prevalence=st.sampled_from(sorted(PRIORS)),
        contexts=st.lists(st.sampled_from(["desk", "lifting", "running"]), unique=True).map(tuple),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda m: m.slug,
).map(
    lambda ms: [
        M(
            m.slug,
            m.essential,
            tuple(s for s in m.spillover if s not in m.essential),
            m.prevalence,
            m.contexts,
        )
        for m in ms
    ]
)
marks = st.dictionaries(st.sampled_from(REGIONS), st.floats(0.1, 1.0), min_size=1, max_size=5)


TRAP = M("upper-trapezius", ("side-of-neck", "temple"), ("jaw-tmj",), "very-common", ("desk",))
TEMPORALIS = M("temporalis", ("temple", "upper-teeth"), (), "common")
CALF = M("gastrocnemius", ("calf",), ("back-of-knee",), "common", ("running",))


def test_it_ranks_the_muscle_that_explains_the_map() -> None:
    [first, second] = find({"temple": 1.0, "side-of-neck": 0.8}, [TEMPORALIS, TRAP, CALF])
    assert first.slug == "upper-trapezius"
    assert first.explained == ("temple", "side-of-neck")
    assert first.unmarked_usual == ()
    assert second.slug == "temporalis" and second.unmarked_usual == ("upper-teeth",)
    assert math.isclose(first.score + second.score, 1.0)


def test_it_leaves_out_muscles_that_explain_nothing() -> None:
    assert [f.slug for f in find({"calf": 1.0}, [TRAP, TEMPORALIS, CALF])] == ["gastrocnemius"]
    assert find({"heel": 1.0}, [TRAP]) == []


def test_it_lets_context_break_a_tie() -> None:
    a = M("a", ("r1",), (), "common", ("desk",))
    b = M("b", ("r1",), (), "common", ("running",))
    assert find({"r1": 1.0}, [a, b], context="running")[0].slug == "b"
    assert find({"r1": 1.0}, [a, b], context="desk")[0].slug == "a"


def test_it_refuses_empty_or_out_of_range_marks() -> None:
    with pytest.raises(ValueError, match="at least one"):
        find({}, [TRAP])
    with pytest.raises(ValueError, match="at most 1"):
        find({"temple": 1.5}, [TRAP])


def test_it_parses_region_and_intensity() -> None:
    assert parse_mark("temple") == ("temple", 1.0)
    assert parse_mark("temple:7") == ("temple", 0.7)
    with pytest.raises(ValueError, match="from 1 to 10"):
        parse_mark("temple:0")
    with pytest.raises(ValueError, match="whole number"):
        parse_mark("temple:lots")
    with pytest.raises(ValueError, match="whole number"):
        parse_mark("temple:0.01")
    assert marks_from(["temple:4", "temple:8", "calf"]) == {"temple": 0.8, "calf": 1.0}


@given(muscle_sets, marks)
def test_it_is_deterministic_and_scores_sum_to_one(
    muscles: list[M], drawn: dict[str, float]
) -> None:
    first = find(drawn, muscles)
    again = find(dict(reversed(list(drawn.items()))), list(reversed(muscles)))
    assert first == again
    if first:
        assert math.isclose(sum(f.score for f in first), 1.0)
        assert all(0 < f.score <= 1 for f in first)
        assert [f.score for f in first] == sorted((f.score for f in first), reverse=True)


@given(muscle_sets, marks, st.sampled_from([*REGIONS, "elsewhere"]), st.floats(0.1, 1.0))
def test_it_keeps_the_order_of_muscles_a_new_region_does_not_concern(
    muscles: list[M], drawn: dict[str, float], extra: str, intensity: float
) -> None:
    assume(extra not in drawn)
    before = {f.slug: f for f in find(drawn, muscles)}
    after = {f.slug: f for f in find({**drawn, extra: intensity}, muscles)}
    unconcerned = [
        s
        for s in before
        if all(extra not in (m.essential + m.spillover) for m in muscles if m.slug == s)
    ]
    for a in unconcerned:
        for b in unconcerned:
            if before[a].score > before[b].score * (1 + 1e-9):
                assert after[a].score >= after[b].score


@given(muscle_sets, marks, st.data())
def test_it_never_lowers_a_muscle_for_stronger_pain_in_its_usual_zone(
    muscles: list[M], drawn: dict[str, float], data: st.DataObject
) -> None:
    muscle = data.draw(st.sampled_from(muscles))
    zone = data.draw(st.sampled_from(muscle.essential))
    weaker = {**drawn, zone: 0.3}
    stronger = {**drawn, zone: 0.9}
    llr = {f.slug: f.log_likelihood_ratio for f in find(weaker, muscles)}
    llr_up = {f.slug: f.log_likelihood_ratio for f in find(stronger, muscles)}
    assert llr_up[muscle.slug] >= llr[muscle.slug]


@given(muscle_sets, st.data())
def test_it_ranks_a_muscle_first_when_exactly_its_usual_zones_are_marked(
    muscles: list[M], data: st.DataObject
) -> None:
    # With equal priors and no spillover, no other muscle can explain the marks better.
    plain = [M(m.slug, m.essential) for m in muscles]
    target = data.draw(st.sampled_from(plain))
    ranked = find(dict.fromkeys(target.essential, 1.0), plain)
    assert any(f.slug == target.slug and f.score == pytest.approx(ranked[0].score) for f in ranked)


def test_it_keeps_priors_from_outvoting_a_better_fit() -> None:
    # The strongest prior advantage is smaller than the cost of one unmarked usual zone.
    best_prior = max(PRIORS.values()) * CONTEXT_BOOST / min(PRIORS.values())
    blank_usual_zone = 1 - P_MARK * P_ESSENTIAL  # likelihood ratio of one unmarked usual zone
    assert best_prior * blank_usual_zone < 1
    narrow = M("narrow", ("r1", "r2"), (), "occasional")
    wide = M("wide", ("r1", "r2", "r3"), (), "very-common", ("desk",))
    assert best_prior < 2
    assert find({"r1": 1.0, "r2": 1.0}, [narrow, wide], context="desk")[0].slug == "narrow"


@dataclass(frozen=True)
class Nested(M):
    within: tuple[tuple[str, tuple[str, ...]], ...] = ()


def test_a_mark_on_a_broader_place_stands_for_a_finer_zone_inside_it() -> None:
    ball = Nested("ball", ("ball-of-foot",), within=(("ball-of-foot", ("sole",)),))
    sole = M("sole-muscle", ("sole",))
    found = {f.slug: f for f in find({"sole": 1.0}, [ball, sole])}
    # Found, but below the muscle whose own zone the sole is: half the weight, no blank zone.
    assert found["sole-muscle"].score > found["ball"].score
    full = find({"ball-of-foot": 1.0}, [ball])[0].log_likelihood_ratio
    assert found["ball"].log_likelihood_ratio == pytest.approx(WITHIN_WEIGHT * full)
    assert found["ball"].explained == ("sole",) and found["ball"].unmarked_usual == ()
    # A finer mark never stands for a broader zone.
    assert [f.slug for f in find({"ball-of-foot": 1.0}, [ball, sole])] == ["ball"]


def test_a_broader_mark_counts_once_and_not_when_it_is_the_muscles_own_zone() -> None:
    two = Nested(
        "two",
        ("ball-of-foot", "ball-of-big-toe"),
        within=(("ball-of-foot", ("sole",)), ("ball-of-big-toe", ("sole",))),
    )
    one = Nested("one", ("ball-of-foot",), within=(("ball-of-foot", ("sole",)),))
    llr = {f.slug: f.log_likelihood_ratio for f in find({"sole": 1.0}, [two, one])}
    assert llr["two"] == pytest.approx(llr["one"])
    # The sole is the muscle's own zone: its finer zone inside stays a blank usual zone.
    own = Nested("own", ("sole", "ball-of-foot"), within=(("ball-of-foot", ("sole",)),))
    assert find({"sole": 1.0}, [own])[0].unmarked_usual == ("ball-of-foot",)


@given(muscle_sets, marks)
def test_finer_places_change_nothing_while_no_broader_place_is_marked(
    muscles: list[M], drawn: dict[str, float]
) -> None:
    nested = [
        Nested(
            m.slug,
            m.essential,
            m.spillover,
            m.prevalence,
            m.contexts,
            within=tuple((z, ("elsewhere",)) for z in m.essential),
        )
        for m in muscles
    ]
    plain = [(f.slug, f.score) for f in find(drawn, muscles)]
    assert [(f.slug, f.score) for f in find(drawn, nested)] == plain
