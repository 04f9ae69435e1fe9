"""The reintegration questions asked at each visit (DOMAIN.md §1, seed 003).

Each item is answered on a five-point scale, 0 to 4, where the meaning of
the ends depends on the question. ``favourable_high`` says which end is the
good one: "food reduction" at 4 (often) is bad, "feels safe" at 4 is good.
An item's score is then 0..1 with 1 always favourable. Item and dimension
weights are data (table ``score_weight``), never constants here.
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.domain.monitoring.vocabulary import Dimension

SCALE_MAX = 4


@dataclass(frozen=True, slots=True)
class ReintegrationItem:
    code: str
    dimension: Dimension
    favourable_high: bool = True


REINTEGRATION_ITEMS: tuple[ReintegrationItem, ...] = (
    # economic
    ReintegrationItem("income_sufficiency", Dimension.ECONOMIC),
    ReintegrationItem("food_reduction", Dimension.ECONOMIC, favourable_high=False),
    ReintegrationItem("ability_to_borrow", Dimension.ECONOMIC),
    ReintegrationItem("debt_burden", Dimension.ECONOMIC, favourable_high=False),
    ReintegrationItem("work", Dimension.ECONOMIC),
    ReintegrationItem("productive_assets", Dimension.ECONOMIC),
    # social
    ReintegrationItem("housing", Dimension.SOCIAL),
    ReintegrationItem("education_access", Dimension.SOCIAL),
    ReintegrationItem("health_care_access", Dimension.SOCIAL),
    ReintegrationItem("water_access", Dimension.SOCIAL),
    ReintegrationItem("identity_documents", Dimension.SOCIAL),
    ReintegrationItem("justice_access", Dimension.SOCIAL),
    # psychosocial
    ReintegrationItem("support_network", Dimension.PSYCHOSOCIAL),
    ReintegrationItem("community_participation", Dimension.PSYCHOSOCIAL),
    ReintegrationItem("discrimination", Dimension.PSYCHOSOCIAL, favourable_high=False),
    ReintegrationItem("feels_safe", Dimension.PSYCHOSOCIAL),
    ReintegrationItem("distress", Dimension.PSYCHOSOCIAL, favourable_high=False),
    ReintegrationItem("wants_psychological_help", Dimension.PSYCHOSOCIAL, favourable_high=False),
    ReintegrationItem("staying_is_a_choice", Dimension.PSYCHOSOCIAL),
)

ITEMS_BY_CODE = {item.code: item for item in REINTEGRATION_ITEMS}
