"""Follow-up visits: recording one (web form, API) and the values derived from it.

``complete_visit`` fills what a visit's answers imply (net income, share of
the kit still there, scores, the planned visit it fulfils) and is shared by
every way a visit arrives (form, API, Kobo/ODK import, demo). It never
commits: the caller's unit of work does.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS, SCALE_MAX
from portfolio.domain.monitoring.scoring import score_visit
from portfolio.domain.monitoring.vocabulary import (
    BusinessStatus,
    KitItemCondition,
    Problem,
    StockLevel,
    VisitSource,
)
from portfolio.models import Commune, Enterprise, KitDelivery, KitDeliveryItem, db
from portfolio.models.base import utcnow
from portfolio.models.monitoring import (
    PlannedVisit,
    ScoreWeight,
    Visit,
    VisitKitItem,
    VisitProblem,
)
from portfolio.services.flags import refresh_enterprises
from portfolio.services.unit_of_work import ServiceError, unit_of_work

#: A visit fulfils the earliest open planned visit due up to this long after it:
#: monitors often pass by a little ahead of the plan when they are in the village.
PLAN_TOLERANCE = timedelta(days=30)

#: Items still there: in use, or present but idle (the asset is not lost; being idle is
#: a different problem, seen in the business answers). Sold, broken or missing are lost.
RETAINED_CONDITIONS = frozenset({KitItemCondition.IN_USE, KitItemCondition.PRESENT_UNUSED})

PHOTO_MAX_BYTES = 2 * 1024 * 1024
#: Magic bytes → (content type, file suffix). Only these are kept; the name and type the
#: browser claims are ignored.
_PHOTO_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
ITEM_CODES = tuple(item.code for item in REINTEGRATION_ITEMS)


class DuplicateVisit(Exception):
    """The same instance id (form token, Kobo/ODK instance) was recorded before."""

    def __init__(self, visit: Visit):
        super().__init__(visit.id)
        self.visit = visit


# --- derived values ----------------------------------------------------------------------


def score_weights() -> dict[str, Decimal]:
    return {
        code: weight
        for code, weight in db.session.execute(sa.select(ScoreWeight.code, ScoreWeight.weight))
    }


def kit_retained(observed: Iterable[tuple[int, int, KitItemCondition]]) -> tuple[int | None, bool]:
    """(share of the kit's value still present 0–100, whether anything was sold).

    ``observed`` gives (quantity, unit cost, condition) for each delivered item seen.
    Items of no recorded value (donated) count by number instead when the whole kit is
    valued at zero. None when there is nothing to judge.
    """
    rows = list(observed)
    if not rows:
        return None, False
    sold = any(KitItemCondition(c) == KitItemCondition.SOLD for _, _, c in rows)
    total = sum(q * cost for q, cost, _ in rows)
    if total > 0:
        kept = sum(q * cost for q, cost, c in rows if KitItemCondition(c) in RETAINED_CONDITIONS)
    else:
        total = len(rows)
        kept = sum(1 for _, _, c in rows if KitItemCondition(c) in RETAINED_CONDITIONS)
    pct = (Decimal(kept) * 100 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(pct), sold


def complete_visit(visit: Visit, weights: Mapping[str, Decimal] | None = None) -> None:
    """Fill a new or edited visit's derived values in the caller's transaction (no commit).

    - net income = sales − costs when the monitor left it empty;
    - kit: share of the observed items' value still present or in use (in use and
      present-but-unused both count as present), ``kit_sold`` when any item was sold;
      a visit with no kit items keeps the values it came with (a Kobo form may ask
      the share directly);
    - scores from the answers with the weights in table ``score_weight``;
    - links the visit to the enterprise's earliest planned visit not yet done and due
      no later than the visit date + ``PLAN_TOLERANCE``.

    ``weights`` may be passed by bulk callers to read the table once.
    """
    session = db.session
    if (
        visit.net_income_xof is None
        and visit.monthly_sales_xof is not None
        and visit.monthly_costs_xof is not None
    ):
        visit.net_income_xof = visit.monthly_sales_xof - visit.monthly_costs_xof
    if visit.kit_items:
        ids = [k.delivery_item_id for k in visit.kit_items]
        values = dict(
            (row.id, (row.quantity, row.unit_cost_xof))
            for row in session.execute(
                sa.select(
                    KitDeliveryItem.id, KitDeliveryItem.quantity, KitDeliveryItem.unit_cost_xof
                ).where(KitDeliveryItem.id.in_(ids))
            )
        )
        observed = [
            (*values[k.delivery_item_id], k.condition)
            for k in visit.kit_items
            if k.delivery_item_id in values
        ]
        visit.kit_retained_pct, visit.kit_sold = kit_retained(observed)
    scores = score_visit(
        {code: getattr(visit, code) for code in ITEM_CODES},
        score_weights() if weights is None else weights,
    )
    visit.economic_score = scores.economic
    visit.social_score = scores.social
    visit.psychosocial_score = scores.psychosocial
    visit.composite_score = scores.composite
    session.add(visit)
    session.flush()
    already = session.scalar(sa.select(PlannedVisit.id).where(PlannedVisit.visit_id == visit.id))
    if already is None:
        planned = session.scalar(
            sa.select(PlannedVisit)
            .where(
                PlannedVisit.enterprise_id == visit.enterprise_id,
                PlannedVisit.visit_id.is_(None),
                PlannedVisit.due_on <= visit.visited_on + PLAN_TOLERANCE,
            )
            .order_by(PlannedVisit.due_on, PlannedVisit.sequence)
            .limit(1)
        )
        if planned is not None:
            planned.visit_id = visit.id
            session.flush()


# --- photos ------------------------------------------------------------------------------


def photo_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) from the file's first bytes; None if not JPEG/PNG/WebP."""
    for magic, content_type, suffix in _PHOTO_SIGNATURES:
        if data.startswith(magic):
            return content_type, suffix
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def check_photo(data: bytes) -> tuple[str, str]:
    if len(data) > PHOTO_MAX_BYTES:
        raise ServiceError(_("The photo is larger than 2 MB."), "photo")
    if not data:
        raise ServiceError(_("The photo file is empty."), "photo")
    kind = photo_kind(data)
    if kind is None:
        raise ServiceError(_("The photo must be a JPEG, PNG or WebP image."), "photo")
    return kind


