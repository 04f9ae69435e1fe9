"""Kit handovers as CSV or XLSX, with the list's filters (names: recorded download)."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.reporting.dashboard_exports import delivery_rows
from portfolio.services.audit import record_event
from portfolio.web.access import region_scope, requires
from portfolio.web.kits import bp
from portfolio.web.kits.forms import DeliveryFilterForm, kit_filter
from portfolio.web.listing import table_response


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export(fmt: str):
    form = DeliveryFilterForm(formdata=request.args, meta={"csrf": False})
    form.validate()  # as on the page: a mistyped filter means "all"
    filters = kit_filter(form, region_scope())
    record_event(
        "export", "kit_delivery", {"filters": request.query_string.decode()[:500], "format": fmt}
    )
    fr = str(get_locale()).startswith("fr")
    header = [
        _("ID"),
        _("Certificate number"),
        _("Handed over on"),
        _("Handed over by"),
        _("Enterprise"),
        _("Programme"),
        _("Region"),
        _("Commune"),
        _("Sector"),
        _("Kit"),
        _("Value (FCFA)"),
        _("Reversed"),
    ]
    rows = (
        [
            r.id,
            r.certificate_number,
            r.delivered_on,
            r.delivered_by,
            r.enterprise_name,
            r.programme_code,
            r.region,
            r.commune,
            r.sector_fr if fr else r.sector_en,
            r.template_name,
            r.value_xof,
            bool(r.reversed),
        ]
        for r in delivery_rows(filters)
    )
    return table_response("kits", header, rows, fmt)
