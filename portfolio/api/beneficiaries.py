"""Beneficiaries: the HTML list's filters, the HTML form's rules, the same services."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from portfolio.api import bp
from portfolio.api.common import api_requires, created, get_in_scope_or_404, json_body, page_json
from portfolio.api.formdata import query_args, validated
from portfolio.api.listing import ListArgs, list_filter, page_args
from portfolio.api.openapi import Shape, documented
from portfolio.api.schema import form_values, json_value, page_schema, record_schema
from portfolio.domain.permissions import Permission
from portfolio.domain.vocabulary import MemberRole, ReturnKind, Sex
from portfolio.models import Beneficiary, Enterprise, EnterpriseMember, db
from portfolio.reporting.beneficiaries import BeneficiaryRow, beneficiary_page
from portfolio.services.beneficiaries import register_beneficiary, update_beneficiary
from portfolio.web.access import region_scope
from portfolio.web.beneficiaries.forms import BeneficiaryForm
from portfolio.web.labels import choices

TIMESTAMP = {"type": "string", "format": "date-time"}
READ_ONLY = {
    "id": {"type": "integer"},
    "region_id": {"type": "integer"},
    "enterprises": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "role": {"type": "string", "enum": [r.value for r in MemberRole]},
            },
            "required": ["id", "name", "role"],
            "additionalProperties": False,
        },
    },
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
}
BENEFICIARY = Shape("Beneficiary", lambda: record_schema(BeneficiaryForm, READ_ONLY))
BENEFICIARY_PAGE = Shape("BeneficiaryPage", lambda: page_schema(BeneficiaryRow))


class BeneficiaryListArgs(ListArgs):
    sex = SelectField(_l("Sex"), choices=choices(Sex), validators=[Optional()])
    return_kind = SelectField(
        _l("Kind of return"), choices=choices(ReturnKind), validators=[Optional()]
    )


def _choices(form: BeneficiaryForm) -> None:
    # A monitor can only pick communes and villages of their region.
    form.load_choices(region_scope())


def beneficiary_json(beneficiary: Beneficiary) -> dict[str, Any]:
    enterprises = db.session.execute(
        sa.select(Enterprise.id, Enterprise.name, EnterpriseMember.role)
        .join(EnterpriseMember, EnterpriseMember.enterprise_id == Enterprise.id)
        .where(EnterpriseMember.beneficiary_id == beneficiary.id)
        .order_by(Enterprise.name, Enterprise.id)
    )
    return {
        "id": beneficiary.id,
        "region_id": beneficiary.commune.region_id,
        "enterprises": [
            {"id": row.id, "name": row.name, "role": json_value(row.role)} for row in enterprises
        ],
        "created_at": json_value(beneficiary.created_at),
        "updated_at": json_value(beneficiary.updated_at),
        **form_values(BeneficiaryForm, beneficiary),
    }


@bp.get("/beneficiaries")
@api_requires(Permission.VIEW_BENEFICIARIES)
@documented(_l("List beneficiaries"), BENEFICIARY_PAGE, query=BeneficiaryListArgs)
def list_beneficiaries():
    args = query_args(BeneficiaryListArgs)
    return page_json(beneficiary_page(list_filter(args), *page_args(args)))


@bp.get("/beneficiaries/<int:beneficiary_id>")
@api_requires(Permission.VIEW_BENEFICIARIES)
@documented(_l("One beneficiary, with the enterprises they take part in"), BENEFICIARY)
def show_beneficiary(beneficiary_id: int):
    return beneficiary_json(get_in_scope_or_404(Beneficiary, beneficiary_id))


@bp.post("/beneficiaries")
@api_requires(Permission.EDIT_BENEFICIARIES)
@documented(_l("Register a beneficiary"), BENEFICIARY, status=201, body=BeneficiaryForm)
def create_beneficiary():
    form = validated(BeneficiaryForm, json_body(), prepare=_choices)
    beneficiary = register_beneficiary(form.data, region_scope())
    return created(
        beneficiary_json(beneficiary),
        url_for("api.show_beneficiary", beneficiary_id=beneficiary.id),
    )


@bp.patch("/beneficiaries/<int:beneficiary_id>")
@api_requires(Permission.EDIT_BENEFICIARIES)
@documented(
    _l("Change some fields of a beneficiary"), BENEFICIARY, body=BeneficiaryForm, partial=True
)
def patch_beneficiary(beneficiary_id: int):
    beneficiary = get_in_scope_or_404(Beneficiary, beneficiary_id)
    form = validated(BeneficiaryForm, json_body(), current=beneficiary, prepare=_choices)
    update_beneficiary(beneficiary, form.data, region_scope())
    return beneficiary_json(beneficiary)
