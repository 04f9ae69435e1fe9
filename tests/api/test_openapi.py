"""The OpenAPI document: valid, complete, derived from the forms, and true to the responses."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from portfolio.api.openapi import openapi_path
from portfolio.domain.vocabulary import Role, Sex
from portfolio.services.demo import seed_portfolio
from tests.api.conftest import beneficiary_payload, commune_in

URL = "/api/v1/openapi.json"


@pytest.fixture
def document(api) -> dict[str, Any]:
    response = api.get(URL, role=None)  # public: tools read it before having a token
    assert response.status_code == 200
    return response.json


def assert_matches(document: dict[str, Any], schema_name: str, instance: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).validate(instance)


def test_the_document_is_a_valid_openapi_description(document):
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearerAuth": []}]


def test_the_document_lists_every_api_route_and_method(app, document):
    routes = {
        (openapi_path(rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == routes
    assert ("/api/v1/enterprises/{enterprise_id}", "patch") in documented
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert hasattr(app.view_functions[rule.endpoint], "api_doc"), rule.rule


def test_each_operation_names_the_permission_it_needs(document):
    operations = document["paths"]
    assert operations["/api/v1/programmes"]["post"]["x-required-permission"] == (
        "programmes.manage"
    )
    assert operations["/api/v1/beneficiaries"]["get"]["x-required-permission"] == (
        "beneficiaries.view"
    )
    assert operations[URL]["get"]["security"] == []
    assert "401" in operations["/api/v1/sectors"]["post"]["responses"]


def test_request_schemas_follow_the_forms_rules(document):
    schemas = document["components"]["schemas"]
    person = schemas["BeneficiaryInput"]
    assert person["required"] == [
        "programme_id",
        "first_name",
        "last_name",
        "sex",
        "commune_id",
        "return_kind",
    ]
    assert person["properties"]["first_name"]["maxLength"] == 80
    assert person["properties"]["sex"]["enum"] == [s.value for s in Sex]
    assert person["properties"]["returned_on"]["format"] == "date"
    assert person["properties"]["woman_head_of_household"]["type"] == ["boolean", "null"]
    assert person["additionalProperties"] is False
    assert "required" not in schemas["BeneficiaryPatch"]
    assert "owner_id" in schemas["NewEnterpriseInput"]["required"]
    assert "owner_id" not in schemas["EnterprisePatch"]["properties"]
    assert schemas["ProgrammeInput"]["properties"]["budget_xof"]["type"] == "integer"
    assert schemas["ProgrammeInput"]["properties"]["currency"]["default"] == "XOF"
    parameters = {
        p["name"]: p for p in document["paths"]["/api/v1/beneficiaries"]["get"]["parameters"]
    }
    assert parameters["per_page"]["schema"]["maximum"] == 200
    assert parameters["return_kind"]["schema"]["enum"][0] == "assisted_voluntary"


def test_the_responses_match_the_documented_schemas(api, document, programme):
    seed_portfolio(5)
    payload = beneficiary_payload(programme.id, commune_in("Kayes").id)
    person = api.post("/api/v1/beneficiaries", json=payload).json

    assert_matches(document, "Beneficiary", person)
    assert_matches(document, "BeneficiaryPage", api.get("/api/v1/beneficiaries").json)
    enterprises = api.get("/api/v1/enterprises", role=Role.FINANCE).json
    assert_matches(document, "EnterprisePage", enterprises)
    one = api.get(f"/api/v1/enterprises/{enterprises['items'][0]['id']}").json
    assert_matches(document, "Enterprise", one)
    assert_matches(document, "ProgrammeList", api.get("/api/v1/programmes").json)
    assert_matches(document, "SectorList", api.get("/api/v1/sectors").json)
    assert_matches(document, "CommuneList", api.get("/api/v1/communes").json)
    assert_matches(document, "Error", api.post("/api/v1/beneficiaries", json={}).json)
    assert_matches(document, "Error", api.get("/api/v1/beneficiaries", role=None).json)
