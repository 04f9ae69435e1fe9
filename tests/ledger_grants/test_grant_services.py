"""Awarding, paying, cancelling and reversing grants, as the finance officer lives it."""

from __future__ import annotations

import pytest

from portfolio.domain.ledger_vocabulary import EntryKind, Instrument
from portfolio.models import Grant, GrantTranche, JournalEntry
from portfolio.reporting.grants import grant_row, grant_tranches
from portfolio.services.budgets import line_totals
from portfolio.services.grants import cancel_tranche, reverse_grant_payment
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_grants.conftest import TODAY, count, days_ago, line


def totals(budget_line):
    (row,) = line_totals(line_ids=[budget_line.id])
    return row


def test_a_grant_within_the_budget_is_committed_on_its_line(award, enterprise, grant_line):
    grant = award(enterprise)

    assert [t.planned_xof for t in grant.tranches] == [600_000, 400_000]
    assert totals(grant_line).committed_xof == 1_000_000
    assert totals(grant_line).remaining_xof == 4_000_000
    assert grant_row(grant.id).status == "to_pay"


def test_a_grant_beyond_what_the_line_has_left_is_refused_and_nothing_is_saved(award, enterprise):
    with pytest.raises(ServiceError) as refused:
        award(enterprise, tranches=((10, 3_000_000), (0, 2_500_000)))

    assert refused.value.field == "budget_line_id"
    assert "5 500 000" in refused.value.message.replace("\u202f", " ")
    assert "5 000 000" in refused.value.message.replace("\u202f", " ")
    assert count(Grant) == 0
    assert count(GrantTranche) == 0


def test_tranches_that_do_not_add_up_to_the_amount_are_refused(award, enterprise):
    with pytest.raises(ServiceError) as refused:
        award(enterprise, amount_xof=1_200_000)

    assert refused.value.field == "tranches"
    assert count(Grant) == 0


def test_a_grant_from_another_programmes_line_is_refused(award, enterprise, other_programme):
    foreign = line(other_programme, Instrument.GRANT, 9_000_000, "Subventions Nord")

    with pytest.raises(ServiceError) as refused:
        award(enterprise, line=foreign)

    assert refused.value.field == "budget_line_id"


def test_a_grant_cannot_be_awarded_in_the_future(award, enterprise):
    with pytest.raises(ServiceError) as refused:
        award(enterprise, awarded_on=TODAY.replace(year=TODAY.year + 1))

    assert refused.value.field == "awarded_on"


def test_paying_a_tranche_is_one_journal_entry_linked_to_the_grant(award, pay, enterprise):
    grant = award(enterprise)
    entry = pay(grant, 1, 600_000)

    assert entry.kind == EntryKind.GRANT_PAYMENT
    assert entry.enterprise_id == enterprise.id
    assert entry.budget_line_id == grant.budget_line_id
    assert entry.grant_tranche_id == grant.tranches[0].id
    row = grant_row(grant.id)
    assert (row.paid_xof, row.left_xof) == (600_000, 400_000)


def test_a_tranche_can_be_paid_in_parts_but_never_beyond_what_is_left(award, pay, enterprise):
    grant = award(enterprise)
    pay(grant, 1, 250_000)

    with pytest.raises(ServiceError) as refused:
        pay(grant, 1, 350_001)

    assert refused.value.field == "amount_xof"
    assert "350 000" in refused.value.message.replace("\u202f", " ")
    pay(grant, 1, 350_000)
    assert grant_tranches(grant.id)[0].left_xof == 0


def test_a_payment_dated_in_the_future_is_refused(award, pay, enterprise):
    grant = award(enterprise)

    with pytest.raises(ServiceError) as refused:
        pay(grant, 1, 100_000, paid_on=TODAY.replace(year=TODAY.year + 1))

    assert refused.value.field == "paid_on"
    assert count(JournalEntry) == 0


