"""Starter kits: the catalogue per trade, handing a kit over, reversing a mistaken handover."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.kit_catalogue import KITS
from portfolio.domain.ledger_vocabulary import EntryKind, Instrument
from portfolio.models import (
    BudgetLine,
    Enterprise,
    JournalEntry,
    KitDelivery,
    KitDeliveryItem,
    KitTemplate,
    KitTemplateItem,
    Sector,
    db,
)
from portfolio.services.budgets import ensure_within_budget
from portfolio.services.journal import (
    DuplicateSubmission,
    existing_submission,
    post_entry,
    reverse_entry,
)
from portfolio.services.unit_of_work import ServiceError, unit_of_work


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def clean_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows that say something, checked; blank rows (a form's spare lines) are dropped."""
    cleaned = []
    for item in items:
        name = (item.get("name") or "").strip()
        quantity, unit_cost = item.get("quantity"), item.get("unit_cost_xof")
        supplier = (item.get("supplier") or "").strip() or None
        if not name and quantity is None and unit_cost is None and supplier is None:
            continue
        if not name or not _whole(quantity) or quantity < 1:
            raise ServiceError(_("Each item needs a name and a quantity of at least 1."), "items")
        if not _whole(unit_cost) or unit_cost < 0:
            raise ServiceError(_("Each item needs a unit cost in whole francs."), "items")
        cleaned.append(
            {"name": name, "quantity": quantity, "unit_cost_xof": unit_cost, "supplier": supplier}
        )
    if not cleaned:
        raise ServiceError(_("List at least one item."), "items")
    return cleaned


def value_of(items: Iterable[Mapping[str, Any]]) -> int:
    """What a kit is worth: Σ quantity × unit cost, in whole francs."""
    return sum(item["quantity"] * item["unit_cost_xof"] for item in items)


# --- the catalogue ---------------------------------------------------------------------


def save_kit_template(
    values: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]],
    template: KitTemplate | None = None,
) -> KitTemplate:
    """Create a kit, or change one; its items are replaced by the ones given.

    Handovers copy items at the time they are recorded, so changing the
    catalogue never alters what a past handover says was given.
    """
    rows = clean_items(items)
    with unit_of_work() as session:
        name = (values.get("name") or "").strip()
        if not name:
            raise ServiceError(_("Give the kit a name."), "name")
        clash = session.scalar(
            sa.select(KitTemplate.id).where(
                sa.func.lower(KitTemplate.name) == name.lower(),
                KitTemplate.id != (template.id if template else 0),
            )
        )
        if clash is not None:
            raise ServiceError(_("Another kit has this name."), "name")
        if session.get(Sector, values.get("sector_id") or 0) is None:
            raise ServiceError(_("Unknown sector."), "sector_id")
        template = template or KitTemplate()
        template.name, template.sector_id = name, values["sector_id"]
        template.active = bool(values.get("active", True))
        template.items = [KitTemplateItem(**row) for row in rows]
        session.add(template)
    return template


def set_kit_template_active(template: KitTemplate, active: bool) -> None:
    """An inactive kit stays in past handovers but is no longer offered for new ones."""
    with unit_of_work():
        template.active = active


def seed_kit_catalogue() -> int:
    """Add the standard kits (domain.kit_catalogue) where missing; returns how many were added.

    A trade that already has a kit keeps it: a manager may have renamed or
    reworked it, and running the seed again must not bring the old one back.
    """
    with unit_of_work() as session:
        sectors = dict(session.execute(sa.select(Sector.code, Sector.id)).all())
        names = {n.lower() for n in session.scalars(sa.select(KitTemplate.name))}
        equipped = set(session.scalars(sa.select(KitTemplate.sector_id).distinct()))
        added = 0
        for kit in KITS:
            sector_id = sectors.get(kit.sector_code)
            if sector_id is None or sector_id in equipped or kit.name.lower() in names:
                continue
            session.add(
                KitTemplate(
                    name=kit.name,
                    sector_id=sector_id,
                    active=True,
                    items=[
                        KitTemplateItem(
                            name=item.name,
                            quantity=item.quantity,
                            unit_cost_xof=item.unit_cost_xof,
                            supplier=item.supplier,
                        )
                        for item in kit.items
                    ],
                )
            )
            added += 1
    return added


# --- handovers -------------------------------------------------------------------------


