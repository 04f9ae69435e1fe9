"""/api/v1/visits and /api/v1/visit-plan: the visit form's fields, services and permissions."""

from __future__ import annotations

import dataclasses
import typing
from decimal import Decimal
from typing import Any

from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from portfolio.api import bp
from portfolio.api.common import MAX_ID, ApiError, api_requires, created, json_body, page_json
from portfolio.api.formdata import query_args, to_formdata
from portfolio.api.listing import ID, MAX_PAGE, _page_size
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import FORM_META, blank_form, json_value, type_schema
from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.vocabulary import (
    BusinessStatus,
    KitItemCondition,
    Problem,
    VisitSource,
)
from portfolio.domain.permissions import Permission
from portfolio.reporting.pagination import MAX_PER_PAGE
from portfolio.reporting.visits import (
    TABS,
    PlanFilter,
    PlanRow,
    VisitDetail,
    VisitFilter,
    VisitRow,
    plan_page,
    visit_detail,
    visit_page,
)
from portfolio.services.visits import DuplicateVisit, record_visit
from portfolio.web.access import region_scope
from portfolio.web.forms import BaseForm
from portfolio.web.visits.forms import VisitApiForm

INTEGER, TEXT, NUMBER = {"type": "integer"}, {"type": "string"}, {"type": "number"}
SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
SCORES = ("economic_score", "social_score", "psychosocial_score", "composite_score")
ITEM_CODES = tuple(item.code for item in REINTEGRATION_ITEMS)


def _score(value: Decimal | None) -> float | None:
    # Scores are ratios 0..1 with 6 places, not money: a JSON number is exact enough.
    return None if value is None else float(value)


def _row_schema(row_type: type) -> dict[str, Any]:
    hints = typing.get_type_hints(row_type)
    names = [f.name for f in dataclasses.fields(row_type)]
    properties = {
        name: SCORE if hints[name] == Decimal | None else type_schema(hints[name]) for name in names
    }
    return {
        "type": "object",
        "properties": properties,
        "required": names,
        "additionalProperties": False,
    }


def _page_schema(row_type: type) -> dict[str, Any]:
    counts = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _row_schema(row_type)},
            **{name: counts for name in ("page", "per_page", "total", "pages")},
        },
        "required": ["items", "page", "per_page", "total", "pages"],
        "additionalProperties": False,
    }


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _visit_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": INTEGER,
        "enterprise_id": INTEGER,
        "enterprise_name": TEXT,
        "region_id": INTEGER,
        "visited_on": {"type": "string", "format": "date"},
        "monitor_id": _nullable(INTEGER),
        "monitor": _nullable(TEXT),
        "owner_present": {"type": "boolean"},
        "business_status": {"type": "string", "enum": [s.value for s in BusinessStatus]},
        "stock_level": _nullable(TEXT),
        "monthly_sales_xof": _nullable(INTEGER),
        "monthly_costs_xof": _nullable(INTEGER),
        "net_income_xof": _nullable(INTEGER),
        "paid_employees": INTEGER,
        "family_workers": INTEGER,
        "kit_retained_pct": _nullable(INTEGER),
        "kit_sold": {"type": "boolean"},
        "support_needed": _nullable(TEXT),
        "latitude": _nullable(NUMBER),
        "longitude": _nullable(NUMBER),
        "gps_accuracy_m": _nullable(NUMBER),
        "has_photo": {"type": "boolean"},
        "notes": _nullable(TEXT),
        **{code: {"type": ["integer", "null"], "minimum": 0, "maximum": 4} for code in ITEM_CODES},
        **{name: SCORE for name in SCORES},
        "problems": {
            "type": "array",
            "items": {"type": "string", "enum": [p.value for p in Problem]},
        },
        "kit_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": TEXT,
                    "quantity": INTEGER,
                    "unit_cost_xof": INTEGER,
                    "condition": {"type": "string", "enum": [c.value for c in KitItemCondition]},
                },
                "required": ["name", "quantity", "unit_cost_xof", "condition"],
                "additionalProperties": False,
            },
        },
        "planned_sequence": _nullable(INTEGER),
        "planned_due_on": {"type": ["string", "null"], "format": "date"},
        "source": TEXT,
        "instance_id": _nullable(TEXT),
        "recorded_at": {"type": "string", "format": "date-time"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


VISIT = Shape("Visit", _visit_schema)
VISIT_PAGE = Shape("VisitPage", lambda: _page_schema(VisitRow))
PLAN_PAGE = Shape("VisitPlanPage", lambda: _page_schema(PlanRow))


class _Paged(BaseForm):
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    region_id = IntegerField(_l("Region"), validators=[Optional(), ID])
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(1, MAX_PAGE)])
    per_page = IntegerField(
        _l("Rows per page"),
        default=_page_size,
        validators=[Optional(), NumberRange(1, MAX_PER_PAGE)],
    )


