"""Repayments from a bank or mobile-money statement (CSV): all recorded, or none.

Each row goes through the same `record_repayment` as the pages, inside one
all_or_nothing() block: every row is checked (format, then the business
rules against the loan as the earlier rows left it), every problem is
reported with its row number, and only a file without any problem is kept.
A row already imported (same loan, reference, date and amount) is skipped,
so importing the same statement twice records it once.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from portfolio.domain.ledger_vocabulary import PaymentChannel
from portfolio.domain.money import parse_xof
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.loans import record_repayment
from portfolio.services.unit_of_work import ServiceError, all_or_nothing

COLUMNS = ("loan_id", "paid_on", "amount_xof", "channel", "reference")
CHANNEL_WORDS = {
    "cash": PaymentChannel.CASH,
    "especes": PaymentChannel.CASH,
    "espèces": PaymentChannel.CASH,
    "mobile_money": PaymentChannel.MOBILE_MONEY,
    "mobile money": PaymentChannel.MOBILE_MONEY,
    "bank_transfer": PaymentChannel.BANK_TRANSFER,
    "virement": PaymentChannel.BANK_TRANSFER,
    "": None,
}
MAX_ROWS = 50_000


@dataclass
class ImportReport:
    recorded: int = 0
    already_recorded: int = 0
    #: (row number in the file, counting the header as 1; message)
    errors: list[tuple[int, str]] = field(default_factory=list)


class ImportRefused(Exception):
    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.errors)} rows refused")
        self.report = report


class RowProblem(ValueError):
    """A cell that cannot be read; its message says which and how to fix it."""


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise RowProblem(_("Unreadable date “%(text)s”: write 2026-11-24 or 24/11/2026.", text=text))


def _loan_id(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise RowProblem(_("Unreadable loan number “%(text)s”.", text=text))
    return int(text)


def _amount(text: str) -> int:
    try:
        return parse_xof(text)
    except ValueError:
        raise RowProblem(
            _("Unreadable amount “%(text)s”: whole francs, e.g. 25 000.", text=text)
        ) from None


def _channel(text: str) -> PaymentChannel | None:
    try:
        return CHANNEL_WORDS[text.strip().lower()]
    except KeyError:
        raise RowProblem(_("Unknown payment channel “%(text)s”.", text=text)) from None


def _rows(content: str) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    reader = csv.DictReader(io.StringIO(content), dialect=dialect)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        return [], [(1, _("Missing columns: %(names)s.", names=", ".join(missing)))]
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            return rows, [(number, _("Too many rows: at most %(n)d.", n=MAX_ROWS))]
        rows.append((number, {k: (v or "").strip() for k, v in row.items() if k}))
    return rows, []


def import_repayments(content: str, recorded_by_id: int) -> ImportReport:
    """Record every row of a statement, or none; ImportRefused carries the row errors."""
    report = ImportReport()
    rows, problems = _rows(content.lstrip("\ufeff"))
    report.errors.extend(problems)
    if not rows and not problems:
        report.errors.append((1, _("The file has no rows.")))
    if report.errors:
        raise ImportRefused(report)
    try:
        with all_or_nothing():
            for number, row in rows:
                _record(number, row, recorded_by_id, report)
            if report.errors:
                raise ImportRefused(report)
    except ImportRefused:
        report.recorded = 0
        raise
    return report


def _record(number: int, row: dict[str, str], recorded_by_id: int, report: ImportReport) -> None:
    try:
        loan_id = _loan_id(row.get("loan_id", ""))
        paid_on = _date(row.get("paid_on", ""))
        amount = _amount(row.get("amount_xof", ""))
        channel = _channel(row.get("channel", ""))
    except RowProblem as problem:
        report.errors.append((number, str(problem)))
        return
    reference = row.get("reference") or None
    # The same statement line imported twice is recognised and skipped.
    key = (
        "import:"
        + hashlib.sha256(f"{loan_id}|{reference}|{paid_on}|{amount}".encode()).hexdigest()[:48]
    )
    try:
        record_repayment(
            loan_id,
            paid_on=paid_on,
            amount_xof=amount,
            recorded_by_id=recorded_by_id,
            channel=channel,
            reference=reference,
            idempotency_key=key,
        )
    except DuplicateSubmission:
        report.already_recorded += 1
    except ServiceError as error:
        report.errors.append((number, error.message))
    else:
        report.recorded += 1
