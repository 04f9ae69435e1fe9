"""Demo kit handovers, in bulk: about 45 % of enterprises receive their trade's kit.

Rows are built as plain dicts and inserted with COPY (PostgreSQL) or one
executemany (SQLite), with ids handed out here so that items, journal
entries and reversals can point at their handover without a round trip.
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
    KitTemplateItem,
    User,
    db,
)
from portfolio.models.base import utcnow
from portfolio.services.budgets import line_totals
from portfolio.services.demo import (
    FAMILY_NAMES,
    MEN_NAMES,
    WOMEN_NAMES,
    _insert_rows,
    _next_id,
    _sync_id_sequences,
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
    taken beyond what it has left.
    """
    seed_kit_catalogue()
    kits = _kits_by_sector()
    recorder = recorded_by_id or _recorder()
    left = {
        t.id: t.remaining_xof for t in line_totals(line_ids=list(kit_line_by_programme.values()))
    }
    today, now = date.today(), utcnow()
    made = 0
    chunk: list[tuple[Mapping[str, Any], int, int, list[tuple[str, int, int]] | None, int]] = []

    def flush() -> None:
        nonlocal made
        made += _insert_chunk(rng, chunk, recorder, reversal_share, today, now)
        chunk.clear()

    seen = 0
    for row in enterprise_rows:
        seen += 1
        if progress and seen % CHUNK == 0:
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
        if items == template_items:
            items = None  # copied from the catalogue by the database, see _copy_template_items
        if value > left.get(line_id, 0):
            continue
        left[line_id] -= value
        chunk.append((row, line_id, template_id, items, value))
        if len(chunk) >= CHUNK:
            flush()
    flush()
    if progress and seen % CHUNK:
        progress(seen % CHUNK)
    return made


def _copy_template_items(delivery_ids: list[int]) -> None:
    """Items of handovers that match their kit, copied by the database from the catalogue.

    Most handovers are the catalogue kit as it is: one INSERT ... SELECT spares
    streaming some 250,000 item rows through Python at 100,000 enterprises.
    """
    if not delivery_ids:
        return
    template_items = (
        sa.select(
            KitDelivery.id,
            KitTemplateItem.name,
            KitTemplateItem.quantity,
            KitTemplateItem.unit_cost_xof,
        )
        .join(KitTemplateItem, KitTemplateItem.template_id == KitDelivery.template_id)
        .where(KitDelivery.id.in_(delivery_ids))
        .order_by(KitDelivery.id, KitTemplateItem.id)
    )
    db.session.execute(
        sa.insert(KitDeliveryItem).from_select(
            ["delivery_id", "name", "quantity", "unit_cost_xof"], template_items
        )
    )


def _insert_chunk(rng, chunk, recorder, reversal_share, today, now) -> int:
    if not chunk:
        return 0
    with unit_of_work():
        delivery_id, entry_id = _next_id(KitDelivery), _next_id(JournalEntry)
        deliveries, items, entries, reversals = [], [], [], []
        as_catalogued: list[int] = []  # handovers whose items are exactly the template's
        for row, line_id, template_id, kit_items, value in chunk:
            started = row.get("started_on") or today - timedelta(days=rng.randint(30, 900))
            delivered_on = min(started + timedelta(days=rng.randint(0, 90)), today)
            first = rng.choice(WOMEN_NAMES if rng.random() < 0.3 else MEN_NAMES)
            deliveries.append(
                {
                    "id": delivery_id,
                    "enterprise_id": row["id"],
                    "budget_line_id": line_id,
                    "template_id": template_id,
                    "delivered_on": delivered_on,
                    "delivered_by": f"{first} {rng.choice(FAMILY_NAMES)} "
                    f"({rng.choice(ORGANISATIONS)})",
                    # The id makes the number unique across repeated demo seeds.
                    "certificate_number": f"PV-{delivered_on.year}-{delivery_id:06d}",
                    "recorded_by_id": recorder,
                    "created_at": now,
                }
            )
            if kit_items is None:
                as_catalogued.append(delivery_id)
            else:
                items.extend(
                    {"delivery_id": delivery_id, "name": n, "quantity": q, "unit_cost_xof": c}
                    for n, q, c in kit_items
                )
            links = {
                "recorded_at": now,
                "recorded_by_id": recorder,
                "enterprise_id": row["id"],
                "budget_line_id": line_id,
                "kit_delivery_id": delivery_id,
                "amount_xof": value,
            }
            entries.append(
                {
                    "id": entry_id,
                    "kind": EntryKind.KIT_DELIVERY,
                    "value_on": delivered_on,
                    "reverses_id": None,
                    "reason": None,
                    **links,
                }
            )
            if rng.random() < reversal_share:
                reversals.append(
                    {
                        "kind": EntryKind.REVERSAL,
                        "value_on": min(delivered_on + timedelta(days=rng.randint(1, 20)), today),
                        "reverses_id": entry_id,
                        "reason": rng.choice(REVERSAL_REASONS),
                        **links,
                    }
                )
            delivery_id += 1
            entry_id += 1
        for offset, reversal in enumerate(reversals):
            reversal["id"] = entry_id + offset
        _insert_rows(KitDelivery, deliveries)
        _insert_rows(KitDeliveryItem, items)
        _copy_template_items(as_catalogued)
        _insert_rows(JournalEntry, entries)
        _insert_rows(JournalEntry, reversals)
        _sync_id_sequences(KitDelivery, JournalEntry)
    return len(deliveries)