class VisitListArgs(_Paged):
    enterprise_id = IntegerField(_l("Enterprise number"), validators=[Optional(), ID])
    monitor_id = IntegerField(_l("Monitor"), validators=[Optional(), ID])
    business_status = SelectField(
        _l("State of the business"),
        validators=[Optional()],
        choices=[SelectChoice("", "—"), *(SelectChoice(s.value, s.value) for s in BusinessStatus)],
    )
    from_on = DateField(_l("Visited from"), validators=[Optional()])
    to_on = DateField(_l("Visited until"), validators=[Optional()])


class PlanArgs(_Paged):
    monitor = IntegerField(
        _l("Monitor (0: not assigned)"), validators=[Optional(), NumberRange(0, MAX_ID)]
    )
    status = SelectField(
        _l("Which visits"),
        validators=[Optional()],
        choices=[SelectChoice("", "—"), *(SelectChoice(tab, tab) for tab in TABS)],
    )


def _page(args: _Paged) -> tuple[int, int]:
    return args.page.data or 1, args.per_page.data or _page_size()


def visit_json(d: VisitDetail) -> dict[str, Any]:
    v = d.visit
    names = (
        "id",
        "enterprise_id",
        "visited_on",
        "monitor_id",
        "owner_present",
        "business_status",
        "stock_level",
        "monthly_sales_xof",
        "monthly_costs_xof",
        "net_income_xof",
        "paid_employees",
        "family_workers",
        "kit_retained_pct",
        "kit_sold",
        "support_needed",
        "latitude",
        "longitude",
        "gps_accuracy_m",
        "notes",
        *ITEM_CODES,
        "source",
        "instance_id",
    )
    body = {name: json_value(getattr(v, name)) for name in names}
    body.update(
        enterprise_name=d.enterprise_name,
        region_id=d.region_id,
        monitor=d.monitor,
        has_photo=bool(v.photo_file),
        problems=[json_value(p) for p in d.problems],
        kit_items=[
            {
                "name": k.name,
                "quantity": k.quantity,
                "unit_cost_xof": k.unit_cost_xof,
                "condition": json_value(k.condition),
            }
            for k in d.kit_items
        ],
        planned_sequence=d.planned_sequence,
        planned_due_on=json_value(d.planned_due_on),
        recorded_at=json_value(v.created_at),
        **{name: _score(getattr(v, name)) for name in SCORES},
    )
    return body


def _scored_page(page) -> dict[str, Any]:
    body = page_json(page)
    for item in body["items"]:
        for name in SCORES:
            if name in item:
                item[name] = _score(item[name])
    return body


def _in_scope(visit_id: int) -> VisitDetail:
    if visit_id > MAX_ID:
        abort(404)
    return visit_detail(visit_id, region_scope()) or abort(404)


