"""Enterprises and who runs them: the HTML list's filters, the HTML forms' rules."""

from __future__ import annotations

from typing import Any

import sqlalchemy.orm as so
from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import Optional

from portfolio.api import bp
from portfolio.api.common import api_requires, created, get_in_scope_or_404, json_body, page_json
from portfolio.api.formdata import query_args, validated
from portfolio.api.listing import ID, ListArgs, list_filter, page_args
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import form_values, json_value, page_schema, record_schema
from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import EnterpriseStatus, MemberRole, Sex
from portfolio.models import Enterprise, EnterpriseMember
from portfolio.reporting.enterprises import EnterpriseRow, enterprise_page
from portfolio.services.enterprises import create_enterprise, update_enterprise
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope
from portfolio.web.enterprises.forms import EnterpriseForm, NewEnterpriseForm
from portfolio.web.labels import choices

TIMESTAMP = {"type": "string", "format": "date-time"}
MEMBER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "beneficiary_id": {"type": "integer"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "sex": {"type": "string", "enum": [s.value for s in Sex]},
        "role": {"type": "string", "enum": [r.value for r in MemberRole]},
    },
    "required": ["id", "beneficiary_id", "first_name", "last_name", "sex", "role"],
    "additionalProperties": False,
}
READ_ONLY = {
    "id": {"type": "integer"},
    "region_id": {"type": "integer"},
    "members": {"type": "array", "items": MEMBER},
    "jobs": {"type": "integer", "description": "Members + paid employees + family workers."},
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
}
ENTERPRISE = Shape("Enterprise", lambda: record_schema(EnterpriseForm, READ_ONLY))
ENTERPRISE_PAGE = Shape("EnterprisePage", lambda: page_schema(EnterpriseRow))


class EnterpriseListArgs(ListArgs):
    sector_id = IntegerField(_l("Sector"), validators=[Optional(), ID])
    #: Sex of the owner or president.
    sex = SelectField(_l("Sex"), choices=choices(Sex), validators=[Optional()])
    status = SelectField(_l("Status"), choices=choices(EnterpriseStatus), validators=[Optional()])


def _choices(form: EnterpriseForm) -> None:
    form.load_choices(region_scope())


def enterprise_json(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "id": enterprise.id,
        "region_id": enterprise.commune.region_id,
        "members": [
            {
                "id": member.id,
                "beneficiary_id": member.beneficiary_id,
                "first_name": member.beneficiary.first_name,
                "last_name": member.beneficiary.last_name,
                "sex": json_value(member.beneficiary.sex),
                "role": json_value(member.role),
            }
            for member in enterprise.members
        ],
        "jobs": enterprise.jobs,
        "created_at": json_value(enterprise.created_at),
        "updated_at": json_value(enterprise.updated_at),
        **form_values(EnterpriseForm, enterprise),
    }


@bp.get("/enterprises")
@api_requires(Permission.VIEW_ENTERPRISES)
@documented(_l("List enterprises"), ENTERPRISE_PAGE, query=EnterpriseListArgs)
def list_enterprises():
    args = query_args(EnterpriseListArgs)
    return page_json(enterprise_page(list_filter(args), *page_args(args)))


@bp.get("/enterprises/<int:enterprise_id>")
@api_requires(Permission.VIEW_ENTERPRISES)
@documented(_l("One enterprise, with its members"), ENTERPRISE)
def show_enterprise(enterprise_id: int):
    members = so.selectinload(Enterprise.members).joinedload(EnterpriseMember.beneficiary)
    return enterprise_json(get_in_scope_or_404(Enterprise, enterprise_id, [members]))


@bp.post("/enterprises")
@api_requires(Permission.EDIT_ENTERPRISES)
@documented(
    _l("Create an enterprise, led by an existing beneficiary (owner_id)"),
    ENTERPRISE,
    status=201,
    body=NewEnterpriseForm,
)
def create_enterprise_view():
    form = validated(NewEnterpriseForm, json_body(), prepare=_choices)
    values = {k: v for k, v in form.data.items() if k != "owner_id"}
    try:
        enterprise = create_enterprise(values, form.owner_id.data, region_scope())
    except ServiceError as error:
        if error.field == "beneficiary_id":  # the service's name for the owner
            error.field = "owner_id"
        raise
    return created(
        enterprise_json(enterprise), url_for("api.show_enterprise", enterprise_id=enterprise.id)
    )


@bp.patch("/enterprises/<int:enterprise_id>")
@api_requires(Permission.EDIT_ENTERPRISES)
@documented(
    _l("Change some fields of an enterprise"), ENTERPRISE, body=EnterpriseForm, partial=True
)
def patch_enterprise(enterprise_id: int):
    enterprise = get_in_scope_or_404(Enterprise, enterprise_id)
    form = validated(EnterpriseForm, json_body(), current=enterprise, prepare=_choices)
    update_enterprise(enterprise, form.data, region_scope())
    return enterprise_json(enterprise)
