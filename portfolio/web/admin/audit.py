"""The audit log page: who changed what, when (managers and admins)."""

from __future__ import annotations

from flask import render_template, request

from portfolio.domain.permissions import Permission
from portfolio.reporting.audit import audit_page, audited_tables
from portfolio.web.access import requires
from portfolio.web.admin import bp
from portfolio.web.listing import page_args


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.get("/journal-des-modifications")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_log():
    page, per_page = page_args()
    tables = audited_tables()
    table = request.args.get("table_name") or None
    return render_template(
        "admin/audit.html",
        page=audit_page(
            page, per_page, table if table in tables else None, _int("record_id"), _int("user_id")
        ),
        tables=tables,
        table=table,
        record_id=_int("record_id"),
    )