def test_the_same_submission_twice_records_one_payment(award, pay, enterprise):
    grant = award(enterprise)
    first = pay(grant, 1, 600_000, key="form-1")

    with pytest.raises(DuplicateSubmission) as duplicate:
        pay(grant, 1, 600_000, key="form-1")

    assert duplicate.value.entry.id == first.id
    assert count(JournalEntry) == 1


def test_cancelling_an_unpaid_tranche_frees_its_amount_on_the_budget(
    award, enterprise, grant_line, finance
):
    grant = award(enterprise)
    cancel_tranche(
        grant, 2, cancelled_on=TODAY, reason="Activité abandonnée", by_user_id=finance.id
    )

    tranche = grant_tranches(grant.id)[1]
    assert tranche.cancelled_on == TODAY
    assert tranche.cancel_reason == "Activité abandonnée"
    assert tranche.cancelled_by == finance.name
    assert totals(grant_line).committed_xof == 600_000
    assert grant_row(grant.id).cancelled_xof == 400_000


def test_cancelling_a_partly_paid_tranche_cancels_only_its_unpaid_rest(
    award, pay, enterprise, grant_line, finance
):
    grant = award(enterprise)
    pay(grant, 1, 200_000)
    cancel_tranche(
        grant, 1, cancelled_on=TODAY, reason="Le local est déjà équipé", by_user_id=finance.id
    )

    tranches = {t.number: t for t in grant_tranches(grant.id)}
    assert list(tranches) == [1, 2]  # no row is split off
    first = tranches[1]
    assert (first.planned_xof, first.paid_xof, first.left_xof) == (600_000, 200_000, 0)
    assert (first.cancelled_xof, first.cancelled_on) == (400_000, TODAY)
    assert totals(grant_line).committed_xof == 600_000  # 200 000 paid + tranche 2
    assert totals(grant_line).disbursed_xof == 200_000
    row = grant_row(grant.id)
    assert (row.amount_xof, row.paid_xof, row.cancelled_xof, row.left_xof) == (
        1_000_000,
        200_000,
        400_000,
        400_000,
    )


def test_a_cancelled_tranche_cannot_be_paid_and_a_paid_one_cannot_be_cancelled(
    award, pay, enterprise, finance
):
    grant = award(enterprise)
    pay(grant, 1, 600_000)
    cancel_tranche(grant, 2, cancelled_on=TODAY, reason="Abandon", by_user_id=finance.id)

    with pytest.raises(ServiceError):
        pay(grant, 2, 1_000)
    with pytest.raises(ServiceError, match="nothing is left"):
        cancel_tranche(grant, 1, cancelled_on=TODAY, reason="Erreur", by_user_id=finance.id)
    assert grant_row(grant.id).status == "paid"


def test_a_cancellation_needs_a_reason(award, enterprise, finance):
    grant = award(enterprise)

    with pytest.raises(ServiceError) as refused:
        cancel_tranche(grant, 2, cancelled_on=TODAY, reason="  ", by_user_id=finance.id)

    assert refused.value.field == "reason"
    assert grant_tranches(grant.id)[1].cancelled_on is None


def test_reversing_a_payment_makes_the_tranche_payable_again(
    award, pay, enterprise, grant_line, finance
):
    grant = award(enterprise)
    entry = pay(grant, 1, 600_000)
    reversal = reverse_grant_payment(entry.id, reason="Mauvais montant", by_user_id=finance.id)

    assert reversal.kind == EntryKind.REVERSAL and reversal.reverses_id == entry.id
    assert grant_tranches(grant.id)[0].left_xof == 600_000
    assert totals(grant_line).disbursed_xof == 0
    assert totals(grant_line).committed_xof == 1_000_000
    with pytest.raises(ServiceError, match="already been reversed"):
        reverse_grant_payment(entry.id, reason="Encore", by_user_id=finance.id)


def test_a_payment_cannot_precede_the_award(award, pay, enterprise):
    grant = award(enterprise, awarded_on=days_ago(5), tranches=((5, 600_000), (-30, 400_000)))

    with pytest.raises(ServiceError) as refused:
        pay(grant, 1, 100_000, paid_on=days_ago(6))

    assert refused.value.field == "paid_on"
