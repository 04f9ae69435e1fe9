"""Export headers: Kobo (`/`) and ODK Central (`-`) names map to the form's questions."""

from __future__ import annotations

from portfolio.domain.monitoring.submission import (
    ExportFormat,
    column_map,
    detect_format,
    is_refused_review,
)


def test_the_format_is_recognised_from_the_meta_columns():
    assert detect_format(["enterprise", "meta/instanceID", "_uuid"]) is ExportFormat.KOBO
    assert detect_format(["SubmissionDate", "enterprise", "meta-instanceID", "KEY"]) is (
        ExportFormat.ODK
    )
    assert detect_format(["loan_id", "amount_xof"]) is None


def test_group_paths_and_meta_columns_map_to_the_questions():
    headers = [
        "business/monthly_sales_xof",
        "problems",
        "problems/raw_materials",
        "_gps_latitude",
        "meta/instanceID",
        "meta/deprecatedID",
        "elsewhere/monthly_costs_xof",
    ]

    found = column_map(headers, ExportFormat.KOBO)

    assert found == {
        "monthly_sales_xof": 0,
        "problems": 1,
        "gps_latitude": 3,
        "instance_id": 4,
        "deprecated_id": 5,
    }
    odk = column_map(["business-stock_level", "gps-Latitude", "ReviewState"], ExportFormat.ODK)
    assert odk == {"stock_level": 0, "gps_latitude": 1, "review_state": 2}


def test_a_submission_a_supervisor_turned_down_is_recognised():
    assert is_refused_review("rejected")
    assert is_refused_review("validation_status_not_approved")
    assert not is_refused_review("approved")
    assert not is_refused_review("")
