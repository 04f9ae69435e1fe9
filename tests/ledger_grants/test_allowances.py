"""Training allowances: paying a trainee for a month, against the training budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from portfolio.domain.ledger_vocabulary import AllowanceKind, EntryKind, PaymentChannel
from portfolio.domain.vocabulary import Role, Sex
from portfolio.models import JournalEntry, db
from portfolio.services.allowances import pay_allowance, reverse_allowance
from portfolio.services.budgets import line_totals
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_grants.conftest import TODAY, count, days_ago, text


def allowance(person, line, by, kind=AllowanceKind.STIPEND, amount=45_000, key=None, **extra):
    return pay_allowance(
        {
            "beneficiary_id": person.id,
            "allowance_kind": kind,
            "budget_line_id": line.id,
            "paid_on": extra.pop("paid_on", days_ago(3)),
            "amount_xof": amount,
            "channel": PaymentChannel.MOBILE_MONEY,
            "reference": "OM-1",
            "period_on": extra.pop("period_on", None),
        },
        by_user_id=by.id,
        idempotency_key=key,
        **extra,
    )


def test_a_stipend_is_paid_to_the_trainee_and_counted_on_the_training_line(
    make_person, training_line, finance
):
    trainee = make_person(first_name="Awa", sex=Sex.FEMALE)

    entry = allowance(trainee, training_line, finance)
    allowance(trainee, training_line, finance, kind=AllowanceKind.DAYCARE, amount=15_000)

    assert entry.kind == EntryKind.ALLOWANCE_PAYMENT
    assert (entry.beneficiary_id, entry.enterprise_id) == (trainee.id, None)
    (totals,) = line_totals(line_ids=[training_line.id])
    assert (totals.committed_xof, totals.disbursed_xof) == (60_000, 60_000)


def test_a_trainee_who_runs_an_enterprise_has_the_allowance_counted_with_it(
    enterprise, training_line, finance
):
    owner = enterprise.members[0].beneficiary

    entry = allowance(owner, training_line, finance)

    assert entry.enterprise_id == enterprise.id


def test_an_allowance_beyond_the_training_budget_is_refused(make_person, training_line, finance):
    with pytest.raises(ServiceError) as refused:
        allowance(make_person(), training_line, finance, amount=1_000_001)

    assert refused.value.field == "budget_line_id"
    assert count(JournalEntry) == 0


def test_an_allowance_cannot_be_paid_from_a_grant_line(make_person, grant_line, finance):
    with pytest.raises(ServiceError) as refused:
        allowance(make_person(), grant_line, finance)

    assert refused.value.field == "budget_line_id"


def test_an_allowance_dated_in_the_future_is_refused(make_person, training_line, finance):
    with pytest.raises(ServiceError) as refused:
        allowance(make_person(), training_line, finance, paid_on=TODAY.replace(year=TODAY.year + 1))

    assert refused.value.field == "paid_on"


def test_the_same_allowance_submitted_twice_is_recorded_once(make_person, training_line, finance):
    person = make_person()
    allowance(person, training_line, finance, key="allowance-form-1")

    with pytest.raises(DuplicateSubmission):
        allowance(person, training_line, finance, key="allowance-form-1")

    assert count(JournalEntry) == 1


def test_a_reversed_allowance_no_longer_counts_on_the_budget(make_person, training_line, finance):
    entry = allowance(make_person(), training_line, finance)

    reverse_allowance(entry.id, reason="Formation non suivie", by_user_id=finance.id)

    (totals,) = line_totals(line_ids=[training_line.id])
    assert (totals.committed_xof, totals.disbursed_xof) == (0, 0)


def test_the_allowance_pages_pay_list_and_reverse(login, make_person, training_line):
    person = make_person(first_name="Kadiatou", sex=Sex.FEMALE)
    client = login(Role.FINANCE)
    form = client.get(f"/subventions/allocations-formation/nouvelle?beneficiary_id={person.id}")
    assert "Kadiatou" in text(form)

    response = client.post(
        "/subventions/allocations-formation/nouvelle",
        data={
            "beneficiary_id": person.id,
            "allowance_kind": "daycare",
            "budget_line_id": training_line.id,
            "paid_on": days_ago(2).isoformat(),
            "amount_xof": "15 000",
            "channel": "cash",
            "idempotency_key": "abc123",
        },
    )
    again = client.post(
        "/subventions/allocations-formation/nouvelle",
        data={"beneficiary_id": person.id, "idempotency_key": "abc123"},
    )

    assert response.status_code == 302
    assert again.status_code == 200  # invalid form: shown again, never recorded
    listing = text(client.get("/subventions/allocations-formation?kind=daycare"))
    assert "Kadiatou Diarra" in listing and "15 000 FCFA" in listing
    assert "Kadiatou" not in text(client.get("/subventions/allocations-formation?kind=stipend"))
    entry_id = db.session.scalar(sa.select(JournalEntry.id))
    reverse = client.post(
        f"/subventions/allocations-formation/{entry_id}/contre-passation",
        data={"reason": "Payée deux fois"},
    )
    assert reverse.status_code == 302
    assert "Reversed" in text(client.get("/subventions/allocations-formation"))


def test_a_monitor_sees_only_the_allowances_of_their_region_and_cannot_pay(
    login, make_person, training_line, finance
):
    allowance(make_person("Kayes", first_name="Bintou"), training_line, finance)
    allowance(make_person("Gao", first_name="Hawa"), training_line, finance)
    client = login(Role.MONITOR)

    listing = text(client.get("/subventions/allocations-formation"))

    assert "Bintou" in listing and "Hawa" not in listing
    assert client.get("/subventions/allocations-formation/nouvelle").status_code == 403


def test_one_allowance_of_a_kind_per_beneficiary_and_month(make_person, training_line, finance):
    person = make_person()
    month = TODAY.replace(day=1)
    first = allowance(person, training_line, finance, paid_on=TODAY, period_on=TODAY)
    assert first.period_on == month  # stored as the first day of the month

    with pytest.raises(ServiceError) as refused:
        allowance(person, training_line, finance, paid_on=TODAY, period_on=month)
    assert refused.value.field == "period_on" and "already paid" in refused.value.message
    # Another kind, or another month, is fine.
    allowance(person, training_line, finance, kind=AllowanceKind.DAYCARE, period_on=month)
    previous = (month - timedelta(days=1)).replace(day=1)
    allowance(person, training_line, finance, paid_on=TODAY, period_on=previous)
    # Once the first payment is reversed, the month can be paid again.
    reverse_allowance(first.id, reason="Mauvais montant", by_user_id=finance.id)
    again = allowance(person, training_line, finance, paid_on=TODAY, amount=40_000)
    assert again.period_on == month  # by default, the month of the payment
    with pytest.raises(ServiceError) as ahead:
        allowance(person, training_line, finance, paid_on=TODAY, period_on=TODAY + timedelta(200))
    assert ahead.value.field == "period_on"


def test_the_allowance_form_takes_the_month_covered_and_the_list_shows_it(
    login, make_person, training_line
):
    person = make_person(first_name="Fanta")
    client = login(Role.FINANCE)
    month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    data = {
        "beneficiary_id": person.id,
        "allowance_kind": "stipend",
        "budget_line_id": training_line.id,
        "paid_on": TODAY.isoformat(),
        "period_on": month.strftime("%Y-%m"),
        "amount_xof": "45 000",
        "channel": "cash",
    }
    assert 'name="period_on"' in text(client.get("/subventions/allocations-formation/nouvelle"))
    assert client.post("/subventions/allocations-formation/nouvelle", data=data).status_code == 302
    assert db.session.scalar(sa.select(JournalEntry.period_on)) == month
    twice = client.post("/subventions/allocations-formation/nouvelle", data=data)
    assert twice.status_code == 200 and "already paid" in text(twice)
    assert count(JournalEntry) == 1
    listing = text(client.get("/subventions/allocations-formation"))
    assert format_date(month, "MMMM y", locale="en") in listing
