"""Hostile input on the payment and award forms never breaks a page or records money twice.

The page must answer 200 with the form and its errors (recording nothing),
or redirect after recording at most one payment; a redirect that records
nothing is only right for a key already used (the duplicate submission).
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.domain.vocabulary import Role
from portfolio.models import Grant, JournalEntry
from portfolio.services.journal import existing_submission
from tests.ledger_grants.conftest import TODAY, count, days_ago
from tests.web.test_bad_input import MISSING, SETTINGS, nasty_values

PAYMENT_FIELDS = ["paid_on", "amount_xof", "channel", "reference", "idempotency_key"]
AWARD_FIELDS = [
    "enterprise_id",
    "budget_line_id",
    "amount_xof",
    "purpose",
    "awarded_on",
    "tranches-0-planned_on",
    "tranches-0-planned_xof",
    "tranches-1-planned_xof",
    "tranches-3-milestone",
]


def spoiled(fields: list[str]):
    return st.dictionaries(st.sampled_from(fields), nasty_values, max_size=3)


def merged(valid: dict, spoils: dict) -> dict:
    return {k: v for k, v in {**valid, **spoils}.items() if v != MISSING}


@pytest.fixture
def finance_client(login):
    return login(Role.FINANCE)


@pytest.fixture
def grant(award, enterprise):
    """One grant for every example of a test (fixtures are not reset between examples)."""
    return award(enterprise)


def key_used(key: str | None) -> bool:
    # A key with NUL cannot have been stored (PostgreSQL text refuses it, and the
    # form refuses it before any query); asking the database would only fail.
    if not key or "\x00" in key:
        return False
    return existing_submission(key) is not None


@SETTINGS
@given(spoils=spoiled(PAYMENT_FIELDS), number=st.sampled_from([1, 2, 3, 2**40]))
def test_the_payment_form_survives_hostile_input(finance_client, grant, spoils, number):
    form = merged(
        {
            "paid_on": days_ago(1).isoformat(),
            "amount_xof": "1 000",
            "channel": "cash",
            "idempotency_key": uuid.uuid4().hex,
        },
        spoils,
    )
    key = form.get("idempotency_key")
    already = key_used(key)
    before = count(JournalEntry)

    url = f"/subventions/{grant.id}/tranches/{number}/paiement"
    response = finance_client.post(url, data=form)

    assert response.status_code in (200, 302, 404), response.status_code
    recorded = count(JournalEntry) - before
    if response.status_code == 302:
        assert recorded == (0 if already else 1)
        assert finance_client.get(response.headers["Location"]).status_code == 200
    else:
        assert recorded == 0


@SETTINGS
@given(spoils=spoiled(AWARD_FIELDS))
def test_the_award_form_survives_hostile_input(finance_client, enterprise, grant_line, spoils):
    form = merged(
        {
            "enterprise_id": str(enterprise.id),
            "budget_line_id": str(grant_line.id),
            "amount_xof": "10 000",
            "purpose": "Stock de la boutique",
            "awarded_on": days_ago(3).isoformat(),
            "tranches-0-planned_on": TODAY.isoformat(),
            "tranches-0-planned_xof": "6 000",
            "tranches-1-planned_on": TODAY.isoformat(),
            "tranches-1-planned_xof": "4 000",
        },
        spoils,
    )
    before = count(Grant)

    response = finance_client.post("/subventions/nouvelle", data=form)

    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:  # recorded, or the same award already recorded
        assert count(Grant) - before in (0, 1)
        assert finance_client.get(response.headers["Location"]).status_code == 200
    else:
        assert count(Grant) == before
