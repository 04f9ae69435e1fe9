"""/api/v1/flags, /api/v1/enterprises/<id>/flags and /api/v1/follow-up-actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import BusinessStatus
from portfolio.domain.vocabulary import Role
from portfolio.models import Flag, FollowUpAction, db
from portfolio.services.flags import refresh_enterprises
from tests.api.conftest import Api
from tests.monitoring_flags.conftest import TODAY, add_visit, days_ago

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def api(app, client, users) -> Api:
    return Api(app, client, users)


@pytest.fixture
def flagged(make):
    kayes, sikasso = make("Kayes"), make("Sikasso")
    add_visit(kayes, days_ago(2), status=BusinessStatus.CLOSED, owner_present=False)
    add_visit(sikasso, days_ago(3), status=BusinessStatus.TEMPORARILY_CLOSED)
    refresh_enterprises([kayes.id, sikasso.id])
    db.session.commit()
    return kayes, sikasso


def test_list_flags_with_filters(api, flagged):
    kayes, sikasso = flagged
    body = api.get("/api/v1/flags").get_json()
    assert body["total"] == 3
    assert [f["level"] for f in body["items"]][0] == "at_risk"
    first = body["items"][0]
    assert first["reason"].startswith("Activité fermée à la visite du")  # French first
    assert first["evidence"]["status"] == "closed"
    watch = api.get("/api/v1/flags?level=watch").get_json()
    assert {f["rule"] for f in watch["items"]} == {"business_status", "owner_absent"}
    assert api.get("/api/v1/flags?rule=owner_absent").get_json()["total"] == 1
    assert api.get("/api/v1/flags?level=nope").status_code == 422
    # A monitor sees their region only.
    mine = api.get("/api/v1/flags", role=Role.MONITOR).get_json()
    assert {f["enterprise_id"] for f in mine["items"]} == {kayes.id}


def test_enterprise_flags(api, flagged):
    kayes, sikasso = flagged
    body = api.get(f"/api/v1/enterprises/{kayes.id}/flags").get_json()
    assert body["level"] == "at_risk" and len(body["open"]) == 2 and body["history"] == []
    assert api.get(f"/api/v1/enterprises/{sikasso.id}/flags", role=Role.MONITOR).status_code == 404
    assert api.get("/api/v1/enterprises/999999/flags").status_code == 404


def test_create_list_and_resolve_actions(api, flagged, users):
    kayes, _ = flagged
    flag = db.session.scalar(sa.select(Flag).where(Flag.enterprise_id == kayes.id))
    payload = {
        "enterprise_id": kayes.id,
        "flag_id": flag.id,
        "kind": "psychosocial_referral",
        "description": "Orientation vers un psychologue",
        "owner_id": users[Role.MONITOR].id,
        "due_on": (TODAY + timedelta(days=7)).isoformat(),
    }
    response = api.post("/api/v1/follow-up-actions", payload, role=Role.MONITOR)
    assert response.status_code == 201, response.get_json()
    action = response.get_json()
    assert action["status"] == "open" and action["flag_rule"] == flag.rule.value
    listed = api.get("/api/v1/follow-up-actions?mine=true", role=Role.MONITOR).get_json()
    assert [a["id"] for a in listed["items"]] == [action["id"]]
    refused = api.post(f"/api/v1/follow-up-actions/{action['id']}/resolve", {}, role=Role.MONITOR)
    assert refused.status_code == 422
    done = api.post(
        f"/api/v1/follow-up-actions/{action['id']}/resolve",
        {"resolution_note": "Rendez-vous pris"},
        role=Role.MONITOR,
    )
    assert done.status_code == 200 and done.get_json()["status"] == "resolved"
    assert api.get("/api/v1/follow-up-actions").get_json()["total"] == 0
    assert api.get("/api/v1/follow-up-actions?resolved=true").get_json()["total"] == 1


def test_bad_actions_are_refused(api, flagged, users):
    kayes, sikasso = flagged
    base = {
        "enterprise_id": kayes.id,
        "kind": "other",
        "description": "Appeler",
        "owner_id": users[Role.MONITOR].id,
        "due_on": (TODAY - timedelta(days=1)).isoformat(),
    }
    past = api.post("/api/v1/follow-up-actions", base)
    assert past.status_code == 422
    assert "due_on" in past.get_json()["error"]["fields"]
    outside = api.post(
        "/api/v1/follow-up-actions",
        {**base, "enterprise_id": sikasso.id, "due_on": TODAY.isoformat()},
        role=Role.MONITOR,
    )
    assert outside.status_code == 422
    assert api.post("/api/v1/follow-up-actions", {**base, "kind": "x"}).status_code == 422
    assert api.post("/api/v1/follow-up-actions", base, role=Role.FINANCE).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(FollowUpAction.id))) == 0
    assert (
        api.post("/api/v1/follow-up-actions/999999/resolve", {"resolution_note": "x"}).status_code
        == 404
    )
