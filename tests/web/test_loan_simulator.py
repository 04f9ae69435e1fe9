"""The loan simulator, as a finance officer uses it."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import sqlalchemy as sa
from openpyxl import load_workbook

from portfolio.domain.vocabulary import Role
from portfolio.models import LoanProduct, db
from portfolio.services.demo import seed_lenders

FLAT_24 = {
    "a-amount_xof": "500 000",
    "a-rate_percent": "24",
    "a-rate_basis": "year",
    "a-method": "flat",
    "a-frequency": "monthly",
    "a-instalments": "12",
    "a-upfront_fee_percent": "2",
    "a-savings_upfront_percent": "10",
    "a-rounding_multiple": "1",
    "a-disbursed_on": "2026-11-02",
    "a-lender_type": "sfd",
    "a-grace_interest": "none",
}
DECLINING_24 = {key.replace("a-", "b-"): value for key, value in FLAT_24.items()} | {
    "b-method": "declining_equal_instalments",
    "b-upfront_fee_percent": "",
    "b-savings_upfront_percent": "",
}


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def _get(client, params: dict):
    return client.get("/prets/simulateur?" + urlencode(params))


def test_a_flat_loan_with_fee_and_savings_shows_its_true_cost_above_the_usury_ceiling(client, auth):
    auth.login(Role.FINANCE)
    page = _get(client, FLAT_24)
    assert page.status_code == 200
    text = _text(page.text)
    # DOMAIN.md §4: 500,000 at "24 % flat", 2 % fee, 10 % savings -> APR about 55 %.
    assert "54,8\u00a0%" in text
    assert "440\u202f000\u00a0FCFA" in text  # net amount received
    assert "130\u202f000\u00a0FCFA" in text  # total cost of credit
    assert "verdict-bad" in page.text  # above the SFD ceiling of 24 %


def test_flat_and_declining_at_the_same_quoted_rate_are_compared_side_by_side(client, auth):
    auth.login(Role.MANAGER)
    page = _get(client, FLAT_24 | DECLINING_24 | {"biz-net_monthly_income_xof": "90000"})
    text = _text(page.text)
    assert "Scénario A" in text or "Scenario A" in text
    assert text.count("Scénario B") + text.count("Scenario B") >= 2
    # Declining at 24 % with no fee discloses 24,0 % and is lawful at the 24 % ceiling.
    assert "24,0\u00a0%" in text
    assert "verdict-ok" in page.text
    # Both scenarios are charted with the local Plotly bundle, never a CDN.
    assert 'id="chart-balance"' in page.text and "/vendor/plotly.min.js" in page.text
    assert "cdn" not in page.text.lower()


def test_affordability_says_when_the_business_cannot_carry_the_loan(client, auth):
    auth.login(Role.FINANCE)
    page = _get(client, FLAT_24 | {"biz-net_monthly_income_xof": "40000"})
    assert "verdict-bad" in page.text
    assert "not_carried" not in page.text  # the verdict is worded, not a code


def test_bad_terms_are_shown_next_to_their_field_and_nothing_is_computed(client, auth):
    auth.login(Role.FINANCE)
    page = _get(
        client,
        FLAT_24 | {"a-amount_xof": "beaucoup", "a-instalments": "0", "a-rate_percent": "vingt"},
    )
    assert page.status_code == 200
    assert page.text.count('class="error"') >= 3
    assert 'id="results"' not in page.text


def test_a_grace_period_as_long_as_the_loan_is_refused_with_a_message(client, auth):
    auth.login(Role.FINANCE)
    page = _get(client, FLAT_24 | {"a-grace_principal_periods": "12"})
    assert page.status_code == 200
    assert 'id="a-grace_principal_periods-error"' in page.text


def test_a_lender_product_fills_in_the_scenario_terms(client, auth):
    auth.login(Role.FINANCE)
    seed_lenders()
    product = db.session.scalar(sa.select(LoanProduct).where(LoanProduct.method == "flat"))
    response = _get(client, {"a-amount_xof": "300000", "a-product_id": product.id, "a-apply": "1"})
    assert response.status_code == 302
    filled = client.get(response.headers["Location"])
    assert 'id="results"' in filled.text
    assert 'name="a-method"' in filled.text
    assert re.search(r'<option selected value="flat">|<option value="flat" selected', filled.text)


def test_the_schedule_downloads_as_a_french_workbook_whose_principal_sums_to_the_amount(
    client, auth
):
    auth.login(Role.FINANCE)
    response = client.get("/prets/simulateur/a/echeancier.xlsx?" + urlencode(FLAT_24))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] in ("N°", "No."))
    instalments = [row for row in rows[header + 1 :] if isinstance(row[0], int)]
    assert len(instalments) == 12
    assert sum(row[2] for row in instalments) == 500_000


def test_the_printable_schedule_is_a_standalone_page(client, auth):
    auth.login(Role.FINANCE)
    response = client.get("/prets/simulateur/a/imprimer?" + urlencode(FLAT_24))
    assert response.status_code == 200
    assert "data-print" in response.text
    assert "<nav" not in response.text


def test_downloading_a_scenario_that_was_not_filled_is_a_clear_error(client, auth):
    auth.login(Role.FINANCE)
    assert (
        client.get("/prets/simulateur/c/echeancier.xlsx?" + urlencode(FLAT_24)).status_code == 400
    )
    assert client.get("/prets/simulateur/z/imprimer").status_code == 404


def test_field_monitors_do_not_open_the_simulator(client, auth):
    auth.login(Role.MONITOR)
    assert client.get("/prets/simulateur").status_code == 403
