"""The grants API: same rules, messages and permissions as the pages, and the same totals."""

from __future__ import annotations

import re

from portfolio.domain.vocabulary import Role
from portfolio.models import Grant, JournalEntry
from tests.ledger_grants.conftest import TODAY, count, days_ago, text


def award_body(enterprise, line, **overrides) -> dict:
    body = {
        "enterprise_id": enterprise.id,
        "budget_line_id": line.id,
        "amount_xof": 1_000_000,
        "purpose": "Moutons à engraisser",
        "awarded_on": days_ago(20).isoformat(),
        "tranches": [
            {"planned_on": days_ago(10).isoformat(), "planned_xof": 700_000},
            {"planned_on": TODAY.isoformat(), "planned_xof": 300_000, "milestone": "Bergerie"},
        ],
    }
    body.update(overrides)
    return body


def test_a_grant_is_awarded_with_its_tranches_as_a_json_list(api, enterprise, grant_line):
    response = api.post("/api/v1/grants", award_body(enterprise, grant_line), role=Role.FINANCE)

    assert response.status_code == 201, response.json
    grant = response.json
    assert response.headers["Location"].endswith(f"/api/v1/grants/{grant['id']}")
    assert [t["planned_xof"] for t in grant["tranches"]] == [700_000, 300_000]
    assert grant["tranches"][1]["milestone"] == "Bergerie"
    assert (grant["amount_xof"], grant["left_xof"], grant["status"]) == (
        1_000_000,
        1_000_000,
        "to_pay",
    )


def test_bad_tranches_are_named_field_by_field(api, enterprise, grant_line):
    body = award_body(
        enterprise,
        grant_line,
        tranches=[{"planned_on": "2024-02-30", "planned_xof": 700_000}, {"colour": "red"}, 5],
    )

    response = api.post("/api/v1/grants", body, role=Role.FINANCE)

    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"tranches.1.colour", "tranches.2"}
    response = api.post(
        "/api/v1/grants",
        award_body(
            enterprise, grant_line, tranches=[{"planned_on": "2024-02-30", "planned_xof": 1}]
        ),
        role=Role.FINANCE,
    )
    assert set(response.json["error"]["fields"]) == {"tranches.0.planned_on"}
    missing = api.post("/api/v1/grants", award_body(enterprise, grant_line, tranches=None))
    assert set(missing.json["error"]["fields"]) == {"tranches"}
    assert count(Grant) == 0


def test_tranches_that_do_not_add_up_are_a_422_on_tranches(api, enterprise, grant_line):
    response = api.post("/api/v1/grants", award_body(enterprise, grant_line, amount_xof=1_100_000))

    assert response.status_code == 422
    assert "1 000 000" in text_of(response.json["error"]["fields"]["tranches"][0])


def test_a_grant_beyond_the_budget_is_a_422_on_the_budget_line(api, enterprise, grant_line):
    body = award_body(
        enterprise,
        grant_line,
        amount_xof=5_000_001,
        tranches=[{"planned_on": TODAY.isoformat(), "planned_xof": 5_000_001}],
    )

    response = api.post("/api/v1/grants", body)

    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["budget_line_id"]
    assert count(Grant) == 0


def test_a_payment_retried_with_the_same_key_is_recorded_once(api, award, enterprise):
    grant = award(enterprise)
    url = f"/api/v1/grants/{grant.id}/tranches/1/payments"
    body = {
        "paid_on": days_ago(1).isoformat(),
        "amount_xof": 600_000,
        "channel": "bank_transfer",
        "reference": "VIR-2026-118",
        "idempotency_key": "3f1c2a9e-retry",
    }

    first = api.post(url, body, role=Role.FINANCE)
    retry = api.post(url, body, role=Role.FINANCE)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json == retry.json
    assert first.json["kind"] == "grant_payment" and first.json["tranche_number"] == 1
    assert count(JournalEntry) == 1


def test_a_payment_in_the_future_or_beyond_the_tranche_is_a_422(api, award, enterprise):
    grant = award(enterprise)
    url = f"/api/v1/grants/{grant.id}/tranches/1/payments"
    base = {"paid_on": days_ago(1).isoformat(), "amount_xof": 600_000, "channel": "cash"}

    future = api.post(url, {**base, "paid_on": TODAY.replace(year=TODAY.year + 1).isoformat()})
    too_much = api.post(url, {**base, "amount_xof": 600_001})
    no_tranche = api.post(f"/api/v1/grants/{grant.id}/tranches/9/payments", base)

    assert list(future.json["error"]["fields"]) == ["paid_on"]
    assert list(too_much.json["error"]["fields"]) == ["amount_xof"]
    assert no_tranche.status_code == 404
    assert count(JournalEntry) == 0


