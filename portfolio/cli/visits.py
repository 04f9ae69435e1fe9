"""`flask --app portfolio visits …`: the XLSForm and Kobo/ODK export imports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from portfolio.domain.monitoring.submission import ExportFormat
from portfolio.services.visit_import import import_visits
from portfolio.services.visit_import_rows import UnreadableExport, read_export
from portfolio.services.xlsform import build_xlsform, enterprise_choices, region_named
from portfolio.web.labels import label

visits = AppGroup("visits", help="Field visits: XLSForm for Kobo/ODK, importing their exports.")


@visits.command("xlsform")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--region", default=None, help="Only the enterprises of this region (its name).")
def xlsform_command(out: Path, region: str | None) -> None:
    """Write the visit form as an XLSForm (.xlsx) for KoboToolbox or ODK Central."""
    region_id = None
    if region:
        region_id = region_named(region)
        if region_id is None:
            raise click.BadParameter(f"unknown region {region!r}", param_hint="--region")
    choices = enterprise_choices(region_id)
    out.write_bytes(build_xlsform(region_id, choices, label_of=label))
    click.echo(f"{out}: {len(choices)} enterprises", err=True)


@visits.command("import")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "export_format",
    type=click.Choice([f.value for f in ExportFormat]),
    default=None,
    help="Detected from the columns when not given.",
)
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(export: Path, export_format: str | None, dry_run: bool, as_json: bool) -> None:
    """Import visits from a KoboToolbox (CSV/XLSX) or ODK Central (CSV) export."""
    data = export.read_bytes()
    chosen = ExportFormat(export_format) if export_format else None
    try:
        total = len(read_export(data, chosen).rows)
    except UnreadableExport as error:
        raise click.ClickException(error.message) from None
    # Each row is checked once, then written once (adds and updates).
    with click.progressbar(
        length=total * (1 if dry_run else 2),
        label="Import",
        file=sys.stderr,
    ) as bar:
        report = import_visits(data, export_format=chosen, dry_run=dry_run, progress=bar.update)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
        return
    note = "dry run, nothing written, " if dry_run else ""
    click.echo(
        f"{report.format.value}: {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.rejected)} rejected "
        f"({note}{report.seconds:.1f} s)"
    )
    for outcome in report.rejected:
        click.echo(f"row {outcome.row}: {outcome.reason}", err=True)
