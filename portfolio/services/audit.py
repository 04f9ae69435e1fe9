"""The audit log, written by the session itself: no service can forget it.

After every flush, each inserted, changed or deleted record becomes one
AuditEntry (who, when, which record, before → after), in the same
transaction: if the change is rolled back, so is its audit row.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context
from flask_login import current_user

from portfolio.models import AuditEntry, LoanAllocation
from portfolio.models.base import utcnow

#: Derived rows (recomputed from the journal) and the log itself are not audited.
NOT_AUDITED = {AuditEntry.__tablename__, LoanAllocation.__tablename__}
#: Columns whose values never go into the log.
REDACTED = {"password_hash", "token_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in sa.inspect(obj).mapper.column_attrs]


def _values(obj: Any) -> dict[str, Any]:
    return {key: "***" if key in REDACTED else _plain(getattr(obj, key)) for key in _columns(obj)}


def _changes(obj: Any) -> dict[str, list[Any]]:
    state = sa.inspect(obj)
    changed = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if key in REDACTED:
                before, after = "***", "***"
            changed[key] = [_plain(before), _plain(after)]
    return changed


def _acting_user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _record(session: so.Session, _flush_context) -> None:
    rows = []
    user_id = _acting_user_id()
    now = utcnow()
    for action, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in NOT_AUDITED:
                continue
            if action == "update":
                changes = _changes(obj)
                if not changes:
                    continue
            else:
                changes = _values(obj)
            rows.append(
                {
                    "at": now,
                    "user_id": user_id,
                    "action": action,
                    "table_name": table,
                    "record_id": _record_id(obj, changes),
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def _record_id(obj, changes: dict[str, Any]) -> int | None:
    """The row's integer key; a text or composite key (a flag rule's code, a score
    weight's item) goes into the changes instead, so its audit row still says which."""
    identity = sa.inspect(obj).identity
    if identity and len(identity) == 1 and isinstance(identity[0], int):
        return identity[0]
    if identity:
        changes.setdefault("key", [str(part) for part in identity])
    return None


def record_event(
    action: str, table_name: str, details: dict[str, Any], record_id: int | None = None
) -> None:
    """A named event that changes no record, e.g. an export of personal data.

    Written and committed on its own: the event happened even if the rest
    of the request later fails.
    """
    from portfolio.models import db

    db.session.execute(
        sa.insert(AuditEntry.__table__),
        [
            {
                "at": utcnow(),
                "user_id": _acting_user_id(),
                "action": action,
                "table_name": table_name,
                "record_id": record_id,
                "changes": {key: _plain(value) for key, value in details.items()},
            }
        ],
    )
    db.session.commit()


def register_audit_log(session_class: type[so.Session]) -> None:
    """Listen on the Session class (all apps, all sessions), once per process."""
    if not sa.event.contains(session_class, "after_flush", _record):
        sa.event.listen(session_class, "after_flush", _record)