@bp.get("/visits")
@api_requires(Permission.VIEW_MONITORING)
@documented(
    _l("List follow-up visits, latest first, with their scores"), VISIT_PAGE, query=VisitListArgs
)
def list_visits():
    args = query_args(VisitListArgs)
    scope = region_scope()
    f = VisitFilter(
        enterprise_id=args.enterprise_id.data,
        monitor_id=args.monitor_id.data,
        region_id=args.region_id.data,
        business_status=args.business_status.data or None,
        from_on=args.from_on.data,
        to_on=args.to_on.data,
        q=(args.q.data or "").strip() or None,
        scope_region_id=scope,
    )
    return _scored_page(visit_page(f, *_page(args)))


@bp.get("/visits/<int:visit_id>")
@api_requires(Permission.VIEW_MONITORING)
@documented(_l("One visit: answers, kit items, problems and scores"), VISIT)
def show_visit(visit_id: int):
    return visit_json(_in_scope(visit_id))


def _problems(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ApiError(
            422, _("Some fields are not valid."), {"problems": [_("Send a list of values.")]}
        )
    allowed = {p.value for p in Problem}
    if any(p not in allowed for p in value):
        raise ApiError(422, _("Some fields are not valid."), {"problems": [_("Unknown problem.")]})
    return value


def _kit_items(value: Any) -> dict[int, str]:
    if value is None:
        return {}
    message = _("Send a list of objects {delivery_item_id, condition}.")
    if not isinstance(value, list):
        raise ApiError(422, _("Some fields are not valid."), {"kit_items": [message]})
    conditions: dict[int, str] = {}
    for item in value:
        if (
            not isinstance(item, dict)
            or set(item) != {"delivery_item_id", "condition"}
            or not isinstance(item["delivery_item_id"], int)
            or isinstance(item["delivery_item_id"], bool)
            or not isinstance(item["condition"], str)
        ):
            raise ApiError(422, _("Some fields are not valid."), {"kit_items": [message]})
        conditions[item["delivery_item_id"]] = item["condition"]
    return conditions


@bp.post("/visits")
@api_requires(Permission.RECORD_VISITS)
@documented(
    _l(
        "Record a follow-up visit. `problems` is a list of problem codes; `kit_items` a list "
        "of {delivery_item_id, condition} for the items handed to the enterprise. Net income "
        "is sales − costs when left out; the share of the kit kept and the scores are "
        "computed. Send an `instance_id` (e.g. api:<uuid>): sending it again records nothing "
        "new and answers 200 with the first visit."
    ),
    VISIT,
    status=201,
    body=VisitApiForm,
)
def create_visit():
    body = json_body()
    problems = _problems(body.pop("problems", None))
    conditions = _kit_items(body.pop("kit_items", None))
    formdata = to_formdata(blank_form(VisitApiForm), body)
    form = VisitApiForm(formdata=formdata, meta=FORM_META)
    if not form.validate():
        fields = {
            name: [str(m) for m in messages]
            for name, messages in form.errors.items()
            if name not in ("problems", "kit_items")
        }
        raise ApiError(422, _("Some fields are not valid."), fields)
    try:
        visit = record_visit(
            form.values(),
            recorded_by_id=current_user.id,
            region_id=region_scope(),
            problems=problems,
            kit_conditions=conditions,
            source=VisitSource.API,
            instance_id=form.instance_id.data or None,
        )
    except DuplicateVisit as duplicate:
        return visit_json(_in_scope(duplicate.visit.id))
    return created(visit_json(_in_scope(visit.id)), url_for("api.show_visit", visit_id=visit.id))


@bp.get("/visit-plan")
@api_requires(Permission.VIEW_MONITORING)
@documented(
    _l(
        "Planned visits. `status`: todo (late or due within 7 days), overdue, week, upcoming "
        "or done; `monitor`: the assignee's user id (0: not assigned)."
    ),
    PLAN_PAGE,
    query=PlanArgs,
)
def list_visit_plan():
    args = query_args(PlanArgs)
    scope = region_scope()
    f = PlanFilter(
        tab=args.status.data or "todo",
        monitor_id=args.monitor.data,
        region_id=args.region_id.data,
        q=(args.q.data or "").strip() or None,
        scope_region_id=scope,
    )
    return page_json(plan_page(f, *_page(args)))
