"""Demo budgets, grants and training allowances, in bulk (DOMAIN.md §1–§2).

About 40 % of enterprises get a grant (300 000 to 1 968 000 FCFA, the EU-IOM
project ceiling) in one to three tranches; most past tranches are paid, a
few are late or cancelled, a few payments are reversed and paid again. Some
owners were paid a monthly training stipend (and day-care, for some
mothers) before their business started. Budget lines are sized so that
commitments use most, not all, of each line.

Rows are built in Python as tuples with explicit ids and written with COPY
(services.demo_bulk): the ORM would take minutes at 100 000 enterprises.
Grants and allowances are drawn in two passes so that each can be timed.
"""

from __future__ import annotations

import random
from collections import Counter
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
from portfolio.services.demo_bulk import (
    JOURNAL_COLUMNS,
    BulkWriter,
    PhaseClock,
    journal_row,
    next_ids,
    sync_id_sequences,
)
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


GRANT_COLUMNS = (
    "id",
    "enterprise_id",
    "budget_line_id",
    "amount_xof",
    "purpose",
    "conditions",
    "awarded_on",
    "awarded_by_id",
    "created_at",
)
TRANCHE_COLUMNS = (
    "id",
    "grant_id",
    "number",
    "planned_on",
    "planned_xof",
    "milestone",
    "cancelled_on",
    "cancelled_xof",
    "cancel_reason",
    "cancelled_by_id",
)
#: Enterprises whose rows go to the writer at once.
CHUNK = 5_000


class _Builder:
    """Rows of grants, tranches and journal entries, with ids handed out here so that
    rows can point at each other before they are written."""

    def __init__(self, rng: random.Random, by_user_id: int, today: date, ids: list[int]):
        self.rng, self.by, self.today = rng, by_user_id, today
        self.grant_id, self.tranche_id, self.entry_id = ids
        self.first_ids = tuple(ids)
        self.grants: list[tuple] = []
        self.tranches: list[tuple] = []
        self.entries: list[tuple] = []
        self.reversals = self.payments = self.allowance_payments = 0

    def write(self, writer: BulkWriter) -> None:
        grants = [writer.add(Grant.__table__, GRANT_COLUMNS, self.grants)]
        tranche_rows = self.tranches
        tranches = [writer.add(GrantTranche.__table__, TRANCHE_COLUMNS, tranche_rows, after=grants)]
        writer.add(JournalEntry.__table__, JOURNAL_COLUMNS, self.entries, after=tranches)
        self.grants, self.tranches, self.entries = [], [], []

    def day_after(self, day: date, low: int, high: int) -> date:
        return min(day + timedelta(days=self.rng.randint(low, high)), self.today)

    def entry(self, kind: EntryKind, value_on: date, amount: int, channel, reference, **links):
        entry_id = self.entry_id
        self.entry_id += 1
        minutes = timedelta(minutes=self.rng.randint(0, 480))
        recorded_at = datetime.combine(value_on, time(10)) + minutes
        self.entries.append(
            journal_row(
                entry_id,
                kind,
                value_on,
                amount,
                recorded_at,
                self.by,
                channel,
                reference=reference,
                **links,
            )
        )
        return entry_id

    def paid(self, kind: EntryKind, value_on: date, amount: int, **links) -> None:
        """A payment; now and then reversed (wrong amount, paid twice) and paid again."""
        rng = self.rng
        channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        reference = f"{PREFIXES[channel]}-{rng.randint(100_000, 999_999)}"
        entry_id = self.entry(kind, value_on, amount, channel, reference, **links)
        if rng.random() < 0.015 and value_on < self.today:
            undone = self.day_after(value_on, 1, 10)
            reason = rng.choice(REVERSAL_REASONS)
            self.entry(
                EntryKind.REVERSAL,
                undone,
                amount,
                channel,
                reference,
                reverses_id=entry_id,
                reason=reason,
                **links,
            )
            self.reversals += 1
            again = f"{PREFIXES[channel]}-{rng.randint(100_000, 999_999)}"
            self.entry(kind, undone, amount, channel, again, **links)
            self._count(kind)
        self._count(kind)

    def _count(self, kind: EntryKind) -> None:
        if kind == EntryKind.GRANT_PAYMENT:
            self.payments += 1
        else:
            self.allowance_payments += 1

    def grant(self, enterprise: DemoEnterprise, line_id: int, awarded_on: date) -> int:
        """One grant with its tranches and payments; returns what stays committed."""
        rng = self.rng
        amount = min(CEILING_XOF, int(round(rng.triangular(300_000, CEILING_XOF, 800_000), -4)))
        count = rng.choices((1, 2, 3), (0.3, 0.5, 0.2))[0]
        shares = _split(amount, count, rng)
        grant_id = self.grant_id
        self.grant_id += 1
        self.grants.append(
            (
                grant_id,
                enterprise.id,
                line_id,
                amount,
                rng.choice(PURPOSES),
                "Plan d'affaires validé" if rng.random() < 0.5 else None,
                awarded_on,
                self.by,
                datetime.combine(awarded_on, time(9)),
            )
        )
        committed = 0
        planned_on = awarded_on
        paid_by = self.today - timedelta(days=7)
        for number, share in enumerate(shares, start=1):
            tranche_id = self.tranche_id
            self.tranche_id += 1
            cancelled = None
            due = planned_on <= paid_by
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
                (
                    tranche_id,
                    grant_id,
                    number,
                    planned_on,
                    share,
                    MILESTONES[min(number - 1, len(MILESTONES) - 1)],
                    cancelled,
                    share if cancelled else None,
                    rng.choice(CANCEL_REASONS) if cancelled else None,
                    self.by if cancelled else None,
                )
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
    clock: PhaseClock | None = None,
) -> DemoGrantsSummary:
    """Budget lines for each programme, grants for ~40 % of `enterprise_rows` and training
    allowances for ~12 % of their leads, written chunk by chunk (services.demo_bulk).

    `clock` times the two halves ("grants", then "allowances").
    """
    clock = clock or PhaseClock()
    today = date.today()
    programme_ids = list(programme_ids)
    tables = (Grant.__table__, GrantTranche.__table__, JournalEntry.__table__)
    with clock.phase("grants"), unit_of_work() as session:
        # Committed before the rows that name them go in (services.demo_bulk).
        by = recorded_by_id or _demo_user_id()
        lines = _line_ids(programme_ids)
        starts = dict(
            session.execute(
                sa.select(Programme.id, Programme.starts_on).where(Programme.id.in_(programme_ids))
            ).all()
        )
    enterprises = [e for e in enterprise_rows if e.programme_id in starts]
    need: dict[int, int] = {}  # budget line -> francs the demo commits on it
    with unit_of_work() as session, BulkWriter(session) as writer:
        builder = _Builder(rng, by, today, next_ids(session, *tables))
        with clock.phase("grants"):
            for start in range(0, len(enterprises), CHUNK):
                for enterprise in enterprises[start : start + CHUNK]:
                    if rng.random() < GRANT_SHARE:
                        line_id = lines[enterprise.programme_id, Instrument.GRANT]
                        awarded_on = _award_day(rng, enterprise, starts, today)
                        committed = builder.grant(enterprise, line_id, awarded_on)
                        need[line_id] = need.get(line_id, 0) + committed
                builder.write(writer)
            writer.wait()
        with clock.phase("allowances"):
            for start in range(0, len(enterprises), CHUNK):
                for enterprise in enterprises[start : start + CHUNK]:
                    if enterprise.lead_id and rng.random() < TRAINEE_SHARE:
                        line_id = lines[enterprise.programme_id, Instrument.TRAINING]
                        first_day = starts[enterprise.programme_id]
                        paid = builder.allowances(enterprise, line_id, first_day)
                        need[line_id] = need.get(line_id, 0) + paid
                builder.write(writer)
            counted = Counter(e.programme_id for e in enterprises)
            per_enterprise = {Instrument.KIT: 0.35 * 400_000, Instrument.LOAN: 0.15 * 300_000}
            for (programme_id, instrument), line_id in lines.items():
                if instrument in per_enterprise:
                    need[line_id] = int(counted[programme_id] * per_enterprise[instrument])
            writer.wait()
            _size_lines(rng, need, by)
            sync_id_sequences(session, BudgetLine.__table__, BudgetRevision.__table__, *tables)
    return DemoGrantsSummary(
        len(lines),
        builder.grant_id - builder.first_ids[0],
        builder.tranche_id - builder.first_ids[1],
        builder.payments,
        builder.reversals,
        builder.allowance_payments,
    )