def photo_folder() -> Path:
    return Path(current_app.instance_path) / "uploads" / "visits"


def photo_path(name: str) -> Path | None:
    """The stored photo's path, or None when the name is not one of ours."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = photo_folder() / name
    return path if path.is_file() else None


def _store_photo(data: bytes, suffix: str) -> str:
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + suffix
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return name


# --- recording ---------------------------------------------------------------------------


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _money(values: Mapping[str, Any], key: str, *, negative: bool = False) -> int | None:
    value = values.get(key)
    if value is None:
        return None
    if not _whole(value) or (value < 0 and not negative):
        raise ServiceError(_("Enter a whole number of francs, zero or more."), key)
    return value


def _count(values: Mapping[str, Any], key: str) -> int:
    value = values.get(key)
    if value is None:
        return 0
    if not _whole(value) or value < 0:
        raise ServiceError(_("Enter a whole number, zero or more."), key)
    return value


def _text(values: Mapping[str, Any], key: str) -> str | None:
    return (values.get(key) or "").strip() or None


def _coordinate(values: Mapping[str, Any], key: str, limit: float) -> float | None:
    value = values.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ServiceError(_("The GPS position is not valid."), key) from None
    if not -limit <= number <= limit:
        raise ServiceError(_("The GPS position is not valid."), key)
    return number


def first_support_on(enterprise_id: int) -> date | None:
    from portfolio.services.visit_plan import first_support_dates

    dates = first_support_dates([enterprise_id])
    return dates.get(enterprise_id)


def scoped_enterprise(enterprise_id: Any, region_id: int | None) -> Enterprise | None:
    """The enterprise if it exists and lies in the region (any region when None)."""
    if not _whole(enterprise_id):
        return None
    query = sa.select(Enterprise).where(Enterprise.id == enterprise_id)
    if region_id is not None:
        query = query.join(Commune, Enterprise.commune_id == Commune.id).where(
            Commune.region_id == region_id
        )
    return db.session.scalar(query)


def delivered_items(enterprise_id: int) -> list[KitDeliveryItem]:
    """The items of the kits handed to the enterprise, oldest handover first."""
    return list(
        db.session.scalars(
            sa.select(KitDeliveryItem)
            .join(KitDelivery, KitDeliveryItem.delivery_id == KitDelivery.id)
            .where(KitDelivery.enterprise_id == enterprise_id)
            .order_by(KitDelivery.delivered_on, KitDeliveryItem.id)
        )
    )


def existing_visit(instance_id: str | None) -> Visit | None:
    if not instance_id:
        return None
    return db.session.scalar(sa.select(Visit).where(Visit.instance_id == instance_id))


def record_visit(
    values: Mapping[str, Any],
    *,
    recorded_by_id: int,
    region_id: int | None = None,
    problems: Iterable[str] = (),
    kit_conditions: Mapping[int, str] | None = None,
    photo: bytes | None = None,
    source: VisitSource = VisitSource.WEB,
    instance_id: str | None = None,
    today: date | None = None,
) -> Visit:
    """Record one visit from the web form or the API; returns it.

    ``values`` holds the form's cleaned data (ints for money and counts, a date, the
    0..4 answers keyed by item code). ``region_id`` limits the enterprises a
    monitor may record for. Raises ServiceError (nothing changes) on bad input and
    DuplicateVisit when ``instance_id`` was recorded before (a double submit).
    """
    today = today or date.today()
    if (previous := existing_visit(instance_id)) is not None:
        raise DuplicateVisit(previous)
    enterprise = scoped_enterprise(values.get("enterprise_id"), region_id)
    if enterprise is None:
        raise ServiceError(_("Unknown enterprise."), "enterprise_id")
    visited_on = values.get("visited_on")
    if not isinstance(visited_on, date):
        raise ServiceError(_("Give the date of the visit."), "visited_on")
    if visited_on > today:
        raise ServiceError(_("The visit date cannot be in the future."), "visited_on")
    first = first_support_on(enterprise.id)
    if first is not None and visited_on < first:
        raise ServiceError(
            _(
                "The visit date cannot be before the first support, handed over on %(day)s.",
                day=first.strftime("%d/%m/%Y"),
            ),
            "visited_on",
        )
    try:
        status = BusinessStatus(values.get("business_status"))
    except ValueError:
        raise ServiceError(_("Choose the state of the business."), "business_status") from None
    stock = values.get("stock_level") or None
    try:
        stock = StockLevel(stock) if stock is not None else None
    except ValueError:
        raise ServiceError(_("Choose a stock level from the list."), "stock_level") from None
    answers: dict[str, int | None] = {}
    for code in ITEM_CODES:
        answer = values.get(code)
        if answer in (None, ""):
            answers[code] = None
        elif _whole(answer) and 0 <= answer <= SCALE_MAX:
            answers[code] = answer
        else:
            raise ServiceError(_("Answer with a number from 0 to 4."), code)
    try:
        problem_set = sorted({Problem(p) for p in problems})
    except ValueError:
        raise ServiceError(_("Unknown problem."), "problems") from None
    conditions: dict[int, KitItemCondition] = {}
    if kit_conditions:
        own = {item.id for item in delivered_items(enterprise.id)}
        for item_id, condition in kit_conditions.items():
            if condition in (None, ""):
                continue
            if item_id not in own:
                raise ServiceError(
                    _("This kit item was not handed to this enterprise."), "kit_items"
                )
            try:
                conditions[item_id] = KitItemCondition(condition)
            except ValueError:
                raise ServiceError(_("Choose what became of each kit item."), "kit_items") from None
    photo_kind_ = check_photo(photo) if photo else None
    visit = Visit(
        enterprise_id=enterprise.id,
        visited_on=visited_on,
        monitor_id=values.get("monitor_id") or recorded_by_id,
        owner_present=bool(values.get("owner_present")),
        business_status=status,
        monthly_sales_xof=_money(values, "monthly_sales_xof"),
        monthly_costs_xof=_money(values, "monthly_costs_xof"),
        net_income_xof=_money(values, "net_income_xof", negative=True),
        stock_level=stock,
        paid_employees=_count(values, "paid_employees"),
        family_workers=_count(values, "family_workers"),
        support_needed=_text(values, "support_needed"),
        latitude=_coordinate(values, "latitude", 90),
        longitude=_coordinate(values, "longitude", 180),
        gps_accuracy_m=_coordinate(values, "gps_accuracy_m", 100_000),
        notes=_text(values, "notes"),
        source=source,
        instance_id=instance_id or None,
        submitted_at=utcnow(),
        recorded_by_id=recorded_by_id,
        problems=[VisitProblem(problem=p) for p in problem_set],
        kit_items=[VisitKitItem(delivery_item_id=i, condition=c) for i, c in conditions.items()],
        **answers,
    )
    if visit.latitude is None or visit.longitude is None:
        visit.latitude = visit.longitude = visit.gps_accuracy_m = None
    stored: Path | None = None
    try:
        with unit_of_work() as session:
            if photo_kind_ is not None and photo is not None:
                name = _store_photo(photo, photo_kind_[1])
                stored = photo_folder() / name
                visit.photo_file, visit.photo_content_type = name, photo_kind_[0]
            try:
                with session.begin_nested():
                    complete_visit(visit)
            except sa.exc.IntegrityError:  # the same token, recorded a moment ago
                if (previous := existing_visit(instance_id)) is not None:
                    raise DuplicateVisit(previous) from None
                raise
            refresh_enterprises([enterprise.id])
    except BaseException:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return visit
