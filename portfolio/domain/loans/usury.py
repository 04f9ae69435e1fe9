"""Usury ceilings (UMOA uniform law on usury) as dated rows per lender type.

Ceilings are data: the app may store and edit its own rows; the defaults
below only seed them (DOMAIN.md section 4). The ceiling is compared with the
APR (TEG), which counts fees and charges of any kind, taxes excluded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

#: A TEG is stated to 0.01 %: 0.0001 as a fraction.
TEG_PRECISION = Decimal("0.0001")


class LenderType(StrEnum):
    SFD = "sfd"  # système financier décentralisé: microfinance, savings banks
    BANK = "bank"


@dataclass(frozen=True)
class UsuryCeiling:
    lender_type: LenderType
    rate: Decimal  # per year, e.g. Decimal("0.24")
    valid_from: date  # first day in force
    valid_to: date | None = None  # last day in force (inclusive); None: still in force

    def __post_init__(self) -> None:
        # Rows read from the database carry the plain stored value.
        object.__setattr__(self, "lender_type", LenderType(self.lender_type))
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to: must not fall before valid_from")
        if not isinstance(self.rate, Decimal) or self.rate <= 0:
            raise ValueError("rate: must be a positive Decimal")

    def in_force_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


# DOMAIN.md gives no start date for the older ceilings; date.min reads as
# "in force before anything this app records".
DEFAULT_USURY_CEILINGS: tuple[UsuryCeiling, ...] = (
    UsuryCeiling(LenderType.SFD, Decimal("0.27"), date.min, date(2013, 12, 31)),
    UsuryCeiling(LenderType.SFD, Decimal("0.24"), date(2014, 1, 1), None),
    UsuryCeiling(LenderType.BANK, Decimal("0.18"), date.min, date(2013, 12, 31)),
    UsuryCeiling(LenderType.BANK, Decimal("0.15"), date(2014, 1, 1), date(2026, 5, 31)),
    # BCEAO communiqué of 29 December 2025.
    UsuryCeiling(LenderType.BANK, Decimal("0.14"), date(2026, 6, 1), None),
)


@dataclass(frozen=True)
class UsuryVerdict:
    ceiling: UsuryCeiling | None  # None: no ceiling recorded for that type and date
    apr: Decimal
    exceeds: bool  # strictly above the ceiling; at the ceiling is lawful
    excess_points: Decimal  # percentage points above the ceiling (0 when not exceeding)


def ceiling_in_force(
    ceilings: Iterable[UsuryCeiling], lender_type: LenderType | str, on: date
) -> UsuryCeiling | None:
    """The ceiling for ``lender_type`` in force on ``on``.

    If edited rows overlap, the one that started latest wins: a new
    communiqué supersedes the old rate even before someone closes the old row.
    """
    lender_type = LenderType(lender_type)
    matching = [c for c in ceilings if c.lender_type == lender_type and c.in_force_on(on)]
    return max(matching, key=lambda c: c.valid_from, default=None)


def check_usury(
    apr: Decimal,
    ceilings: Iterable[UsuryCeiling],
    lender_type: LenderType | str,
    contract_on: date,
) -> UsuryVerdict:
    """Compare a loan's APR with the ceiling in force on its contract date.

    The TEG is disclosed to a hundredth of a percent, so it is compared at
    that precision: a 24 % declining loan whose instalments were rounded up
    to the franc (true APR 24.004 %) is at the 24 % ceiling, not above it.
    """
    ceiling = ceiling_in_force(ceilings, lender_type, contract_on)
    disclosed = apr.quantize(TEG_PRECISION, rounding=ROUND_HALF_UP)
    if ceiling is None or disclosed <= ceiling.rate:
        return UsuryVerdict(ceiling=ceiling, apr=apr, exceeds=False, excess_points=Decimal(0))
    return UsuryVerdict(
        ceiling=ceiling, apr=apr, exceeds=True, excess_points=(disclosed - ceiling.rate) * 100
    )
