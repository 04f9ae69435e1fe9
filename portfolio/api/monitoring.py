"""/api/v1/flags and /api/v1/follow-up-actions: struggling enterprises."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import Optional

from portfolio.api import bp
from portfolio.api.common import MAX_ID, api_requires, created, json_body, page_json
from portfolio.api.formdata import query_args, validated
from portfolio.api.listing import ID, ListArgs, page_args
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import json_value
from portfolio.domain.monitoring.vocabulary import ActionStatus, FlagRuleCode, RiskLevel
from portfolio.domain.permissions import Permission
from portfolio.models import Commune, Enterprise, db
from portfolio.reporting.flags import (
    ActionFilter,
    ActionRow,
    FlagFilter,
    action_detail,
    action_page,
    enterprise_flags,
    open_flag_page,
)
from portfolio.services.follow_up import create_action, owner_choices, resolve_action
from portfolio.web.access import region_scope
from portfolio.web.fields import EMPTY
from portfolio.web.monitoring.forms import ActionForm, ResolveForm
from portfolio.web.monitoring.reasons import reason

INTEGER, TEXT = {"type": "integer"}, {"type": "string"}
DAY = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _flag_properties() -> dict[str, Any]:
    return {
        "id": INTEGER,
        "enterprise_id": INTEGER,
        "rule": {"type": "string", "enum": [r.value for r in FlagRuleCode]},
        "level": {"type": "string", "enum": [lv.value for lv in RiskLevel]},
        "reason": {**TEXT, "description": "The flag in plain words, in the user's language"},
        "evidence": {"type": "object", "description": "The values that raised the flag"},
        "visit_id": _nullable(INTEGER),
        "loan_id": _nullable(INTEGER),
        "raised_at": MOMENT,
        "cleared_at": _nullable(MOMENT),
    }


def _flag_page_schema() -> dict[str, Any]:
    flag = _object({**_flag_properties(), "enterprise": TEXT, "region_id": INTEGER})
    counts = {"type": "integer", "minimum": 0}
    return _object(
        {
            "items": {"type": "array", "items": flag},
            "page": counts,
            "per_page": counts,
            "total": counts,
            "pages": counts,
        }
    )


def _enterprise_flags_schema() -> dict[str, Any]:
    flag = _object(_flag_properties())
    return _object(
        {
            "enterprise_id": INTEGER,
            "level": {"type": "string", "enum": [lv.value for lv in RiskLevel]},
            "open": {"type": "array", "items": flag},
            "history": {"type": "array", "items": flag},
        }
    )


def _action_properties() -> dict[str, Any]:
    return {
        "id": INTEGER,
        "enterprise_id": INTEGER,
        "enterprise": TEXT,
        "flag_id": _nullable(INTEGER),
        "flag_rule": {"type": ["string", "null"]},
        "kind": TEXT,
        "description": TEXT,
        "owner_id": INTEGER,
        "owner": TEXT,
        "due_on": DAY,
        "status": TEXT,
        "resolved_on": _nullable(DAY),
        "resolution_note": _nullable(TEXT),
        "created_by": TEXT,
        "created_at": MOMENT,
        "overdue": {"type": "boolean"},
    }


def _action_page_schema() -> dict[str, Any]:
    counts = {"type": "integer", "minimum": 0}
    return _object(
        {
            "items": {"type": "array", "items": _object(_action_properties())},
            "page": counts,
            "per_page": counts,
            "total": counts,
            "pages": counts,
        }
    )


FLAG_PAGE = Shape("FlagPage", _flag_page_schema)
ENTERPRISE_FLAGS = Shape("EnterpriseFlags", _enterprise_flags_schema)
ACTION = Shape("FollowUpAction", lambda: _object(_action_properties()))
ACTION_PAGE = Shape("FollowUpActionPage", _action_page_schema)


class FlagListArgs(ListArgs):
    sector_id = IntegerField(_l("Sector"), validators=[Optional(), ID])
    level = SelectField(
        _l("Level"),
        choices=[EMPTY, *(SelectChoice(lv.value, lv.value) for lv in RiskLevel if lv.rank)],
        validators=[Optional()],
    )
    rule = SelectField(
        _l("Signal"),
        choices=[EMPTY, *(SelectChoice(r.value, r.value) for r in FlagRuleCode)],
        validators=[Optional()],
    )


def _yes_no(text) -> SelectField:
    # A query string has no booleans: "true" or "false", left out meaning false.
    return SelectField(
        text,
        choices=[EMPTY, SelectChoice("true", "true"), SelectChoice("false", "false")],
        validators=[Optional()],
    )


class ActionListArgs(ListArgs):
    mine = _yes_no(_l("Only my actions"))
    overdue = _yes_no(_l("Only overdue actions"))
    resolved = _yes_no(_l("Include resolved actions"))


def _flag_json(flag: Any) -> dict[str, Any]:
    body = {
        name: json_value(getattr(flag, name, None))
        for name in _flag_properties()
        if name != "reason"
    }
    body["evidence"] = dict(flag.evidence or {})
    body["reason"] = reason(flag.rule, flag.level, flag.evidence)
    return body


def _action_json(row: ActionRow) -> dict[str, Any]:
    body = {
        name: json_value(getattr(row, name)) for name in _action_properties() if name != "overdue"
    }
    body["overdue"] = row.overdue()
    return body


def _enterprise_in_scope(enterprise_id: int) -> Enterprise:
    if enterprise_id > MAX_ID:
        abort(404)
    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    scope = region_scope()
    if scope is not None and db.session.get(Commune, enterprise.commune_id).region_id != scope:
        abort(404)
    return enterprise


@bp.get("/flags")
@api_requires(Permission.VIEW_MONITORING)
@documented(
    _l("Open flags on struggling enterprises, gravest first"), FLAG_PAGE, query=FlagListArgs
)
def list_flags():
    args = query_args(FlagListArgs)
    f = FlagFilter(
        programme_id=args.programme_id.data,
        region_id=args.region_id.data,
        sector_id=args.sector_id.data,
        level=RiskLevel(args.level.data) if args.level.data else None,
        rule=FlagRuleCode(args.rule.data) if args.rule.data else None,
        scope_region_id=region_scope(),
    )
    page = open_flag_page(f, *page_args(args))
    body = page_json(page)
    body["items"] = [
        {**_flag_json(row), "enterprise": row.enterprise, "region_id": row.region_id}
        for row in page.items
    ]
    return body


@bp.get("/enterprises/<int:enterprise_id>/flags")
@api_requires(Permission.VIEW_MONITORING)
@documented(_l("An enterprise's level, open flags and cleared ones"), ENTERPRISE_FLAGS)
def enterprise_flag_list(enterprise_id: int):
    enterprise = _enterprise_in_scope(enterprise_id)
    flags = enterprise_flags(enterprise.id)
    return {
        "enterprise_id": enterprise.id,
        "level": flags.level.value,
        "open": [_flag_json(f) for f in flags.open],
        "history": [_flag_json(f) for f in flags.history],
    }


@bp.get("/follow-up-actions")
@api_requires(Permission.VIEW_MONITORING)
@documented(_l("Follow-up actions (open ones unless asked)"), ACTION_PAGE, query=ActionListArgs)
def list_follow_up_actions():
    args = query_args(ActionListArgs)
    page = action_page(
        ActionFilter(
            owner_id=current_user.id if args.mine.data == "true" else None,
            status=None if args.resolved.data == "true" else ActionStatus.OPEN,
            overdue_only=args.overdue.data == "true",
            scope_region_id=region_scope(),
        ),
        *page_args(args),
    )
    body = page_json(page)
    body["items"] = [_action_json(row) for row in page.items]
    return body


@bp.post("/follow-up-actions")
@api_requires(Permission.RECORD_FOLLOW_UP)
@documented(
    _l("Plan a follow-up action on an enterprise (or one of its flags); due today or later"),
    ACTION,
    status=201,
    body=ActionForm,
)
def create_follow_up_action():
    form = validated(
        ActionForm,
        json_body(),
        prepare=lambda form: form.load_choices(owner_choices(region_scope())),
    )
    action = create_action(
        {
            "enterprise_id": form.enterprise_id.data,
            "flag_id": form.flag_id.data,
            "kind": form.kind.data,
            "description": form.description.data,
            "owner_id": form.owner_id.data,
            "due_on": form.due_on.data,
        },
        created_by_id=current_user.id,
        scope_region_id=region_scope(),
    )
    row = action_detail(action.id)
    return created(_action_json(row), url_for("api.list_follow_up_actions", _external=False))


@bp.post("/follow-up-actions/<int:action_id>/resolve")
@api_requires(Permission.RECORD_FOLLOW_UP)
@documented(
    _l("Resolve a follow-up action with a note saying what was done"), ACTION, body=ResolveForm
)
def resolve_follow_up_action(action_id: int):
    if action_id > MAX_ID or action_detail(action_id, region_scope()) is None:
        abort(404)
    form = validated(ResolveForm, json_body())
    resolve_action(action_id, form.resolution_note.data, scope_region_id=region_scope())
    return _action_json(action_detail(action_id))
