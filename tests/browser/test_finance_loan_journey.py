"""A microloan from application to first repayment, with two people (maker-checker).

A finance officer records the application for a returnee's business, a
programme manager approves it in their own browser, the finance officer
disburses it and records a repayment by mobile money; the loan page then
shows the payment in its history and against the first instalment.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portfolio.domain.ledger_vocabulary import EntryKind, LoanStatus, PaymentChannel
from portfolio.domain.money import format_xof, group_thousands
from portfolio.domain.vocabulary import Role
from portfolio.models import JournalEntry, LoanProduct, db
from portfolio.services.demo import seed_lenders
from tests.browser.support import label_of, log_in, main_menu, t
from tests.ledger_loans.conftest import make_enterprise

pytestmark = pytest.mark.browser

AMOUNT = 250_000
REPAYMENT = 15_000


def test_a_loan_is_applied_for_approved_by_a_manager_disbursed_and_repaid(
    app, users, open_page, screenshot
):
    enterprise = make_enterprise()
    seed_lenders()
    # The cheapest product: its cost stays under the legal usury ceiling.
    product = db.session.scalars(
        sa.select(LoanProduct).order_by(LoanProduct.annual_rate, LoanProduct.id)
    ).first()
    officer = open_page("desktop")

    # The finance officer records the application, with the lender's product terms.
    log_in(officer, Role.FINANCE)
    main_menu(officer).get_by_role("link", name=t("Loans")).click()
    officer.get_by_role("link", name=t("New loan application")).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(t("New loan application"))
    officer.locator("#product_id").select_option(str(product.id))
    officer.get_by_role("button", name=t("Use this product's terms")).click()
    officer.get_by_label(t("Enterprise number"), exact=True).fill(str(enterprise.id))
    officer.get_by_label(t("Purpose of the loan"), exact=True).fill("Machine à coudre")
    officer.get_by_label(t("Amount borrowed (FCFA)"), exact=True).fill("250 000")
    screenshot(officer, "application")
    officer.get_by_role("button", name=t("Record the application")).click()

    heading = officer.get_by_role("heading", level=1)
    expect(heading).to_contain_text(label_of(LoanStatus.APPLIED))
    loan_id = int(re.search(r"/prets/(\d+)", officer.url).group(1))
    # The officer who recorded it cannot approve it.
    expect(officer.get_by_role("button", name=t("Approve the loan"))).to_have_count(0)
    screenshot(officer, "applied")

    # A manager, in their own browser, finds it among the loans to approve.
    manager = open_page("desktop")
    log_in(manager, Role.MANAGER)
    manager.goto("/prets/")
    manager.get_by_role("link", name=t("To approve")).click()
    manager.get_by_role("link", name=t("No. %(id)d", id=loan_id)).click()
    screenshot(manager, "to-approve")
    manager.get_by_role("button", name=t("Approve the loan")).click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(label_of(LoanStatus.APPROVED))

    # The finance officer disburses it, then records a mobile-money repayment.
    officer.reload()
    expect(heading).to_contain_text(label_of(LoanStatus.APPROVED))
    officer.get_by_role("button", name=t("Record the disbursement")).click()
    expect(heading).to_contain_text(label_of(LoanStatus.ACTIVE))
    repay = officer.locator("#action-repay")
    repay.get_by_label(t("Amount paid (FCFA)"), exact=True).fill("15 000")
    repay.get_by_label(t("Paid by"), exact=True).select_option(PaymentChannel.MOBILE_MONEY.value)
    repay.get_by_label(t("Receipt or transaction reference"), exact=True).fill("OM-778812")
    repay.get_by_role("button", name=t("Record the repayment")).click()

    # The history shows the disbursement and the repayment, the schedule what was paid.
    history = officer.locator("section", has=officer.locator("#journal-title"))
    repayment_row = history.locator("tr", has_text="OM-778812")
    expect(repayment_row).to_contain_text(label_of(EntryKind.LOAN_REPAYMENT))
    expect(repayment_row).to_contain_text(format_xof(REPAYMENT))
    expect(repayment_row).to_contain_text(label_of(PaymentChannel.MOBILE_MONEY))
    expect(history.locator("tr", has_text=label_of(EntryKind.LOAN_DISBURSEMENT))).to_contain_text(
        format_xof(AMOUNT)
    )
    schedule = officer.locator("section", has=officer.locator("#schedule-title"))
    expect(schedule.locator("tbody tr")).to_have_count(product.instalments)
    # The payment is spread over the instalments (oldest first): the total paid shows it.
    expect(schedule.locator("tfoot")).to_contain_text(group_thousands(REPAYMENT))
    screenshot(officer, "repaid")

    # And the books agree with the page.
    db.session.rollback()
    amounts = dict(
        db.session.execute(
            sa.select(JournalEntry.kind, JournalEntry.amount_xof).where(
                JournalEntry.loan_id == loan_id
            )
        ).all()
    )
    assert amounts[EntryKind.LOAN_DISBURSEMENT] == AMOUNT
    assert amounts[EntryKind.LOAN_REPAYMENT] == REPAYMENT
