"""The audit log as CSV or XLSX, with the page's filters.

The log holds the values of every change (names, phones): reading it needs the audit
permission, downloading it also the personal-data export permission, and the download
is itself logged.
"""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.reporting.audit import audited_tables
from portfolio.reporting.dashboard_exports import audit_rows, changes_text
from portfolio.services.audit import record_event
from portfolio.web.access import requires, user_can
from portfolio.web.admin import bp
from portfolio.web.admin.audit import _int
from portfolio.web.listing import table_response


@bp.get("/journal-des-modifications/export.csv", defaults={"fmt": "csv"})
@bp.get("/journal-des-modifications/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.VIEW_AUDIT_LOG)
def export_audit_log(fmt: str):
    if not user_can(Permission.EXPORT_PERSONAL_DATA):
        abort(403)
    table = request.args.get("table_name") or None
    table = table if table in audited_tables() else None
    record_event(
        "export", "audit_entry", {"filters": request.query_string.decode()[:500], "format": fmt}
    )
    header = [
        _("ID"),
        _("When (UTC)"),
        _("Who"),
        _("Action"),
        _("Record type"),
        _("Record number"),
        _("Changes"),
    ]
    rows = (
        [
            r.id,
            r.at,
            r.user_name,
            r.action,
            r.table_name,
            r.record_id,
            changes_text(r.action, r.changes),
        ]
        for r in audit_rows(table, _int("record_id"), _int("user_id"))
    )
    return table_response("journal-des-modifications", header, rows, fmt)
