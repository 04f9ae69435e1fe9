"""A programme manager reads the dashboard, narrows it to a region, drills down, gets the report.

The figures on the dashboard are links: the number of enterprises in Kayes
leads to the list of exactly those enterprises. Then the manager downloads
the donor report of a programme, as Excel, and the file opens.
"""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from portfolio.domain.vocabulary import Role
from portfolio.models import Commune, Enterprise, Programme, Region, db
from portfolio.services.demo import seed_portfolio
from tests.browser.support import log_in, t

pytestmark = pytest.mark.browser


def _enterprises_in(region: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Enterprise.id))
        .join(Commune, Enterprise.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .where(Region.name == region)
    )


def test_a_manager_filters_the_dashboard_drills_down_and_downloads_the_donor_report(
    app, users, page, screenshot
):
    seed_portfolio(80)
    everywhere = db.session.scalar(sa.select(sa.func.count(Enterprise.id)))
    in_kayes = _enterprises_in("Kayes")
    assert 0 < in_kayes < everywhere, "the demo data must have enterprises outside Kayes"
    programme = db.session.scalars(sa.select(Programme).order_by(Programme.id)).first()

    log_in(page, Role.MANAGER)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Portfolio dashboard"))

    def enterprises_figure():
        return page.locator("a.figure").filter(has=page.get_by_text(t("enterprises"), exact=True))

    expect(enterprises_figure().locator("strong")).to_have_text(str(everywhere))
    # The slower parts arrive after the page: every chart is drawn, the scores table shown.
    # (This portfolio has no money yet: those charts say so.)
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    expect(page.locator(".chart-loading")).to_have_count(0)
    for chart in ("chart-regions", "chart-sectors", "chart-risk", "chart-par"):
        expect(page.locator(f"#{chart} .main-svg").first).to_be_visible()
    survival = t("Enterprises still operating, by quarter of first support")
    expect(page.locator("#chart-survival")).to_have_text(
        t("%(chart)s: no data for these filters.", chart=survival)
    )
    expect(page.locator("#dashboard-scores")).to_contain_text(
        t("No visit with reintegration scores yet.")
    )
    screenshot(page, "dashboard")

    # Narrow to Kayes: the figures follow.
    filters = page.get_by_role("search", name=t("Filters"))
    # (The filter's label wraps its list, so the list is found by its name.)
    filters.locator("select[name=region]").select_option(label="Kayes")
    filters.get_by_role("button", name=t("Filter")).click()
    expect(page).to_have_url(re.compile(r"region=\d+"))
    expect(enterprises_figure().locator("strong")).to_have_text(str(in_kayes))
    screenshot(page, "dashboard-kayes")

    # Drill down: the figure opens the list of those very enterprises.
    enterprises_figure().click()
    expect(page).to_have_url(re.compile(r"/entreprises/\?.*region_id=\d+"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"({in_kayes})")
    screenshot(page, "drilled-down")

    # The donor report of a programme, as an Excel workbook.
    page.goto("/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Report to the donor"))
    page.get_by_label(t("Programme"), exact=True).select_option(str(programme.id))
    page.get_by_label(t("Format"), exact=True).select_option("xlsx")
    screenshot(page, "report-form")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=t("Download the report")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    content = download.path().read_bytes()
    assert content[:4] == b"PK\x03\x04"  # a zip: what an .xlsx file is
    workbook = load_workbook(io.BytesIO(content))
    assert len(workbook.sheetnames) >= 2
