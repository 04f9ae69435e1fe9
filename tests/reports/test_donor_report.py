"""The donor report: its figures, its PDF and XLSX, its layout folder."""

from __future__ import annotations

import io
import shutil
from datetime import date

import pytest
from flask import current_app
from flask_babel import force_locale
from openpyxl import load_workbook
from weasyprint import HTML

from portfolio.reporting.donor_report import donor_report_data, programme_by_code
from portfolio.reporting.summary import PortfolioFilters, portfolio_summary
from portfolio.reports_render import donor as rendering
from portfolio.reports_render.donor import ReportError, donor_report
from portfolio.reports_render.layout import DEFAULT_REPORTS_DIR
from portfolio.web.monitoring.reasons import reason
from tests.reports.conftest import PERIOD, PROGRAMME

pytestmark = pytest.mark.usefixtures("english_messages")


def summary_of(programme, as_of=None):
    as_of = as_of or min(PERIOD[1], date.today())
    filters = PortfolioFilters(
        programme_id=programme.id, period_from=PERIOD[0], period_to=PERIOD[1]
    )
    return portfolio_summary(filters, as_of)


def page_text(box) -> str:
    """The text WeasyPrint laid out in a page (its boxes' text, in order)."""
    own = getattr(box, "text", "") or ""
    return own + " ".join(page_text(child) for child in getattr(box, "children", []))


def test_the_reports_tables_add_up_to_the_dashboards_summary(demo):
    programme = programme_by_code(PROGRAMME)
    data = donor_report_data(programme, *PERIOD)
    summary = summary_of(programme)
    assert data.summary == summary
    for table in (data.by_sector, data.by_region, data.by_sex):
        assert table.total.enterprises == summary.enterprises
        assert table.total.jobs == summary.jobs
        for money in summary.money:
            assert table.total.disbursed_xof[money.instrument] == money.disbursed_xof
    # Beneficiaries by region and by sex are every registered person of the programme.
    assert data.by_region.total.beneficiaries == summary.beneficiaries
    assert data.by_sex.total.beneficiaries == summary.beneficiaries
    assert sum(m.total_xof for m in data.months) == summary.disbursed_xof
    assert data.loans.outstanding_xof == summary.outstanding_xof
    assert data.flagged_total == 2
    assert [f.level for f in data.flagged] == ["critical", "at_risk"]  # most serious first
    assert data.action_counts.open_at_end == 1
    assert data.action_counts.resolved == 1


def test_the_pdf_is_a_pdf_naming_the_programme_in_french(demo):
    programme = programme_by_code(PROGRAMME)
    report = donor_report(programme, *PERIOD, lang="fr", fmt="pdf")
    assert report.content.startswith(b"%PDF")
    assert report.filename.endswith(".pdf") and PROGRAMME in report.filename
    with force_locale("fr"):
        context = rendering.report_context(donor_report_data(programme, *PERIOD), "fr")
        context["charts"] = {}
        layout = str(DEFAULT_REPORTS_DIR / "donor") + "/"
        document = HTML(string=rendering.render_html(context), base_url=layout).render()
        closed = reason("business_status", "critical", {"status": "closed"})
    text = " ".join(page_text(page._page_box) for page in document.pages)
    assert programme.name in text
    assert "Chiffres clés" in text
    assert closed in text  # the critical enterprise's reason, in plain French words
    assert len(document.pages) >= 6


def test_the_xlsx_key_figures_equal_the_summary_in_english(demo):
    programme = programme_by_code(PROGRAMME)
    report = donor_report(programme, *PERIOD, lang="en", fmt="xlsx")
    book = load_workbook(io.BytesIO(report.content))
    assert book.sheetnames[:3] == ["Report", "Key figures", "Budget"]
    figures = {row[0]: row[1] for row in book["Key figures"].iter_rows(min_row=2, values_only=True)}
    summary = summary_of(programme)
    assert figures["Beneficiaries"] == summary.beneficiaries
    assert figures["Jobs in operating enterprises"] == summary.jobs
    assert figures["Disbursed in the period"] == summary.disbursed_xof
    assert figures["Principal outstanding"] == summary.outstanding_xof
    assert figures["PAR30"] == pytest.approx(float(summary.par30))
    sheet = book["Key figures"]
    francs = next(c for c in sheet["B"] if c.value == summary.disbursed_xof)
    assert francs.number_format == '#,##0" F"'
    by_region = list(book["By region"].iter_rows(values_only=True))
    assert by_region[0][0] == "Region"
    assert by_region[-1][0] == "Total" and by_region[-1][2] == summary.enterprises
    flagged = list(book["Flagged enterprises"].iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in flagged] == ["Critical", "At risk"]


def test_the_xlsx_speaks_french_when_asked(demo):
    report = donor_report(programme_by_code(PROGRAMME), *PERIOD, lang="fr", fmt="xlsx")
    book = load_workbook(io.BytesIO(report.content))
    assert "Chiffres clés" in book.sheetnames
    assert report.filename.startswith("rapport-")


@pytest.mark.parametrize(
    ("start", "end", "lang", "fmt", "field"),
    [
        (date(2026, 7, 1), date(2026, 6, 30), "fr", "pdf", "period_to"),
        (date(2026, 1, 1), date(2026, 6, 30), "fr", "doc", "format"),
        (date(2026, 1, 1), date(2026, 6, 30), "de", "pdf", "lang"),
    ],
)
def test_a_request_no_report_can_answer_is_refused_with_a_reason(
    demo, start, end, lang, fmt, field
):
    with pytest.raises(ReportError) as refused:
        donor_report(programme_by_code(PROGRAMME), start, end, lang, fmt)
    assert refused.value.field == field


def test_an_unknown_programme_is_refused(app):
    with pytest.raises(ReportError, match="Unknown programme"):
        donor_report(None, *PERIOD)


def test_the_layout_is_read_from_reports_dir_and_changes_without_python(demo, tmp_path):
    copy = tmp_path / "layouts"
    shutil.copytree(DEFAULT_REPORTS_DIR, copy)
    template = copy / "donor" / "report.html"
    template.write_text(
        template.read_text().replace('{{ _("Key figures") }}', "Our year in numbers")
    )
    workbook = copy / "donor" / "workbook.toml"
    workbook.write_text(workbook.read_text().replace('title = "Budget"', 'title = "Money"'))
    current_app.config["REPORTS_DIR"] = str(copy)
    try:
        programme = programme_by_code(PROGRAMME)
        context = rendering.report_context(donor_report_data(programme, *PERIOD), "en")
        context["charts"] = {}
        assert "Our year in numbers" in rendering.render_html(context)
        book = load_workbook(io.BytesIO(rendering.render_xlsx(context)))
        assert "Money" in book.sheetnames and "Budget" not in book.sheetnames
    finally:
        current_app.config.pop("REPORTS_DIR")


def test_a_mistake_in_an_edited_layout_is_reported_not_crashed(demo, tmp_path):
    copy = tmp_path / "layouts"
    shutil.copytree(DEFAULT_REPORTS_DIR, copy)
    workbook = copy / "donor" / "workbook.toml"
    workbook.write_text(workbook.read_text().replace('field = "jobs"', 'field = "workers"'))
    current_app.config["REPORTS_DIR"] = str(copy)
    try:
        with pytest.raises(ReportError, match="has no field 'workers'"):
            donor_report(programme_by_code(PROGRAMME), *PERIOD, lang="en", fmt="xlsx")
    finally:
        current_app.config.pop("REPORTS_DIR")
