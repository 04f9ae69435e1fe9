"""Reading the audit log, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portfolio.models import AuditEntry, User
from portfolio.reporting.pagination import Page, paginate


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user_name: str | None
    action: str
    table_name: str
    record_id: int | None
    changes: dict[str, Any]


def audit_query(
    table_name: str | None = None, record_id: int | None = None, user_id: int | None = None
) -> sa.Select:
    """The audit log with the page's filters, newest first (the page and the download)."""
    query = (
        sa.select(
            AuditEntry.id,
            AuditEntry.at,
            User.name.label("user_name"),
            AuditEntry.action,
            AuditEntry.table_name,
            AuditEntry.record_id,
            AuditEntry.changes,
        )
        .outerjoin(User, AuditEntry.user_id == User.id)
        .order_by(AuditEntry.id.desc())
    )
    if table_name:
        query = query.where(AuditEntry.table_name == table_name)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    return query


def audit_page(
    page: int,
    per_page: int,
    table_name: str | None = None,
    record_id: int | None = None,
    user_id: int | None = None,
) -> Page[AuditRow]:
    return paginate(audit_query(table_name, record_id, user_id), AuditRow, page, per_page)


def audited_tables() -> list[str]:
    from portfolio.models import db

    return list(
        db.session.scalars(
            sa.select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name)
        )
    )
