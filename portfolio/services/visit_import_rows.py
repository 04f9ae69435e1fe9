"""Reading a Kobo / ODK export and checking each row like the web visit form would.

A file that cannot be read at all raises ``UnreadableExport``; a row that
breaks a rule becomes a ``RowRejected`` naming the column and the rule.
Nothing here touches the database: the rules that need it (the enterprise
exists, lies in the region, was supported before the visit) are checked by
``visit_import`` with a few bulk queries.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS, SCALE_MAX
from portfolio.domain.monitoring.submission import (
    ExportFormat,
    column_map,
    detect_format,
    is_refused_review,
)
from portfolio.domain.monitoring.vocabulary import BusinessStatus, Problem, StockLevel

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
ITEM_CODES = tuple(item.code for item in REINTEGRATION_ITEMS)
MONEY_FIELDS = ("monthly_sales_xof", "monthly_costs_xof")
COUNT_FIELDS = ("paid_employees", "family_workers")
_YES = {"yes", "oui", "1", "true", "vrai"}
_NO = {"no", "non", "0", "false", "faux"}
#: Largest amount accepted (a BigInteger holds more; a typo with extra zeros does not).
MONEY_LIMIT = 10**12


class UnreadableExport(Exception):
    """The file is not a Kobo/ODK export this form produced; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RowRejected(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ExportTable:
    format: ExportFormat
    headers: tuple[str, ...]
    columns: dict[str, int]
    #: (row number in the file, header = 1; the cells as text)
    rows: list[tuple[int, list[str]]]


@dataclass(slots=True)
class Submission:
    """One row, checked: the visit's answers keyed by Visit column names."""

    row: int
    instance_id: str
    deprecated_id: str | None
    enterprise_id: int
    values: dict[str, Any]
    problems: frozenset[Problem]
    submitted_at: datetime | None
    submitted_by: str | None


# --- reading the file ------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableExport(_("The file is not a readable Excel (.xlsx) workbook.")) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise UnreadableExport(_("The file is neither a CSV export nor an Excel workbook."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        rows = []
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([v.strip() for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error:
        raise UnreadableExport(_("The CSV file cannot be read.")) from None
    return rows


def read_export(data: bytes, export_format: ExportFormat | None = None) -> ExportTable:
    """The export's rows, header recognised; UnreadableExport when it is no export of ours."""
    if not data.strip():
        raise UnreadableExport(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise UnreadableExport(_("The file is larger than 10 MB."))
    rows = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    if not rows:
        raise UnreadableExport(_("The file is empty."))
    headers = tuple(rows[0])
    found = detect_format(headers)
    chosen = export_format or found
    if chosen is None:
        raise UnreadableExport(
            _("The columns are not those of a KoboToolbox or ODK Central export.")
        )
    columns = column_map(headers, chosen)
    if "instance_id" not in columns or "enterprise" not in columns:
        raise UnreadableExport(
            _(
                "The columns of the visit form are missing (enterprise, meta/instanceID): "
                "export the submissions of the form downloaded from this site, with XML names."
            )
        )
    if len(rows) > MAX_ROWS + 1:
        raise UnreadableExport(_("Too many rows: at most %(n)d.", n=MAX_ROWS))
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
    return ExportTable(chosen, headers, columns, body)


# --- one row -------------------------------------------------------------------------------


class _Row:
    """Cell access by question name, with the header quoted in messages."""

    def __init__(self, table: ExportTable, cells: list[str]):
        self.table = table
        width = len(cells)
        self.cells = {k: cells[i] if i < width else "" for k, i in table.columns.items()}

    def header(self, key: str) -> str:
        index = self.table.columns.get(key)
        return self.table.headers[index] if index is not None else key

    def text(self, key: str) -> str:
        return self.cells.get(key, "")

    def refuse(self, key: str, message: str) -> RowRejected:
        return RowRejected(
            _("Column “%(column)s”: %(problem)s", column=self.header(key), problem=message)
        )


def _whole_number(text: str) -> int | None:
    if text.isascii() and text.isdigit() and len(text) < 16:
        return int(text)
    cleaned = text.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    sign = cleaned[:1] == "-"
    digits = cleaned[1:] if sign else cleaned
    if not digits.isascii() or not digits.isdigit() or len(digits) > 15:
        return None
    return -int(digits) if sign else int(digits)


def _money(row: _Row, key: str) -> int | None:
    text = row.text(key)
    if not text:
        return None
    number = _whole_number(text)
    if number is None or number < 0 or number > MONEY_LIMIT:
        raise row.refuse(key, _("enter a whole number of francs, zero or more."))
    return number


def _count(row: _Row, key: str, upper: int) -> int | None:
    text = row.text(key)
    if not text:
        return None
    number = _whole_number(text)
    if number is None or not 0 <= number <= upper:
        raise row.refuse(key, _("enter a whole number from 0 to %(max)d.", max=upper))
    return number


def _yes_no(row: _Row, key: str, *, required: bool) -> bool | None:
    text = row.text(key).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    if not text and not required:
        return None
    raise row.refuse(key, _("answer yes or no."))


def _visited_on(row: _Row, today: date) -> date:
    text = row.text("visited_on")
    if not text:
        raise row.refuse("visited_on", _("give the date of the visit."))
    try:
        visited_on = date.fromisoformat(text[:10])
    except ValueError:
        try:
            visited_on = datetime.strptime(text[:10], "%d/%m/%Y").date()
        except ValueError:
            raise row.refuse(
                "visited_on", _("unreadable date “%(text)s”: write 2026-11-24.", text=text)
            ) from None
    if visited_on > today:
        raise row.refuse("visited_on", _("the visit date cannot be in the future."))
    return visited_on


def _choice(row: _Row, key: str, enum: type, *, required: bool):
    text = row.text(key)
    if not text:
        if required:
            raise row.refuse(key, _("this answer is required."))
        return None
    try:
        return enum(text)
    except ValueError:
        raise row.refuse(key, _("“%(text)s” is not one of the choices.", text=text)) from None


def _problems(row: _Row) -> frozenset[Problem]:
    try:
        return frozenset(Problem(word) for word in row.text("problems").split())
    except ValueError:
        raise row.refuse("problems", _("unknown problem.")) from None


def _gps(row: _Row) -> tuple[float | None, float | None, float | None]:
    parts = row.text("gps").split()
    if parts:
        key = "gps"
        texts = (parts + ["", "", ""])[:4]
        latitude, longitude, accuracy = texts[0], texts[1], texts[3]
    else:
        key = "gps_latitude"
        latitude, longitude = row.text("gps_latitude"), row.text("gps_longitude")
        accuracy = row.text("gps_accuracy")
    if not latitude and not longitude:
        return None, None, None
    try:
        lat, lon = float(latitude), float(longitude)
        acc = float(accuracy) if accuracy else None
    except ValueError:
        raise row.refuse(key, _("the GPS position is not valid.")) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (acc is not None and not 0 <= acc < 1e5):
        raise row.refuse(key, _("the GPS position is not valid."))
    return lat, lon, acc


def _submitted_at(text: str) -> datetime | None:
    """Kobo ``2026-11-20T10:11:12`` and ODK ``2026-11-20T10:11:12.345Z``, as naive UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


#: Kept instead of the image: the import never downloads attachments.
PHOTO_NOTE = "[photo non transférée : {name}]"


def _notes(row: _Row) -> str | None:
    notes = row.text("notes")
    photo = row.text("photo")
    if photo:
        notes = "\n".join(filter(None, [notes, PHOTO_NOTE.format(name=photo[:80])]))
    return notes or None


def parse_row(table: ExportTable, number: int, cells: list[str], today: date) -> Submission:
    """The row's answers, checked; RowRejected names the first column at fault."""
    row = _Row(table, cells)
    instance_id = row.text("instance_id")
    if not instance_id:
        raise row.refuse("instance_id", _("the submission has no instance id."))
    if len(instance_id) > 80:
        raise row.refuse("instance_id", _("the instance id is too long."))
    deprecated_id = row.text("deprecated_id") or None
    if deprecated_id is not None and len(deprecated_id) > 80:
        raise row.refuse("deprecated_id", _("the instance id is too long."))
    if is_refused_review(row.text("review_state")):
        raise row.refuse("review_state", _("the submission was not approved on the server."))
    enterprise_id = _whole_number(row.text("enterprise"))
    if enterprise_id is None or enterprise_id <= 0 or enterprise_id > 2**31:
        raise row.refuse("enterprise", _("unknown enterprise."))
    values: dict[str, Any] = {
        "visited_on": _visited_on(row, today),
        "owner_present": _yes_no(row, "owner_present", required=True),
        "business_status": _choice(row, "business_status", BusinessStatus, required=True),
        "stock_level": _choice(row, "stock_level", StockLevel, required=False),
    }
    for key in MONEY_FIELDS:
        values[key] = _money(row, key)
    for key in COUNT_FIELDS:
        values[key] = _count(row, key, 500) or 0
    values["kit_retained_pct"] = _count(row, "kit_retained_pct", 100)
    values["kit_sold"] = bool(_yes_no(row, "kit_sold", required=False))
    for code in ITEM_CODES:
        values[code] = _count(row, code, SCALE_MAX)
    values["latitude"], values["longitude"], values["gps_accuracy_m"] = _gps(row)
    values["support_needed"] = row.text("support_needed") or None
    values["notes"] = _notes(row)
    submitted_by = row.text("submitted_by") or row.text("submitter_name") or None
    return Submission(
        row=number,
        instance_id=instance_id,
        deprecated_id=deprecated_id,
        enterprise_id=enterprise_id,
        values=values,
        problems=_problems(row),
        submitted_at=_submitted_at(row.text("submitted_at")),
        submitted_by=submitted_by[:120] if submitted_by else None,
    )
