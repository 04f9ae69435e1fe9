"""The audit log records every change with who, when, before and after."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.domain.vocabulary import Role
from portfolio.models import AuditEntry, Beneficiary, User, db
from portfolio.services.demo import seed_portfolio


def _entries(table: str, action: str | None = None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.table_name == table)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_an_edit_through_the_pages_is_logged_with_its_author_and_both_values(client, auth, users):
    seed_portfolio(2)
    person = db.session.scalar(sa.select(Beneficiary).order_by(Beneficiary.id))
    auth.login(Role.MANAGER)
    form = client.get(f"/beneficiaires/{person.id}/modifier")
    assert form.status_code == 200
    data = {
        "programme_id": person.programme_id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex.value,
        "commune_id": person.commune_id,
        "return_kind": person.return_kind.value,
        "phone": "+223 70 00 00 01",
    }
    assert client.post(f"/beneficiaires/{person.id}/modifier", data=data).status_code == 302
    (entry,) = [e for e in _entries("beneficiary", "update") if e.record_id == person.id]
    assert entry.user_id == users[Role.MANAGER].id
    assert entry.changes["phone"][1] == "+223 70 00 00 01"
    assert entry.changes["phone"][0] != "+223 70 00 00 01"


def test_passwords_never_reach_the_log(users):
    inserted = _entries("user_account", "insert")
    assert inserted and all(e.changes["password_hash"] == "***" for e in inserted)


def test_a_change_rolled_back_after_a_flush_leaves_no_audit_row(reference):
    import pytest

    from portfolio.services.demo import seed_programmes
    from portfolio.services.unit_of_work import unit_of_work

    programme = seed_programmes()["AME-2026"]
    commune_id = db.session.scalar(sa.text("SELECT min(id) FROM commune"))
    with pytest.raises(RuntimeError), unit_of_work() as session:
        session.add(
            Beneficiary(
                programme_id=programme.id,
                first_name="Awa",
                last_name="Test",
                sex="F",
                commune_id=commune_id,
                return_kind="expelled",
            )
        )
        session.flush()  # the audit row is written here...
        raise RuntimeError("a later step fails")  # ...and must vanish with the change
    assert not [e for e in _entries("beneficiary", "insert") if e.changes["first_name"] == "Awa"]


def test_exporting_personal_data_is_logged(client, auth, users):
    seed_portfolio(2)
    auth.login(Role.FINANCE)
    assert client.get("/beneficiaires/export.csv?sex=F").status_code == 200
    (entry,) = _entries("beneficiary", "export")
    assert entry.user_id == users[Role.FINANCE].id and "sex=F" in entry.changes["filters"]


def test_managers_read_the_log_and_finance_officers_do_not(client, auth):
    auth.login(Role.FINANCE)
    assert client.get("/admin/journal-des-modifications").status_code == 403
    auth.logout()
    auth.login(Role.MANAGER)
    page = client.get("/admin/journal-des-modifications?table_name=user_account")
    assert page.status_code == 200
    assert "user_account" in page.text


def test_deactivating_an_account_is_logged_as_an_update(users):
    from portfolio.services.users import update_user

    monitor = users[Role.MONITOR]
    update_user(
        monitor,
        email=monitor.email,
        name=monitor.name,
        role=monitor.role,
        region_id=monitor.region_id,
        active=False,
    )
    changes = [e.changes for e in _entries("user_account", "update") if e.record_id == monitor.id]
    assert changes and changes[-1]["active"] == [True, False]
    assert db.session.get(User, monitor.id).active is False


def test_a_row_with_a_text_key_is_logged_with_its_key_in_the_changes(app):
    from decimal import Decimal

    from portfolio.models import ScoreWeight

    weight = db.session.get(ScoreWeight, "housing")
    weight.weight = Decimal(2)
    db.session.commit()
    (entry,) = _entries("score_weight", "update")
    assert entry.record_id is None
    assert entry.changes["key"] == ["housing"]
    assert entry.changes["weight"][1] in ("2", "2.000000", 2)
