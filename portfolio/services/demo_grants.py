"""Demo budgets, grants and training allowances, in bulk (DOMAIN.md §1–§2).

About 40 % of enterprises get a grant (300 000 to 1 968 000 FCFA, the EU-IOM
project ceiling) in one to three tranches; most past tranches are paid, a
few are late or cancelled, a few payments are reversed and paid again. Some
owners were paid a monthly training stipend (and day-care, for some
mothers) before their business started. Budget lines are sized so that
commitments use most, not all, of each line.

Rows are built in Python with explicit ids and written with COPY
(services.demo's bulk helpers): the ORM would take minutes at 100 000
enterprises.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import (
    AllowanceKind,
    EntryKind,
    Instrument,
    PaymentChannel,
)
from portfolio.domain.vocabulary import MemberRole, Role, Sex
from portfolio.models import (
    Beneficiary,
    BudgetLine,
    BudgetRevision,
    Enterprise,
    EnterpriseMember,
    Grant,
    GrantTranche,
    JournalEntry,
    Programme,
    User,
    db,
)
from portfolio.models.base import utcnow
from portfolio.services.demo import _insert_rows, _next_id, _sync_id_sequences
from portfolio.services.unit_of_work import unit_of_work

GRANT_SHARE = 0.40
TRAINEE_SHARE = 0.12
CEILING_XOF = 1_968_000  # EU-IOM project ceiling, 3 000 EUR
STIPEND_XOF = 45_000  # slightly above the minimum wage (SMIG 40 000 FCFA)
DAYCARE_XOF = 15_000
CHANNELS = (PaymentChannel.MOBILE_MONEY, PaymentChannel.CASH, PaymentChannel.BANK_TRANSFER)
CHANNEL_WEIGHTS = (0.55, 0.25, 0.20)
LINES = (
    (Instrument.GRANT, "Subventions AGR"),
    (Instrument.KIT, "Kits d'installation"),
    (Instrument.LOAN, "Microcrédits garantis"),
    (Instrument.TRAINING, "Allocations de formation"),
)
PURPOSES = (
    "Achat d'équipement",
    "Stock initial de marchandises",
    "Fonds de roulement",
    "Loyer et aménagement du local",
    "Achat d'animaux et d'aliment bétail",
    "Intrants et petit matériel agricole",
)
MILESTONES = (None, "Local loué et équipé", "Visite de suivi favorable")
CANCEL_REASONS = (
    "Activité abandonnée",
    "Bénéficiaire reparti en migration",
    "Conditions non remplies à l'échéance",
)
PREFIXES = {
    PaymentChannel.MOBILE_MONEY: "OM",
    PaymentChannel.CASH: "REC",
    PaymentChannel.BANK_TRANSFER: "VIR",
}
#: Every journal column a demo row may leave empty (COPY wants the same columns in each).
NO_LINKS = dict.fromkeys(
    ("enterprise_id", "budget_line_id", "loan_id", "grant_tranche_id", "kit_delivery_id")
    + ("beneficiary_id", "allowance_kind", "reference", "reverses_id", "reason", "idempotency_key")
    + ("period_on",)
)
REVERSAL_REASONS = ("Erreur de montant", "Paiement saisi en double", "Mauvais numéro de compte")


class DemoEnterprise(NamedTuple):
    id: int
    programme_id: int
    started_on: date | None
    #: The owner (or a collective's president): the one who trains.
    lead_id: int | None
    lead_sex: str | None


@dataclass(frozen=True)
class DemoGrantsSummary:
    budget_lines: int
    grants: int
    tranches: int
    payments: int
    reversals: int
    allowances: int


def demo_enterprise_rows(min_id: int = 1) -> list[DemoEnterprise]:
    """Enterprises (id ≥ min_id) with their lead, in one query, for seed_grants_demo."""
    query = (
        sa.select(
            Enterprise.id,
            Enterprise.programme_id,
            Enterprise.started_on,
            EnterpriseMember.beneficiary_id,
            Beneficiary.sex,
        )
        .outerjoin(
            EnterpriseMember,
            sa.and_(
                EnterpriseMember.enterprise_id == Enterprise.id,
                EnterpriseMember.role.in_((MemberRole.OWNER, MemberRole.PRESIDENT)),
            ),
        )
        .outerjoin(Beneficiary, Beneficiary.id == EnterpriseMember.beneficiary_id)
        .where(Enterprise.id >= min_id)
        .order_by(Enterprise.id, EnterpriseMember.id)
    )
    rows: dict[int, DemoEnterprise] = {}
    for row in db.session.execute(query):
        sex = row.sex.value if row.sex is not None else None
        rows.setdefault(row.id, DemoEnterprise(row[0], row[1], row[2], row[3], sex))
    return list(rows.values())


class _Ids:
    """Explicit ids, handed out in order, so rows can point at each other before COPY."""

    def __init__(self, model):
        self.next = _next_id(model)

    def take(self) -> int:
        self.next += 1
        return self.next - 1


class _Builder:
    def __init__(self, rng: random.Random, by_user_id: int, today: date):
        self.rng, self.by, self.today = rng, by_user_id, today
        self.grant_ids, self.tranche_ids = _Ids(Grant), _Ids(GrantTranche)
        self.entry_ids = _Ids(JournalEntry)
        self.grants: list[dict] = []
        self.tranches: list[dict] = []
        self.entries: list[dict] = []
        self.reversals = 0

    def day_after(self, day: date, low: int, high: int) -> date:
        return min(day + timedelta(days=self.rng.randint(low, high)), self.today)

    def entry(self, kind: EntryKind, value_on: date, amount: int, **links) -> dict:
        channel = links.pop("channel", None) or self.rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        minutes = timedelta(minutes=self.rng.randint(0, 480))
        row = {
            **NO_LINKS,
            **links,
            "id": self.entry_ids.take(),
            "kind": kind,
            "value_on": value_on,
            "amount_xof": amount,
            "recorded_at": datetime.combine(value_on, time(10)) + minutes,
            "recorded_by_id": self.by,
            "channel": channel,
            "reference": links.get("reference")
            or f"{PREFIXES[channel]}-{self.rng.randint(100_000, 999_999)}",
        }
        self.entries.append(row)
        return row

    def paid(self, kind: EntryKind, value_on: date, amount: int, **links) -> None:
        """A payment; now and then reversed (wrong amount, paid twice) and paid again."""
        entry = self.entry(kind, value_on, amount, **links)
        if self.rng.random() < 0.015 and value_on < self.today:
            undone = self.day_after(value_on, 1, 10)
            same = {key: entry[key] for key in (*links, "channel")}
            reason = self.rng.choice(REVERSAL_REASONS)
            self.entry(
                EntryKind.REVERSAL,
                undone,
                amount,
                **same,
                reference=entry["reference"],
                reverses_id=entry["id"],
                reason=reason,
            )
            self.reversals += 1
            self.entry(kind, undone, amount, **same)

    def grant(self, enterprise: DemoEnterprise, line_id: int, awarded_on: date) -> int:
        """One grant with its tranches and payments; returns what stays committed."""
        rng = self.rng
        amount = min(CEILING_XOF, int(round(rng.triangular(300_000, CEILING_XOF, 800_000), -4)))
        count = rng.choices((1, 2, 3), (0.3, 0.5, 0.2))[0]
        shares = _split(amount, count, rng)
        grant_id = self.grant_ids.take()
        self.grants.append(
            {
                "id": grant_id,
                "enterprise_id": enterprise.id,
                "budget_line_id": line_id,
                "amount_xof": amount,
                "purpose": rng.choice(PURPOSES),
                "conditions": "Plan d'affaires validé" if rng.random() < 0.5 else None,
                "awarded_on": awarded_on,
                "awarded_by_id": self.by,
                "created_at": datetime.combine(awarded_on, time(9)),
            }
        )
        committed = 0
        planned_on = awarded_on
        for number, share in enumerate(shares, start=1):
            tranche_id = self.tranche_ids.take()
            cancelled = None
            due = planned_on <= self.today - timedelta(days=7)
            if due and rng.random() < 0.88:
                self.paid(
                    EntryKind.GRANT_PAYMENT,
                    self.day_after(planned_on, 0, 21),
                    share,
                    enterprise_id=enterprise.id,
                    budget_line_id=line_id,
                    grant_tranche_id=tranche_id,
                )
            elif due and rng.random() < 0.3:
                cancelled = self.day_after(planned_on, 15, 90)
            committed += 0 if cancelled else share
            self.tranches.append(
                {
                    "id": tranche_id,
                    "grant_id": grant_id,
                    "number": number,
                    "planned_on": planned_on,
                    "planned_xof": share,
                    "milestone": MILESTONES[min(number - 1, len(MILESTONES) - 1)],
                    "cancelled_on": cancelled,
                    "cancelled_xof": share if cancelled else None,
                    "cancel_reason": rng.choice(CANCEL_REASONS) if cancelled else None,
                    "cancelled_by_id": self.by if cancelled else None,
                }
            )
            planned_on += timedelta(days=rng.randint(60, 120))
        return committed

    def allowances(self, enterprise: DemoEnterprise, line_id: int, first_day: date) -> int:
        """Monthly stipends (and day-care for some mothers) in the months before the start."""
        start = enterprise.started_on or self.today
        months = self.rng.randint(3, 6)
        kinds = [(AllowanceKind.STIPEND, STIPEND_XOF)]
        if enterprise.lead_sex == Sex.FEMALE.value and self.rng.random() < 0.35:
            kinds.append((AllowanceKind.DAYCARE, DAYCARE_XOF))
        total = 0
        for month in range(months, 0, -1):
            # Paid on the 5th of the month it covers: one payment per kind and month.
            index = start.year * 12 + start.month - 1 - month
            period_on = date(index // 12, index % 12 + 1, 1)
            value_on = period_on + timedelta(days=4)
            if first_day <= value_on <= self.today:
                for kind, amount in kinds:
                    self.paid(
                        EntryKind.ALLOWANCE_PAYMENT,
                        value_on,
                        amount,
                        enterprise_id=enterprise.id,
                        budget_line_id=line_id,
                        beneficiary_id=enterprise.lead_id,
                        allowance_kind=kind,
                        period_on=period_on,
                    )
                    total += amount
        return total


def _split(amount: int, count: int, rng: random.Random) -> list[int]:
    """Tranches rounded to 5 000 F, the first the largest; the last takes the residual."""
    if count == 1:
        return [amount]
    first = int(amount * rng.uniform(0.5, 0.7)) // 5_000 * 5_000
    rest = amount - first
    middle = [rest // (count - 1) // 5_000 * 5_000 for _ in range(count - 2)]
    return [first, *middle, amount - first - sum(middle)]


def _demo_user_id() -> int:
    """Who the demo rows say recorded them: a finance officer, manager or admin if any."""
    preferred = sa.case((User.role == Role.FINANCE, 0), (User.role == Role.MANAGER, 1), else_=2)
    found = db.session.scalar(sa.select(User.id).order_by(preferred, User.id).limit(1))
    if found is not None:
        return found
    user = User(
        name="Données de démonstration",
        email="donnees.demo@demo.portfolio.ml",
        role=Role.FINANCE,
        active=False,  # nobody logs in as the demo data
        password_hash="!",
    )
    db.session.add(user)
    db.session.flush()
    return user.id


def seed_grants_demo(
    rng: random.Random,
    programme_ids: Iterable[int],
    enterprise_rows: Sequence[DemoEnterprise],
    *,
    recorded_by_id: int | None = None,
) -> DemoGrantsSummary:
    """Budget lines for each programme, grants for ~40 % of `enterprise_rows` and training
    allowances for ~12 % of their leads. One transaction; COPY on PostgreSQL."""
    today = date.today()
    programme_ids = list(programme_ids)
    with unit_of_work() as session:
        by = recorded_by_id or _demo_user_id()
        starts = dict(
            session.execute(
                sa.select(Programme.id, Programme.starts_on).where(Programme.id.in_(programme_ids))
            ).all()
        )
        lines = _line_ids(programme_ids)
        builder = _Builder(rng, by, today)
        need: dict[int, int] = {}
        enterprises: dict[int, int] = {}
        for enterprise in enterprise_rows:
            if enterprise.programme_id not in starts:
                continue
            first_day = starts[enterprise.programme_id]
            enterprises[enterprise.programme_id] = enterprises.get(enterprise.programme_id, 0) + 1
            if rng.random() < GRANT_SHARE:
                started = enterprise.started_on or today
                awarded_on = min(
                    max(started - timedelta(days=rng.randint(0, 45)), first_day), today
                )
                line_id = lines[enterprise.programme_id, Instrument.GRANT]
                need[line_id] = need.get(line_id, 0) + builder.grant(
                    enterprise, line_id, awarded_on
                )
            if enterprise.lead_id and rng.random() < TRAINEE_SHARE:
                line_id = lines[enterprise.programme_id, Instrument.TRAINING]
                paid = builder.allowances(enterprise, line_id, first_day)
                need[line_id] = need.get(line_id, 0) + paid
        for (programme_id, instrument), line_id in lines.items():
            per_enterprise = {Instrument.KIT: 0.35 * 400_000, Instrument.LOAN: 0.15 * 300_000}
            if instrument in per_enterprise:
                need[line_id] = int(enterprises.get(programme_id, 0) * per_enterprise[instrument])
        _size_lines(rng, need, by)
        _insert_rows(Grant, builder.grants)
        _insert_rows(GrantTranche, builder.tranches)
        _insert_rows(JournalEntry, builder.entries)
        _sync_id_sequences(BudgetLine, BudgetRevision, Grant, GrantTranche, JournalEntry)
    payments = sum(e["kind"] == EntryKind.GRANT_PAYMENT for e in builder.entries)
    allowances = sum(e["kind"] == EntryKind.ALLOWANCE_PAYMENT for e in builder.entries)
    return DemoGrantsSummary(
        len(lines),
        len(builder.grants),
        len(builder.tranches),
        payments,
        builder.reversals,
        allowances,
    )


def _line_ids(programme_ids: list[int]) -> dict[tuple[int, Instrument], int]:
    """The demo lines of each programme, created at 0 F where missing (sized later)."""
    existing = {
        (row.programme_id, row.instrument, row.label): row.id
        for row in db.session.execute(
            sa.select(
                BudgetLine.id, BudgetLine.programme_id, BudgetLine.instrument, BudgetLine.label
            )
        )
    }
    ids = _Ids(BudgetLine)
    new, found = [], {}
    for programme_id in programme_ids:
        for instrument, label in LINES:
            line_id = existing.get((programme_id, instrument, label))
            if line_id is None:
                line_id = ids.take()
                new.append(
                    {
                        "id": line_id,
                        "programme_id": programme_id,
                        "instrument": instrument,
                        "label": label,
                        "amount_xof": 0,
                    }
                )
            found[programme_id, instrument] = line_id
    _insert_rows(BudgetLine, new)
    return found


def _size_lines(rng: random.Random, need: dict[int, int], by_user_id: int) -> None:
    """Raise each line by what the demo commits plus 10–30 %, rounded up to the million,
    with a revision saying so (as a manager would)."""
    amounts = dict(
        db.session.execute(
            sa.select(BudgetLine.id, BudgetLine.amount_xof).where(BudgetLine.id.in_(list(need)))
        ).all()
    )
    revisions, now, ids = [], utcnow(), _Ids(BudgetRevision)
    for line_id, xof in need.items():
        raised = -(-int(xof * rng.uniform(1.1, 1.3)) // 1_000_000) * 1_000_000
        if raised <= 0:
            continue
        previous = amounts[line_id]
        db.session.execute(
            sa.update(BudgetLine)
            .where(BudgetLine.id == line_id)
            .values(amount_xof=previous + raised)
        )
        revisions.append(
            {
                "id": ids.take(),
                "budget_line_id": line_id,
                "previous_xof": previous,
                "new_xof": previous + raised,
                "reason": "Convention de financement (données de démonstration)",
                "revised_by_id": by_user_id,
                "revised_at": now,
            }
        )
    _insert_rows(BudgetRevision, revisions)
