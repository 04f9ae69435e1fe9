"""Command-line tasks: accounts, API tokens and demo data (`flask --app portfolio ...`)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import MemberRole, Role
from portfolio.models import Beneficiary, Enterprise, EnterpriseMember, User, db
from portfolio.reporting.overview import overview
from portfolio.services.users import authenticate, user_for_api_token

STRONG = "Sahel-Caravane-2026"


def accounts() -> dict[str, Role]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(User.email, User.role)).all())


def test_users_create_makes_an_account_with_the_password_from_the_environment(
    runner, reference, monkeypatch
):
    monkeypatch.setenv("PORTFOLIO_PASSWORD", STRONG)
    result = runner.invoke(
        args=["users", "create", "--email", "Awa@Portfolio.ml", "--name", "Awa", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    assert "awa@portfolio.ml" in result.output
    assert accounts() == {"awa@portfolio.ml": Role.ADMIN}
    assert authenticate("awa@portfolio.ml", STRONG) is not None
    assert STRONG not in result.output


def test_users_create_gives_a_field_monitor_their_region(runner, reference, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_PASSWORD", STRONG)
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "bakary@portfolio.ml",
            "--name",
            "Bakary",
            "--role",
            "monitor",
            "--region",
            "Kayes",
        ]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(User)).region.name == "Kayes"


def test_users_create_refuses_an_unknown_region(runner, reference, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_PASSWORD", STRONG)
    result = runner.invoke(
        args=["users", "create", "--email", "b@p.ml", "--name", "B", "--role", "monitor"]
        + ["--region", "Atlantide"]
    )
    assert result.exit_code != 0
    assert "Atlantide" in result.output
    assert accounts() == {}


@pytest.mark.parametrize("weak", ["court", "motdepasse1"])
def test_users_create_refuses_a_weak_password_with_a_clear_message(
    runner, reference, monkeypatch, weak
):
    monkeypatch.setenv("PORTFOLIO_PASSWORD", weak)
    result = runner.invoke(
        args=["users", "create", "--email", "awa@portfolio.ml", "--name", "Awa", "--role", "admin"]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "Error:" in result.output  # click's one-line message, not a traceback
    assert "Traceback" not in result.output
    assert accounts() == {}


def test_users_create_refuses_a_monitor_without_a_region(runner, reference, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_PASSWORD", STRONG)
    result = runner.invoke(
        args=["users", "create", "--email", "b@p.ml", "--name", "B", "--role", "monitor"]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "Error:" in result.output
    assert accounts() == {}


def test_users_create_asks_for_the_password_when_none_is_in_the_environment(
    runner, reference, monkeypatch
):
    monkeypatch.delenv("PORTFOLIO_PASSWORD", raising=False)
    result = runner.invoke(
        args=["users", "create", "--email", "awa@portfolio.ml", "--name", "Awa", "--role", "admin"],
        input=f"{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert authenticate("awa@portfolio.ml", STRONG) is not None


def test_users_token_prints_a_token_that_authenticates_its_owner(runner, users):
    result = runner.invoke(args=["users", "token", "FINANCE@test.ml"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", token)
    owner = user_for_api_token(token)
    assert owner is not None and owner.email == "finance@test.ml"


def test_users_token_gives_a_new_token_each_time(runner, users):
    first = runner.invoke(args=["users", "token", "admin@test.ml"]).output.strip()
    second = runner.invoke(args=["users", "token", "admin@test.ml"]).output.strip()
    assert first != second
    assert user_for_api_token(first) is not None and user_for_api_token(second) is not None


def test_users_token_refuses_an_unknown_account(runner, users):
    result = runner.invoke(args=["users", "token", "nobody@test.ml"])
    assert result.exit_code != 0
    assert "nobody@test.ml" in result.output


def test_demo_seed_creates_the_asked_number_of_enterprises_with_their_returnees(runner, reference):
    result = runner.invoke(args=["demo", "seed", "--enterprises", "50"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    enterprises = db.session.scalar(sa.select(sa.func.count(Enterprise.id)))
    people = db.session.scalar(sa.select(sa.func.count(Beneficiary.id)))
    assert enterprises == 50
    assert people >= 50
    assert f"50 enterprises and {people} beneficiaries" in result.output

    figures = overview()
    assert figures.beneficiaries == people
    assert 0 < figures.women_share < 1

    with_a_lead = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(EnterpriseMember.enterprise_id))).where(
            EnterpriseMember.role.in_((MemberRole.OWNER, MemberRole.PRESIDENT))
        )
    )
    assert with_a_lead == 50
    # Every returnee belongs to exactly one enterprise.
    memberships = db.session.scalar(sa.select(sa.func.count(EnterpriseMember.id)))
    assert memberships == people


def test_demo_seed_with_the_same_seed_gives_the_same_people(runner, reference):
    # --no-support: this is about the people; grants and kits would hold them by keys.
    runner.invoke(args=["demo", "seed", "--enterprises", "5", "--seed", "7", "--no-support"])
    first = db.session.scalars(sa.select(Beneficiary.last_name).order_by(Beneficiary.id)).all()
    db.session.execute(sa.delete(EnterpriseMember))
    db.session.execute(sa.delete(Enterprise))
    db.session.execute(sa.delete(Beneficiary))
    db.session.commit()
    runner.invoke(args=["demo", "seed", "--enterprises", "5", "--seed", "7", "--no-support"])
    again = db.session.scalars(sa.select(Beneficiary.last_name).order_by(Beneficiary.id)).all()
    assert first == again


def test_demo_seed_refuses_a_negative_number(runner, reference):
    result = runner.invoke(args=["demo", "seed", "--enterprises", "-1"])
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count(Enterprise.id))) == 0


def test_demo_bootstrap_creates_one_account_per_role_and_shows_passwords_once(runner, app):
    first = runner.invoke(args=["demo", "bootstrap", "--enterprises", "5"])
    assert first.exit_code == 0, first.output

    made = accounts()
    assert sorted(made.values()) == sorted(Role)
    printed = re.findall(r"^\s+(\w+)\s+(\S+@\S+)\s+(\S+)\s*$", first.output, re.MULTILINE)
    assert {email for _role, email, _password in printed} == set(made)
    for _role, email, password in printed:
        assert authenticate(email, password) is not None
    monitor = next(email for email, role in made.items() if role is Role.MONITOR)
    db.session.expire_all()
    assert db.session.scalar(sa.select(User).where(User.email == monitor)).region is not None
    assert db.session.scalar(sa.select(sa.func.count(Enterprise.id))) == 5

    second = runner.invoke(args=["demo", "bootstrap", "--enterprises", "5"])
    assert second.exit_code == 0, second.output
    assert not re.findall(r"\S+@\S+\s+\S+\s*$", second.output, re.MULTILINE)
    for _role, _email, password in printed:
        assert password not in second.output
    assert accounts() == made
    assert db.session.scalar(sa.select(sa.func.count(Enterprise.id))) == 5  # not seeded twice
