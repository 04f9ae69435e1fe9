"""Reintegration scores of one visit (DOMAIN.md §1, seed study 003).

Each answered item (0..4) becomes a score 0..1 where 1 is always the
favourable end; a dimension is the weighted mean of its answered items; the
composite is the weighted mean of the dimensions that could be scored. With
the default weights (all 1) the composite is the plain mean of the three
dimensions, as the study computes it. Weights are data (table
``score_weight``): keyed by item code, or by dimension name for the composite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS, SCALE_MAX
from portfolio.domain.monitoring.vocabulary import Dimension

PLACES = Decimal("0.000001")
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class VisitScores:
    """Scores 0..1 (6 decimal places); None where nothing was answered."""

    economic: Decimal | None
    social: Decimal | None
    psychosocial: Decimal | None
    composite: Decimal | None

    def by_dimension(self) -> dict[Dimension, Decimal | None]:
        return {
            Dimension.ECONOMIC: self.economic,
            Dimension.SOCIAL: self.social,
            Dimension.PSYCHOSOCIAL: self.psychosocial,
        }


def _item_score(value: int, favourable_high: bool) -> Decimal:
    share = Decimal(value) / SCALE_MAX
    return share if favourable_high else _ONE - share


#: Ten possible item scores, computed once (bulk imports score many visits).
_ITEM_SCORES = {
    (value, favourable): _item_score(value, favourable)
    for value in range(SCALE_MAX + 1)
    for favourable in (True, False)
}


def item_score(value: int, favourable_high: bool = True) -> Decimal:
    """One answer on the 0..4 scale as 0..1, 1 being the favourable end."""
    try:
        return _ITEM_SCORES[(value, favourable_high)]
    except KeyError:
        raise ValueError(f"answer {value} outside 0..{SCALE_MAX}") from None


def _weight(weights: Mapping[str, Decimal], code: str) -> Decimal:
    weight = weights.get(code)
    return _ONE if weight is None else Decimal(weight)


def weighted_mean(pairs: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Mean of (score, weight) pairs ignoring zero (or negative) weights; None if none left."""
    used = [(s, w) for s, w in pairs if w > 0]
    total = sum((w for _, w in used), Decimal(0))
    if not used or total == 0:
        return None
    return sum((s * w for s, w in used), Decimal(0)) / total


def rounded_score(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_UP)


def score_visit(
    answers: Mapping[str, int | None], weights: Mapping[str, Decimal] | None = None
) -> VisitScores:
    """The visit's scores from its answers (item code → 0..4 or None) and the weights.

    Unknown codes in ``answers`` are ignored; a missing weight counts as 1; an
    item or dimension weighted 0 is left out. The composite is computed from
    the unrounded dimension scores, then everything is rounded to 6 places.
    """
    weights = weights or {}
    per_dimension: dict[Dimension, list[tuple[Decimal, Decimal]]] = {d: [] for d in Dimension}
    for item in REINTEGRATION_ITEMS:
        value = answers.get(item.code)
        if value is None:
            continue
        per_dimension[item.dimension].append(
            (item_score(int(value), item.favourable_high), _weight(weights, item.code))
        )
    dimensions = {d: weighted_mean(pairs) for d, pairs in per_dimension.items()}
    composite = weighted_mean(
        [(score, _weight(weights, d.value)) for d, score in dimensions.items() if score is not None]
    )
    return VisitScores(
        economic=rounded_score(dimensions[Dimension.ECONOMIC]),
        social=rounded_score(dimensions[Dimension.SOCIAL]),
        psychosocial=rounded_score(dimensions[Dimension.PSYCHOSOCIAL]),
        composite=rounded_score(composite),
    )
