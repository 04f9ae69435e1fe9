"""A small monitored world: enterprises with a kit handed over, monitors per region."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.vocabulary import Role
from portfolio.models import Region, db
from portfolio.models.monitoring import PlannedVisit
from portfolio.services.budgets import create_budget_line
from portfolio.services.demo import seed_programmes
from portfolio.services.kits import seed_kit_catalogue
from portfolio.services.users import create_user
from tests.api.conftest import Api
from tests.conftest import PASSWORD
from tests.ledger_kits.conftest import World

KIT_ITEMS = [
    {"name": "Machine à coudre à pédale", "quantity": 1, "unit_cost_xof": 85_000},
    {"name": "Ciseaux de tailleur", "quantity": 2, "unit_cost_xof": 3_500},
    {"name": "Tissu wax (pagne)", "quantity": 2, "unit_cost_xof": 6_500},
]


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


class Monitored(World):
    def supported(self, name: str = "Atelier Diarra", region: str = "Kayes", **overrides):
        """An enterprise with a tailoring kit handed over on 10/04/2025."""
        enterprise = self.enterprise(name=name, region=region)
        self.hand_over(enterprise, items=KIT_ITEMS, **overrides)
        return enterprise


@pytest.fixture
def world(users) -> Monitored:
    programmes = seed_programmes()
    lines = {}
    for code, programme in programmes.items():
        lines[code] = create_budget_line(
            {
                "programme_id": programme.id,
                "instrument": Instrument.KIT,
                "label": "Kits d'installation",
                "amount_xof": 50_000_000,
            }
        ).id
    seed_kit_catalogue()
    return Monitored(programmes, lines, users[Role.FINANCE].id)


@pytest.fixture
def second_monitor(users):
    """Another Kayes monitor, and one in Sikasso."""
    return {
        "kayes": create_user(
            email="monitor2@test.ml",
            name="Fatoumata Traoré",
            role=Role.MONITOR,
            password=PASSWORD,
            region_id=region_id("Kayes"),
        ),
        "sikasso": create_user(
            email="monitor3@test.ml",
            name="Bakary Coulibaly",
            role=Role.MONITOR,
            password=PASSWORD,
            region_id=region_id("Sikasso"),
        ),
    }


def visit_values(enterprise_id: int, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "enterprise_id": enterprise_id,
        "visited_on": date(2025, 5, 12),
        "owner_present": True,
        "business_status": "operating",
        "monthly_sales_xof": 120_000,
        "monthly_costs_xof": 45_000,
        "net_income_xof": None,
        "stock_level": "enough",
        "paid_employees": 1,
        "family_workers": 2,
        "income_sufficiency": 3,
        "food_reduction": 1,
        "housing": 2,
        "feels_safe": 4,
    }
    values.update(overrides)
    return values


def planned_of(enterprise_id: int) -> list[PlannedVisit]:
    return list(
        db.session.scalars(
            sa.select(PlannedVisit)
            .where(PlannedVisit.enterprise_id == enterprise_id)
            .order_by(PlannedVisit.sequence)
        )
    )


@pytest.fixture
def api(app, client, users) -> Api:
    return Api(app, client, users)


@pytest.fixture
def as_role(client, auth):
    """Log in as `role`, reading the pages in English."""

    def login(role: Role):
        auth.login(role)
        client.post("/langue", data={"locale": "en", "next": "/"})
        return client

    return login


@pytest.fixture(autouse=True)
def english_service_messages(app):
    from flask_babel import force_locale

    with force_locale("en"):
        yield
