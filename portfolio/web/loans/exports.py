"""Loans and their journal (disbursements, repayments, corrections) as CSV or XLSX,
with the loan list's filters. Business names: recorded download."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus, PaymentChannel
from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import Sex
from portfolio.reporting.dashboard_exports import loan_entry_rows, loan_rows
from portfolio.reporting.loans import LoanFilter
from portfolio.services.audit import record_event
from portfolio.web.access import region_scope, requires
from portfolio.web.labels import label
from portfolio.web.listing import table_response
from portfolio.web.loans import bp
from portfolio.web.loans.ledger import _arg_int
from portfolio.web.loans.ledger_forms import LoanListArgs


def loan_filter() -> LoanFilter:
    """The loan list's filters, read as the list reads them."""
    args = LoanListArgs(formdata=request.args)
    args.validate()  # a hand-edited filter is dropped, not an error page
    return LoanFilter(
        q=(args.q.data or "").replace("\x00", "")[:100] or None,
        status=args.status.data if args.status.data in set(LoanStatus) else None,
        lender_id=_arg_int("lender_id"),
        programme_id=_arg_int("programme_id"),
        region_id=_arg_int("region_id"),
        sector_id=_arg_int("sector_id"),
        sex=args.sex.data if args.sex.data in set(Sex) else None,
        scope_region_id=region_scope(),
    )


def _record(table: str, fmt: str) -> None:
    record_event("export", table, {"filters": request.query_string.decode()[:500], "format": fmt})


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export(fmt: str):
    filters = loan_filter()
    _record("loan", fmt)
    header = [
        _("ID"),
        _("Enterprise"),
        _("Lender"),
        _("Programme"),
        _("Region"),
        _("Status"),
        _("Amount (FCFA)"),
        _("Applied on"),
        _("Disbursed on"),
        _("Restructured"),
        _("Principal outstanding (FCFA)"),
    ]
    rows = (
        [
            r.id,
            r.enterprise_name,
            r.lender_name,
            r.programme_code,
            r.region,
            label(LoanStatus(r.status)),
            r.amount_xof,
            r.applied_on,
            r.disbursed_on,
            bool(r.restructured),
            r.outstanding_xof,
        ]
        for r in loan_rows(filters)
    )
    return table_response("prets", header, rows, fmt)


@bp.get("/journal.csv", defaults={"fmt": "csv"})
@bp.get("/journal.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export_journal(fmt: str):
    filters = loan_filter()
    _record("journal_entry", fmt)
    header = [
        _("Entry"),
        _("Value date"),
        _("Movement"),
        _("Amount (FCFA)"),
        _("Loan"),
        _("Enterprise"),
        _("Lender"),
        _("Region"),
        _("Channel"),
        _("Reference"),
        _("Reverses entry"),
        _("Reversed by entry"),
        _("Reason"),
        _("Recorded at (UTC)"),
        _("Recorded by"),
    ]
    rows = (
        [
            r.id,
            r.value_on,
            label(EntryKind(r.kind)),
            r.amount_xof,
            r.loan_id,
            r.enterprise_name,
            r.lender_name,
            r.region,
            label(PaymentChannel(r.channel)) if r.channel else None,
            r.reference,
            r.reverses_id,
            r.reversed_by_id,
            r.reason,
            r.recorded_at,
            r.recorded_by,
        ]
        for r in loan_entry_rows(filters)
    )
    return table_response("prets-journal", header, rows, fmt)
