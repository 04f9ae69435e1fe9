"""The audit log: who changed which record, when, from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from portfolio.models.base import db, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_record", "table_name", "record_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: None for changes made outside a signed-in request (CLI, migrations, seeding).
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    #: "insert", "update", "delete" or a named event such as "export".
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    table_name: so.Mapped[str] = so.mapped_column(sa.String(60))
    record_id: so.Mapped[int | None]
    #: {"field": [before, after]} for updates; the values for inserts and deletes.
    changes: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
