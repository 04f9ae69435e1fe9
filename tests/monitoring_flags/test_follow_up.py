"""Follow-up actions: recorded, listed, resolved with a note; never deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import ActionKind, ActionStatus, BusinessStatus
from portfolio.domain.vocabulary import Role
from portfolio.models import Flag, FollowUpAction, db
from portfolio.services.flags import refresh_enterprises
from portfolio.services.follow_up import create_action, resolve_action
from portfolio.services.unit_of_work import ServiceError
from tests.monitoring_flags.conftest import TODAY, add_visit, days_ago

pytestmark = pytest.mark.usefixtures("english_messages")


def values(enterprise, owner, **more):
    return {
        "enterprise_id": enterprise.id,
        "kind": ActionKind.EXTRA_TRAINING,
        "description": "Formation en gestion de stock",
        "owner_id": owner.id,
        "due_on": TODAY + timedelta(days=14),
        **more,
    }


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(FollowUpAction.id)))


def flagged(make):
    e = make()
    add_visit(e, days_ago(2), status=BusinessStatus.CLOSED)
    refresh_enterprises([e.id])
    db.session.commit()
    return e, db.session.scalar(sa.select(Flag).where(Flag.enterprise_id == e.id))


def test_create_from_a_flag_and_resolve(make, users):
    e, flag = flagged(make)
    monitor = users[Role.MONITOR]
    action = create_action(
        values(e, monitor, flag_id=flag.id), created_by_id=users[Role.MANAGER].id
    )
    assert action.status == ActionStatus.OPEN and action.flag_id == flag.id
    resolved = resolve_action(action.id, "  Formation faite le 3 mars.  ")
    assert resolved.status == ActionStatus.RESOLVED
    assert resolved.resolution_note == "Formation faite le 3 mars."
    assert resolved.resolved_on == TODAY
    with pytest.raises(ServiceError, match="already resolved"):
        resolve_action(action.id, "encore")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "nap"}, "kind"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2_001}, "description"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"due_on": TODAY - timedelta(days=1)}, "due_on"),
        ({"due_on": None}, "due_on"),
        ({"enterprise_id": 999_999}, "enterprise_id"),
        ({"flag_id": 999_999}, "flag_id"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(make, users, change, field):
    e = make()
    with pytest.raises(ServiceError) as refused:
        create_action(values(e, users[Role.MONITOR], **change), created_by_id=users[Role.ADMIN].id)
    assert refused.value.field == field
    assert count() == 0


def test_flag_of_another_enterprise_is_refused(make, users):
    _, flag = flagged(make)
    other = make()
    with pytest.raises(ServiceError, match="not one of this enterprise"):
        create_action(
            values(other, users[Role.MONITOR], flag_id=flag.id), created_by_id=users[Role.ADMIN].id
        )


def test_resolve_needs_a_note(make, users):
    action = create_action(values(make(), users[Role.MONITOR]), created_by_id=users[Role.ADMIN].id)
    for note in ("", "   ", None):
        with pytest.raises(ServiceError, match="Say what was done"):
            resolve_action(action.id, note)
    db.session.refresh(action)
    assert action.status == ActionStatus.OPEN


def test_monitor_acts_only_in_their_region(make, users):
    kayes_monitor = users[Role.MONITOR]
    sikasso = make("Sikasso")
    with pytest.raises(ServiceError):
        create_action(
            values(sikasso, kayes_monitor),
            created_by_id=kayes_monitor.id,
            scope_region_id=kayes_monitor.region_id,
        )
    action = create_action(values(sikasso, kayes_monitor), created_by_id=users[Role.ADMIN].id)
    with pytest.raises(ServiceError, match="No follow-up action"):
        resolve_action(action.id, "fait", scope_region_id=kayes_monitor.region_id)
