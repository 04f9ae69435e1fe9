"""Benchmark: schedules for 100,000 loans of mixed terms (target: under 2 s, one core).

Run: cd /work/main && .venv/bin/python benchmarks/loan_schedules.py [loans]

Times ``build_schedules`` on the whole portfolio (best of 3, this process
only) and the scalar ``build_schedule`` on the first 2,000 loans,
extrapolated to the same count, and checks a sample of loans agree.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from portfolio.domain.loans import (
    Frequency,
    GraceInterest,
    LoanTerms,
    RepaymentMethod,
    build_schedule,
)
from portfolio.domain.loans.batch import build_schedules

LOANS = 100_000
SCALAR_SAMPLE = 2_000
TARGET_SECONDS = 2.0
SEED = 20_260_115


def realistic_portfolio(count: int, seed: int = SEED) -> list[LoanTerms]:
    """Terms like an SFD's book: mostly monthly, a quarter with a short grace."""
    rng = random.Random(seed)
    frequencies = [Frequency.MONTHLY] * 7 + [
        Frequency.WEEKLY,
        Frequency.FOUR_WEEKLY,
        Frequency.QUARTERLY,
    ]
    loans = []
    for _ in range(count):
        instalments = rng.choice((6, 12, 18, 24, 36))
        grace = rng.choice((0, 0, 0, 1, 2, 3)) if instalments > 3 else 0
        loans.append(
            LoanTerms(
                amount_xof=rng.randrange(50_000, 2_000_001, 5_000),
                annual_rate=Decimal(rng.randrange(1200, 3601, 25)) / 10_000,  # 12..36 % by 0.25
                instalments=instalments,
                disbursed_on=date(2024, 1, 1) + timedelta(days=rng.randrange(730)),
                frequency=rng.choice(frequencies),
                method=rng.choice(tuple(RepaymentMethod)),
                grace_principal_periods=grace,
                grace_interest=rng.choice(tuple(GraceInterest)),
                upfront_fee_rate=rng.choice((Decimal(0), Decimal("0.01"), Decimal("0.02"))),
                savings_upfront_rate=rng.choice((Decimal(0), Decimal("0.1"))),
                savings_per_instalment_xof=rng.choice((0, 0, 500, 1_000)),
                rounding_multiple=rng.choice((1, 1, 5, 25, 100)),
            )
        )
    return loans


def best_of(runs: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(count: int = LOANS) -> int:
    loans = realistic_portfolio(count)
    rows = sum(terms.instalments for terms in loans)
    batch_seconds, batch = best_of(3, lambda: build_schedules(loans))
    sample = loans[:SCALAR_SAMPLE]
    scalar_seconds, _ = best_of(1, lambda: [build_schedule(terms) for terms in sample])
    scalar_per_loan = scalar_seconds / len(sample)

    checked = range(0, count, max(1, count // 500))
    mismatches = sum(batch.schedule(i) != build_schedule(loans[i]) for i in checked)

    print(f"{count:,} loans, {rows:,} instalments (best of 3 for the batch)")
    print(f"{'engine':<28}{'µs per loan':>14}{'total s':>12}")
    print(
        f"{'build_schedules (numpy)':<28}{batch_seconds / count * 1e6:>14.1f}{batch_seconds:>12.3f}"
    )
    print(
        f"{'build_schedule (Decimal)':<28}{scalar_per_loan * 1e6:>14.1f}"
        f"{scalar_per_loan * count:>12.3f}   extrapolated from {len(sample):,} loans"
    )
    print(f"speed-up x{scalar_per_loan * count / batch_seconds:.0f}; ", end="")
    print(f"{len(checked)} sampled loans compared with the scalar engine: {mismatches} differ")
    within = batch_seconds < TARGET_SECONDS
    print(f"target under {TARGET_SECONDS} s: {'met' if within else 'MISSED'}")
    return 0 if within and not mismatches else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else LOANS))
