"""After the load run: did concurrent repayments to the same loans lose (or double) anything?

Compares the repayments the API accepted (written by the locustfile) with
the journal: same entries, same sum, per loan; no key recorded twice.
Also prints the p95 of each page from locust's CSV. Exit status 1 on a loss.
Usage: python check.py TARGETS.json REPAYMENTS.json STATS.csv
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict

import sqlalchemy as sa

from portfolio import create_app
from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.models import JournalEntry, db

GOAL_MS = 300


def repayments_lost(targets: dict, attempted: list[dict], accepted: list[dict]) -> bool:
    """True if a confirmed repayment is missing or changed, or anything was doubled or invented.

    A repayment sent but unconfirmed (in flight when the run stopped, or the
    client gave up) may or may not be in the journal; it is counted apart.
    """
    app = create_app()
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                JournalEntry.idempotency_key,
                JournalEntry.id,
                JournalEntry.loan_id,
                JournalEntry.amount_xof,
            ).where(
                JournalEntry.kind == EntryKind.LOAN_REPAYMENT,
                JournalEntry.idempotency_key.like(f"load-{targets['run']}-%"),
            )
        ).all()
    journal = {key: (entry, loan, amount) for key, entry, loan, amount in rows}
    sent = {row["key"] for row in attempted}
    confirmed = {row["key"]: row for row in accepted}
    lost = [
        key
        for key, row in confirmed.items()
        if journal.get(key) != (row["id"], row["loan_id"], row["amount_xof"])
    ]
    invented = [key for key in journal if key not in sent]
    doubled = len(rows) != len(journal) or len({r["id"] for r in accepted}) != len(accepted)
    unconfirmed = [key for key in journal if key not in confirmed and key in sent]

    per_loan: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in accepted:
        per_loan[row["loan_id"]][0] += row["amount_xof"]
    for key in unconfirmed:
        per_loan[journal[key][1]][1] += journal[key][2]
    for _entry, loan, amount in journal.values():
        per_loan[loan][2] += amount
    print(f"\nRepayments posted concurrently to {len(targets['contended_loans'])} loans (FCFA):")
    heads = ("loan", 8), ("confirmed", 10), ("unconfirmed", 12), ("journal", 10)
    print(" ".join(f"{head:>{width}}" for head, width in heads))
    for loan in targets["contended_loans"]:
        ok_, unsure, booked = per_loan[loan]
        verdict = "ok" if ok_ + unsure == booked else "MISMATCH"
        print(f"{loan:>8} {ok_:>10} {unsure:>12} {booked:>10}  {verdict}")
    print(
        f"{len(attempted)} sent, {len(accepted)} confirmed, {len(journal)} in the journal "
        f"({len(unconfirmed)} sent but unconfirmed when the run stopped)."
    )
    failed = bool(lost or invented or doubled)
    print(
        "Nothing lost, nothing doubled."
        if not failed
        else f"LOSS: lost {lost}, invented {invented}, doubled {doubled}"
    )
    return failed


def print_percentiles(stats_csv: str) -> None:
    print(f"\n{'page':<44} {'requests':>8} {'fails':>6} {'median':>7} {'p95':>6}  goal")
    with open(stats_csv, newline="") as handle:
        for row in csv.DictReader(handle):
            name = "ALL" if row["Name"] == "Aggregated" else row["Name"]
            p95 = int(float(row["95%"] or 0))
            page = name.startswith("GET ")
            verdict = ("ok" if p95 < GOAL_MS else "MISSED") if page else ""
            print(
                f"{name:<44} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{row['Median Response Time']:>7} {p95:>6}  {verdict}"
            )


def main() -> None:
    targets_path, repayments_path, stats_csv = sys.argv[1:4]
    targets = json.load(open(targets_path))  # noqa: SIM115
    posted = json.load(open(repayments_path))  # noqa: SIM115
    print_percentiles(stats_csv)
    lost = repayments_lost(targets, posted["attempted"], posted["accepted"])
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
