"""Grants and training allowances as CSV or XLSX, with the lists' filters.

Business and people's names are personal data: the download needs that permission and is
recorded in the audit log.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import AllowanceKind, PaymentChannel
from portfolio.domain.permissions import Permission
from portfolio.reporting.dashboard_exports import allowance_rows, grant_rows
from portfolio.reporting.grants import GrantStatus
from portfolio.services.audit import record_event
from portfolio.web.access import requires
from portfolio.web.grants import bp
from portfolio.web.grants.allowances import _kind_arg
from portfolio.web.grants.forms import STATUS_LABELS
from portfolio.web.labels import label
from portfolio.web.listing import list_filter, table_response


def _record(table: str, fmt: str) -> None:
    record_event("export", table, {"filters": request.query_string.decode()[:500], "format": fmt})


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export(fmt: str):
    filters = list_filter(status=[s.value for s in GrantStatus])
    _record("grant_award", fmt)
    header = [
        _("ID"),
        _("Awarded on"),
        _("Enterprise"),
        _("Programme"),
        _("Region"),
        _("Budget line"),
        _("Purpose"),
        _("Tranches"),
        _("Amount (FCFA)"),
        _("Cancelled (FCFA)"),
        _("Paid (FCFA)"),
        _("Left to pay (FCFA)"),
        _("Status"),
    ]
    rows = (
        [
            r.id,
            r.awarded_on,
            r.enterprise_name,
            r.programme_code,
            r.region,
            r.budget_line_label,
            r.purpose,
            r.tranche_count,
            r.amount_xof,
            r.cancelled_xof,
            r.paid_xof,
            r.left_xof,
            str(STATUS_LABELS[GrantStatus(r.status)]),
        ]
        for r in grant_rows(filters)
    )
    return table_response("subventions", header, rows, fmt)


@bp.get("/allocations-formation/export.csv", defaults={"fmt": "csv"})
@bp.get("/allocations-formation/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export_allowances(fmt: str):
    filters = list_filter()
    _record("allowance_payment", fmt)
    header = [
        _("ID"),
        _("Paid on"),
        _("Beneficiary number"),
        _("Beneficiary"),
        _("Programme"),
        _("Region"),
        _("Allowance"),
        _("Month covered"),
        _("Amount (FCFA)"),
        _("Channel"),
        _("Reference"),
        _("Budget line"),
        _("Recorded by"),
        _("Reversed by entry"),
        _("Reason for the reversal"),
    ]
    rows = (
        [
            r.id,
            r.value_on,
            r.beneficiary_id,
            r.beneficiary_name,
            r.programme_code,
            r.region,
            label(AllowanceKind(r.allowance_kind)),
            r.period_on,
            r.amount_xof,
            label(PaymentChannel(r.channel)) if r.channel else None,
            r.reference,
            r.budget_line_label,
            r.recorded_by,
            r.reversed_by_id,
            r.reversal_reason,
        ]
        for r in allowance_rows(filters, _kind_arg())
    )
    return table_response("allocations-formation", header, rows, fmt)
