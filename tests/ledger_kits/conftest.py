"""A small world for kit tests: programmes, kit budget lines, the catalogue, enterprises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.vocabulary import EnterpriseKind, EnterpriseStatus, ReturnKind, Role, Sex
from portfolio.models import (
    BudgetLine,
    Commune,
    Enterprise,
    KitDelivery,
    KitTemplate,
    Programme,
    Region,
    Sector,
    db,
)
from portfolio.services.beneficiaries import register_beneficiary
from portfolio.services.budgets import create_budget_line
from portfolio.services.demo import seed_programmes
from portfolio.services.enterprises import create_enterprise
from portfolio.services.kits import record_kit_delivery, seed_kit_catalogue
from tests.api.conftest import Api

#: Value of the standard tailoring kit (domain.kit_catalogue).
TAILORING_KIT_XOF = 85_000 + 2 * 3_500 + 2 * 500 + 20 * 250 + 10 * 7_500 + 5 * 500 + 6_000 + 25_000


def sector_id(code: str) -> int:
    return db.session.scalar(sa.select(Sector.id).where(Sector.code == code))


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def template_id(name: str) -> int:
    return db.session.scalar(sa.select(KitTemplate.id).where(KitTemplate.name == name))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


@dataclass
class World:
    programmes: dict[str, Programme]
    lines: dict[str, int]
    recorder_id: int
    certificates: int = 0

    def enterprise(
        self,
        name: str = "Atelier de couture Diarra",
        region: str = "Kayes",
        sector: str = "tailoring",
        programme: str = "UE-OIM-2017",
    ) -> Enterprise:
        commune = db.session.scalars(
            sa.select(Commune).join(Region).where(Region.name == region).order_by(Commune.name)
        ).first()
        owner = register_beneficiary(
            {
                "programme_id": self.programmes[programme].id,
                "first_name": "Aminata",
                "last_name": name.split()[-1],
                "sex": Sex.FEMALE,
                "phone": "+223 76 12 34 56",
                "commune_id": commune.id,
                "return_kind": ReturnKind.EXPELLED,
            }
        )
        return create_enterprise(
            {
                "programme_id": self.programmes[programme].id,
                "name": name,
                "sector_id": sector_id(sector),
                "commune_id": commune.id,
                "village_id": None,
                "started_on": date(2024, 3, 1),
                "status": EnterpriseStatus.ACTIVE,
                "kind": EnterpriseKind.INDIVIDUAL,
                "paid_employees": 0,
                "family_workers": 0,
            },
            owner.id,
        )

    def next_certificate(self) -> str:
        self.certificates += 1
        return f"PV-2025-{self.certificates:06d}"

    def values(self, enterprise: Enterprise, **overrides: Any) -> dict[str, Any]:
        programme = db.session.get(Programme, enterprise.programme_id).code
        return {
            "enterprise_id": enterprise.id,
            "template_id": template_id("Kit couture"),
            "budget_line_id": self.lines[programme],
            "delivered_on": date(2025, 4, 10),
            "delivered_by": "Seydou Keïta (OIM)",
            "certificate_number": self.next_certificate(),
            **overrides,
        }

    def hand_over(self, enterprise: Enterprise, items=None, key=None, **overrides) -> KitDelivery:
        items = items or [
            {"name": "Machine à coudre à pédale", "quantity": 1, "unit_cost_xof": 85_000},
            {"name": "Ciseaux de tailleur", "quantity": 2, "unit_cost_xof": 3_500},
        ]
        return record_kit_delivery(
            self.values(enterprise, **overrides),
            items,
            recorded_by_id=self.recorder_id,
            idempotency_key=key,
        )


@pytest.fixture
def world(users) -> World:
    programmes = seed_programmes()
    lines = {}
    for code, programme in programmes.items():
        lines[code] = create_budget_line(
            {
                "programme_id": programme.id,
                "instrument": Instrument.KIT,
                "label": "Kits d'installation",
                "amount_xof": 10_000_000,
            }
        ).id
    seed_kit_catalogue()
    return World(programmes, lines, users[Role.FINANCE].id)


def line_amount(world: World, programme: str, amount_xof: int) -> None:
    """Set a line's amount directly (tests only; managers go through revise_budget_line)."""
    db.session.get(BudgetLine, world.lines[programme]).amount_xof = amount_xof
    db.session.commit()


@pytest.fixture
def api(app, client, users) -> Api:
    return Api(app, client, users)


@pytest.fixture
def as_role(client, auth):
    """Log in as `role`, reading the pages in English (the msgids the tests assert on)."""

    def login(role: Role):
        auth.login(role)
        client.post("/langue", data={"locale": "en", "next": "/"})
        return client

    return login


@pytest.fixture(autouse=True)
def english_service_messages(app):
    """Services answer in the locale of their context (French by default); these tests
    match English msgids, so the French catalogue can change without breaking them."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield
