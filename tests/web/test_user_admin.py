"""Deactivating accounts and revoking API tokens from the administration pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import ApiToken, AuditEntry, User, db
from portfolio.models.base import utcnow
from portfolio.services.unit_of_work import ServiceError
from portfolio.services.users import issue_api_token, set_active
from tests.conftest import Auth, OwnContextClient


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def bearer(client, token: str):
    db.session.rollback()
    return client.get("/api/v1/regions", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def second_client(app):
    return OwnContextClient(app, app.response_class)


def test_deactivation_asks_for_confirmation_and_changes_nothing_until_confirmed(
    client, auth, users
):
    finance = users[Role.FINANCE]
    auth.login(Role.ADMIN)
    edit = client.get(f"/admin/utilisateurs/{finance.id}")
    assert f"/admin/utilisateurs/{finance.id}/desactiver" in edit.text
    confirm = client.get(f"/admin/utilisateurs/{finance.id}/desactiver")
    assert confirm.status_code == 200
    assert '<form method="post"' in confirm.text
    assert fresh(User, finance.id).active is True


def test_a_deactivated_users_session_and_tokens_stop_at_once(client, auth, users, second_client):
    finance = users[Role.FINANCE]
    token = issue_api_token(finance)
    Auth(second_client).login(Role.FINANCE)
    assert second_client.get("/").status_code == 200
    assert bearer(client, token).status_code == 200

    auth.login(Role.ADMIN)
    response = client.post(f"/admin/utilisateurs/{finance.id}/desactiver")
    assert response.status_code == 302

    assert fresh(User, finance.id).active is False
    # The finance officer's open session is refused on its next request...
    after = second_client.get("/")
    assert after.status_code == 302
    assert "/connexion" in after.headers["Location"]
    # ...their token gets 401, and they cannot log in again.
    assert bearer(client, token).status_code == 401
    assert Auth(second_client).login(Role.FINANCE).status_code == 200
    assert second_client.get("/").status_code == 302
    # The change is in the audit log, under the administrator's name.
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.table_name == "user_account", AuditEntry.action == "update"
        )
    )
    assert entry is not None and entry.user_id == users[Role.ADMIN].id


def test_reactivation_lets_the_person_log_in_but_keeps_old_tokens_revoked(
    client, auth, users, second_client
):
    finance = users[Role.FINANCE]
    token = issue_api_token(finance)
    set_active(finance, False)
    auth.login(Role.ADMIN)
    assert client.get(f"/admin/utilisateurs/{finance.id}/reactiver").status_code == 200
    assert client.post(f"/admin/utilisateurs/{finance.id}/reactiver").status_code == 302
    assert fresh(User, finance.id).active is True
    Auth(second_client).login(Role.FINANCE)
    assert second_client.get("/").status_code == 200
    assert bearer(client, token).status_code == 401


def test_one_token_is_revoked_and_the_others_keep_working(client, auth, users):
    finance = users[Role.FINANCE]
    kept, revoked = issue_api_token(finance), issue_api_token(finance)
    revoked_id = db.session.scalar(
        sa.select(ApiToken.id).where(ApiToken.token_hash == ApiToken.hash(revoked))
    )
    assert bearer(client, kept).status_code == 200  # marks "last used"

    auth.login(Role.ADMIN)
    page = client.get(f"/admin/utilisateurs/{finance.id}")
    assert page.text.count("/revoquer") == 2
    url = f"/admin/utilisateurs/{finance.id}/jetons/revoquer"
    confirm = client.get(f"{url}?jeton={revoked_id}")
    assert confirm.status_code == 200
    assert f'name="token_id" type="hidden" value="{revoked_id}"' in confirm.text
    assert client.post(url).status_code == 404  # which token? nothing revoked
    assert client.post(url, data={"token_id": revoked_id}).status_code == 302

    assert fresh(ApiToken, revoked_id).revoked_at is not None
    assert bearer(client, revoked).status_code == 401
    assert bearer(client, kept).status_code == 200
    assert fresh(User, finance.id).active is True
    page = client.get(f"/admin/utilisateurs/{finance.id}")
    assert page.text.count("/revoquer") == 1


def test_a_token_is_revoked_only_through_its_own_account(client, auth, users):
    token = issue_api_token(users[Role.FINANCE])
    token_id = db.session.scalar(
        sa.select(ApiToken.id).where(ApiToken.token_hash == ApiToken.hash(token))
    )
    auth.login(Role.ADMIN)
    other = users[Role.MANAGER].id
    url = f"/admin/utilisateurs/{other}/jetons/revoquer"
    assert client.get(f"{url}?jeton={token_id}").status_code == 404
    assert client.post(url, data={"token_id": token_id}).status_code == 404
    assert fresh(ApiToken, token_id).revoked_at is None


def test_last_use_of_a_token_is_recorded_at_most_every_few_minutes(client, users):
    token = issue_api_token(users[Role.FINANCE])
    token_id = db.session.scalar(sa.select(ApiToken.id))
    assert fresh(ApiToken, token_id).last_used_at is None
    bearer(client, token)
    first = fresh(ApiToken, token_id).last_used_at
    assert first is not None
    bearer(client, token)
    assert fresh(ApiToken, token_id).last_used_at == first
    db.session.execute(sa.update(ApiToken).values(last_used_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    bearer(client, token)
    assert fresh(ApiToken, token_id).last_used_at > first - timedelta(seconds=1)
    # Using a token is not an audited change of the record.
    assert not db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.table_name == "api_token", AuditEntry.action == "update"
        )
    )


def test_an_administrator_cannot_deactivate_their_own_account(client, auth, users):
    admin = users[Role.ADMIN]
    auth.login(Role.ADMIN)
    assert "/desactiver" not in client.get(f"/admin/utilisateurs/{admin.id}").text
    response = client.post(f"/admin/utilisateurs/{admin.id}/desactiver")
    assert response.status_code == 302
    assert "flash-error" in client.get(response.headers["Location"]).text
    assert fresh(User, admin.id).active is True
    assert client.get("/").status_code == 200


def test_the_last_active_administrator_cannot_be_deactivated(app, users):
    with pytest.raises(ServiceError):
        set_active(users[Role.ADMIN], False)
    assert fresh(User, users[Role.ADMIN].id).active is True


@pytest.mark.parametrize("role", [Role.MANAGER, Role.FINANCE, Role.MONITOR])
def test_only_those_who_manage_users_deactivate_or_revoke(client, auth, users, role):
    finance = users[Role.FINANCE]
    token = issue_api_token(finance)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    auth.login(role)
    for url in (
        f"/admin/utilisateurs/{finance.id}/desactiver",
        f"/admin/utilisateurs/{finance.id}/reactiver",
        f"/admin/utilisateurs/{finance.id}/jetons/revoquer?jeton={token_id}",
        f"/admin/utilisateurs/{finance.id}/jetons",
    ):
        if not url.endswith("/jetons"):
            assert client.get(url).status_code == 403
        assert client.post(url, data={"token_id": token_id}).status_code == 403
    assert fresh(User, finance.id).active is True
    assert bearer(client, token).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 1


def test_a_new_token_is_shown_once_and_works(client, auth, users):
    finance = users[Role.FINANCE]
    auth.login(Role.ADMIN)
    response = client.post(f"/admin/utilisateurs/{finance.id}/jetons")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="token" class="token" value="([^"]+)"', response.text).group(1)
    assert bearer(client, token).status_code == 200
    page = client.get(f"/admin/utilisateurs/{finance.id}")
    assert token not in page.text
    assert page.text.count("/revoquer") == 1


def test_a_deactivated_account_is_given_no_token(client, auth, users):
    finance = users[Role.FINANCE]
    set_active(finance, False)
    auth.login(Role.ADMIN)
    response = client.post(f"/admin/utilisateurs/{finance.id}/jetons")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
