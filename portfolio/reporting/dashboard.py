"""The dashboard's series: money per month, the portfolio by place and trade, risk levels.

Each function is one or two SQL queries whatever the portfolio's size, with the
filters of `reporting.summary` (the same rules, the same figures). PAR over time,
reintegration scores and enterprise survival are in `reporting.dashboard_trends`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.domain.monitoring.vocabulary import RiskLevel
from portfolio.models import Beneficiary, Commune, Enterprise, EnterpriseRisk, Region, Sector, db
from portfolio.models.sql import sum_xof
from portfolio.reporting.summary import (
    MonthMoney,
    PortfolioFilters,
    budget_by_instrument,
    enterprise_conditions,
    money_by_month,
    money_flows,
)


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class MonthlyMoney:
    """Money handed out per month and instrument, with running totals."""

    months: list[date]  # first day of each month, oldest first, up to the as-of month
    disbursed: dict[str, list[int]]  # instrument -> per month
    cumulative: dict[str, list[int]]
    budget_xof: int

    @property
    def cumulative_total(self) -> list[int]:
        return [sum(values) for values in zip(*self.cumulative.values(), strict=True)]


def monthly_disbursements(
    f: PortfolioFilters, as_of: date, months: Sequence[MonthMoney] | None = None
) -> MonthlyMoney:
    """Disbursed per instrument and month, cumulated, against the budget. `months` is the
    summary's `money_by_month` when the caller has it (no second read of the journal)."""
    months = money_by_month(f, as_of) if months is None else months
    # Commitments (grants awarded, loans approved) carry 0 disbursed: not a month of money.
    rows = [m for m in months if m.disbursed_xof]
    budget = budget_by_instrument(f)
    budget_xof = budget.get(f.instrument, 0) if f.instrument else sum(budget.values())
    if not rows:
        return MonthlyMoney([], {}, {}, budget_xof)
    first = min((r.year, r.month) for r in rows)
    last = (as_of.year, as_of.month)
    months: list[tuple[int, int]] = []
    ym = first
    while ym <= last:
        months.append(ym)
        ym = add_months(*ym, 1)
    index = {ym: i for i, ym in enumerate(months)}
    disbursed: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    for r in rows:
        disbursed[r.instrument][index[(r.year, r.month)]] += r.disbursed_xof
    cumulative = {}
    for instrument, values in disbursed.items():
        running, total = [], 0
        for v in values:
            total += v
            running.append(total)
        cumulative[instrument] = running
    return MonthlyMoney(
        months=[date(y, m, 1) for y, m in months],
        disbursed=dict(disbursed),
        cumulative=cumulative,
        budget_xof=budget_xof,
    )


@dataclass(frozen=True)
class GroupFigures:
    """One region or sector: enterprises (by status and risk level) and money disbursed."""

    id: int
    name: str
    enterprises: int
    active: int
    disbursed_xof: int
    risk: dict[str, int]


@dataclass(frozen=True)
class PortfolioBreakdown:
    by_region: list[GroupFigures]
    by_sector: list[GroupFigures]


def portfolio_breakdown(f: PortfolioFilters, as_of: date, locale: str) -> PortfolioBreakdown:
    """Enterprises and disbursed money per region and per sector, risk levels per region:
    one query for the enterprises, one for the money, one for the names."""
    level = sa.func.coalesce(EnterpriseRisk.level, RiskLevel.OK.value)
    enterprises = (
        sa.select(
            Commune.region_id,
            Enterprise.sector_id,
            Enterprise.status,
            level.label("level"),
            sa.func.count(Enterprise.id).label("n"),
        )
        .join(Commune, Enterprise.commune_id == Commune.id)
        .outerjoin(EnterpriseRisk, EnterpriseRisk.enterprise_id == Enterprise.id)
        .where(*enterprise_conditions(f, as_of))
        .group_by(Commune.region_id, Enterprise.sector_id, Enterprise.status, level)
    )

    # Money per enterprise (or person) first, then per place and trade: the join to the
    # enterprises reads one row per enterprise, not one per payment.
    # Only payments (commitments carry 0 disbursed: PostgreSQL then skips the grants and
    # loans branches), and the person only for a payment without an enterprise, so the
    # join to the people reads a handful of rows.
    def person_id(flows: sa.Subquery) -> sa.ColumnElement:
        return sa.case((flows.c.enterprise_id.is_(None), flows.c.beneficiary_id)).label(
            "beneficiary_id"
        )

    per_payee = money_flows(
        f,
        as_of,
        lambda flows: (
            flows.c.enterprise_id,
            person_id(flows),
            sum_xof(flows.c.disbursed).label("xof"),
        ),
        lambda flows: (flows.c.enterprise_id, person_id(flows)),
        payments_only=True,
    ).subquery()
    e, person, place = so.aliased(Enterprise), so.aliased(Beneficiary), so.aliased(Commune)
    region_id = place.region_id.label("region_id")
    money = (
        sa.select(region_id, e.sector_id.label("sector_id"), sum_xof(per_payee.c.xof).label("xof"))
        .select_from(per_payee)
        .outerjoin(e, e.id == per_payee.c.enterprise_id)
        .outerjoin(person, person.id == per_payee.c.beneficiary_id)
        .outerjoin(place, place.id == sa.func.coalesce(e.commune_id, person.commune_id))
        .group_by(place.region_id, e.sector_id)
    )
    sector_name = Sector.name_fr if locale.startswith("fr") else Sector.name_en
    names = sa.union_all(
        sa.select(sa.literal("r").label("kind"), Region.id, Region.name),
        sa.select(sa.literal("s").label("kind"), Sector.id, sector_name.label("name")),
    )
    label = {(r.kind, r.id): r.name for r in db.session.execute(names)}

    def blank() -> dict:
        return {"enterprises": 0, "active": 0, "disbursed_xof": 0, "risk": defaultdict(int)}

    regions: dict[int, dict] = defaultdict(blank)
    sectors: dict[int, dict] = defaultdict(blank)
    for r in db.session.execute(enterprises):
        for key, groups in ((r.region_id, regions), (r.sector_id, sectors)):
            g = groups[key]
            g["enterprises"] += r.n
            g["active"] += r.n if r.status == "active" else 0
            g["risk"][str(r.level)] += r.n
    for r in db.session.execute(money):
        if r.region_id is not None:
            regions[r.region_id]["disbursed_xof"] += int(r.xof)
        if r.sector_id is not None:
            sectors[r.sector_id]["disbursed_xof"] += int(r.xof)

    def figures(kind: str, groups: dict[int, dict]) -> list[GroupFigures]:
        rows = [
            GroupFigures(
                id=key,
                name=label.get((kind, key), "?"),
                enterprises=g["enterprises"],
                active=g["active"],
                disbursed_xof=g["disbursed_xof"],
                risk={level.value: g["risk"].get(level.value, 0) for level in RiskLevel},
            )
            for key, g in groups.items()
        ]
        return sorted(rows, key=lambda g: (-g.enterprises, -g.disbursed_xof, g.name))

    return PortfolioBreakdown(figures("r", regions), figures("s", sectors))
