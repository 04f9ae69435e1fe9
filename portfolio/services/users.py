"""Accounts and API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from portfolio.domain.vocabulary import Role
from portfolio.models import ApiToken, Region, User, db
from portfolio.models.base import utcnow
from portfolio.services.unit_of_work import ServiceError, unit_of_work

MIN_PASSWORD_LENGTH = 10
# The handful every cracking list starts with; a longer list belongs in issue 7.
COMMON_PASSWORDS = frozenset(
    {
        "password123",
        "motdepasse",
        "motdepasse1",
        "azertyuiop",
        "qwertyuiop",
        "1234567890",
        "0123456789",
        "iloveyou12",
        "administrateur",
        "bamako2026",
    }
)


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return _("This password is too easy to guess.")
    return None


def user_for_session(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


#: "Last used" is a hint for whoever reviews the tokens, not a log: it is
#: written at most this often, so busy API clients do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def user_for_api_token(token: str) -> User | None:
    row = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == ApiToken.hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    _note_token_use(row)
    return row.user


def _note_token_use(row: ApiToken) -> None:
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < LAST_USED_RESOLUTION:
        return
    # A plain UPDATE, committed at once: not an audited change of the record,
    # and it must not hold a lock while the request goes on.
    with unit_of_work() as session:
        session.execute(
            sa.update(ApiToken)
            .where(
                ApiToken.id == row.id,
                sa.or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at < now - LAST_USED_RESOLUTION,
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def _check_user_fields(email: str, role: Role, region_id: int | None, user_id: int | None) -> None:
    clash = db.session.scalar(
        sa.select(User.id).where(User.email == email, User.id != (user_id or 0))
    )
    if clash is not None:
        raise ServiceError(_("Another account already uses this email address."), "email")
    if role is Role.MONITOR and region_id is None:
        raise ServiceError(_("A field monitor must be given a region."), "region_id")
    if region_id is not None and db.session.get(Region, region_id) is None:
        raise ServiceError(_("Unknown region."), "region_id")


def create_user(
    *, email: str, name: str, role: Role | str, password: str, region_id: int | None = None
) -> User:
    role = Role(role)
    email = email.strip().lower()
    problem = password_problem(password)
    if problem:
        raise ServiceError(problem, "password")
    with unit_of_work() as session:
        _check_user_fields(email, role, region_id, None)
        user = User(email=email, name=name.strip(), role=role, region_id=region_id, active=True)
        user.set_password(password, _hash_method())
        session.add(user)
    return user


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: Role | str,
    region_id: int | None,
    active: bool,
    password: str | None = None,
    by: User | None = None,
) -> User:
    role = Role(role)

    email = email.strip().lower()
    if password:
        problem = password_problem(password)
        if problem:
            raise ServiceError(problem, "password")
    with unit_of_work():
        _check_user_fields(email, role, region_id, user.id)
        if not active and user.active:
            _check_deactivation(user, by)  # the same refusals as the button
        user.email, user.name, user.role, user.active = email, name.strip(), role, active
        user.region_id = region_id
        if password:
            user.set_password(password, _hash_method())
        if not active:
            _revoke_tokens(user)
    return user


def set_active(user: User, active: bool, *, by: User | None = None) -> User:
    """Deactivate (or reactivate) an account.

    Deactivation takes effect at once: the account can no longer log in, its
    open sessions end on their next request (the session loader refuses
    inactive accounts) and every API token it holds is revoked. Reactivation
    does not bring the tokens back: new ones must be issued.
    """
    with unit_of_work():
        if not active and user.active:
            _check_deactivation(user, by)
        user.active = active
        if not active:
            _revoke_tokens(user)
    return user


def _check_deactivation(user: User, by: User | None) -> None:
    if by is not None and by.id == user.id:
        raise ServiceError(_("You cannot deactivate your own account."), "active")
    if user.role is Role.ADMIN:
        others = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
            )
        )
        if not others:
            raise ServiceError(_("The last active administrator cannot be deactivated."), "active")


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of USER's tokens; revoking an already revoked token changes nothing."""
    with unit_of_work() as session:
        row = session.scalar(
            sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
        )
        if row is None:
            raise ServiceError(_("This token does not exist."))
        if row.revoked_at is None:
            row.revoked_at = utcnow()
    return row


def issue_api_token(user: User) -> str:
    """Create a token and return it; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    with unit_of_work() as session:
        session.add(ApiToken(user_id=user.id, token_hash=ApiToken.hash(token)))
    return token


def revoke_api_tokens(user: User) -> int:
    with unit_of_work():
        return _revoke_tokens(user)


def _revoke_tokens(user: User) -> int:
    result = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount
