"""The monitoring pages: struggling list, enterprise panel, actions, scores, settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.domain.monitoring.vocabulary import (
    ActionKind,
    ActionStatus,
    BusinessStatus,
    FlagRuleCode,
    RiskLevel,
)
from portfolio.domain.vocabulary import Role
from portfolio.models import AuditEntry, Flag, FlagRule, FollowUpAction, ScoreWeight, Visit, db
from portfolio.services.flags import refresh_enterprises
from portfolio.services.follow_up import create_action
from tests.monitoring_flags.conftest import TODAY, add_visit, days_ago

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def flagged(make):
    """A closed business in Kayes (at risk) and one temporarily closed in Sikasso (watch)."""
    kayes, sikasso = make("Kayes"), make("Sikasso")
    add_visit(kayes, days_ago(40), monthly_sales_xof=45_000, composite_score=Decimal("0.5"))
    add_visit(
        kayes,
        days_ago(2),
        status=BusinessStatus.CLOSED,
        monthly_sales_xof=20_000,
        composite_score=Decimal("0.3"),
    )
    add_visit(
        sikasso,
        days_ago(3),
        status=BusinessStatus.TEMPORARILY_CLOSED,
        composite_score=Decimal("0.7"),
    )
    refresh_enterprises([kayes.id, sikasso.id])
    db.session.commit()
    return kayes, sikasso


def test_struggling_list_gravest_first_with_reasons(login, client, flagged):
    kayes, sikasso = flagged
    login(Role.MANAGER)
    page = client.get("/monitoring/").get_data(as_text=True)
    assert page.index(kayes.name) < page.index(sikasso.name) or kayes.name == sikasso.name
    assert "Monthly sales down 56 %" in page
    assert "Business temporarily closed at the visit of" in page
    only_watch = client.get("/monitoring/?level=watch").get_data(as_text=True)
    assert "Business temporarily closed" in only_watch and "Monthly sales down" not in only_watch
    by_rule = client.get("/monitoring/?rule=sales_drop").get_data(as_text=True)
    assert "Monthly sales down" in by_rule and "temporarily closed at" not in by_rule
    # A hand-edited filter is ignored, not an error.
    assert client.get("/monitoring/?level=zzz&region_id=abc&page=x").status_code == 200


def test_monitor_sees_only_their_region(login, client, flagged):
    kayes, sikasso = flagged
    login(Role.MONITOR)
    page = client.get("/monitoring/").get_data(as_text=True)
    assert "Monthly sales down" in page and "temporarily closed at" not in page
    assert client.get(f"/api/v1/enterprises/{sikasso.id}/flags").status_code in (401, 404)


def test_csv_export(login, client, flagged):
    login(Role.MANAGER)
    response = client.get("/monitoring/export.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert "Monthly sales down 56 %" in text and text.count("\n") == 3
    xlsx = client.get("/monitoring/export.xlsx?level=watch")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/monitoring/export.pdf").status_code == 404
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditEntry.action == "export", AuditEntry.table_name == "flag"
            )
        )
        == 2
    )
    login(Role.MONITOR)  # no bulk exports on a monitor's phone
    assert client.get("/monitoring/export.csv").status_code == 403


def test_enterprise_panel_shows_flags_history_and_actions(login, client, flagged, users):
    kayes, _ = flagged
    flag = db.session.scalar(
        sa.select(Flag).where(Flag.enterprise_id == kayes.id, Flag.rule == FlagRuleCode.SALES_DROP)
    )
    create_action(
        {
            "enterprise_id": kayes.id,
            "flag_id": flag.id,
            "kind": ActionKind.PARTNER_REFERRAL,
            "description": "Orienter vers la chambre des métiers",
            "owner_id": users[Role.MONITOR].id,
            "due_on": TODAY,
        },
        created_by_id=users[Role.MANAGER].id,
    )
    add_visit(kayes, days_ago(1), monthly_sales_xof=50_000)
    refresh_enterprises([kayes.id])
    db.session.commit()
    login(Role.MANAGER)
    page = client.get(f"/entreprises/{kayes.id}").get_data(as_text=True)
    assert "Difficulties and follow-up" in page
    assert "Flags cleared since" in page  # the closed status and sales drop cleared
    assert "Orienter vers la chambre des métiers" in page
    assert "Composite score over time:" in page


def test_record_and_resolve_an_action_through_the_pages(login, client, flagged, users):
    kayes, _ = flagged
    login(Role.MONITOR)
    flag = db.session.scalar(sa.select(Flag).where(Flag.enterprise_id == kayes.id))
    url = f"/monitoring/actions/nouvelle?enterprise_id={kayes.id}&flag_id={flag.id}"
    assert client.get(url).status_code == 200
    form = {
        "enterprise_id": kayes.id,
        "flag_id": flag.id,
        "kind": "extra_training",
        "description": "Formation",
        "owner_id": users[Role.MONITOR].id,
        "due_on": (TODAY - timedelta(days=1)).isoformat(),
    }
    refused = client.post(url, data=form)
    assert "The due date cannot be in the past." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(FollowUpAction.id))) == 0
    form["due_on"] = TODAY.isoformat()
    assert client.post(url, data=form).status_code == 302
    action = db.session.scalar(sa.select(FollowUpAction))
    mine = client.get("/monitoring/actions?mine=y").get_data(as_text=True)
    assert "Formation" in mine
    # Resolving needs a note.
    page = client.post(f"/monitoring/actions/{action.id}", data={"resolution_note": " "})
    assert page.status_code == 200
    db.session.refresh(action)
    assert action.status == ActionStatus.OPEN
    client.post(f"/monitoring/actions/{action.id}", data={"resolution_note": "Faite"})
    db.session.refresh(action)
    assert action.status == ActionStatus.RESOLVED and action.resolution_note == "Faite"


def test_action_outside_region_is_not_found(login, client, flagged, users):
    _, sikasso = flagged
    login(Role.MONITOR)
    assert client.get(f"/monitoring/actions/nouvelle?enterprise_id={sikasso.id}").status_code == 404


def test_permissions(login, client, flagged):
    login(Role.FINANCE)
    assert client.get("/monitoring/").status_code == 200
    assert client.get("/monitoring/reglages/regles").status_code == 403
    assert client.get("/monitoring/actions/nouvelle?enterprise_id=1").status_code == 403
    login(Role.MANAGER)
    assert client.get("/monitoring/reglages/ponderations").status_code == 403


def test_scores_by_place(login, client, flagged):
    login(Role.ADMIN)
    page = client.get("/monitoring/scores").get_data(as_text=True)
    assert "0.70" in page and "0.30" in page
    assert page.index("0.70") < page.index("0.30")  # ranked by composite
    by_region = client.get("/monitoring/scores?by=region").get_data(as_text=True)
    assert "Sikasso" in by_region


def rule_form(**overrides):
    data = {}
    for row in db.session.scalars(sa.select(FlagRule)):
        from portfolio.services.monitoring_rules import RULE_UNITS, Unit

        unit = RULE_UNITS[row.code]
        data[f"{row.code.value}-enabled"] = "y" if row.enabled else ""
        for level, value in (
            ("watch", row.watch_threshold),
            ("at_risk", row.at_risk_threshold),
            ("critical", row.critical_threshold),
        ):
            shown = None if value is None else (value * 100 if unit is Unit.PERCENT else value)
            data[f"{row.code.value}-{level}"] = "" if shown is None else str(shown.normalize())
    data = {k: v for k, v in data.items() if v != "" or not k.endswith("-enabled")}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_edit_rules_recomputes_and_audits(login, client, flagged):
    kayes, sikasso = flagged
    login(Role.ADMIN)
    assert client.get("/monitoring/reglages/regles").status_code == 200
    # Disable the business status rule: Sikasso's only flag clears.
    response = client.post(
        "/monitoring/reglages/regles", data=rule_form(**{"business_status-enabled": None})
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(FlagRule, FlagRuleCode.BUSINESS_STATUS).enabled
    assert not db.session.scalars(
        sa.select(Flag).where(Flag.enterprise_id == sikasso.id, Flag.cleared_at.is_(None))
    ).all()
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.table_name == "flag_rule"))
    assert audit.changes == {"code": "business_status", "enabled": [True, False]}
    assert audit.user_id is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("loan_days_past_due-at_risk", "1", "must be higher than the milder levels"),
        ("dscr-at_risk", "2", "must be lower than the milder levels"),
        ("sales_drop-watch", "-5", "cannot be negative"),
        ("sales_drop-watch", "abc", "Enter a number"),
        ("visits_overdue-watch", "1.5", "whole number"),
        ("kit_retained-watch", "150", "too large"),
        ("composite_score-critical", "0.5", "critical floor must be lower"),
    ],
)
def test_bad_rules_are_refused_with_a_message(login, client, flagged, field, value, message):
    login(Role.ADMIN)
    before = {
        r.code: (r.enabled, r.watch_threshold, r.at_risk_threshold, r.critical_threshold)
        for r in db.session.scalars(sa.select(FlagRule))
    }
    page = client.post("/monitoring/reglages/regles", data=rule_form(**{field: value}))
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    db.session.expire_all()
    after = {
        r.code: (r.enabled, r.watch_threshold, r.at_risk_threshold, r.critical_threshold)
        for r in db.session.scalars(sa.select(FlagRule))
    }
    assert after == before


def weight_form(**overrides):
    data = {
        code: str(w.normalize())
        for code, w in db.session.execute(sa.select(ScoreWeight.code, ScoreWeight.weight))
    }
    data.update(overrides)
    return data


def test_edit_weights_rescores_visits(login, client, make):
    e = make()
    visit = add_visit(e, days_ago(2), income_sufficiency=4, housing=0, support_network=2)
    login(Role.ADMIN)
    assert client.get("/monitoring/reglages/ponderations").status_code == 200
    response = client.post(
        "/monitoring/reglages/ponderations", data=weight_form(social="0", psychosocial="0")
    )
    assert response.status_code == 302
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.composite_score == Decimal(1)  # only the economic dimension counts now
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.table_name == "score_weight"))
        == 2
    )


def test_bad_weights_are_refused(login, client, make):
    login(Role.ADMIN)
    page = client.post(
        "/monitoring/reglages/ponderations",
        data=weight_form(economic="0", social="0", psychosocial="0"),
    ).get_data(as_text=True)
    assert "At least one dimension needs a weight above 0." in page
    page = client.post("/monitoring/reglages/ponderations", data=weight_form(work="-1"))
    assert "A weight cannot be negative." in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(ScoreWeight.weight == 0)) == 0


@pytest.mark.parametrize(
    ("months", "message"),
    [
        ("1, 3, 3", "Each step can appear only once."),
        ("0, 3", "from 1 to 120"),
        ("1, 121", "from 1 to 120"),
        ("1, trois", "Type whole numbers of months"),
    ],
)
def test_bad_cadence_is_refused(login, client, users, months, message):
    login(Role.ADMIN)
    page = client.post("/monitoring/reglages/calendrier", data={"months": months})
    assert message in page.get_data(as_text=True)
    from portfolio.services.monitoring_rules import current_cadence

    assert current_cadence() == [1, 3, 6, 12, 18]


def test_cadence_change(login, client, users):
    login(Role.ADMIN)
    response = client.post("/monitoring/reglages/calendrier", data={"months": "2; 6, 24"})
    assert response.status_code == 302
    from portfolio.services.monitoring_rules import current_cadence

    assert current_cadence() == [2, 6, 24]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEntry.table_name == "visit_cadence_step")
        )
        >= 2
    )


def test_level_badge_on_list(login, client, flagged):
    login(Role.ADMIN)
    page = client.get("/monitoring/").get_data(as_text=True)
    assert f"badge-{RiskLevel.AT_RISK.value}" in page
