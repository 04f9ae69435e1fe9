"""Every rule has a plain-words reason, with its evidence, in English and French."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from portfolio.domain.monitoring.vocabulary import FlagRuleCode, RiskLevel
from portfolio.web.monitoring.reasons import reason

C, L = FlagRuleCode, RiskLevel

CASES = {
    C.LOAN_DAYS_PAST_DUE: (
        {"days_past_due": 47, "loan_id": 12},
        "Loan no. 12: 47 days past due",
        "Prêt n° 12 : 47 jours de retard",
    ),
    C.BUSINESS_STATUS: (
        {"visit_id": 1, "visited_on": "2026-03-12", "status": "temporarily_closed"},
        "Business temporarily closed at the visit of 12/03/2026",
        "Activité fermée temporairement à la visite du 12/03/2026",
    ),
    C.SALES_DROP: (
        {
            "visit_id": 2,
            "visited_on": "2026-06-01",
            "previous_visited_on": "2026-03-12",
            "previous_sales_xof": 45_000,
            "sales_xof": 20_000,
            "drop_pct": 56,
            "two_falls": False,
        },
        "Monthly sales down 56 % since the visit of 12/03/2026 "
        "(45,000\u00a0FCFA → 20,000\u00a0FCFA)",
        "Ventes mensuelles en baisse de 56 % depuis la visite du 12/03/2026 "
        "(45\u202f000\u00a0FCFA → 20\u202f000\u00a0FCFA)",
    ),
    C.KIT_RETAINED: (
        {"visit_id": 3, "visited_on": "2026-06-01", "retained_pct": 25, "kit_sold": False},
        "Kit: 25 % of its value still present",
        "Kit : 25 % de la valeur encore présente",
    ),
    C.DSCR: (
        {"dscr": "0.85", "net_income_xof": 8_500, "instalment_xof": 10_000, "loan_id": 3},
        "Net income covers the instalment 0.85 times (8,500\u00a0FCFA a month for "
        "10,000\u00a0FCFA a month)",
        "Le revenu net couvre 0,85 fois l’échéance (8\u202f500\u00a0FCFA par mois pour "
        "10\u202f000\u00a0FCFA par mois)",
    ),
    C.COMPOSITE_SCORE: (
        {"score": "0.3", "floor": "0.33", "visited_on": "2026-06-01"},
        "Reintegration score 0.30, below the floor of 0.33",
        "Score de réintégration de 0,30, sous le plancher de 0,33",
    ),
    C.VISITS_OVERDUE: (
        {"overdue": 2},
        "2 planned visits overdue",
        "2 visites prévues en retard",
    ),
    C.OWNER_ABSENT: (
        {"absences": 2, "visit_id": 4, "visited_on": "2026-06-01"},
        "Owner absent at the last 2 visits",
        "Propriétaire absent aux 2 dernières visites",
    ),
}


def test_every_rule_has_a_case():
    assert set(CASES) == set(FlagRuleCode)


@pytest.mark.parametrize("rule", list(FlagRuleCode))
def test_reason_in_english(app, rule):
    evidence, english, _french = CASES[rule]
    with force_locale("en"):
        assert reason(rule, L.AT_RISK, evidence) == english


@pytest.mark.parametrize("rule", list(FlagRuleCode))
def test_reason_in_french(app, rule):
    evidence, _english, french = CASES[rule]
    with force_locale("fr"):
        assert reason(rule, L.AT_RISK, evidence) == french


def test_variants(app):
    with force_locale("en"):
        assert reason(C.LOAN_DAYS_PAST_DUE, L.WATCH, {"days_past_due": 1, "loan_id": 5}) == (
            "Loan no. 5: 1 day past due"
        )
        assert reason(C.OWNER_ABSENT, L.WATCH, {"absences": 1}) == (
            "Owner absent at the latest visit"
        )
        assert reason(C.KIT_RETAINED, L.AT_RISK, {"retained_pct": None, "kit_sold": True}) == (
            "Kit sold, in whole or in part"
        )
        assert reason(C.BUSINESS_STATUS, L.AT_RISK, {"status": "not_found"}).startswith(
            "Business not found"
        )
        both = reason(
            C.COMPOSITE_SCORE,
            L.AT_RISK,
            {
                "score": "0.3",
                "floor": "0.33",
                "previous_score": "0.5",
                "previous_visited_on": "2026-03-12",
            },
        )
        assert "down from 0.50 to 0.30 since the visit of 12/03/2026" in both
        assert "below the floor" in both
        # Broken evidence still gives a sentence, never an error.
        assert reason(C.SALES_DROP, L.WATCH, {}).startswith("Monthly sales down 0 %")
        assert reason(C.DSCR, L.WATCH, None)
