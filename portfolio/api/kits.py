"""Kit handovers and the kit catalogue: the HTML pages' forms, services and permissions."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField
from wtforms.validators import Optional

from portfolio.api import bp
from portfolio.api.common import MAX_ID, ApiError, api_requires, created, json_body, page_json
from portfolio.api.formdata import query_args, to_formdata, validated
from portfolio.api.listing import ID, ListArgs, page_args
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import FORM_META, blank_form, json_value, page_schema
from portfolio.domain.permissions import Permission
from portfolio.reporting.kits import DeliveryDetail, DeliveryRow, delivery_detail, delivery_page
from portfolio.reporting.kits import kit_templates as read_kit_templates
from portfolio.services.journal import DuplicateSubmission
from portfolio.services.kits import record_kit_delivery, reverse_kit_delivery
from portfolio.web.access import region_scope
from portfolio.web.kits.forms import (
    MAX_ITEMS,
    DeliveryForm,
    ItemRow,
    ReversalForm,
    items_data,
    kit_filter,
)

INTEGER, TEXT = {"type": "integer"}, {"type": "string"}
DAY = {"type": "string", "format": "date"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


ITEM = {"name": TEXT, "quantity": INTEGER, "unit_cost_xof": INTEGER, "value_xof": INTEGER}


def _delivery_schema() -> dict[str, Any]:
    reversal = _object({"reversed_on": DAY, "reason": TEXT, "reversed_by": _nullable(TEXT)})
    return _object(
        {
            "id": INTEGER,
            "certificate_number": TEXT,
            "delivered_on": DAY,
            "delivered_by": TEXT,
            "enterprise_id": INTEGER,
            "enterprise_name": TEXT,
            "region_id": INTEGER,
            "programme_code": TEXT,
            "budget_line_id": INTEGER,
            "budget_line": TEXT,
            "template_id": _nullable(INTEGER),
            "template_name": _nullable(TEXT),
            "value_xof": {**INTEGER, "description": "Σ quantity × unit cost, XOF (FCFA)"},
            "items": {"type": "array", "items": _object(ITEM)},
            "journal_entry_id": _nullable(INTEGER),
            "reversed": {"type": "boolean"},
            "reversal": {"oneOf": [{"type": "null"}, reversal]},
            "recorded_at": {"type": "string", "format": "date-time"},
            "recorded_by": TEXT,
        }
    )


def _page_schema() -> dict[str, Any]:
    schema = page_schema(DeliveryRow)
    schema["properties"]["total_value_xof"] = {
        **INTEGER,
        "description": "Value of the filtered handovers not reversed, XOF (FCFA)",
    }
    schema["required"].append("total_value_xof")
    return schema


def _templates_schema() -> dict[str, Any]:
    template = _object(
        {
            "id": INTEGER,
            "name": TEXT,
            "sector_id": INTEGER,
            "sector_code": TEXT,
            "active": {"type": "boolean"},
            "value_xof": INTEGER,
            "items": {
                "type": "array",
                "items": _object({**ITEM, "supplier": _nullable(TEXT)}),
            },
        }
    )
    return _object({"items": {"type": "array", "items": template}})


DELIVERY = Shape("KitDelivery", _delivery_schema)
DELIVERY_PAGE = Shape("KitDeliveryPage", _page_schema)
TEMPLATES = Shape("KitTemplateList", _templates_schema)


class KitListArgs(ListArgs):
    sector_id = IntegerField(_l("Sector"), validators=[Optional(), ID])
    template_id = IntegerField(_l("Kit"), validators=[Optional(), ID])
    enterprise_id = IntegerField(_l("Enterprise number"), validators=[Optional(), ID])
    from_on = DateField(_l("Handed over from"), validators=[Optional()])
    to_on = DateField(_l("Handed over until"), validators=[Optional()])


def delivery_json(kit: DeliveryDetail) -> dict[str, Any]:
    names = (
        "id",
        "certificate_number",
        "delivered_on",
        "delivered_by",
        "enterprise_id",
        "enterprise_name",
        "region_id",
        "programme_code",
        "budget_line_id",
        "budget_line",
        "template_id",
        "template_name",
        "value_xof",
    )
    body = {name: json_value(getattr(kit, name)) for name in names}
    body["items"] = [{name: getattr(item, name) for name in ITEM} for item in kit.items]
    body["journal_entry_id"] = kit.journal_entry_id
    body["reversed"] = kit.reversed
    body["reversal"] = (
        {
            "reversed_on": json_value(kit.reversed_on),
            "reason": kit.reversal_reason,
            "reversed_by": kit.reversed_by,
        }
        if kit.reversed
        else None
    )
    body["recorded_at"] = json_value(kit.recorded_at)
    body["recorded_by"] = kit.recorded_by
    return body


def _in_scope(delivery_id: int) -> DeliveryDetail:
    if delivery_id > MAX_ID:
        abort(404)
    return delivery_detail(delivery_id, region_scope()) or abort(404)


def _item_formdata(items: Any) -> MultiDict:
    """The JSON list of items as the form rows a browser would send (items-0-name...)."""
    if not isinstance(items, list):
        raise ApiError(
            422, _("Some fields are not valid."), {"items": [_("Send a list of items.")]}
        )
    if len(items) > MAX_ITEMS:
        message = _("At most %(max)d items.", max=MAX_ITEMS)
        raise ApiError(422, _("Some fields are not valid."), {"items": [message]})
    formdata, problems = MultiDict(), {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not any(v is not None for v in item.values()):
            problems[f"items.{index}"] = [
                _("Send an object with name, quantity and unit_cost_xof.")
            ]
            continue
        try:
            row = to_formdata(ItemRow(), item)
        except ApiError as error:
            for name, messages in (error.fields or {}).items():
                problems[f"items.{index}.{name}"] = messages
            continue
        for name, value in row.items():
            formdata[f"items-{index}-{name}"] = value
    if problems:
        raise ApiError(422, _("Some fields are not valid."), problems)
    return formdata


def _form_errors(form: DeliveryForm) -> dict[str, list[str]]:
    """Form errors as flat field names: a row's error is `items.<row>.<field>`."""
    fields: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        for position, message in enumerate(messages):
            if isinstance(message, dict):
                for field, texts in message.items():
                    fields[f"{name}.{position}.{field}"] = [str(t) for t in texts]
            else:
                fields.setdefault(name or "_form", []).append(str(message))
    return fields


