"""Donor reports (the form and the download) and the portfolio stress test."""

from __future__ import annotations

import io
from datetime import date

from flask import render_template, request, send_file
from flask_babel import get_locale

from portfolio.domain.permissions import Permission
from portfolio.reporting.donor_report import programme_info
from portfolio.reporting.stress_test import stress_test
from portfolio.reports_render.donor import ReportError, donor_report
from portfolio.services.audit import record_event
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires
from portfolio.web.fields import programme_choices
from portfolio.web.forms import show_service_error
from portfolio.web.reports import bp
from portfolio.web.reports.forms import DonorReportForm, StressForm


@bp.get("/stress")
@requires(Permission.REPORT_TO_DONORS)
def stress():
    # Without a query string, the form's defaults: a plausible bad year.
    form = StressForm(formdata=request.args or None)
    result = None  # when invalid, the messages show next to the fields
    if form.validate():
        result = stress_test(
            form.scenario(), date.today(), form.programme_id.data, scope_region_id=region_scope()
        )
    return render_template(
        "reports/stress.html", form=form, result=result, programmes=programme_choices()
    )


@bp.get("/")
@requires(Permission.REPORT_TO_DONORS)
def index():
    """The form; once filled in (GET, nothing changes), the report is downloaded."""
    form = DonorReportForm(formdata=request.args or None, lang=str(get_locale())[:2])
    if request.args and form.validate():
        programme = programme_info(form.programme_id.data)
        try:
            report = donor_report(
                programme,
                form.period_from.data,
                form.period_to.data,
                form.lang.data,
                form.format.data,
            )
        except ReportError as error:
            show_service_error(form, ServiceError(error.message, error.field))
        else:
            record_event(
                "donor_report",
                "programme",
                {
                    "period_from": form.period_from.data,
                    "period_to": form.period_to.data,
                    "lang": form.lang.data,
                    "format": form.format.data,
                },
                record_id=programme.id,
            )
            return send_file(
                io.BytesIO(report.content),
                mimetype=report.mimetype,
                as_attachment=True,
                download_name=report.filename,
            )
    return render_template("reports/index.html", form=form)
