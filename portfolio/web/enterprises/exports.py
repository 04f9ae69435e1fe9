"""The enterprise list as CSV or XLSX, with its filters (personal data: recorded)."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import EnterpriseKind, EnterpriseStatus
from portfolio.reporting.enterprises import enterprise_rows
from portfolio.services.audit import record_event
from portfolio.web.access import requires
from portfolio.web.enterprises import bp
from portfolio.web.enterprises.routes import FILTER_VALUES
from portfolio.web.labels import label
from portfolio.web.listing import list_filter, table_response


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export(fmt: str):
    filters = list_filter(**FILTER_VALUES)
    # Bulk exports of personal data are recorded: who took what, with which filters.
    record_event(
        "export", "enterprise", {"filters": request.query_string.decode()[:500], "format": fmt}
    )
    locale = str(get_locale())
    header = [
        _("ID"),
        _("Name of the business"),
        _("Programme"),
        _("Sector"),
        _("Region"),
        _("Commune"),
        _("Village"),
        _("Status"),
        _("Individual or collective"),
        _("Start date"),
        _("Members"),
        _("Paid employees"),
        _("Family workers"),
        _("Jobs"),
        _("Owner or president"),
        _("Sex"),
        _("Phone"),
    ]
    rows = (
        [
            r.id,
            r.name,
            r.programme_code,
            r.sector(locale),
            r.region,
            r.commune,
            r.village,
            label(EnterpriseStatus(r.status)),
            label(EnterpriseKind(r.kind)),
            r.started_on,
            r.members,
            r.paid_employees,
            r.family_workers,
            r.jobs,
            r.lead_name,
            r.lead_sex,
            r.lead_phone,
        ]
        for r in enterprise_rows(filters)
    )
    return table_response("entreprises", header, rows, fmt)
