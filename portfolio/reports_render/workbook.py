"""An XLSX workbook laid out by a report's workbook.toml: one sheet per table.

Each ``[[sheet]]`` names a ``source`` (a list of rows the report provides) and
its ``columns`` (heading, field, format). Headings and titles are English
msgids translated in the report's language. Numbers stay numbers; francs
carry the format ``#,##0" F"`` (Excel shows the thousands separator of the
reader's locale: a space in French).
"""

from __future__ import annotations

import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from portfolio.reports_render.layout import workbook_layout

NUMBER_FORMATS = {
    "xof": '#,##0" F"',
    "int": "#,##0",
    "percent": "0.0%",
    "date": "DD/MM/YYYY",
    "text": "General",
}
MAX_SHEET_TITLE = 31  # Excel's limit


class LayoutError(ValueError):
    """workbook.toml names something the report does not provide."""


def check_layout(layout: dict, sources: dict[str, list[dict]]) -> None:
    """Refuse a layout naming a source or a field that does not exist, before any
    sheet is written."""
    for number, spec in enumerate(layout.get("sheet", []), start=1):
        source = spec.get("source")
        if source not in sources:
            raise LayoutError(f"workbook.toml, sheet {number}: unknown source {source!r}")
        fields = set(sources[source][0]) if sources[source] else None
        for column in spec.get("columns") or []:
            if "field" not in column or "heading" not in column:
                raise LayoutError(
                    f"workbook.toml, sheet {number}: a column needs heading and field"
                )
            if fields is not None and column["field"] not in fields:
                raise LayoutError(
                    f"workbook.toml, sheet {number}: source {source!r} has no field "
                    f"{column['field']!r}"
                )


def build_workbook(report: str, sources: dict[str, list[dict]]) -> bytes:
    layout = workbook_layout(report)
    check_layout(layout, sources)
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in layout.get("sheet", []):
        source = spec["source"]
        columns = spec.get("columns") or []
        title = spec.get("title", source)
        sheet = book.create_sheet(_(title)[:MAX_SHEET_TITLE])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.get("width", 14)
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            heading = column["heading"]
            cell = WriteOnlyCell(sheet, _(heading))
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        for row in sources[source]:
            cells = []
            for column in columns:
                value = row.get(column["field"])
                cell = WriteOnlyCell(sheet, value)
                fmt = column.get("format", "text")
                if fmt == "auto":  # the row says (key figures mix francs, counts, ratios)
                    fmt = row.get("format", "text")
                if isinstance(value, int | float | date) and fmt in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[fmt]
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
