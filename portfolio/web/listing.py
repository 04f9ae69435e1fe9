"""Reading list filters from a query string and streaming CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

from flask import Response, abort, current_app, request, send_file, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portfolio.reporting.filters import ListFilter
from portfolio.web.access import region_scope


def _int_arg(name: str) -> int | None:
    # A hand-edited URL with ?region_id=abc shows the unfiltered list, not an error page.
    value = request.args.get(name, "")
    # isascii: "²".isdigit() is true but int("²") fails.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _choice_arg(name: str, allowed: Iterable[str]) -> str | None:
    value = request.args.get(name) or None
    return value if value in set(allowed) else None


def list_filter(**allowed: Iterable[str]) -> ListFilter:
    """Filters from the query string; `allowed` lists valid values per choice filter."""
    return ListFilter(
        # NUL cannot be stored or searched in PostgreSQL text: drop it.
        q=(request.args.get("q") or "").replace("\x00", "")[:100] or None,
        programme_id=_int_arg("programme_id"),
        region_id=_int_arg("region_id"),
        commune_id=_int_arg("commune_id"),
        sector_id=_int_arg("sector_id"),
        sex=_choice_arg("sex", allowed.get("sex", ())),
        status=_choice_arg("status", allowed.get("status", ())),
        return_kind=_choice_arg("return_kind", allowed.get("return_kind", ())),
        risk=_choice_arg("risk", allowed.get("risk", ())),
        scope_region_id=region_scope(),
    )


def page_args() -> tuple[int, int]:
    page = _int_arg("page") or 1
    per_page = _int_arg("per_page") or current_app.config["PAGE_SIZE"]
    return page, per_page


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    # Spreadsheet programs run cells that start with these as formulas.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(
    filename: str, header: list[str], rows: Iterable, to_cells: Callable[[object], list]
) -> Response:
    """Stream a `;`-separated UTF-8 CSV (with BOM, so Excel in French opens it right)."""

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        buffer.write("\ufeff")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in to_cells(row)])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


#: The download formats of every list.
EXPORT_FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters are not allowed in XLSX (openpyxl refuses them).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def table_response(
    filename_stem: str, headers: list[str], rows: Iterable[list], fmt: str
) -> Response:
    """A list as a download: `fmt` "csv" (`;`-separated, formulas neutralised, streamed)
    or "xlsx" (an openpyxl write-only workbook: rows go to a temporary file as they
    come, so a national list does not sit in memory). `rows` are lists of cell values."""
    if fmt == "csv":
        return csv_response(f"{filename_stem}.csv", headers, rows, lambda row: row)
    if fmt != "xlsx":
        abort(404)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=filename_stem[:31])
    bold = Font(bold=True)

    def header_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(str(text)))
        cell.font = bold
        return cell

    sheet.append([header_cell(h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    # Spooled: small files stay in memory, national ones go to disk.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    book.save(out)
    out.seek(0)
    return send_file(
        out, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=f"{filename_stem}.xlsx"
    )


def _xlsx_text(text: str) -> str:
    return _ILLEGAL_XLSX.sub("", text)


def _xlsx_cell(sheet, value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    cell = WriteOnlyCell(sheet, value=_xlsx_text(str(value)))
    # Text is text: "=HYPERLINK(...)" typed in a form must not become a live formula.
    cell.data_type = "s"
    return cell
