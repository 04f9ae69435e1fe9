"""The donor report of one programme for one period, as PDF or XLSX, in French or English.

Layout: ``reports/donor/`` (report.html, report.css, workbook.toml). Figures:
``reporting.donor_report``. Used by the reports page and ``flask reports donor``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import TemplateError
from weasyprint import HTML

from portfolio.domain.ledger_vocabulary import Instrument
from portfolio.domain.monitoring.vocabulary import ActionKind, ActionStatus, RiskLevel
from portfolio.domain.vocabulary import Sex
from portfolio.reporting.donor_report import (
    BreakdownRow,
    DonorReportData,
    ProgrammeInfo,
    donor_report_data,
)
from portfolio.reports_render import charts
from portfolio.reports_render.layout import environment, layout_dir
from portfolio.reports_render.workbook import LayoutError, build_workbook
from portfolio.web.labels import label
from portfolio.web.monitoring.reasons import reason

REPORT = "donor"
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LANGUAGES = ("fr", "en")


class ReportError(ValueError):
    """A request no report can answer; ``field`` names the choice to correct."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class RenderedReport:
    filename: str
    mimetype: str
    content: bytes


def check_request(
    programme: ProgrammeInfo | None, period_from: date, period_to: date, lang: str, fmt: str
) -> ProgrammeInfo:
    """Refuse, with a message in the current language, what cannot make a report."""
    if programme is None:
        raise ReportError(_("Unknown programme."), "programme")
    if period_from > period_to:
        raise ReportError(_("The end of the period comes before its start."), "period_to")
    if fmt not in FORMATS:
        raise ReportError(_("Unknown format %(format)s: choose pdf or xlsx.", format=fmt), "format")
    if lang not in LANGUAGES:
        raise ReportError(_("Unknown language %(lang)s: choose fr or en.", lang=lang), "lang")
    return programme


def donor_report(
    programme: ProgrammeInfo | None,
    period_from: date,
    period_to: date,
    lang: str = "fr",
    fmt: str = "pdf",
) -> RenderedReport:
    programme = check_request(programme, period_from, period_to, lang, fmt)
    with force_locale(lang):
        data = donor_report_data(programme, period_from, period_to)
        context = report_context(data, lang)
        render = render_pdf if fmt == "pdf" else render_xlsx
        try:
            content = render(context)
        except (LayoutError, tomllib.TOMLDecodeError, TemplateError, OSError) as error:
            # A layout edited by hand (reports/): say what is wrong rather than fail.
            raise ReportError(
                _("The report layout has a mistake: %(error)s", error=str(error)), "format"
            ) from error
        stem = _("report") + f"-{programme.code}-{period_from:%Y%m%d}-{period_to:%Y%m%d}"
    return RenderedReport(f"{stem}.{fmt}", FORMATS[fmt], content)


# -- what the layout reads -----------------------------------------------------------------


def row_name(row: BreakdownRow, dimension: str, locale: str) -> str:
    if row.key == "total":
        return _("Total")
    if not row.key:
        return _("Not recorded")
    if dimension == "sex":
        return str(label(Sex(row.key)))
    return row.name(locale)


def key_figures(data: DonorReportData) -> list[tuple[str, object, str]]:
    """(label, value, format) of the key figures: the PDF's first page, the XLSX's first
    sheet. Formats: int, xof, percent, date."""
    s = data.summary
    return [
        (_("Beneficiaries"), s.beneficiaries, "int"),
        (_("of whom women"), s.women, "int"),
        (_("Share of women"), float(s.women_share), "percent"),
        (_("Enterprises"), s.enterprises, "int"),
        (_("Enterprises operating"), s.enterprises_active, "int"),
        (_("Jobs in operating enterprises"), s.jobs, "int"),
        (_("Communes reached"), s.communes, "int"),
        (_("Budget of the programme's lines"), s.budget_xof, "xof"),
        (_("Committed in the period"), s.committed_xof, "xof"),
        (_("Disbursed in the period"), s.disbursed_xof, "xof"),
        (_("Loans outstanding"), s.loans, "int"),
        (_("Principal outstanding"), s.outstanding_xof, "xof"),
        (_("Overdue (unpaid instalments)"), s.overdue_xof, "xof"),
        (_("PAR30"), float(s.par30), "percent"),
        (_("PAR90"), float(s.par90), "percent"),
        (_("Enterprises at risk or critical"), s.at_risk, "int"),
        (_("Follow-up visits due in the period"), s.visits_due, "int"),
        (_("Follow-up visits done"), s.visits_done, "int"),
    ]


def report_context(data: DonorReportData, lang: str) -> dict:
    instruments = [(i.value, str(label(i))) for i in Instrument]
    breakdowns = [
        ("sector", _("By sector"), _("Sector"), data.by_sector),
        ("region", _("By region"), _("Region"), data.by_region),
        ("sex", _("By sex"), _("Sex"), data.by_sex),
    ]
    return {
        "r": data,
        "s": data.summary,
        "lang": lang,
        "key_figures": key_figures(data),
        "instruments": instruments,
        "breakdowns": breakdowns,
        "row_name": lambda row, dimension: row_name(row, dimension, lang),
        "risk_levels": [(level.value, str(label(level))) for level in RiskLevel],
        "reason": reason,
        "bucket_label": _bucket,
        "label_of_level": lambda level: str(label(RiskLevel(level))),
        "action_kind": _action_kind,
        "action_status": _action_status,
        "generated_on": date.today(),
    }


