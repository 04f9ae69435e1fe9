"""The beneficiary list as CSV or XLSX, with its filters (personal data: recorded)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import ReturnKind
from portfolio.reporting.beneficiaries import beneficiary_rows
from portfolio.services.audit import record_event
from portfolio.web.access import requires
from portfolio.web.beneficiaries import bp
from portfolio.web.beneficiaries.routes import FILTER_VALUES
from portfolio.web.labels import label
from portfolio.web.listing import list_filter, table_response


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export(fmt: str):
    filters = list_filter(**FILTER_VALUES)
    # Bulk exports of personal data are recorded: who took what, with which filters.
    record_event(
        "export", "beneficiary", {"filters": request.query_string.decode()[:500], "format": fmt}
    )
    header = [
        _("ID"),
        _("First name"),
        _("Last name"),
        _("Sex"),
        _("Birth year"),
        _("Phone"),
        _("Programme"),
        _("Region"),
        _("Commune"),
        _("Village"),
        _("Kind of return"),
        _("Returned from (country)"),
        _("Date of return"),
        _("Woman head of household"),
        _("External case number"),
        _("Consent to data use given on"),
    ]
    rows = (
        [
            r.id,
            r.first_name,
            r.last_name,
            r.sex,
            r.birth_year,
            r.phone,
            r.programme_code,
            r.region,
            r.commune,
            r.village,
            label(ReturnKind(r.return_kind)),
            r.returned_from,
            r.returned_on,
            r.woman_head_of_household,
            r.external_case_number,
            r.consent_on,
        ]
        for r in beneficiary_rows(filters)
    )
    return table_response("beneficiaires", header, rows, fmt)
