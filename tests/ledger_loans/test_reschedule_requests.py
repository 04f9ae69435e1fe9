"""Rescheduling as request → decision: an officer asks, another person decides."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import Loan, LoanReschedule, db
from portfolio.models.loan import RescheduleStatus
from portfolio.services.loan_records import instalments_of
from portfolio.services.loan_reschedules import (
    approve_reschedule,
    pending_requests,
    reject_reschedule,
    request_reschedule,
)
from portfolio.services.loans import NewTerms, position_of
from portfolio.services.unit_of_work import ServiceError
from tests.ledger_loans.conftest import TODAY
from tests.ledger_loans.test_loan_api import api, matches  # noqa: F401

NEW = NewTerms(annual_rate=Decimal("0.18"), instalments=18)
FORM = {
    "rate_percent": "18",
    "rate_basis": "year",
    "method": "declining_equal_instalments",
    "frequency": "monthly",
    "instalments": "18",
    "grace_principal_periods": "0",
    "grace_interest": "none",
    "rounding_multiple": "5",
}


def test_a_request_changes_nothing_until_a_manager_approves_it(loans, users):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    officer, manager = users[Role.FINANCE].id, users[Role.MANAGER].id
    old = instalments_of(loan)
    before = position_of(loan).outstanding_principal_xof

    asked = request_reschedule(loan, terms=NEW, reason="Récolte perdue", by_id=officer)
    assert asked.status == RescheduleStatus.PENDING and asked.requested_by_id == officer
    db.session.refresh(loan)
    assert loan.schedule_version == 1 and not loan.restructured
    assert [r.id for r in pending_requests()] == [asked.id]

    approved = approve_reschedule(asked.id, by_id=manager, note="Vu avec la cliente")
    db.session.refresh(loan)
    assert approved.status == RescheduleStatus.APPROVED and approved.decided_by_id == manager
    assert approved.decided_at is not None and approved.schedule_version == 2
    assert loan.restructured and loan.schedule_version == 2
    assert instalments_of(loan, 1) == old  # the old schedule is kept
    assert position_of(loan).outstanding_principal_xof == before
    assert len(instalments_of(loan)) == 18  # nothing paid: no row carried over
    assert pending_requests() == []
    with pytest.raises(ServiceError, match="already decided"):
        reject_reschedule(asked.id, by_id=manager, note="Trop tard")


def test_nobody_approves_their_own_request(loans, users):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    manager = users[Role.MANAGER].id
    asked = request_reschedule(loan, terms=NEW, reason="Maladie", by_id=manager)
    with pytest.raises(ServiceError, match="another manager"):
        approve_reschedule(asked.id, by_id=manager)
    with pytest.raises(ServiceError, match="another manager"):
        reject_reschedule(asked.id, by_id=manager, note="Non")
    db.session.refresh(loan)
    assert loan.schedule_version == 1
    # The database refuses it too.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(LoanReschedule)
            .where(LoanReschedule.id == asked.id)
            .values(status="approved", decided_by_id=manager, decided_at=sa.func.now())
        )
        db.session.flush()
    db.session.rollback()


def test_a_rejection_says_why_and_keeps_the_loan_as_it_was(loans, users):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    officer, manager = users[Role.FINANCE].id, users[Role.MANAGER].id
    asked = request_reschedule(loan, terms=NEW, reason="Récolte perdue", by_id=officer)
    with pytest.raises(ServiceError, match="Say why"):
        reject_reschedule(asked.id, by_id=manager, note="  ")
    rejected = reject_reschedule(asked.id, by_id=manager, note="Pas de justificatif")
    assert rejected.status == RescheduleStatus.REJECTED
    assert rejected.decision_note == "Pas de justificatif" and rejected.schedule_version is None
    db.session.refresh(loan)
    assert loan.schedule_version == 1 and not loan.restructured
    # Once decided, another request may be made.
    again = request_reschedule(loan, terms=NEW, reason="Justificatif apporté", by_id=officer)
    assert again.status == RescheduleStatus.PENDING


def test_requests_are_refused_when_they_cannot_apply(loans, users):
    officer = users[Role.FINANCE].id
    with pytest.raises(ServiceError, match="not been disbursed"):
        request_reschedule(loans.approved(), terms=NEW, reason="x", by_id=officer)
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    with pytest.raises(ServiceError, match="Say why"):
        request_reschedule(loan, terms=NEW, reason=" ", by_id=officer)
    with pytest.raises(ServiceError) as refused:
        request_reschedule(
            loan,
            terms=NewTerms(annual_rate=Decimal("0.18"), instalments=6, grace_principal_periods=6),
            reason="x",
            by_id=officer,
        )
    assert refused.value.field == "grace_principal_periods"
    request_reschedule(loan, terms=NEW, reason="Récolte perdue", by_id=officer)
    with pytest.raises(ServiceError, match="already waiting"):
        request_reschedule(loan, terms=NEW, reason="Encore", by_id=officer)


def test_officer_asks_and_manager_decides_in_the_browser(client, login, loans):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    login(Role.FINANCE)
    page = client.get(f"/prets/{loan.id}").get_data(as_text=True)
    assert f"/prets/{loan.id}/reechelonnement" in page
    preview = client.post(
        f"/prets/{loan.id}/reechelonnement", data={**FORM, "reason": "Récolte", "preview": "1"}
    )
    assert preview.status_code == 200 and "New schedule if approved today" in preview.text
    assert db.session.scalar(sa.select(sa.func.count(LoanReschedule.id))) == 0
    missing = client.post(f"/prets/{loan.id}/reechelonnement", data=FORM)
    assert missing.status_code == 200 and "This field is required" in missing.text
    sent = client.post(f"/prets/{loan.id}/reechelonnement", data={**FORM, "reason": "Récolte"})
    assert sent.status_code == 302
    asked = db.session.scalar(sa.select(LoanReschedule))
    assert sent.location.endswith(f"/prets/reechelonnements/{asked.id}")
    # The officer cannot decide.
    assert client.post(f"/prets/reechelonnements/{asked.id}/approbation").status_code == 403

    client.post("/deconnexion")
    login(Role.MANAGER)
    listed = client.get("/prets/a-approuver").get_data(as_text=True)
    assert f"/prets/reechelonnements/{asked.id}" in listed
    decision = client.get(f"/prets/reechelonnements/{asked.id}").get_data(as_text=True)
    assert "Approve and apply the new schedule" in decision and "Récolte" in decision
    refused = client.post(f"/prets/reechelonnements/{asked.id}/rejet", data={"no-note": ""})
    assert refused.status_code == 200 and "This field is required" in refused.text
    done = client.post(f"/prets/reechelonnements/{asked.id}/approbation", data={"ok-note": "OK"})
    assert done.status_code == 302 and done.location.endswith(f"/prets/{loan.id}")
    db.session.expire_all()
    assert db.session.get(Loan, loan.id).restructured
    assert db.session.get(LoanReschedule, asked.id).status == RescheduleStatus.APPROVED


def test_a_manager_cannot_approve_their_own_request_in_the_browser(client, login, loans):
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    login(Role.MANAGER)
    client.post(f"/prets/{loan.id}/reechelonnement", data={**FORM, "reason": "Récolte"})
    asked = db.session.scalar(sa.select(LoanReschedule))
    page = client.get(f"/prets/reechelonnements/{asked.id}").get_data(as_text=True)
    assert "another manager decides" in page and "Approve and apply" not in page
    response = client.post(f"/prets/reechelonnements/{asked.id}/approbation", data={})
    assert response.status_code == 200 and "another manager must decide" in response.text
    db.session.expire_all()
    assert not db.session.get(Loan, loan.id).restructured


def test_the_api_requests_and_decides(api, loans):  # noqa: F811
    loan = loans.active(disbursed_on=TODAY - timedelta(days=100))
    document = api.get("/api/v1/openapi.json", role=None).json
    body = {**FORM, "instalments": 18, "reason": "Récolte perdue"}
    made = api.post(f"/api/v1/loans/{loan.id}/reschedule-requests", json=body, role=Role.FINANCE)
    assert made.status_code == 201, made.json
    matches(document, "LoanRescheduleRequest", made.json)
    assert made.json["status"] == "pending" and made.json["annual_rate_percent"] == 18.0
    request_id = made.json["id"]
    officer = api.post(f"/api/v1/loan-reschedules/{request_id}/approve", json={}, role=Role.FINANCE)
    assert officer.status_code == 403
    no_note = api.post(f"/api/v1/loan-reschedules/{request_id}/reject", json={}, role=Role.MANAGER)
    assert no_note.status_code == 422
    approved = api.post(
        f"/api/v1/loan-reschedules/{request_id}/approve", json={"note": "OK"}, role=Role.MANAGER
    )
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved" and approved.json["schedule_version"] == 2
    matches(document, "LoanRescheduleRequest", approved.json)
    assert api.get(f"/api/v1/loans/{loan.id}").json["restructured"] is True
    assert api.get("/api/v1/loan-reschedules/999999").status_code == 404
