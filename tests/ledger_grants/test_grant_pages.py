"""The grant pages: award, pay, cancel, reverse, and who sees and does what."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import render_template_string
from flask_babel import force_locale

from portfolio.domain.ledger_vocabulary import EntryKind
from portfolio.domain.vocabulary import Role
from portfolio.models import Grant, JournalEntry, db
from portfolio.reporting.grants import grant_row, grant_tranches, grants_of_enterprise
from tests.ledger_grants.conftest import TODAY, count, days_ago, text

KEY = re.compile(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"')


def award_form(enterprise, line, **overrides) -> dict:
    data = {
        "enterprise_id": enterprise.id,
        "budget_line_id": line.id,
        "amount_xof": "1 000 000",
        "purpose": "Machine à coudre",
        "awarded_on": days_ago(20).isoformat(),
        "tranches-0-planned_on": days_ago(10).isoformat(),
        "tranches-0-planned_xof": "600 000",
        "tranches-0-milestone": "Local loué",
        "tranches-1-planned_on": TODAY.replace(year=TODAY.year + 1).isoformat(),
        "tranches-1-planned_xof": "400 000",
    }
    data.update(overrides)
    return data


def payment_form(key: str, **overrides) -> dict:
    data = {
        "paid_on": days_ago(1).isoformat(),
        "amount_xof": "600 000",
        "channel": "mobile_money",
        "reference": "OM-778899",
        "idempotency_key": key,
    }
    data.update(overrides)
    return data


def test_a_finance_officer_awards_a_grant_in_two_tranches(login, enterprise, grant_line):
    client = login(Role.FINANCE)
    assert enterprise.name in text(
        client.get(f"/subventions/nouvelle?enterprise_id={enterprise.id}")
    )

    response = client.post("/subventions/nouvelle", data=award_form(enterprise, grant_line))

    grant = db.session.scalar(sa.select(Grant))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/subventions/{grant.id}")
    page = text(client.get(f"/subventions/{grant.id}"))
    assert "Grant awarded." in page
    assert "600 000 FCFA" in page and "400 000 FCFA" in page and "Local loué" in page


def test_an_award_form_sent_twice_awards_one_grant(login, enterprise, grant_line):
    client = login(Role.FINANCE)
    key = KEY.search(client.get("/subventions/nouvelle").get_data(as_text=True)).group(1)
    data = award_form(enterprise, grant_line, idempotency_key=key)

    first = client.post("/subventions/nouvelle", data=data)
    again = client.post("/subventions/nouvelle", data=data)

    assert first.headers["Location"] == again.headers["Location"]
    assert "it was not recorded twice" in text(client.get(again.headers["Location"]))
    assert count(Grant) == 1


def test_tranches_that_do_not_add_up_are_shown_on_the_award_form(login, enterprise, grant_line):
    client = login(Role.FINANCE)
    data = award_form(enterprise, grant_line, **{"tranches-1-planned_xof": "300 000"})

    page = text(client.post("/subventions/nouvelle", data=data))

    assert "The tranches add up to 900 000 FCFA" in page
    assert count(Grant) == 0


def test_a_grant_beyond_the_budget_line_is_refused_with_what_is_left(login, enterprise, grant_line):
    client = login(Role.FINANCE)
    data = award_form(
        enterprise,
        grant_line,
        amount_xof="6 000 000",
        **{"tranches-0-planned_xof": "5 600 000"},
    )

    page = text(client.post("/subventions/nouvelle", data=data))

    assert "exceeds what is left on the budget line (5 000 000 FCFA)" in page
    assert count(Grant) == 0


def test_each_payment_form_carries_its_own_idempotency_key(login, award, enterprise):
    client = login(Role.FINANCE)
    grant = award(enterprise)

    first = KEY.search(text(client.get(f"/subventions/{grant.id}/tranches/1/paiement")))
    second = KEY.search(text(client.get(f"/subventions/{grant.id}/tranches/1/paiement")))

    assert first and second and first.group(1) != second.group(1)


def test_a_payment_submitted_twice_is_recorded_once(login, award, enterprise):
    client = login(Role.FINANCE)
    grant = award(enterprise)
    url = f"/subventions/{grant.id}/tranches/1/paiement"
    key = KEY.search(text(client.get(url))).group(1)

    first = client.post(url, data=payment_form(key))
    again = client.post(url, data=payment_form(key))

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "it was not recorded twice" in text(client.get(again.headers["Location"]))
    assert count(JournalEntry) == 1
    assert grant_row(grant.id).paid_xof == 600_000


def test_a_payment_dated_tomorrow_is_refused_on_the_form(login, award, enterprise):
    client = login(Role.FINANCE)
    grant = award(enterprise)
    tomorrow = TODAY.replace(year=TODAY.year + 1).isoformat()

    page = text(
        client.post(
            f"/subventions/{grant.id}/tranches/1/paiement",
            data=payment_form("k1", paid_on=tomorrow),
        )
    )

    assert "The date cannot be in the future." in page
    assert count(JournalEntry) == 0


def test_paying_more_than_is_left_on_the_tranche_is_refused(login, award, enterprise):
    client = login(Role.FINANCE)
    grant = award(enterprise)

    page = text(
        client.post(
            f"/subventions/{grant.id}/tranches/1/paiement",
            data=payment_form("k2", amount_xof="700 000"),
        )
    )

    assert "more than what is left to pay on the tranche (600 000 FCFA)" in page
    assert count(JournalEntry) == 0


def test_cancelling_a_tranche_keeps_it_on_the_grant_with_the_reason(login, award, enterprise):
    client = login(Role.FINANCE)
    grant = award(enterprise)

    response = client.post(
        f"/subventions/{grant.id}/tranches/2/annulation",
        data={"cancelled_on": TODAY.isoformat(), "reason": "Activité abandonnée"},
    )

    assert response.status_code == 302
    page = text(client.get(f"/subventions/{grant.id}"))
    assert "Activité abandonnée" in page and "Cancelled on" in page
    assert grant_tranches(grant.id)[1].cancelled_on == TODAY


def test_a_reversed_payment_stays_in_the_history_marked_as_reversed(login, award, pay, enterprise):
    client = login(Role.FINANCE)
    grant = award(enterprise)
    entry = pay(grant, 1, 600_000)

    no_reason = client.post(f"/subventions/paiements/{entry.id}/contre-passation", data={})
    response = client.post(
        f"/subventions/paiements/{entry.id}/contre-passation", data={"reason": "Doublon"}
    )

    again = client.post(
        f"/subventions/paiements/{entry.id}/contre-passation", data={"reason": "Doublon"}
    )

    assert no_reason.status_code == 200
    assert response.status_code == again.status_code == 302
    assert "already been reversed" in text(client.get(again.headers["Location"]))
    page = text(client.get(f"/subventions/{grant.id}"))
    assert "Reversed" in page and "Doublon" in page
    kinds = db.session.scalars(sa.select(JournalEntry.kind).order_by(JournalEntry.id)).all()
    assert kinds == [EntryKind.GRANT_PAYMENT, EntryKind.REVERSAL]
    assert grant_row(grant.id).left_xof == 1_000_000


def test_a_monitor_sees_only_the_grants_of_their_region(login, award, make_enterprise):
    kayes = award(make_enterprise("Savonnerie de Kayes", "Kayes"))
    gao = award(make_enterprise("Pêcherie de Gao", "Gao"), tranches=((5, 100_000),))
    client = login(Role.MONITOR)

    listing = text(client.get("/subventions/"))

    assert "Savonnerie de Kayes" in listing and "Pêcherie de Gao" not in listing
    assert client.get(f"/subventions/{kayes.id}").status_code == 200
    assert client.get(f"/subventions/{gao.id}").status_code == 404


def test_a_monitor_cannot_award_pay_cancel_or_reverse(login, award, pay, enterprise, grant_line):
    grant = award(enterprise)
    entry = pay(grant)
    client = login(Role.MONITOR)

    assert client.get("/subventions/nouvelle").status_code == 403
    assert (
        client.post("/subventions/nouvelle", data=award_form(enterprise, grant_line)).status_code
        == 403
    )
    url = f"/subventions/{grant.id}/tranches/2/paiement"
    assert client.post(url, data=payment_form("k3", amount_xof="1 000")).status_code == 403
    assert client.post(f"/subventions/{grant.id}/tranches/2/annulation").status_code == 403
    assert client.post(f"/subventions/paiements/{entry.id}/contre-passation").status_code == 403
    assert count(JournalEntry) == 1 and count(Grant) == 1
    assert "/paiement" not in text(client.get(f"/subventions/{grant.id}"))


def test_the_list_filters_grants_by_status(login, award, pay, make_enterprise):
    paid = award(make_enterprise("Boutique Traoré"), tranches=((5, 100_000),))
    pay(paid, 1, 100_000)
    award(make_enterprise("Poterie Keïta"), tranches=((5, 100_000),))
    client = login(Role.MANAGER)

    to_pay = text(client.get("/subventions/?status=to_pay"))
    done = text(client.get("/subventions/?status=paid"))

    assert "Poterie Keïta" in to_pay and "Boutique Traoré" not in to_pay
    assert "Boutique Traoré" in done and "Poterie Keïta" not in done


def test_the_enterprise_page_section_lists_its_grants_with_what_is_left(
    app, award, pay, enterprise
):
    grant = award(enterprise)
    pay(grant, 1, 600_000)

    with app.test_request_context(), force_locale("fr"):
        section = render_template_string(
            '{% include "grants/_enterprise_grants.html" %}',
            enterprise_id=enterprise.id,
            enterprise_grants=grants_of_enterprise(enterprise.id),
        )

    page = section.replace("\u202f", " ").replace("\u00a0", " ")
    assert f'href="/subventions/{grant.id}"' in page
    assert "1 000 000 FCFA" in page and "400 000 FCFA" in page
