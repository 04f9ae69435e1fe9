"""A returnee's enterprise in Kayes, lenders, and loans at each stage of their life."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.loans import LoanTerms
from portfolio.domain.vocabulary import EnterpriseKind, EnterpriseStatus, ReturnKind, Role, Sex
from portfolio.models import BudgetLine, Commune, Enterprise, Lender, Loan, Region, Sector, db
from portfolio.services.beneficiaries import register_beneficiary
from portfolio.services.demo import seed_lenders, seed_programmes
from portfolio.services.enterprises import create_enterprise
from portfolio.services.loans import apply_for_loan, approve_loan, disburse_loan
from portfolio.services.unit_of_work import unit_of_work

TODAY = date.today()
#: Disbursed long enough ago for a whole year of monthly instalments to be due.
DISBURSED_ON = TODAY - timedelta(days=400)


def make_enterprise(region: str = "Kayes", sex: Sex = Sex.FEMALE) -> Enterprise:
    programme = seed_programmes()["UE-OIM-2017"]
    commune = db.session.scalars(
        sa.select(Commune).join(Region).where(Region.name == region).order_by(Commune.name)
    ).first()
    owner = register_beneficiary(
        {
            "programme_id": programme.id,
            "first_name": "Aminata",
            "last_name": "Traoré",
            "sex": sex,
            "commune_id": commune.id,
            "return_kind": ReturnKind.EXPELLED,
        }
    )
    return create_enterprise(
        {
            "programme_id": programme.id,
            "name": f"Couture Traoré {region}",
            "sector_id": db.session.scalar(sa.select(Sector.id).order_by(Sector.id)),
            "commune_id": commune.id,
            "status": EnterpriseStatus.ACTIVE,
            "kind": EnterpriseKind.INDIVIDUAL,
            "paid_employees": 0,
            "family_workers": 0,
        },
        owner.id,
    )


@pytest.fixture(autouse=True)
def english_messages(app):
    """Services answer in the locale of their context; tests read the English msgids,
    so the French catalogue can change without breaking them."""
    with force_locale("en"):
        yield


@pytest.fixture
def login(client, auth):
    """Log in as a role, in English (pages answer in French until told otherwise)."""

    def login_as(role: Role) -> None:
        auth.login(role)
        client.post("/langue", data={"locale": "en", "next": "/"})

    return login_as


@pytest.fixture
def enterprise(users) -> Enterprise:
    return make_enterprise()


@pytest.fixture
def lender(app) -> Lender:
    seed_lenders()
    return db.session.scalar(
        sa.select(Lender).where(Lender.lender_type == "sfd").order_by(Lender.id)
    )


@pytest.fixture
def loan_line(enterprise) -> BudgetLine:
    with unit_of_work() as session:
        line = BudgetLine(
            programme_id=enterprise.programme_id,
            instrument=Instrument.LOAN,
            label="Garantie prêts",
            amount_xof=500_000,
        )
        session.add(line)
    return line


def terms(amount: int = 120_000, rate: str = "0.24", n: int = 12, **more) -> LoanTerms:
    return LoanTerms(
        amount_xof=amount,
        annual_rate=Decimal(rate),
        instalments=n,
        disbursed_on=more.pop("disbursed_on", TODAY),
        **more,
    )


@dataclass
class Loans:
    """Loans at each stage, made through the services as an officer would."""

    users: dict
    enterprise: Enterprise
    lender: Lender

    def applied(self, by: Role = Role.FINANCE, **options) -> Loan:
        loan_terms = options.pop("loan_terms", None) or terms()
        return apply_for_loan(
            enterprise_id=self.enterprise.id,
            lender_id=self.lender.id,
            terms=loan_terms,
            created_by_id=self.users[by].id,
            purpose="Machine à coudre et tissu",
            applied_on=options.pop("applied_on", DISBURSED_ON - timedelta(days=10)),
            **options,
        )

    def approved(self, **options) -> Loan:
        loan = self.applied(**options)
        return approve_loan(loan, by_id=self.users[Role.MANAGER].id, approved_on=loan.applied_on)

    def active(self, disbursed_on: date = DISBURSED_ON, **options) -> Loan:
        loan = self.approved(**options)
        disburse_loan(
            loan,
            disbursed_on=disbursed_on,
            recorded_by_id=self.users[Role.FINANCE].id,
            channel="cash",
            reference="REC-1",
        )
        return loan


@pytest.fixture
def loans(users, enterprise, lender) -> Loans:
    return Loans(users, enterprise, lender)
