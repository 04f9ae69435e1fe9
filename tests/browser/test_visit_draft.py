"""A field monitor fills the visit form on a phone, loses the page, and finds the draft.

(Lives in tests/browser to share its one Playwright instance; owned by the visits area.)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.vocabulary import Role
from portfolio.models import db
from portfolio.models.monitoring import Visit
from portfolio.services.budgets import create_budget_line
from portfolio.services.demo import seed_programmes
from portfolio.services.kits import seed_kit_catalogue
from tests.browser.support import fits_width, log_in, t
from tests.monitoring_visits.conftest import Monitored

pytestmark = pytest.mark.browser


@pytest.fixture
def world(users) -> Monitored:
    """Programmes with kit budget lines and the kit catalogue (as tests/monitoring_visits)."""
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
    return Monitored(programmes, lines, users[Role.FINANCE].id)


def test_a_draft_survives_a_reload_and_is_cleared_once_recorded(world, phone_page, screenshot):
    enterprise = world.supported(delivered_on=date.today() - timedelta(days=35))
    page = phone_page
    log_in(page, Role.MONITOR)
    page.goto("/visits/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My visits"))
    assert fits_width(page)
    screenshot(page, "my-visits")
    page.get_by_role("link", name=t("Record visit")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(enterprise.name)
    page.get_by_label(t("Sales in a usual month (FCFA)")).fill("150 000")
    page.get_by_label(t("Costs in a usual month (FCFA)")).fill("60 000")
    page.get_by_label(t("Notes")).fill("Nouvelle machine achetée")
    page.locator('input[name="income_sufficiency"][value="3"]').check()
    assert fits_width(page)
    screenshot(page, "form")

    token = page.locator('input[name="instance_id"]').input_value()
    page.reload()  # the connection dropped; the monitor opens the form again
    # The same one-time token: if the first send did arrive, this one records nothing.
    expect(page.locator('input[name="instance_id"]')).to_have_value(token)
    expect(page.locator(".draft-note")).to_be_visible()
    expect(page.get_by_label(t("Sales in a usual month (FCFA)"))).to_have_value("150 000")
    expect(page.locator('input[name="income_sufficiency"][value="3"]')).to_be_checked()

    page.get_by_role("button", name=t("Record the visit")).click()
    expect(page.get_by_text(t("Visit recorded."))).to_be_visible()
    db.session.rollback()  # read what the server committed
    visit = db.session.scalar(sa.select(Visit))
    assert visit.net_income_xof == 90_000 and visit.income_sufficiency == 3
    assert visit.notes == "Nouvelle machine achetée"
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 1

    page.goto(f"/visits/new?enterprise={enterprise.id}")
    expect(page.get_by_label(t("Sales in a usual month (FCFA)"))).to_have_value("")
    expect(page.locator(".draft-note")).to_be_hidden()