def _award_day(rng, enterprise: DemoEnterprise, starts: dict[int, date], today: date) -> date:
    """Up to 45 days before the business started, not before its programme did."""
    started = enterprise.started_on or today
    awarded = started - timedelta(days=rng.randint(0, 45))
    return min(max(awarded, starts[enterprise.programme_id]), today)


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
    (next_id,) = next_ids(db.session, BudgetLine.__table__)
    new, found = [], {}
    for programme_id in programme_ids:
        for instrument, label in LINES:
            line_id = existing.get((programme_id, instrument, label))
            if line_id is None:
                line_id, next_id = next_id, next_id + 1
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
    if new:
        db.session.execute(sa.insert(BudgetLine), new)
    return found


def _size_lines(rng: random.Random, need: dict[int, int], by_user_id: int) -> None:
    """Raise each line by what the demo commits plus 10–30 %, rounded up to the million,
    with a revision saying so (as a manager would)."""
    amounts = dict(
        db.session.execute(
            sa.select(BudgetLine.id, BudgetLine.amount_xof).where(BudgetLine.id.in_(list(need)))
        ).all()
    )
    revisions, now = [], utcnow()
    (next_id,) = next_ids(db.session, BudgetRevision.__table__)
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
                "id": next_id + len(revisions),
                "budget_line_id": line_id,
                "previous_xof": previous,
                "new_xof": previous + raised,
                "reason": "Convention de financement (données de démonstration)",
                "revised_by_id": by_user_id,
                "revised_at": now,
            }
        )
    if revisions:
        db.session.execute(sa.insert(BudgetRevision), revisions)
