"""A programme manager at a desk: logs in, reads the figures, finds enterprises."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portfolio.domain.vocabulary import EnterpriseStatus
from portfolio.models import Beneficiary, Enterprise, Sector, db
from portfolio.services.demo import seed_portfolio
from tests.browser.support import label_of, main_menu, t
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def test_a_manager_logs_in_reads_the_figures_and_finds_an_enterprise_by_status_and_sector(
    app, users, page, screenshot
):
    seed_portfolio(80)
    per_page = app.config["PAGE_SIZE"]
    beneficiaries = _count(sa.select(Beneficiary.id))
    enterprises = _count(sa.select(Enterprise.id))
    operating = _count(sa.select(Enterprise.id).where(Enterprise.status == EnterpriseStatus.ACTIVE))
    # The sector with the most operating businesses, so the filtered list is not empty.
    sector_id, sector_fr, expected = db.session.execute(
        sa.select(Sector.id, Sector.name_fr, sa.func.count(Enterprise.id).label("n"))
        .join(Enterprise, Enterprise.sector_id == Sector.id)
        .where(Enterprise.status == EnterpriseStatus.ACTIVE)
        .group_by(Sector.id, Sector.name_fr)
        .order_by(sa.desc("n"), Sector.id)
        .limit(1)
    ).one()

    # The login page is in French, although the browser asks for English.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion\?next=%2F$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Log in"))
    expect(page.get_by_role("status")).to_have_text(t("Please log in to open this page."))
    screenshot(page, "login")
    page.get_by_label(t("Email address"), exact=True).fill("manager@test.ml")
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()

    # The overview: the portfolio's figures, in French number formatting.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Overview"))
    expect(page.get_by_text(t("Programme manager"), exact=False)).to_be_visible()

    def figure(caption: str):
        return (
            page.locator(".figure")
            .filter(has=page.get_by_text(caption, exact=True))
            .locator("strong")
        )

    expect(figure(t("beneficiaries"))).to_have_text(f"{beneficiaries:,}".replace(",", "\u202f"))
    expect(figure(t("enterprises"))).to_have_text(str(enterprises))
    expect(figure(t("operating"))).to_have_text(str(operating))
    screenshot(page, "overview")

    # The enterprise list, from the main menu.
    main_menu(page).get_by_role("link", name=t("Enterprises")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"({enterprises})")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(min(enterprises, per_page))
    pages = -(-enterprises // per_page)
    assert pages > 1, "the demo data must fill more than one page"
    pagination = page.get_by_role("navigation", name=t("Pages"))
    expect(pagination).to_contain_text(t("Page %(page)d of %(pages)d", page=1, pages=pages))
    screenshot(page, "enterprises")

    # The next page, and back to the first.
    pagination.get_by_role("link", name=t("Next")).click()
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(pagination).to_contain_text(t("Page %(page)d of %(pages)d", page=2, pages=pages))
    expect(rows).to_have_count(min(enterprises - per_page, per_page))
    pagination.get_by_role("link", name=t("Previous")).click()
    expect(pagination).to_contain_text(t("Page %(page)d of %(pages)d", page=1, pages=pages))

    # Filter: operating businesses of one sector; sector names are in French.
    expect(page.locator("select[name=region_id] option")).to_contain_text(["Gao", "Kayes"])
    page.get_by_role("combobox", name=t("Status"), exact=True).select_option(
        label=label_of(EnterpriseStatus.ACTIVE)
    )
    page.get_by_role("combobox", name=t("Sector"), exact=True).select_option(label=sector_fr)
    page.get_by_role("button", name=t("Filter")).click()
    expect(page).to_have_url(re.compile(rf"[?&]sector_id={sector_id}(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]status=active(&|$)"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"({expected})")
    expect(rows).to_have_count(min(expected, per_page))
    expect(page.get_by_role("combobox", name=t("Status"), exact=True)).to_have_value("active")
    status_cells = rows.locator(f"td[data-label='{t('Status')}']")
    sector_cells = rows.locator(f"td[data-label='{t('Sector')}']")
    expect(status_cells).to_have_text([label_of(EnterpriseStatus.ACTIVE)] * min(expected, per_page))
    expect(sector_cells).to_have_text([sector_fr] * min(expected, per_page))
    screenshot(page, "filtered")

    # Open the first one: its name, status and sector.
    first = rows.first.get_by_role("link").first
    name = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/entreprises/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("heading", level=1)).to_contain_text(label_of(EnterpriseStatus.ACTIVE))
    expect(page.locator("dl.facts")).to_contain_text(sector_fr)
    expect(page.get_by_role("heading", level=2, name=t("Members"))).to_be_visible()
    screenshot(page, "enterprise")