def _charts(data: DonorReportData, instruments, french: bool) -> dict[str, str]:
    months = [m.month.strftime("%m/%y") for m in data.months]
    by_month = charts.stacked_columns(
        months,
        [(name, [m.disbursed_xof[value] for m in data.months]) for value, name in instruments],
        value_label=_("FCFA paid out"),
        french=french,
    )
    sectors = sorted(data.by_sector.rows, key=lambda row: -row.enterprises)
    by_sector = charts.horizontal_bars(
        [row_name(row, "sector", "fr" if french else "en") for row in sectors],
        [(_("Enterprises"), [row.enterprises for row in sectors])],
        value_label=_("Enterprises"),
        french=french,
    )
    levels = list(RiskLevel)
    risk = charts.horizontal_bars(
        [r.region for r in data.risk_by_region],
        [(str(label(lvl)), [r.levels[lvl.value] for r in data.risk_by_region]) for lvl in levels],
        value_label=_("Enterprises"),
        french=french,
        colours=[charts.RISK_COLOURS[lvl.value] for lvl in levels],
    )
    return {
        "disbursed_by_month": by_month,
        "enterprises_by_sector": by_sector,
        "risk_by_region": risk,
    }


def render_html(context: dict) -> str:
    return environment(REPORT).get_template("report.html").render(**context)


def render_pdf(context: dict) -> bytes:
    french = context["lang"] == "fr"
    context = {**context, "charts": _charts(context["r"], context["instruments"], french)}
    html = HTML(string=render_html(context), base_url=str(layout_dir(REPORT)) + "/")
    return html.write_pdf()


def render_xlsx(context: dict) -> bytes:
    return build_workbook(REPORT, records(context))


def records(context: dict) -> dict[str, list[dict]]:
    """The rows each sheet of workbook.toml may name as its `source`."""
    data: DonorReportData = context["r"]
    locale = context["lang"]

    def breakdown_rows(dimension: str, breakdown) -> list[dict]:
        return [
            {
                "name": row_name(row, dimension, locale),
                "beneficiaries": row.beneficiaries,
                "enterprises": row.enterprises,
                "jobs": row.jobs,
                **{f"{i}_xof": xof for i, xof in row.disbursed_xof.items()},
                "total_xof": row.total_xof,
            }
            for row in [*breakdown.rows, breakdown.total]
        ]

    p = data.programme
    return {
        "about": [
            {"item": _("Programme"), "value": f"{p.code} – {p.name}"},
            {"item": _("Donor"), "value": p.donor},
            {"item": _("Period from"), "value": data.period_from},
            {"item": _("Period to"), "value": data.period_to},
            {"item": _("Figures as of"), "value": data.as_of},
            {"item": _("Produced on"), "value": context["generated_on"]},
        ],
        "key_figures": [
            {"figure": name, "value": value, "format": fmt}
            for name, value, fmt in context["key_figures"]
        ],
        "by_sector": breakdown_rows("sector", data.by_sector),
        "by_region": breakdown_rows("region", data.by_region),
        "by_sex": breakdown_rows("sex", data.by_sex),
        "months": [
            {
                "month": m.month,
                **{f"{i}_xof": xof for i, xof in m.disbursed_xof.items()},
                "total_xof": m.total_xof,
            }
            for m in data.months
        ],
        "budget": [
            {
                "instrument": str(label(Instrument(b.instrument))),
                "budget_xof": b.budget_xof,
                "period_xof": b.disbursed_in_period_xof,
                "to_date_xof": b.disbursed_to_date_xof,
                "share": b.disbursed_to_date_xof / b.budget_xof if b.budget_xof else 0.0,
            }
            for b in data.budget
        ],
        "ageing": [
            {"bucket": _bucket(b.bucket), "loans": b.loans, "outstanding_xof": b.outstanding_xof}
            for b in data.loans.buckets
        ],
        "risk_by_region": [
            {"region": r.region, **r.levels, "total": sum(r.levels.values())}
            for r in data.risk_by_region
        ],
        "flagged": [
            {
                "enterprise": f.name,
                "enterprise_id": f.enterprise_id,
                "region": f.region,
                "sector": f.sector(locale),
                "level": str(label(RiskLevel(f.level))),
                "reasons": "; ".join(reason(rule, lvl, ev) for rule, lvl, ev in f.reasons),
            }
            for f in data.flagged
        ],
        "actions": [
            {
                "enterprise": a.enterprise,
                "kind": _action_kind(a.kind),
                "description": a.description,
                "owner": a.owner,
                "created_on": a.created_on,
                "due_on": a.due_on,
                "status": _action_status(a.status),
                "resolved_on": a.resolved_on,
            }
            for a in data.actions
        ],
    }


def _bucket(bucket: str) -> str:
    if bucket == "current":
        return _("up to date")
    if bucket == "180+":
        return _("more than 180 days")
    return _("%(range)s days", range=bucket.replace("-", "–"))


def _action_kind(kind: str) -> str:
    return str(label(ActionKind(kind)))


def _action_status(status: str) -> str:
    return str(label(ActionStatus(status)))
