"""A field monitor in Kayes, on a small phone: their region only, and registering a returnee."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portfolio.domain.vocabulary import Role
from portfolio.models import Beneficiary, Commune, Region, db
from portfolio.services.demo import seed_portfolio
from tests.browser.support import fits_width, log_in, main_menu, t

pytestmark = pytest.mark.browser

# WTForms' own French catalogue: this message is French whatever the app's catalogue holds.
REQUIRED_FR = "Ce champ est requis."


def _beneficiaries_in(region: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Beneficiary.id))
        .join(Commune, Beneficiary.commune_id == Commune.id)
        .join(Region, Commune.region_id == Region.id)
        .where(Region.name == region)
    )


def test_a_field_monitor_on_a_phone_sees_only_kayes_and_registers_a_beneficiary(
    app, users, phone_page, screenshot
):
    page = phone_page
    seed_portfolio(80)
    in_kayes = _beneficiaries_in("Kayes")
    everyone = db.session.scalar(sa.select(sa.func.count(Beneficiary.id)))
    assert 0 < in_kayes < everyone, "the demo data must have people outside Kayes too"

    log_in(page, Role.MONITOR)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{t('Overview')} – Kayes")
    assert fits_width(page), "the overview is wider than the phone"
    screenshot(page, "overview")

    # The list holds Kayes only: the count, every row's place, the commune filter.
    main_menu(page).get_by_role("link", name=t("Beneficiaries")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"({in_kayes})")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(min(in_kayes, app.config["PAGE_SIZE"]))
    places = rows.locator(f"td[data-label='{t('Place')}']").all_inner_texts()
    assert places and all(place.endswith("(Kayes)") for place in places), places
    expect(page.locator("select[name=region_id]")).to_have_count(0)
    communes = page.locator("select[name=commune_id] option:not([value=''])").all_inner_texts()
    assert communes and all(c.endswith("(Kayes)") for c in communes), communes
    assert fits_width(page), "the beneficiary list is wider than the phone"
    screenshot(page, "beneficiaries")

    # Register someone, forgetting the last name first.
    page.get_by_role("link", name=t("Register a beneficiary")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Register a beneficiary"))
    options = page.get_by_label(t("Commune"), exact=True).locator("option").all_inner_texts()
    assert options and all(o.endswith("(Kayes)") for o in options), options
    page.get_by_label(t("First name"), exact=True).fill("Mariam")
    page.get_by_label(t("Sex"), exact=True).select_option(label=t("Woman"))
    page.get_by_label(t("Phone"), exact=True).fill("+223 76 12 34 56")
    page.get_by_label(t("Commune"), exact=True).select_option(label="Kita (Kayes)")
    page.get_by_label(t("Kind of return"), exact=True).select_option(
        label=t("Expelled / forced return")
    )
    page.get_by_role("button", name=t("Save")).click()

    expect(page.get_by_role("alert")).to_have_text(t("Please correct the fields marked below."))
    last_name = page.get_by_label(t("Last name"), exact=True)
    expect(last_name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#last_name-error")).to_have_text(REQUIRED_FR)
    expect(page.get_by_label(t("First name"), exact=True)).to_have_value("Mariam")
    assert fits_width(page), "the form with its errors is wider than the phone"
    screenshot(page, "form-error")

    last_name.fill("Kouyaté")
    page.get_by_role("button", name=t("Save")).click()
    expect(page).to_have_url(re.compile(r"/beneficiaires/\d+$"))
    expect(page.get_by_role("status")).to_have_text(
        t("Beneficiary %(name)s registered.", name="Mariam Kouyaté")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mariam Kouyaté")
    expect(page.locator("dl.facts")).to_contain_text("Kita")
    screenshot(page, "registered")

    # The list now counts one more person.
    main_menu(page).get_by_role("link", name=t("Beneficiaries")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"({in_kayes + 1})")
    db.session.rollback()  # end the test's own transaction to see what the server committed
    registered = db.session.scalars(
        sa.select(Beneficiary).where(Beneficiary.last_name == "Kouyaté")
    ).one()
    assert (registered.first_name, registered.commune.name) == ("Mariam", "Kita")
    assert registered.commune.region.name == "Kayes"
