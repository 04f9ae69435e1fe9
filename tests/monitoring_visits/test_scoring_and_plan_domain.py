"""Reintegration scores and visit due dates: pure functions, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.plan import add_months, days_overdue, due_visits, missing_steps
from portfolio.domain.monitoring.scoring import item_score, score_visit
from portfolio.domain.monitoring.vocabulary import Dimension

CODES = [item.code for item in REINTEGRATION_ITEMS]
answers_strategy = st.fixed_dictionaries(
    {c: st.one_of(st.none(), st.integers(0, 4)) for c in CODES}
)
weights_strategy = st.fixed_dictionaries(
    {c: st.decimals(0, 5, places=2) for c in [*CODES, *(d.value for d in Dimension)]}
)


def _favourable(value: int, code: str) -> int:
    """The answer that means `value` on a scale where 4 is always good."""
    item = next(i for i in REINTEGRATION_ITEMS if i.code == code)
    return value if item.favourable_high else 4 - value


def test_an_item_scores_one_at_its_favourable_end():
    assert item_score(4) == 1
    assert item_score(4, favourable_high=False) == 0
    assert item_score(1) == Decimal("0.25")
    with pytest.raises(ValueError):
        item_score(5)


def test_the_composite_is_the_plain_mean_of_the_dimensions_by_default():
    # A Table-1-like visit: economic 0.75, social 0.5, psychosocial 1 -> composite 0.75.
    answers = {}
    for item in REINTEGRATION_ITEMS:
        target = {Dimension.ECONOMIC: 3, Dimension.SOCIAL: 2, Dimension.PSYCHOSOCIAL: 4}
        answers[item.code] = _favourable(target[item.dimension], item.code)
    scores = score_visit(answers, {})
    assert (scores.economic, scores.social, scores.psychosocial) == (
        Decimal("0.75"),
        Decimal("0.5"),
        Decimal(1),
    )
    assert scores.composite == Decimal("0.75")


def test_bamako_like_dimensions_round_to_six_places():
    # Weighted dimensions: one item answered per dimension gives 1/4 steps; with two
    # items of unequal weight the mean is not a quarter any more.
    scores = score_visit(
        {"income_sufficiency": 4, "work": 2, "housing": 3, "feels_safe": 4},
        {"income_sufficiency": Decimal(2), "work": Decimal(1)},
    )
    assert scores.economic == Decimal("0.833333")
    assert scores.social == Decimal("0.75")
    assert scores.psychosocial == Decimal(1)
    assert scores.composite == Decimal("0.861111")


def test_unanswered_dimensions_are_none_and_left_out_of_the_composite():
    scores = score_visit({"housing": 2, "food_reduction": None}, {})
    assert scores.economic is None and scores.psychosocial is None
    assert scores.social == Decimal("0.5") and scores.composite == Decimal("0.5")
    assert score_visit({}, {}).composite is None


def test_zero_weights_leave_an_item_or_a_dimension_out():
    scores = score_visit(
        {"housing": 0, "water_access": 4, "work": 0},
        {"housing": Decimal(0), "economic": Decimal(0)},
    )
    assert scores.social == Decimal(1)
    assert scores.economic == Decimal(0)
    assert scores.composite == Decimal(1)


@given(answers_strategy, weights_strategy)
def test_scores_stay_between_zero_and_one(answers, weights):
    scores = score_visit(answers, weights)
    for value in (scores.economic, scores.social, scores.psychosocial, scores.composite):
        assert value is None or Decimal(0) <= value <= Decimal(1)


@given(answers_strategy, st.sampled_from(CODES))
def test_a_better_answer_never_lowers_a_score(answers, code):
    before = score_visit(answers, {})
    current = answers[code]
    if current is None or _favourable(current, code) == 4:
        return
    better = dict(answers, **{code: _favourable(_favourable(current, code) + 1, code)})
    after = score_visit(better, {})
    assert after.composite >= before.composite
    for dim in Dimension:
        b, a = before.by_dimension()[dim], after.by_dimension()[dim]
        assert b is None or a >= b


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 31), 3, date(2025, 11, 30)),
        (date(2025, 10, 15), 3, date(2026, 1, 15)),
        (date(2025, 12, 31), 18, date(2027, 6, 30)),
    ],
)
def test_due_dates_clamp_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_the_default_cadence_plans_five_visits_in_order():
    plan = due_visits(date(2025, 3, 31), [12, 1, 3, 6, 18])
    assert [(v.sequence, v.months_after_support) for v in plan] == [
        (1, 1),
        (2, 3),
        (3, 6),
        (4, 12),
        (5, 18),
    ]
    assert plan[0].due_on == date(2025, 4, 30)


def test_missing_steps_continue_the_numbering_and_skip_planned_ones():
    added = missing_steps(date(2025, 1, 10), [1, 2, 3, 6], [(1, 1), (2, 3)])
    assert [(v.sequence, v.months_after_support, v.due_on) for v in added] == [
        (3, 2, date(2025, 3, 10)),
        (4, 6, date(2025, 7, 10)),
    ]


def test_a_visit_due_today_is_not_overdue():
    assert days_overdue(date(2025, 5, 1), date(2025, 5, 1)) == 0
    assert days_overdue(date(2025, 5, 1), date(2025, 5, 11)) == 10
