"""Switching language, what each role is shown, and logging out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portfolio.domain.vocabulary import Role
from portfolio.services.demo import seed_portfolio
from tests.browser.support import log_in, main_menu, t

pytestmark = pytest.mark.browser


def test_the_language_switch_turns_the_interface_into_english_and_back(users, page, screenshot):
    seed_portfolio(10)
    log_in(page, Role.MANAGER)
    main_menu(page).get_by_role("link", name=t("Enterprises")).click()
    expect(page).to_have_url(re.compile(r"/entreprises/$"))
    html = page.locator("html")
    sectors = page.locator("select[name=sector_id] option")
    expect(html).to_have_attribute("lang", "fr")
    expect(sectors).to_contain_text(["Couture"])
    screenshot(page, "french")

    page.get_by_role("button", name="English").click()
    # Same page, now in English: the menu, the headings and the sector names.
    expect(page).to_have_url(re.compile(r"/entreprises/\??$"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Enterprises", "en"))
    menu = main_menu(page, "en")
    for item in ("Overview", "Beneficiaries", "Enterprises"):
        expect(menu.get_by_role("link", name=t(item, "en"))).to_be_visible()
    expect(sectors).to_contain_text(["Tailoring"])
    expect(sectors.filter(has_text="Couture")).to_have_count(0)
    expect(page.get_by_role("button", name="Français")).to_be_visible()
    screenshot(page, "english")

    # The choice is remembered from page to page.
    menu.get_by_role("link", name=t("Overview", "en")).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Overview", "en"))

    page.get_by_role("button", name="Français").click()
    expect(html).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Overview"))
    expect(page.get_by_role("button", name="English")).to_be_visible()
    main_menu(page).get_by_role("link", name=t("Enterprises")).click()
    expect(sectors).to_contain_text(["Couture"])
    screenshot(page, "french-again")


# The administration of programmes, places, sectors and accounts is not the
# finance officer's: no link to it anywhere they look, and the pages refuse them.
STAFF_ADMINISTRATION = (
    "/admin/programmes",
    "/admin/lieux",
    "/admin/secteurs",
    "/admin/utilisateurs",
)


def test_a_finance_officer_is_shown_no_administration_of_programmes_places_sectors_or_users(
    users, page, screenshot
):
    log_in(page, Role.FINANCE)
    menu = main_menu(page)
    for item in ("Overview", "Beneficiaries", "Enterprises"):
        expect(menu.get_by_role("link", name=t(item))).to_be_visible()
    for path in STAFF_ADMINISTRATION:
        expect(page.locator(f"a[href^='{path}']")).to_have_count(0)
    for item in ("Programmes", "Places", "Sectors", "Users"):
        expect(page.get_by_role("link", name=t(item), exact=True)).to_have_count(0)
    screenshot(page, "menu")

    for path in STAFF_ADMINISTRATION:
        response = page.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Error %(code)d", code=403))
        expect(page.get_by_text(t("You do not have permission to open this page."))).to_be_visible()
    screenshot(page, "refused")


def test_an_administrator_opens_the_administration_then_logs_out_and_is_locked_out(
    users, page, screenshot
):
    log_in(page, Role.ADMIN)
    main_menu(page).get_by_role("link", name=t("Administration")).click()
    expect(page).to_have_url(re.compile(r"/admin/programmes$"))
    submenu = page.get_by_role("navigation", name=t("Administration"))
    for item in ("Programmes", "Places", "Sectors", "Users"):
        expect(submenu.get_by_role("link", name=t(item))).to_be_visible()
    screenshot(page, "administration")

    page.get_by_role("button", name=t("Log out")).click()
    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_role("status")).to_have_text(t("You are logged out."))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Log in"))
    expect(page.get_by_role("navigation", name=t("Main menu"))).to_have_count(0)
    expect(page.get_by_role("button", name=t("Log out"))).to_have_count(0)
    screenshot(page, "logged-out")

    # The session is really gone: pages send the visitor back to the login.
    page.goto("/admin/utilisateurs")
    expect(page).to_have_url(re.compile(r"/connexion\?next=%2Fadmin%2Futilisateurs$"))
    expect(page.get_by_role("status")).to_have_text(t("Please log in to open this page."))
