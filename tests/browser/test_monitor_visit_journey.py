"""A field monitor on a phone records a visit that finds the business closed: a flag is raised.

The Kayes monitor opens "My visits" on a 360-pixel screen, starts the visit
planned for a tailoring workshop that received a kit, records that the
business has closed and what became of the kit, and sends it. The visit is
saved, the enterprise is flagged, and the flag, in words, is on the list of
struggling enterprises the monitor (and the manager) read.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from playwright.sync_api import expect

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.monitoring.vocabulary import BusinessStatus, FlagRuleCode, KitItemCondition
from portfolio.domain.vocabulary import Role
from portfolio.models import Flag, db
from portfolio.models.monitoring import Visit
from portfolio.services.budgets import create_budget_line
from portfolio.services.demo import seed_programmes
from portfolio.services.kits import seed_kit_catalogue
from portfolio.web.monitoring.reasons import reason
from tests.browser.support import fits_width, label_of, log_in, t
from tests.ledger_kits.conftest import World

pytestmark = pytest.mark.browser

KIT = [
    {"name": "Machine à coudre à pédale", "quantity": 1, "unit_cost_xof": 85_000},
    {"name": "Ciseaux de tailleur", "quantity": 2, "unit_cost_xof": 3_500},
]


@pytest.fixture
def workshop(users):
    """A Kayes tailoring workshop whose kit was handed over 40 days ago: a visit is due."""
    programmes = seed_programmes()
    lines = {
        code: create_budget_line(
            {
                "programme_id": programme.id,
                "instrument": Instrument.KIT,
                "label": "Kits d'installation",
                "amount_xof": 50_000_000,
            }
        ).id
        for code, programme in programmes.items()
    }
    seed_kit_catalogue()
    world = World(programmes, lines, users[Role.FINANCE].id)
    enterprise = world.enterprise(name="Atelier Diarra", region="Kayes")
    world.hand_over(enterprise, items=KIT, delivered_on=date.today() - timedelta(days=40))
    return enterprise


def test_a_monitor_on_a_phone_records_a_closed_business_and_the_enterprise_is_flagged(
    app, users, workshop, phone_page, screenshot
):
    page = phone_page
    log_in(page, Role.MONITOR)

    page.goto("/visits/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My visits"))
    row = page.locator("tr, li, article").filter(has_text="Atelier Diarra").first
    expect(row).to_be_visible()
    assert fits_width(page)
    screenshot(page, "my-visits")
    row.get_by_role("link", name=t("Record visit")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Visit to %(name)s", name="Atelier Diarra")
    )
    page.get_by_label(t("State of the business"), exact=True).select_option(
        BusinessStatus.CLOSED.value
    )
    for item in KIT:
        page.get_by_label(item["name"], exact=False).select_option(KitItemCondition.SOLD.value)
    page.get_by_label(t("Notes"), exact=True).fill("Atelier fermé, la machine a été vendue.")
    assert fits_width(page)
    screenshot(page, "form")
    page.get_by_role("button", name=t("Record the visit")).click()

    expect(page.get_by_role("status")).to_contain_text(t("Visit recorded."))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atelier Diarra")
    expect(page.get_by_text(label_of(BusinessStatus.CLOSED)).first).to_be_visible()
    screenshot(page, "recorded")

    # The visit raised a flag: the business is no longer operating.
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 1
    flag = db.session.scalar(
        sa.select(Flag).where(
            Flag.enterprise_id == workshop.id,
            Flag.rule == FlagRuleCode.BUSINESS_STATUS,
            Flag.cleared_at.is_(None),
        )
    )
    assert flag is not None
    with force_locale("fr"):
        in_words = reason(flag.rule, flag.level, flag.evidence)

    page.goto("/monitoring/")
    flagged = page.locator("tr").filter(has_text="Atelier Diarra")
    expect(flagged).to_contain_text(str(in_words))
    assert fits_width(page)
    screenshot(page, "flagged")