def _validated_delivery(body: dict[str, Any]) -> DeliveryForm:
    items = body.pop("items", [])
    formdata = to_formdata(blank_form(DeliveryForm), body)
    formdata.update(_item_formdata(items))
    form = DeliveryForm(formdata=formdata, meta=FORM_META).load_choices()
    if not form.validate():
        raise ApiError(422, _("Some fields are not valid."), _form_errors(form))
    return form


@bp.get("/kits")
@api_requires(Permission.VIEW_LEDGER)
@documented(
    _l("List kit handovers, with the value of those not reversed"), DELIVERY_PAGE, query=KitListArgs
)
def list_kit_deliveries():
    args = query_args(KitListArgs)
    page = delivery_page(kit_filter(args, region_scope()), *page_args(args))
    return {**page_json(page), "total_value_xof": page.total_value_xof}


@bp.get("/kits/<int:delivery_id>")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("One kit handover, with its items"), DELIVERY)
def show_kit_delivery(delivery_id: int):
    return delivery_json(_in_scope(delivery_id))


@bp.post("/kits")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l(
        "Record a kit handover. `items` is a list of objects {name, quantity, unit_cost_xof}; "
        "the value is Σ quantity × unit cost. Send an `idempotency_key`: sending it again "
        "records nothing new and answers 200 with the first handover."
    ),
    DELIVERY,
    status=201,
    body=DeliveryForm,
)
def create_kit_delivery():
    form = _validated_delivery(json_body())
    try:
        delivery = record_kit_delivery(
            form.values(),
            items_data(form.items),
            recorded_by_id=current_user.id,
            idempotency_key=form.idempotency_key.data or None,
        )
    except DuplicateSubmission as duplicate:
        if duplicate.entry.kit_delivery_id is None:  # the key of some other kind of record
            message = _("This idempotency key was already used for another record.")
            raise ApiError(422, message, {"idempotency_key": [message]}) from None
        return delivery_json(_in_scope(duplicate.entry.kit_delivery_id))
    return created(
        delivery_json(_in_scope(delivery.id)),
        url_for("api.show_kit_delivery", delivery_id=delivery.id),
    )


@bp.post("/kits/<int:delivery_id>/reversal")
@api_requires(Permission.RECORD_LEDGER)
@documented(
    _l("Reverse a mistaken kit handover (it stays, shown as reversed; its value stops counting)"),
    DELIVERY,
    body=ReversalForm,
)
def reverse_kit_delivery_view(delivery_id: int):
    kit = _in_scope(delivery_id)
    form = validated(ReversalForm, json_body())
    reverse_kit_delivery(kit.id, form.reason.data, current_user.id)
    return delivery_json(_in_scope(kit.id))


@bp.get("/kit-templates")
@api_requires(Permission.VIEW_LEDGER)
@documented(_l("The kit catalogue: one kit per trade, with its items"), TEMPLATES)
def list_kit_templates():
    return {
        "items": [
            {
                "id": kit.id,
                "name": kit.name,
                "sector_id": kit.sector_id,
                "sector_code": kit.sector_code,
                "active": kit.active,
                "value_xof": kit.value_xof,
                "items": [
                    {name: getattr(item, name) for name in (*ITEM, "supplier")}
                    for item in kit.items
                ],
            }
            for kit in read_kit_templates()
        ]
    }
