"""Routes of the visit_imports blueprint: the XLSForm, upload → preview → import → summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portfolio.domain.monitoring.submission import ExportFormat
from portfolio.domain.permissions import Permission
from portfolio.services.visit_import import Action, import_visits
from portfolio.services.visit_import_rows import MAX_BYTES, UnreadableExport, read_export
from portfolio.services.xlsform import build_xlsform, enterprise_choices
from portfolio.web.access import region_scope, requires
from portfolio.web.fields import region_choices
from portfolio.web.labels import label
from portfolio.web.visit_imports import bp, storage
from portfolio.web.visit_imports.forms import EXTENSIONS, CommitForm, UploadForm, XlsformForm

#: Rows listed per kind on the preview (the counts are always complete).
SHOWN_ROWS = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsform_form() -> XlsformForm:
    form = XlsformForm(
        formdata=request.args if "region" in request.args else None, meta={"csrf": False}
    )
    form.region.choices = [SelectChoice("", _("All regions"))] + [
        SelectChoice(str(c.value), c.label) for c in region_choices()
    ]
    return form


@bp.get("/")
@requires(Permission.RECORD_VISITS)
def index():
    return render_template(
        "visit_imports/index.html",
        form=UploadForm(),
        xlsform=_xlsform_form() if region_scope() is None else None,
        max_mb=MAX_BYTES // (1024 * 1024),
    )


@bp.get("/xlsform")
@requires(Permission.RECORD_VISITS)
def xlsform():
    scope = region_scope()
    if scope is not None:
        region_id: int | None = scope  # a monitor gets the enterprises of their region
    else:
        text = request.args.get("region", "")
        region_id = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
        if text and region_id is None:
            abort(404)
    data = build_xlsform(region_id, enterprise_choices(region_id), label_of=label)
    name = "visite_suivi.xlsx" if region_id is None else f"visite_suivi_region_{region_id}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX_TYPE, as_attachment=True, download_name=name)


def _check_upload(form: UploadForm) -> bytes | None:
    upload = form.export.data
    name = (upload.filename or "").lower()
    if not name.endswith(EXTENSIONS):
        form.export.errors.append(_("Choose a .csv or .xlsx file exported from Kobo or ODK."))
        return None
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        form.export.errors.append(
            _("The file is larger than %(n)d MB.", n=MAX_BYTES // (1024 * 1024))
        )
        return None
    if name.endswith(".xlsx") != (data[:4] == b"PK\x03\x04"):
        form.export.errors.append(_("The content of the file does not match its extension."))
        return None
    try:
        read_export(
            data, ExportFormat(form.export_format.data) if form.export_format.data else None
        )
    except UnreadableExport as error:
        form.export.errors.append(error.message)
        return None
    return data


@bp.post("/")
@requires(Permission.RECORD_VISITS)
def upload():
    form = UploadForm()
    if form.validate_on_submit() and (data := _check_upload(form)) is not None:
        token = storage.keep(
            data,
            user_id=current_user.id,
            filename=Path(form.export.data.filename or "").name,
            export_format=form.export_format.data or None,
        )
        return redirect(url_for("visit_imports.preview", token=token))
    return (
        render_template(
            "visit_imports/index.html",
            form=form,
            xlsform=_xlsform_form() if region_scope() is None else None,
            max_mb=MAX_BYTES // (1024 * 1024),
        ),
        400,
    )


#: Marks the stored result of an import (shown by ``summary``), not an upload.
SUMMARY = "summary"


def _stored_or_404(token: str, *, summary: bool = False) -> storage.StoredExport:
    stored = storage.load(token, current_user.id)
    if stored is None or (stored.export_format == SUMMARY) != summary:
        abort(404)
    return stored


def _import(stored: storage.StoredExport, *, dry_run: bool):
    chosen = ExportFormat(stored.export_format) if stored.export_format else None
    return import_visits(
        stored.data,
        export_format=chosen,
        region_id=region_scope(),
        recorded_by_id=current_user.id,
        dry_run=dry_run,
    )


@bp.get("/<token>")
@requires(Permission.RECORD_VISITS)
def preview(token: str):
    stored = _stored_or_404(token)
    try:
        report = _import(stored, dry_run=True)
    except UnreadableExport as error:
        storage.forget(token)
        flash(error.message, "error")
        return redirect(url_for("visit_imports.index"))
    return render_template(
        "visit_imports/preview.html",
        stored=stored,
        report=report,
        Action=Action,
        shown=SHOWN_ROWS,
        form=CommitForm(),
    )


@bp.post("/<token>")
@requires(Permission.RECORD_VISITS)
def commit(token: str):
    stored = _stored_or_404(token)
    form = CommitForm()
    if not form.validate_on_submit():
        flash(_("The form expired: check the preview and import again."), "error")
        return redirect(url_for("visit_imports.preview", token=token))
    try:
        report = _import(stored, dry_run=False)
    except UnreadableExport as error:
        storage.forget(token)
        flash(error.message, "error")
        return redirect(url_for("visit_imports.index"))
    storage.forget(token)
    summary = {**report.as_json(), "filename": stored.filename, "format": report.format.value}
    token = storage.keep(
        json.dumps(summary).encode(), user_id=current_user.id, filename="", export_format=SUMMARY
    )
    flash(
        _(
            "Import done: %(added)d visits added, %(updated)d updated.",
            added=report.added,
            updated=report.updated,
        ),
        "success",
    )
    return redirect(url_for("visit_imports.summary", token=token))


@bp.get("/<token>/bilan")
@requires(Permission.RECORD_VISITS)
def summary(token: str):
    stored = _stored_or_404(token, summary=True)
    try:
        result = json.loads(stored.data)
    except ValueError:
        abort(404)
    if not isinstance(result, dict) or "added" not in result:
        abort(404)
    return render_template("visit_imports/summary.html", result=result)