def test_cancellation_and_reversal_through_the_api(api, award, pay, enterprise):
    grant = award(enterprise)
    entry = pay(grant, 1, 600_000)

    cancelled = api.post(
        f"/api/v1/grants/{grant.id}/tranches/2/cancellation",
        {"cancelled_on": TODAY.isoformat(), "reason": "Projet réduit"},
    )
    reversal = api.post(f"/api/v1/grants/payments/{entry.id}/reversal", {"reason": "Erreur"})
    twice = api.post(f"/api/v1/grants/payments/{entry.id}/reversal", {"reason": "Erreur"})

    assert cancelled.status_code == 200
    assert cancelled.json["tranches"][1]["cancel_reason"] == "Projet réduit"
    assert reversal.status_code == 201 and reversal.json["reverses_id"] == entry.id
    assert twice.status_code == 422
    history = api.get(f"/api/v1/grants/{grant.id}").json["entries"]
    assert [(e["kind"], e["reversed_by_id"]) for e in history] == [
        ("grant_payment", reversal.json["id"]),
        ("reversal", None),
    ]


def test_a_monitors_token_reads_only_their_region_and_cannot_record(
    api, award, make_enterprise, grant_line
):
    kayes = award(make_enterprise("Embouche Kayes", "Kayes"))
    gao = award(make_enterprise("Pêcherie Gao", "Gao"), tranches=((3, 50_000),))

    listing = api.get("/api/v1/grants", role=Role.MONITOR).json
    other = api.get(f"/api/v1/grants/{gao.id}", role=Role.MONITOR)
    award_attempt = api.post(
        "/api/v1/grants", award_body(kayes.enterprise, grant_line), role=Role.MONITOR
    )
    pay_attempt = api.post(
        f"/api/v1/grants/{kayes.id}/tranches/1/payments",
        {"paid_on": TODAY.isoformat(), "amount_xof": 1, "channel": "cash"},
        role=Role.MONITOR,
    )

    assert [g["enterprise_name"] for g in listing["items"]] == ["Embouche Kayes"]
    assert other.status_code == 404
    assert award_attempt.status_code == pay_attempt.status_code == 403
    assert count(Grant) == 2 and count(JournalEntry) == 0


def test_committed_and_disbursed_agree_on_the_budget_page_the_grant_page_and_the_api(
    api, login, award, pay, make_enterprise, grant_line, finance, programme
):
    first = award(make_enterprise("Boutique A"))
    second = award(make_enterprise("Boutique B"), tranches=((20, 250_000), (-5, 250_000)))
    pay(first, 1, 600_000)
    reversed_entry = pay(second, 1, 250_000)
    api.post(f"/api/v1/grants/payments/{reversed_entry.id}/reversal", {"reason": "Erreur"})
    pay(second, 1, 100_000)
    api.post(
        f"/api/v1/grants/{first.id}/tranches/2/cancellation",
        {"cancelled_on": TODAY.isoformat(), "reason": "Abandon"},
    )

    (line,) = api.get(f"/api/v1/budget-lines?programme_id={programme.id}").json["items"]
    grants = [api.get(f"/api/v1/grants/{g.id}").json for g in (first, second)]
    committed = sum(g["amount_xof"] - g["cancelled_xof"] for g in grants)
    disbursed = sum(g["paid_xof"] for g in grants)
    assert (line["committed_xof"], line["disbursed_xof"]) == (committed, disbursed)
    assert (committed, disbursed) == (1_100_000, 700_000)

    client = login(Role.FINANCE)
    budget = text(client.get(f"/budgets/programmes/{programme.id}"))
    assert "1 100 000 FCFA" in budget and "700 000 FCFA" in budget
    grant_page = text(client.get(f"/subventions/{second.id}"))
    paid = re.search(r"<dt>Paid</dt><dd>([^<]+)</dd>", grant_page).group(1)
    assert paid == "100 000 FCFA"


def text_of(message: str) -> str:
    return message.replace("\u202f", " ").replace("\u00a0", " ")


def test_an_award_retried_by_the_client_is_recorded_once(api, enterprise, grant_line):
    body = {**award_body(enterprise, grant_line), "idempotency_key": "award-7"}

    first = api.post("/api/v1/grants", body, role=Role.FINANCE)
    retry = api.post("/api/v1/grants", body, role=Role.FINANCE)
    header = api.post(
        "/api/v1/grants",
        award_body(enterprise, grant_line),
        role=Role.FINANCE,
        headers={"Idempotency-Key": "award-7"},
    )

    assert (first.status_code, retry.status_code, header.status_code) == (201, 200, 200)
    assert retry.json["id"] == first.json["id"] == header.json["id"]
    assert count(Grant) == 1
    # Without a key, the same award is a second grant (two real awards can look alike).
    assert (
        api.post(
            "/api/v1/grants", award_body(enterprise, grant_line), role=Role.FINANCE
        ).status_code
        == 201
    )
    assert count(Grant) == 2