def record_kit_delivery(
    values: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]],
    *,
    recorded_by_id: int,
    idempotency_key: str | None = None,
) -> KitDelivery:
    """Record a kit handed over: the delivery, what it held, and its journal entry.

    Raises DuplicateSubmission when `idempotency_key` was already used (the
    form sent twice): nothing new is recorded and the caller shows the first.
    """
    rows = clean_items(items)
    value_xof = value_of(rows)
    if value_xof <= 0:
        raise ServiceError(_("The kit's value must be more than zero."), "items")
    delivered_on: date | None = values.get("delivered_on")
    if delivered_on is None:
        raise ServiceError(_("Give the handover date."), "delivered_on")
    if delivered_on > date.today():
        raise ServiceError(_("The handover date cannot be in the future."), "delivered_on")
    delivered_by = (values.get("delivered_by") or "").strip()
    if not delivered_by:
        raise ServiceError(_("Say who handed the kit over."), "delivered_by")
    certificate = (values.get("certificate_number") or "").strip()
    if not certificate:
        raise ServiceError(_("Give the handover certificate number."), "certificate_number")
    with unit_of_work() as session:
        enterprise = session.get(Enterprise, values.get("enterprise_id") or 0)
        if enterprise is None:
            raise ServiceError(_("Unknown enterprise."), "enterprise_id")
        template_id = values.get("template_id")
        if template_id is not None and session.get(KitTemplate, template_id) is None:
            raise ServiceError(_("Unknown kit."), "template_id")
        # Lock the line before looking for an earlier submission: a double
        # click then waits for the first request and sees what it recorded,
        # instead of being told the budget or the certificate is taken.
        line = session.scalar(
            sa.select(BudgetLine)
            .where(BudgetLine.id == (values.get("budget_line_id") or 0))
            .with_for_update()
        )
        if line is None:
            raise ServiceError(_("Unknown budget line."), "budget_line_id")
        if (previous := existing_submission(idempotency_key)) is not None:
            raise DuplicateSubmission(previous)
        if line.programme_id != enterprise.programme_id:
            raise ServiceError(
                _("This budget line belongs to another programme than the enterprise's."),
                "budget_line_id",
            )
        _refuse_used_certificate(certificate)
        ensure_within_budget(line.id, value_xof, Instrument.KIT)
        delivery = KitDelivery(
            enterprise_id=enterprise.id,
            budget_line_id=line.id,
            template_id=template_id,
            delivered_on=delivered_on,
            delivered_by=delivered_by,
            certificate_number=certificate,
            recorded_by_id=recorded_by_id,
            items=[
                KitDeliveryItem(
                    name=r["name"], quantity=r["quantity"], unit_cost_xof=r["unit_cost_xof"]
                )
                for r in rows
            ],
        )
        try:
            with session.begin_nested():
                session.add(delivery)
        except sa.exc.IntegrityError:  # the same certificate, recorded a moment ago
            if (previous := existing_submission(idempotency_key)) is not None:
                raise DuplicateSubmission(previous) from None
            _refuse_used_certificate(certificate)
            raise
        post_entry(
            kind=EntryKind.KIT_DELIVERY,
            value_on=delivered_on,
            amount_xof=value_xof,
            recorded_by_id=recorded_by_id,
            idempotency_key=idempotency_key,
            enterprise_id=enterprise.id,
            budget_line_id=line.id,
            kit_delivery_id=delivery.id,
        )
        from portfolio.services.visit_plan import plan_visits  # the first support starts the plan

        plan_visits([enterprise.id])
    return delivery


def _refuse_used_certificate(certificate: str) -> None:
    used = db.session.execute(
        sa.select(KitDelivery.delivered_on, Enterprise.name)
        .join(Enterprise, KitDelivery.enterprise_id == Enterprise.id)
        .where(sa.func.lower(KitDelivery.certificate_number) == certificate.lower())
    ).first()
    if used is not None:
        raise ServiceError(
            _(
                "Certificate number %(number)s is already recorded, for the kit handed to "
                "%(enterprise)s on %(day)s. Check the number on the signed certificate.",
                number=certificate,
                enterprise=used.name,
                day=used.delivered_on.strftime("%d/%m/%Y"),
            ),
            "certificate_number",
        )


def delivery_entry(delivery_id: int) -> JournalEntry | None:
    """The journal entry that put the handover's value on its budget line."""
    return db.session.scalar(
        sa.select(JournalEntry).where(
            JournalEntry.kit_delivery_id == delivery_id,
            JournalEntry.kind == EntryKind.KIT_DELIVERY,
        )
    )


def reverse_kit_delivery(delivery_id: int, reason: str, recorded_by_id: int) -> JournalEntry:
    """Cancel a mistaken handover: the delivery and its items stay, its value no longer counts."""
    with unit_of_work():
        entry = delivery_entry(delivery_id)
        if entry is None:
            raise ServiceError(_("This handover has no journal entry to reverse."), "reason")
        reversal = reverse_entry(entry, reason=reason, recorded_by_id=recorded_by_id)
    return reversal
