"""Follow-up actions: what was decided about a struggling enterprise, who, by when.

Actions are never deleted: an action is resolved with a note saying what
was done, and the history stays on the enterprise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.domain.monitoring.vocabulary import ActionKind, ActionStatus
from portfolio.models import Enterprise, Flag, FollowUpAction, User, db
from portfolio.services.unit_of_work import ServiceError, unit_of_work

MAX_TEXT = 2_000


def _text(value: Any, field: str, message: str) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if not text:
        raise ServiceError(message, field)
    if len(text) > MAX_TEXT:
        raise ServiceError(_("Keep it under %(max)d characters.", max=MAX_TEXT), field)
    if "\x00" in text:
        raise ServiceError(_("This text contains characters that cannot be stored."), field)
    return text


def create_action(
    values: Mapping[str, Any],
    *,
    created_by_id: int,
    scope_region_id: int | None = None,
    today: date | None = None,
) -> FollowUpAction:
    """Record an action on an enterprise (or on one of its flags).

    ``values``: enterprise_id, flag_id (optional), kind, description,
    owner_id, due_on. A monitor (``scope_region_id``) acts only in their region.
    """
    today = today or date.today()
    enterprise = db.session.get(Enterprise, values.get("enterprise_id") or 0)
    if enterprise is None or (
        scope_region_id is not None and enterprise.commune.region_id != scope_region_id
    ):
        raise ServiceError(_("No enterprise has this number."), "enterprise_id")
    flag_id = values.get("flag_id") or None
    if flag_id is not None:
        flag = db.session.get(Flag, flag_id)
        if flag is None or flag.enterprise_id != enterprise.id:
            raise ServiceError(_("This flag is not one of this enterprise's."), "flag_id")
    try:
        kind = ActionKind(values.get("kind"))
    except ValueError:
        raise ServiceError(_("Choose what is to be done."), "kind") from None
    description = _text(values.get("description"), "description", _("Describe the action."))
    owner = db.session.get(User, values.get("owner_id") or 0)
    if owner is None or not owner.active:
        raise ServiceError(_("Choose who will do it (an active user)."), "owner_id")
    due_on = values.get("due_on")
    if not isinstance(due_on, date):
        raise ServiceError(_("Give the date it is due."), "due_on")
    if due_on < today:
        raise ServiceError(_("The due date cannot be in the past."), "due_on")
    with unit_of_work() as session:
        action = FollowUpAction(
            enterprise_id=enterprise.id,
            flag_id=flag_id,
            kind=kind,
            description=description,
            owner_id=owner.id,
            due_on=due_on,
            status=ActionStatus.OPEN,
            created_by_id=created_by_id,
        )
        session.add(action)
    return action


def resolve_action(
    action_id: int,
    note: Any,
    *,
    scope_region_id: int | None = None,
    today: date | None = None,
) -> FollowUpAction:
    """Close an open action with a note saying what was done."""
    action = db.session.get(FollowUpAction, action_id)
    if action is None or (
        scope_region_id is not None and action.enterprise.commune.region_id != scope_region_id
    ):
        raise ServiceError(_("No follow-up action has this number."))
    if action.status == ActionStatus.RESOLVED:
        raise ServiceError(_("This action is already resolved."))
    text = _text(note, "resolution_note", _("Say what was done before resolving the action."))
    with unit_of_work() as session:
        locked = session.scalars(
            sa.select(FollowUpAction)
            .where(FollowUpAction.id == action.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        if locked.status == ActionStatus.RESOLVED:
            raise ServiceError(_("This action is already resolved."))
        locked.status = ActionStatus.RESOLVED
        locked.resolved_on = today or date.today()
        locked.resolution_note = text
    return locked


def owner_choices(scope_region_id: int | None = None) -> list[tuple[int, str]]:
    """Active users who can be given an action, by name."""
    query = sa.select(User.id, User.name).where(User.active).order_by(User.name)
    if scope_region_id is not None:
        query = query.where(sa.or_(User.region_id == scope_region_id, User.region_id.is_(None)))
    return [(r.id, r.name) for r in db.session.execute(query)]
