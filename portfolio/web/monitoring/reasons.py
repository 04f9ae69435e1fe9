"""Plain-words reasons: the sentence a flag shows, in the reader's language.

Built from the flag's rule, level and evidence (the values stored when the
flag was raised), so a flag reads the same in French and English and its
numbers are those that raised it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import ngettext

from portfolio.domain.monitoring.vocabulary import BusinessStatus, FlagRuleCode, RiskLevel
from portfolio.web.i18n import day, money, ratio


def _date(value: object) -> str:
    if not value:
        return "?"
    try:
        return day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _number(value: object) -> str:
    try:
        return ratio(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return "?"


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _money(value: object) -> str:
    return money(value) if isinstance(value, int) and not isinstance(value, bool) else "?"


def _days_past_due(ev: Mapping[str, object]) -> str:
    days = _int(ev.get("days_past_due"))
    if ev.get("loan_id"):
        return ngettext(
            "Loan no. %(loan)s: %(num)d day past due",
            "Loan no. %(loan)s: %(num)d days past due",
            days,
            loan=ev.get("loan_id"),
        )
    return ngettext("%(num)d day past due", "%(num)d days past due", days)


def _business_status(ev: Mapping[str, object]) -> str:
    on = _date(ev.get("visited_on"))
    status = ev.get("status")
    if status == BusinessStatus.TEMPORARILY_CLOSED:
        return _("Business temporarily closed at the visit of %(date)s", date=on)
    if status == BusinessStatus.MOVED:
        return _("Business moved away at the visit of %(date)s", date=on)
    if status == BusinessStatus.NOT_FOUND:
        return _("Business not found at the visit of %(date)s", date=on)
    return _("Business closed at the visit of %(date)s", date=on)


def _sales_drop(ev: Mapping[str, object]) -> str:
    values = {
        "pct": _int(ev.get("drop_pct")),
        "date": _date(ev.get("previous_visited_on")),
        "before": _money(ev.get("previous_sales_xof")),
        "after": _money(ev.get("sales_xof")),
    }
    if ev.get("two_falls"):
        return _(
            "Monthly sales down %(pct)d %% since the visit of %(date)s "
            "(%(before)s → %(after)s), the second fall in a row",
            **values,
        )
    return _(
        "Monthly sales down %(pct)d %% since the visit of %(date)s (%(before)s → %(after)s)",
        **values,
    )


def _kit_retained(ev: Mapping[str, object]) -> str:
    pct = ev.get("retained_pct")
    if ev.get("kit_sold"):
        if pct is None:
            return _("Kit sold, in whole or in part")
        return _("Kit partly sold: %(pct)d %% of its value still present", pct=_int(pct))
    return _("Kit: %(pct)d %% of its value still present", pct=_int(pct))


def _dscr(ev: Mapping[str, object]) -> str:
    return _(
        "Net income covers the instalment %(dscr)s times "
        "(%(income)s a month for %(instalment)s a month)",
        dscr=_number(ev.get("dscr")),
        income=_money(ev.get("net_income_xof")),
        instalment=_money(ev.get("instalment_xof")),
    )


def _composite_score(ev: Mapping[str, object]) -> str:
    parts = []
    if "previous_score" in ev:
        parts.append(
            _(
                "Reintegration score down from %(before)s to %(after)s since the visit of %(date)s",
                before=_number(ev.get("previous_score")),
                after=_number(ev.get("score")),
                date=_date(ev.get("previous_visited_on")),
            )
        )
    if "floor" in ev:
        parts.append(
            _(
                "Reintegration score %(score)s, below the floor of %(floor)s",
                score=_number(ev.get("score")),
                floor=_number(ev.get("floor")),
            )
        )
    if not parts:
        return _("Reintegration score %(score)s", score=_number(ev.get("score")))
    return " ; ".join(parts) if len(parts) > 1 else parts[0]


def _visits_overdue(ev: Mapping[str, object]) -> str:
    n = _int(ev.get("overdue"))
    return ngettext("%(num)d planned visit overdue", "%(num)d planned visits overdue", n)


def _owner_absent(ev: Mapping[str, object]) -> str:
    n = _int(ev.get("absences"))
    return ngettext(
        "Owner absent at the latest visit", "Owner absent at the last %(num)d visits", n
    )


_SENTENCES = {
    FlagRuleCode.LOAN_DAYS_PAST_DUE: _days_past_due,
    FlagRuleCode.BUSINESS_STATUS: _business_status,
    FlagRuleCode.SALES_DROP: _sales_drop,
    FlagRuleCode.KIT_RETAINED: _kit_retained,
    FlagRuleCode.DSCR: _dscr,
    FlagRuleCode.COMPOSITE_SCORE: _composite_score,
    FlagRuleCode.VISITS_OVERDUE: _visits_overdue,
    FlagRuleCode.OWNER_ABSENT: _owner_absent,
}


def reason(rule: FlagRuleCode | str, level: RiskLevel | str, evidence: Mapping | None) -> str:
    """The sentence for one flag, e.g. "Loan no. 12: 47 days past due"."""
    del level  # the badge beside the sentence says the level
    return _SENTENCES[FlagRuleCode(rule)](evidence or {})
