"""Fixtures for budgets, grants and allowances: a programme with budget lines, enterprises
in two regions, and helpers that award and pay through the services."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import Instrument, PaymentChannel
from portfolio.domain.vocabulary import (
    EnterpriseKind,
    EnterpriseStatus,
    ReturnKind,
    Role,
    Sex,
)
from portfolio.models import (
    BudgetLine,
    Commune,
    Enterprise,
    Grant,
    JournalEntry,
    Programme,
    Region,
    Sector,
    db,
)
from portfolio.services.beneficiaries import register_beneficiary
from portfolio.services.budgets import create_budget_line
from portfolio.services.demo import seed_programmes
from portfolio.services.enterprises import create_enterprise
from portfolio.services.grants import PlannedTranche, award_grant, pay_tranche

TODAY = date.today()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def commune_in(region: str) -> Commune:
    return db.session.scalars(
        sa.select(Commune).join(Region).where(Region.name == region).order_by(Commune.name)
    ).first()


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def programme(reference) -> Programme:
    return seed_programmes()["UE-OIM-2017"]


@pytest.fixture
def other_programme(programme) -> Programme:
    return db.session.scalar(sa.select(Programme).where(Programme.code == "SIDA-OIM-2014"))


def line(programme: Programme, instrument: Instrument, amount: int, label: str) -> BudgetLine:
    return create_budget_line(
        {
            "programme_id": programme.id,
            "instrument": instrument,
            "label": label,
            "amount_xof": amount,
        }
    )


@pytest.fixture
def grant_line(programme) -> BudgetLine:
    return line(programme, Instrument.GRANT, 5_000_000, "Subventions AGR")


@pytest.fixture
def training_line(programme) -> BudgetLine:
    return line(programme, Instrument.TRAINING, 1_000_000, "Allocations de formation")


@pytest.fixture
def make_person(programme):
    def make(region: str = "Kayes", first_name: str = "Moussa", sex: Sex = Sex.MALE, **extra):
        return register_beneficiary(
            {
                "programme_id": extra.pop("programme_id", programme.id),
                "first_name": first_name,
                "last_name": "Diarra",
                "sex": sex,
                "commune_id": commune_in(region).id,
                "return_kind": ReturnKind.EXPELLED,
            }
        )

    return make


@pytest.fixture
def make_enterprise(programme, make_person):
    def make(name: str = "Atelier de couture Diarra", region: str = "Kayes") -> Enterprise:
        owner = make_person(region)
        return create_enterprise(
            {
                "programme_id": programme.id,
                "name": name,
                "sector_id": db.session.scalar(sa.select(Sector.id).order_by(Sector.id)),
                "commune_id": commune_in(region).id,
                "village_id": None,
                "started_on": date(2019, 6, 1),
                "status": EnterpriseStatus.ACTIVE,
                "kind": EnterpriseKind.INDIVIDUAL,
                "paid_employees": 0,
                "family_workers": 0,
            },
            owner.id,
        )

    return make


@pytest.fixture
def enterprise(make_enterprise) -> Enterprise:
    return make_enterprise()


@pytest.fixture
def finance(users):
    return users[Role.FINANCE]


@pytest.fixture
def award(grant_line, finance):
    """Award a grant through the service: tranches as (days ago or ahead, amount)."""

    def make(enterprise, tranches=((30, 600_000), (-30, 400_000)), line=None, **values):
        amount = values.pop("amount_xof", sum(a for _, a in tranches))
        return award_grant(
            {
                "enterprise_id": enterprise.id,
                "budget_line_id": (line or grant_line).id,
                "amount_xof": amount,
                "purpose": values.pop("purpose", "Machine à coudre et tissu"),
                "conditions": values.pop("conditions", None),
                "awarded_on": values.pop("awarded_on", days_ago(40)),
            },
            [PlannedTranche(TODAY - timedelta(days=d), a, None) for d, a in tranches],
            by_user_id=finance.id,
        )

    return make


@pytest.fixture
def pay(finance):
    def make(
        grant: Grant,
        number: int = 1,
        amount: int = 600_000,
        key: str | None = None,
        paid_on: date | None = None,
    ) -> JournalEntry:
        return pay_tranche(
            grant,
            number,
            {
                "paid_on": paid_on or days_ago(10),
                "amount_xof": amount,
                "channel": PaymentChannel.MOBILE_MONEY,
                "reference": "OM-123",
            },
            by_user_id=finance.id,
            idempotency_key=key,
        )

    return make


def text(response) -> str:
    """The page as a person reads it: entities decoded, thousands grouped by plain
    spaces whatever the language (`1 250 000` and `1,250,000` both read `1 250 000`)."""
    page = html.unescape(response.get_data(as_text=True))
    page = page.replace("\u202f", " ").replace("\u00a0", " ")
    return THOUSANDS.sub(r"\1 \2", THOUSANDS.sub(r"\1 \2", page))


THOUSANDS = re.compile(r"(\d),(\d{3})")


@pytest.fixture
def login(client, auth):
    """Log in as a role, with the interface in English (assertions stay true once the
    French catalogue translates the messages)."""

    def as_role(role: Role):
        auth.login(role)
        client.post("/langue", data={"locale": "en", "next": "/"})
        return client

    return as_role


@pytest.fixture
def api(app, client, users):
    from tests.api.conftest import Api

    return Api(app, client, users)


@pytest.fixture(autouse=True)
def english_service_messages(app):
    """Services answer in the locale of their context (French by default); these tests
    match the English msgids, so the French catalogue can change without breaking them.
    Page requests run in their own context and keep answering in French."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
