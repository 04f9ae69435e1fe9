"""Struggling enterprises, follow-up actions, scores by place, and the monitoring settings."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.vocabulary import (
    ActionStatus,
    Dimension,
    FlagRuleCode,
    RiskLevel,
)
from portfolio.domain.permissions import Permission
from portfolio.models import Commune, Enterprise, db
from portfolio.reporting.flags import (
    FLAGGED_LEVELS,
    ActionFilter,
    action_detail,
    action_page,
    enterprise_flags,
    level_counts,
    struggling_page,
    struggling_rows,
)
from portfolio.reporting.scores import ScoreFilter, enterprise_scores, place_scores
from portfolio.services.audit import record_event
from portfolio.services.follow_up import create_action, owner_choices, resolve_action
from portfolio.services.monitoring_rules import (
    RULE_UNITS,
    WEIGHT_CODES,
    RuleChange,
    Unit,
    current_cadence,
    current_weights,
    rules_in_order,
    update_cadence,
    update_rules,
    update_weights,
)
from portfolio.services.unit_of_work import ServiceError
from portfolio.web.access import region_scope, requires, user_can
from portfolio.web.fields import programme_choices, region_choices, sector_choices
from portfolio.web.forms import show_service_error
from portfolio.web.labels import choices, label
from portfolio.web.listing import page_args, table_response
from portfolio.web.monitoring import bp
from portfolio.web.monitoring.forms import (
    ActionForm,
    ActionListForm,
    CadenceForm,
    FlagFilterForm,
    ResolveForm,
    RulesForm,
    WeightsForm,
    flag_filter,
)
from portfolio.web.monitoring.reasons import reason

MAX_ID = 2**31 - 1


def _in_scope(enterprise_id: int | None) -> Enterprise | None:
    if not enterprise_id or enterprise_id > MAX_ID:
        return None
    enterprise = db.session.get(Enterprise, enterprise_id)
    scope = region_scope()
    if enterprise is None:
        return None
    if scope is not None and db.session.get(Commune, enterprise.commune_id).region_id != scope:
        return None
    return enterprise


@bp.app_context_processor
def _template_helpers():
    def monitoring_panel(enterprise_id: int):
        """Flags, history, actions and scores of one enterprise (None: not allowed)."""
        if not user_can(Permission.VIEW_MONITORING) or _in_scope(enterprise_id) is None:
            return None
        return {
            "flags": enterprise_flags(enterprise_id),
            "scores": enterprise_scores(enterprise_id),
        }

    return {"monitoring_panel": monitoring_panel, "flag_reason": reason}


# ------------------------------------------------------------ struggling list


def _filters() -> FlagFilterForm:
    form = FlagFilterForm(formdata=request.args)
    form.validate()  # a hand-edited, invalid filter is ignored rather than an error page
    return form


@bp.get("/")
@requires(Permission.VIEW_MONITORING)
def index():
    form = _filters()
    f = flag_filter(form, region_scope())
    page, per_page = page_args()
    return render_template(
        "monitoring/index.html",
        page=struggling_page(f, page, per_page),
        counts=level_counts(f),
        levels=FLAGGED_LEVELS,
        filters=form,
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        sectors=sector_choices(),
        level_choices=[c for c in choices(RiskLevel) if c.value != RiskLevel.OK],
        rule_choices=choices(FlagRuleCode),
    )


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@requires(Permission.EXPORT_PERSONAL_DATA)
def export(fmt: str):
    """Enterprise names often carry their owner's: exported like personal data, and logged."""
    f = flag_filter(_filters(), region_scope())
    record_event("export", "flag", {"filters": request.query_string.decode()[:500], "format": fmt})
    header = [
        _("Enterprise no."),
        _("Enterprise"),
        _("Programme"),
        _("Commune"),
        _("Region"),
        _("Level"),
        _("Open flags"),
        _("Reasons"),
    ]

    def cells(row) -> list:
        return [
            row.enterprise_id,
            row.name,
            row.programme_code,
            row.commune,
            row.region,
            label(row.level),
            row.open_flags,
            " | ".join(reason(fl.rule, fl.level, fl.evidence) for fl in row.flags),
        ]

    return table_response(
        f"entreprises-en-difficulte-{date.today().isoformat()}",
        header,
        (cells(row) for row in struggling_rows(f)),
        fmt,
    )


# ----------------------------------------------------------- follow-up actions


@bp.get("/actions")
@requires(Permission.VIEW_MONITORING)
def actions():
    form = ActionListForm(formdata=request.args)
    form.validate()
    page, per_page = page_args()
    f = ActionFilter(
        owner_id=current_user.id if form.mine.data else None,
        status=None if form.resolved.data else ActionStatus.OPEN,
        overdue_only=bool(form.overdue.data),
        scope_region_id=region_scope(),
    )
    return render_template(
        "monitoring/actions.html",
        page=action_page(f, page, per_page),
        filters=form,
        today=date.today(),
    )


