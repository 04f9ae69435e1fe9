"""Reading list filters from a query string and streaming CSV exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from flask import Response, current_app, request, stream_with_context

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
