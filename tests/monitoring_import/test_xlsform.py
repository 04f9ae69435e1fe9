"""The XLSForm: converts with pyxform, mirrors the visit form, lists the region's enterprises."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pyxform.xls2xform import convert

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.vocabulary import Role
from portfolio.services.xlsform import build_xlsform, enterprise_choices
from portfolio.web.labels import label


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_form_converts_with_pyxform_and_asks_every_question(enterprises, users):
    region_id = users[Role.MONITOR].region_id
    data = build_xlsform(region_id, enterprise_choices(region_id), label_of=label)
    warnings: list[str] = []

    xform = convert(data, warnings=warnings, file_type=".xlsx").xform

    assert warnings == []
    for item in REINTEGRATION_ITEMS:
        assert f"/{item.dimension.value}/{item.code}" in xform
    for path in ("/business/monthly_sales_xof", "/kit/kit_retained_pct", "/problems", "/gps"):
        assert path in xform
    assert 'lang="French (fr)" default="true()"' in xform
    assert 'constraint=". &lt;= today()"' in xform


def test_the_form_has_its_three_sheets_and_the_enterprises_of_the_region_only(enterprises, users):
    region_id = users[Role.MONITOR].region_id

    sheets = _sheets(build_xlsform(region_id, enterprise_choices(region_id), label_of=label))

    assert set(sheets) == {"survey", "choices", "settings"}
    survey_header = sheets["survey"][0]
    assert {"label::French (fr)", "label::English (en)", "constraint_message::French (fr)"} <= set(
        survey_header
    )
    listed = [row[1] for row in sheets["choices"] if row[0] == "enterprise"]
    assert listed == [str(enterprises["kayes"])]
    settings = dict(zip(sheets["settings"][0], sheets["settings"][1], strict=True))
    assert settings["form_id"].startswith("portfolio_visit")
    assert settings["default_language"] == "French (fr)"
    assert settings["version"]


def test_the_command_writes_the_form_for_a_region(enterprises, runner, tmp_path):
    out = tmp_path / "form.xlsx"

    result = runner.invoke(args=["visits", "xlsform", "--out", str(out), "--region", "Ségou"])

    assert result.exit_code == 0, result.output
    listed = [row[1] for row in _sheets(out.read_bytes())["choices"] if row[0] == "enterprise"]
    assert listed == [str(enterprises["other"])]
    refused = runner.invoke(args=["visits", "xlsform", "--out", str(out), "--region", "Atlantis"])
    assert refused.exit_code != 0
