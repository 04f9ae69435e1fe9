"""The borrower's schedule as an XLSX workbook, in the user's language."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from portfolio.domain.loans import Simulation
from portfolio.web.labels import label

FRANCS = '#,##0" F"'
PERCENT = "0.00%"


def schedule_workbook(simulation: Simulation, lender: str | None) -> io.BytesIO:
    terms, schedule, pricing = simulation.terms, simulation.schedule, simulation.pricing
    book = Workbook()
    sheet = book.active
    sheet.title = _("Schedule")[:31]
    bold = Font(bold=True)
    sheet.append([_("Loan schedule")])
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        (_("Lender"), lender or "—", None),
        (_("Amount borrowed"), schedule.amount_xof, FRANCS),
        (_("Net amount received"), pricing.net_disbursed_xof, FRANCS),
        (_("Quoted annual rate"), float(terms.annual_rate), PERCENT),
        (_("Method"), label(terms.method), None),
        (_("Repayments"), f"{terms.instalments} × {label(terms.frequency)}", None),
        (_("Disbursement (contract) date"), schedule.disbursed_on, "DD/MM/YYYY"),
        (_("Total interest"), pricing.total_interest_xof, FRANCS),
        (_("Total fees"), pricing.total_fees_xof, FRANCS),
        (_("Total cost of credit"), pricing.total_cost_of_credit_xof, FRANCS),
        (_("APR (TEG)"), float(pricing.apr) if pricing.apr is not None else "—", PERCENT),
        (
            _("Effective interest rate"),
            float(pricing.eir) if pricing.eir is not None else "—",
            PERCENT,
        ),
    ]
    for title, value, number_format in facts:
        sheet.append([title, value])
        sheet.cell(sheet.max_row, 1).font = bold
        if number_format and not isinstance(value, str):
            sheet.cell(sheet.max_row, 2).number_format = number_format
    sheet.append([])
    header = [
        _("No."),
        _("Due date"),
        _("Principal"),
        _("Interest"),
        _("Fees"),
        _("Savings"),
        _("Total due"),
        _("Principal still owed"),
    ]
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True)
    for row in schedule.rows:
        sheet.append(
            [
                row.number,
                row.due_on,
                row.principal_xof,
                row.interest_xof,
                row.fee_xof,
                row.savings_xof,
                row.total_xof,
                row.balance_after_xof,
            ]
        )
        sheet.cell(sheet.max_row, 2).number_format = "DD/MM/YYYY"
    totals = schedule.totals
    sheet.append(
        [
            _("Total"),
            None,
            totals.principal_xof,
            totals.interest_xof,
            totals.fee_xof,
            totals.savings_xof,
            totals.total_xof,
            None,
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=3, max_col=8):
        for cell in row:
            cell.number_format = FRANCS
    for column, width in zip("ABCDEFGH", (28, 14, 14, 14, 12, 12, 14, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
