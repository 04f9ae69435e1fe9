"""Vectorised repayment arithmetic behind ``build_schedules`` (batch.py).

The rules of ``schedule._build`` for loans without repayment months, on many
loans at once. Money arrays are int64, or object arrays of Python ints for
the rare loans whose products could overflow int64: every operation below
works on both, so each rule is written once.

Layout: rows are stored loan after loan (loan i owns rows starts[i] ..
starts[i] + n_i - 1). Declining equal instalments make each period's
principal depend on the previous balance, so the rows are built period by
period across all loans. Sorting the loans by instalment count, longest
first, makes the loans still running at period k a prefix of every array:
each step works on plain slices, without masks, and loans of any length and
kind mix in one pass. Padding every loan to the longest (520 weekly periods)
would cost far more than these per-step scatters into the row arrays, and
grouping by (n, method, frequency, grace) would repeat the Python-level loop
once per group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import localcontext

import numpy as np

from .schedule import _CONTEXT, pmt  # the scalar engine's own precision and PMT
from .terms import GraceInterest, LoanTerms, round_half_up

EQUAL_INSTALMENTS, EQUAL_PRINCIPAL, FLAT = 0, 1, 2
GRACE_NONE, GRACE_DEFERRED, GRACE_WAIVED = 0, 1, 2
GRACE_CODES = {
    GraceInterest.NONE: GRACE_NONE,
    GraceInterest.DEFERRED: GRACE_DEFERRED,
    GraceInterest.WAIVED: GRACE_WAIVED,
}
# A float64 PMT is trusted to this relative error (measured: under 1e-15);
# nearer than that to a half multiple, the scalar engine's pmt() decides, so
# both engines always round the level instalment the same way.
_FLOAT_TRUST = 1e-11


def div_half_up(numerator, denominator):
    """numerator / denominator rounded half-up, exactly (both non-negative)."""
    quotient = numerator // denominator
    remainder = numerator - quotient * denominator
    return quotient + (2 * remainder >= denominator)


@dataclass(frozen=True)
class KernelLoans:
    """Loans to build, one entry each. Money-like arrays share one dtype."""

    terms: Sequence[LoanTerms]  # consulted only for the rare scalar PMT
    amount: np.ndarray
    period_num: np.ndarray  # period rate = period_num / period_den exactly (unreduced)
    period_den: np.ndarray
    multiple: np.ndarray
    instalments: np.ndarray  # int64
    grace: np.ndarray  # int64
    method: np.ndarray  # method codes above
    grace_interest: np.ndarray  # grace codes above


def fill_rows(
    loans: KernelLoans,
    starts: np.ndarray,
    principal_out: np.ndarray,
    interest_out: np.ndarray,
    balance_out: np.ndarray,
) -> None:
    """Write every row's principal, interest and balance after, at ``starts``."""
    if not len(loans.amount):
        return
    order = np.argsort(-loans.instalments, kind="stable")
    n, g = loans.instalments[order], loans.grace[order]
    amount, m = loans.amount[order], loans.multiple[order]
    common = np.gcd(loans.period_num[order], loans.period_den[order])
    p = loans.period_num[order] // common  # reduced: the smallest products
    q = loans.period_den[order] // common
    qm = q * m  # interest = round(B p / q, m) = div_half_up(B p, q m) m
    repayments = n - g
    method, grace_interest = loans.method[order], loans.grace_interest[order]

    share = div_half_up(amount, repayments * m) * m
    flat_total = div_half_up(amount * n * p, qm) * m
    flat_share = div_half_up(flat_total, n * m) * m
    is_equal_instalments = method == EQUAL_INSTALMENTS
    level = _level_instalments(
        loans.terms, order, amount, p, q, repayments, m, is_equal_instalments
    )
    is_flat = method == FLAT
    keeps = grace_interest == GRACE_NONE  # grace interest paid in its own period
    defers = grace_interest == GRACE_DEFERRED
    starts = starts[order]

    balance = amount.copy()
    charged = np.zeros_like(amount)  # flat interest accounted so far, charged or waived
    deferred = np.zeros_like(amount)
    running = np.searchsorted(-n, -np.arange(1, n[0] + 1), side="right")
    for k, c in enumerate(running.tolist(), start=1):
        before = balance[:c]
        declining = div_half_up(before * p[:c], qm[:c]) * m[:c]
        flat_left = flat_total[:c] - charged[:c]
        flat = np.where(n[:c] == k, flat_left, np.minimum(flat_share[:c], flat_left))
        accrued = np.where(is_flat[:c], flat, declining)
        charged[:c] += accrued

        in_grace = g[:c] >= k
        due = np.where(is_equal_instalments[:c], np.maximum(level[:c] - accrued, 0), share[:c])
        principal = np.where(n[:c] == k, before, np.minimum(before, due))
        principal = np.where(in_grace, 0, principal)
        deferred[:c] += np.where(in_grace & defers[:c], accrued, 0)
        interest = np.where(in_grace & ~keeps[:c], 0, accrued)
        # The first principal period also collects the deferred grace interest.
        interest = interest + np.where(g[:c] == k - 1, deferred[:c], 0)

        balance[:c] = before - principal
        at = starts[:c] + (k - 1)
        principal_out[at] = principal
        interest_out[at] = interest
        balance_out[at] = balance[:c]


def _level_instalments(terms, order, amount, p, q, repayments, m, wanted) -> np.ndarray:
    """schedule._build's rounded PMT for the ``wanted`` loans (0 for the others).

    Only loans with two or more repayments use it (a single repayment takes
    the whole balance). A zero rate is amount / repayments, done exactly.
    Otherwise float64 decides, except within _FLOAT_TRUST of a half multiple,
    where the exact answer could go either way and the scalar pmt() is asked.
    """
    level = np.zeros_like(amount)
    wanted = wanted & (repayments >= 2)
    free = np.flatnonzero(wanted & (p == 0))
    level[free] = div_half_up(amount[free], repayments[free] * m[free]) * m[free]
    priced = np.flatnonzero(wanted & (p != 0))
    if amount.dtype == object:
        undecided = priced  # these loans are rare: ask the scalar engine for all of them
    else:
        rate = p[priced] / q[priced]
        # expm1/log1p keep (1 + r)^-n accurate for tiny weekly rates too.
        annuity = -np.expm1(-repayments[priced] * np.log1p(rate))
        multiples = amount[priced] * rate / annuity / m[priced]
        level[priced] = np.floor(multiples + 0.5).astype(np.int64) * m[priced]
        near_half = np.abs(multiples - np.floor(multiples) - 0.5) <= _FLOAT_TRUST * multiples
        undecided = priced[near_half]
    for i in undecided.tolist():
        level[i] = _scalar_level(terms[order[i]], int(repayments[i]))
    return level


def _scalar_level(terms: LoanTerms, repayments: int) -> int:
    with localcontext(_CONTEXT):
        level = pmt(terms.period_rate, repayments, terms.amount_xof)
        return round_half_up(level, terms.rounding_multiple)
