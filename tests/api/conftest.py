"""Fixtures for the JSON API: a client that sends bearer tokens, and records to read."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import ReturnKind, Role, Sex
from portfolio.models import Beneficiary, Commune, Programme, Region, db
from portfolio.services.beneficiaries import register_beneficiary
from portfolio.services.demo import seed_programmes
from portfolio.services.users import issue_api_token


class Api:
    """Calls /api/v1 as an outside client would.

    Each request runs in its own application context, as in production: the
    test's context would otherwise lend the request its cached user (`g`) and
    its database session, hiding missing commits or a cookie-borne login.
    """

    def __init__(self, app, client, users):
        self.app, self.client, self.users = app, client, users
        self._tokens: dict[Role, str] = {}

    def token(self, role: Role) -> str:
        if role not in self._tokens:
            self._tokens[role] = issue_api_token(self.users[role])
        return self._tokens[role]

    def open(
        self,
        method: str,
        url: str,
        *,
        role: Role | None = None,
        token: str | None = None,
        **kwargs: Any,
    ):
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            token = self.token(role)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        db.session.rollback()  # end the test's transaction; re-read what the request commits
        with self.app.app_context():
            return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, role: Role | None = Role.ADMIN, **kwargs: Any):
        return self.open("GET", url, role=role, **kwargs)

    def post(self, url: str, json: Any, role: Role | None = Role.ADMIN, **kwargs: Any):
        return self.open("POST", url, role=role, json=json, **kwargs)

    def patch(self, url: str, json: Any, role: Role | None = Role.ADMIN, **kwargs: Any):
        return self.open("PATCH", url, role=role, json=json, **kwargs)


@pytest.fixture
def api(app, client, users):
    return Api(app, client, users)


@pytest.fixture
def programme(reference) -> Programme:
    return seed_programmes()["UE-OIM-2017"]


def region_id(name: str) -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == name))


def commune_in(region: str) -> Commune:
    return db.session.scalars(
        sa.select(Commune).join(Region).where(Region.name == region).order_by(Commune.name)
    ).first()


def beneficiary_payload(programme_id: int, commune_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "programme_id": programme_id,
        "first_name": "Aminata",
        "last_name": "Traoré",
        "sex": "F",
        "birth_year": 1991,
        "phone": "+223 76 12 34 56",
        "commune_id": commune_id,
        "returned_on": "2025-03-01",
        "returned_from": "Libye",
        "return_kind": "expelled",
        "woman_head_of_household": True,
        "consent_on": "2025-03-02",
        **overrides,
    }


@pytest.fixture
def make_beneficiary(programme):
    """A returnee registered through the service, in the named region."""

    def make(region: str = "Kayes", **values: Any) -> Beneficiary:
        commune = commune_in(region)
        return register_beneficiary(
            {
                "programme_id": programme.id,
                "first_name": values.pop("first_name", "Moussa"),
                "last_name": values.pop("last_name", "Diarra"),
                "sex": values.pop("sex", Sex.MALE),
                "commune_id": commune.id,
                "return_kind": values.pop("return_kind", ReturnKind.EXPELLED),
                **values,
            }
        )

    return make
