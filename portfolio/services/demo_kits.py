"""Demo kit handovers, in bulk: about 45 % of enterprises receive their trade's kit.

Rows are built as tuples and written with COPY (PostgreSQL, from a second
thread: services.demo_bulk) or one executemany (SQLite), with ids handed out
here so that items, journal entries and reversals can point at their
handover without a round trip.
Going through `record_kit_delivery` would cost several queries per kit:
minutes at 100,000 enterprises instead of seconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.vocabulary import Role
from portfolio.models import (
    JournalEntry,
    KitDelivery,
    KitDeliveryItem,
    KitTemplate,
    User,
    db,
)
from portfolio.models.base import utcnow
from portfolio.services.budgets import line_totals
from portfolio.services.demo import FAMILY_NAMES, MEN_NAMES, WOMEN_NAMES
from portfolio.services.demo_bulk import (
    JOURNAL_COLUMNS,
    BulkWriter,
    journal_row,
    next_ids,
    sync_id_sequences,
)
from portfolio.services.kits import seed_kit_catalogue
from portfolio.services.unit_of_work import unit_of_work

CHUNK = 5_000
#: Items a field officer sometimes adds to the catalogue kit.
EXTRAS = (
    ("Lampe solaire", 1, 7_500),
    ("Cadenas", 1, 2_000),
    ("Caisse de rangement", 1, 5_000),
    ("Bâche", 1, 7_500),
    ("Seau", 2, 1_500),
)
REVERSAL_REASONS = (
    "Erreur de saisie : kit enregistré pour la mauvaise entreprise.",
    "Doublon : la remise avait déjà été saisie sous un autre numéro de PV.",
    "Kit non remis : le bénéficiaire était absent le jour de la distribution.",
)
ORGANISATIONS = ("OIM", "AME", "ONG partenaire", "Mairie")


def _kits_by_sector() -> dict[int, tuple[int, list[tuple[str, int, int]]]]:
    """Per sector, its first active kit and that kit's items."""
    templates = sa.select(KitTemplate).where(KitTemplate.active).order_by(KitTemplate.name)
    kits: dict[int, tuple[int, list[tuple[str, int, int]]]] = {}
    for template in db.session.scalars(templates):
        if template.sector_id not in kits:
            items = [(i.name, i.quantity, i.unit_cost_xof) for i in template.items]
            if items:
                kits[template.sector_id] = (template.id, items)
    return kits


def _recorder() -> int:
    user_id = db.session.scalar(
        sa.select(User.id)
        .where(User.role.in_((Role.FINANCE, Role.MANAGER, Role.ADMIN)))
        .order_by(User.id)
        .limit(1)
    )
    if user_id is None:
        raise ValueError(
            "Demo kit handovers name who recorded them: create a finance, manager "
            "or admin user first, or pass recorded_by_id."
        )
    return user_id


def _varied(rng: random.Random, items: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The catalogue kit, sometimes with an item missing or one added, as in the field."""
    items = list(items)
    draw = rng.random()
    if draw < 0.12 and len(items) > 1:
        items.pop(rng.randrange(len(items)))
    elif draw < 0.22:
        extra = rng.choice(EXTRAS)
        if extra[0] not in {name for name, _, _ in items}:
            items.append(extra)
    return items


DELIVERY_COLUMNS = (
    "id",
    "enterprise_id",
    "budget_line_id",
    "template_id",
    "delivered_on",
    "delivered_by",
    "certificate_number",
    "recorded_by_id",
    "created_at",
)
ITEM_COLUMNS = ("id", "delivery_id", "name", "quantity", "unit_cost_xof")


def seed_kits_demo(
    rng: random.Random,
    enterprise_rows: Iterable[Mapping[str, Any]],
    kit_line_by_programme: dict[int, int],
    *,
    share: float = 0.45,
    reversal_share: float = 0.02,
    recorded_by_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Hand kits to about `share` of the enterprises; returns the number of handovers.

    `enterprise_rows`: mappings with `id`, `programme_id`, `sector_id` and
    `started_on` (a date or None), e.g. seed_portfolio's rows or
    `db.session.execute(select(Enterprise.id, ...)).mappings()`.
    `kit_line_by_programme`: programme id -> id of its KIT budget line; an
    enterprise whose programme has none gets no kit, and a line is never
    taken beyond what it has left. Written chunk by chunk (services.demo_bulk).
    """
    seed_kit_catalogue()
    kits = _kits_by_sector()
    recorder = recorded_by_id or _recorder()
    left = {
        t.id: t.remaining_xof for t in line_totals(line_ids=list(kit_line_by_programme.values()))
    }
    today, now = date.today(), utcnow()
    tables = (KitDelivery.__table__, KitDeliveryItem.__table__, JournalEntry.__table__)
    with unit_of_work() as session, BulkWriter(session) as writer:
        rows = _Rows(rng, next_ids(session, *tables), recorder, reversal_share, today, now)
        seen = 0
        for row in enterprise_rows:
            seen += 1
            if seen % CHUNK == 0:
                rows.write(writer)
                if progress:
                    progress(CHUNK)
            if rng.random() >= share:
                continue
            line_id = kit_line_by_programme.get(row["programme_id"])
            kit = kits.get(row["sector_id"])
            if line_id is None or kit is None:
                continue
            template_id, template_items = kit
            items = _varied(rng, template_items)
            value = sum(quantity * cost for _, quantity, cost in items)
            if value > left.get(line_id, 0):
                continue
            left[line_id] -= value
            rows.hand_over(row, line_id, template_id, items, value)
        rows.write(writer)
        if progress and seen % CHUNK:
            progress(seen % CHUNK)
        writer.wait()
        sync_id_sequences(session, *tables)
    return rows.made


class _Rows:
    """Handovers, their items and journal entries, with ids handed out here so that
    items, entries and reversals point at their handover without a round trip."""

    def __init__(self, rng, ids, recorder, reversal_share, today, now):
        self.rng, self.recorder, self.reversal_share = rng, recorder, reversal_share
        self.today, self.now = today, now
        self.delivery_id, self.item_id, self.entry_id = ids
        self.made = 0
        self.deliveries: list[tuple] = []
        self.items: list[tuple] = []
        self.entries: list[tuple] = []
        self.reversals: list[tuple] = []

    def hand_over(self, row, line_id, template_id, items, value) -> None:
        rng, today, delivery_id = self.rng, self.today, self.delivery_id
        started = row.get("started_on") or today - timedelta(days=rng.randint(30, 900))
        delivered_on = min(started + timedelta(days=rng.randint(0, 90)), today)
        first = rng.choice(WOMEN_NAMES if rng.random() < 0.3 else MEN_NAMES)
        self.deliveries.append(
            (
                delivery_id,
                row["id"],
                line_id,
                template_id,
                delivered_on,
                f"{first} {rng.choice(FAMILY_NAMES)} ({rng.choice(ORGANISATIONS)})",
                # The id makes the number unique across repeated demo seeds.
                f"PV-{delivered_on.year}-{delivery_id:06d}",
                self.recorder,
                self.now,
            )
        )
        for name, quantity, cost in items:
            self.items.append((self.item_id, delivery_id, name, quantity, cost))
            self.item_id += 1
        links = {"enterprise_id": row["id"], "budget_line_id": line_id}
        entry_id = self._entry(EntryKind.KIT_DELIVERY, delivered_on, value, delivery_id, links)
        if rng.random() < self.reversal_share:
            # Written after the chunk's handovers: a reversal names an entry already in.
            undone = min(delivered_on + timedelta(days=rng.randint(1, 20)), today)
            reason = rng.choice(REVERSAL_REASONS)
            self.reversals.append((undone, value, delivery_id, links, entry_id, reason))
        self.delivery_id += 1
        self.made += 1

    def _entry(self, kind, value_on, value, delivery_id, links, **more) -> int:
        entry_id = self.entry_id
        self.entry_id += 1
        self.entries.append(
            journal_row(
                entry_id,
                kind,
                value_on,
                value,
                self.now,
                self.recorder,
                kit_delivery_id=delivery_id,
                **links,
                **more,
            )
        )
        return entry_id

    def write(self, writer: BulkWriter) -> None:
        for undone, value, delivery_id, links, entry_id, reason in self.reversals:
            self._entry(
                EntryKind.REVERSAL,
                undone,
                value,
                delivery_id,
                links,
                reverses_id=entry_id,
                reason=reason,
            )
        handovers = [writer.add(KitDelivery.__table__, DELIVERY_COLUMNS, self.deliveries)]
        writer.add(KitDeliveryItem.__table__, ITEM_COLUMNS, self.items, after=handovers)
        writer.add(JournalEntry.__table__, JOURNAL_COLUMNS, self.entries, after=handovers)
        self.deliveries, self.items, self.entries, self.reversals = [], [], [], []
