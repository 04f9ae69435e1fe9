"""Accounts: password rules, unique emails, monitors' regions, tokens and deactivation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import ApiToken, Region, User, db
from portfolio.services.unit_of_work import ServiceError
from portfolio.services.users import (
    authenticate,
    create_user,
    issue_api_token,
    revoke_api_tokens,
    update_user,
    user_for_api_token,
    user_for_session,
)

GOOD_PASSWORD = "Baobab-Sous-La-Pluie-7"


pytestmark = pytest.mark.usefixtures("reference")


def kayes() -> int:
    return db.session.scalar(sa.select(Region.id).where(Region.name == "Kayes"))


def new_user(email: str = "awa@portfolio.ml", role: Role = Role.MANAGER, **overrides) -> User:
    values = {
        "email": email,
        "name": "Awa Sangaré",
        "role": role,
        "password": GOOD_PASSWORD,
        "region_id": kayes() if role is Role.MONITOR else None,
    }
    values.update(overrides)
    return create_user(**values)


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_a_new_account_can_log_in_with_its_password():
    made = new_user(email="  Awa@Portfolio.ML ", name=" Awa Sangaré ")
    assert made.email == "awa@portfolio.ml"
    assert made.name == "Awa Sangaré"
    assert authenticate("awa@portfolio.ml", GOOD_PASSWORD) == made


def test_the_password_is_not_stored_in_clear():
    made = new_user()
    assert GOOD_PASSWORD not in made.password_hash


def test_logging_in_ignores_the_case_of_the_email_address():
    made = new_user()
    assert authenticate("AWA@portfolio.ml ", GOOD_PASSWORD) == made


def test_a_wrong_password_does_not_log_in():
    new_user()
    assert authenticate("awa@portfolio.ml", GOOD_PASSWORD.lower()) is None


def test_an_unknown_email_does_not_log_in():
    assert authenticate("nobody@portfolio.ml", GOOD_PASSWORD) is None


@pytest.mark.parametrize("short", ["", "abc", "Kayes2026"])
def test_a_password_shorter_than_ten_characters_is_refused(short):
    with pytest.raises(ServiceError) as refused:
        new_user(password=short)
    assert refused.value.field == "password"
    assert user_count() == 0


@pytest.mark.parametrize("common", ["motdepasse1", "AZERTYUIOP", "1234567890", "aaaaaaaaaaaa"])
def test_a_common_or_repetitive_password_is_refused(common):
    with pytest.raises(ServiceError) as refused:
        new_user(password=common)
    assert refused.value.field == "password"
    assert user_count() == 0


def test_an_email_already_in_use_is_refused_whatever_its_case():
    new_user(email="awa@portfolio.ml")
    with pytest.raises(ServiceError) as refused:
        new_user(email="AWA@Portfolio.ml", name="Someone else")
    assert refused.value.field == "email"
    assert user_count() == 1


def test_changing_an_email_to_one_already_in_use_is_refused():
    new_user(email="awa@portfolio.ml")
    other = new_user(email="modibo@portfolio.ml")
    with pytest.raises(ServiceError) as refused:
        update_user(
            other,
            email="Awa@Portfolio.ml",
            name="Modibo",
            role=Role.MANAGER,
            region_id=None,
            active=True,
        )
    assert refused.value.field == "email"
    db.session.expire_all()
    assert db.session.get(User, other.id).email == "modibo@portfolio.ml"


def test_a_field_monitor_must_be_given_a_region():
    with pytest.raises(ServiceError) as refused:
        new_user(role=Role.MONITOR, region_id=None)
    assert refused.value.field == "region_id"
    assert user_count() == 0


def test_a_field_monitor_with_a_region_is_created():
    made = new_user(role=Role.MONITOR)
    assert made.region.name == "Kayes"


def test_an_unknown_region_is_refused():
    with pytest.raises(ServiceError) as refused:
        new_user(role=Role.MONITOR, region_id=999_999)
    assert refused.value.field == "region_id"
    assert user_count() == 0


def test_an_updated_password_replaces_the_old_one():
    made = new_user()
    update_user(
        made,
        email=made.email,
        name=made.name,
        role=made.role,
        region_id=None,
        active=True,
        password="Nouveau-Mot-De-Passe-9",
    )
    assert authenticate(made.email, GOOD_PASSWORD) is None
    assert authenticate(made.email, "Nouveau-Mot-De-Passe-9") == made


def test_a_weak_new_password_is_refused_and_the_old_one_still_works():
    made = new_user()
    with pytest.raises(ServiceError):
        update_user(
            made,
            email=made.email,
            name="Renamed",
            role=made.role,
            region_id=None,
            active=True,
            password="short",
        )
    db.session.expire_all()
    assert db.session.get(User, made.id).name == "Awa Sangaré"
    assert authenticate(made.email, GOOD_PASSWORD) == made


def test_an_api_token_identifies_its_user_and_only_its_hash_is_kept():
    made = new_user()
    token = issue_api_token(made)
    assert user_for_api_token(token) == made
    assert db.session.scalar(sa.select(ApiToken.token_hash)) != token


def test_an_unknown_api_token_identifies_nobody():
    new_user()
    assert user_for_api_token("not-a-token") is None


def test_revoked_api_tokens_no_longer_work():
    made = new_user()
    first, second = issue_api_token(made), issue_api_token(made)
    assert revoke_api_tokens(made) == 2
    assert user_for_api_token(first) is None
    assert user_for_api_token(second) is None


def test_deactivating_an_account_revokes_its_api_tokens_for_good():
    made = new_user()
    token = issue_api_token(made)
    values = {"email": made.email, "name": made.name, "role": made.role, "region_id": None}

    update_user(made, active=False, **values)
    assert user_for_api_token(token) is None
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None

    update_user(made, active=True, **values)  # reactivation does not revive old tokens
    assert user_for_api_token(token) is None


def test_a_deactivated_account_cannot_log_in_even_with_the_right_password():
    made = new_user()
    update_user(
        made, email=made.email, name=made.name, role=made.role, region_id=None, active=False
    )
    assert authenticate(made.email, GOOD_PASSWORD) is None


def test_a_deactivated_account_loses_its_open_session():
    made = new_user()
    assert user_for_session(str(made.id)) == made
    update_user(
        made, email=made.email, name=made.name, role=made.role, region_id=None, active=False
    )
    assert user_for_session(str(made.id)) is None


@pytest.mark.parametrize("garbage", ["", "abc", None, "999999"])
def test_a_session_with_a_garbled_user_id_identifies_nobody(garbage):
    assert user_for_session(garbage) is None