@bp.route("/actions/nouvelle", methods=["GET", "POST"])
@requires(Permission.RECORD_FOLLOW_UP)
def new_action():
    enterprise_id = request.values.get("enterprise_id", type=int)
    enterprise = _in_scope(enterprise_id)
    if enterprise is None:
        abort(404)
    flag_id = request.values.get("flag_id", type=int)
    form = ActionForm(data={"enterprise_id": enterprise.id, "flag_id": flag_id})
    form.load_choices(owner_choices(region_scope()))
    if request.method == "GET" and form.owner_id.data is None:
        form.owner_id.data = current_user.id
    flags = enterprise_flags(enterprise.id)
    if form.validate_on_submit():
        try:
            create_action(
                {
                    "enterprise_id": enterprise.id,
                    "flag_id": form.flag_id.data,
                    "kind": form.kind.data,
                    "description": form.description.data,
                    "owner_id": form.owner_id.data,
                    "due_on": form.due_on.data,
                },
                created_by_id=current_user.id,
                scope_region_id=region_scope(),
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            flash(_("Follow-up action recorded."), "success")
            return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))
    flag = next((fl for fl in flags.open if fl.id == form.flag_id.data), None)
    return render_template(
        "monitoring/action_form.html", form=form, enterprise=enterprise, flag=flag
    )


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@requires(Permission.VIEW_MONITORING)
def action(action_id: int):
    row = action_detail(action_id, region_scope()) if action_id <= MAX_ID else None
    if row is None:
        abort(404)
    form = ResolveForm()
    if request.method == "POST":
        if not user_can(Permission.RECORD_FOLLOW_UP):
            abort(403)
        if form.validate_on_submit():
            try:
                resolve_action(action_id, form.resolution_note.data, scope_region_id=region_scope())
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(_("Action resolved."), "success")
                return redirect(url_for("monitoring.action", action_id=action_id))
    return render_template("monitoring/action.html", a=row, form=form, today=date.today())


# ----------------------------------------------------------------- scores


@bp.get("/scores")
@requires(Permission.VIEW_MONITORING)
def scores():
    form = _filters()
    f = flag_filter(form, region_scope())
    by = "region" if request.args.get("by") == "region" else "commune"
    rows = place_scores(
        ScoreFilter(
            programme_id=f.programme_id,
            region_id=f.region_id,
            sector_id=f.sector_id,
            scope_region_id=region_scope(),
        ),
        by,
    )
    return render_template(
        "monitoring/scores.html",
        rows=rows,
        by=by,
        filters=form,
        programmes=programme_choices(),
        regions=region_choices() if region_scope() is None else [],
        sectors=sector_choices(),
    )


# ------------------------------------------------------------------ settings


def _shown(value, unit: Unit):
    """A stored threshold as typed on the page (a percent for fractions)."""
    if value is None:
        return None
    if unit is Unit.PERCENT:
        return (value * 100).normalize()
    return value.normalize()


def _stored(value, unit: Unit):
    if value is None:
        return None
    return value / 100 if unit is Unit.PERCENT else value


_LEVELS = (RiskLevel.WATCH, RiskLevel.AT_RISK, RiskLevel.CRITICAL)


@bp.route("/reglages/regles", methods=["GET", "POST"])
@requires(Permission.MANAGE_MONITORING_RULES)
def rules():
    rows = rules_in_order()
    if request.method == "GET":
        data = {}
        for row in rows:
            unit = RULE_UNITS[row.code]
            data[f"{row.code.value}-enabled"] = row.enabled
            for level, column in zip(
                _LEVELS, ("watch_threshold", "at_risk_threshold", "critical_threshold"), strict=True
            ):
                data[f"{row.code.value}-{level.value}"] = _shown(getattr(row, column), unit)
        form = RulesForm(data=data)
    else:
        form = RulesForm()
    if form.validate_on_submit():
        changes = []
        for row in rows:
            unit = RULE_UNITS[row.code]
            values = {
                level: _stored(form[f"{row.code.value}-{level.value}"].data, unit)
                for level in _LEVELS
            }
            changes.append(
                RuleChange(
                    row.code,
                    bool(form[f"{row.code.value}-enabled"].data),
                    values[RiskLevel.WATCH],
                    values[RiskLevel.AT_RISK],
                    values[RiskLevel.CRITICAL],
                )
            )
        try:
            changed = update_rules(changes)
        except ServiceError as error:
            show_service_error(form, error)
            flash(error.message, "error")
        else:
            if changed:
                flash(_("Rules saved; every enterprise's flags were recomputed."), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("monitoring.rules"))
    return render_template(
        "monitoring/rules.html", form=form, rules=rows, units=RULE_UNITS, levels=_LEVELS
    )


@bp.route("/reglages/ponderations", methods=["GET", "POST"])
@requires(Permission.MANAGE_MONITORING_RULES)
def weights():
    if request.method == "GET":
        form = WeightsForm(data={k: v.normalize() for k, v in current_weights().items()})
    else:
        form = WeightsForm()
    if form.validate_on_submit():
        try:
            changed = update_weights({code: form[code].data for code in WEIGHT_CODES})
        except ServiceError as error:
            show_service_error(form, error)
        else:
            if changed:
                flash(_("Weights saved; visits were rescored and flags recomputed."), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("monitoring.weights"))
    items = {d: [i for i in REINTEGRATION_ITEMS if i.dimension == d] for d in Dimension}
    try:
        from portfolio.web.visits.forms import QUESTIONS
    except ImportError:  # pragma: no cover - the questions ship with the visits
        QUESTIONS = {}
    return render_template(
        "monitoring/weights.html",
        form=form,
        items=items,
        dimensions=list(Dimension),
        questions=QUESTIONS,
    )


@bp.route("/reglages/calendrier", methods=["GET", "POST"])
@requires(Permission.MANAGE_MONITORING_RULES)
def cadence():
    if request.method == "GET":
        form = CadenceForm(data={"months": ", ".join(str(m) for m in current_cadence())})
    else:
        form = CadenceForm()
    if form.validate_on_submit():
        months = form.month_values()
        if months is not None:
            try:
                added, removed = update_cadence(months)
            except ServiceError as error:
                show_service_error(form, error)
            else:
                flash(
                    _(
                        "Visit plan saved: %(added)d planned visits added, %(removed)d removed.",
                        added=added,
                        removed=removed,
                    ),
                    "success",
                )
                return redirect(url_for("monitoring.cadence"))
    return render_template("monitoring/cadence.html", form=form, current=current_cadence())
