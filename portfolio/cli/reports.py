"""`flask --app portfolio reports …`: donor reports from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from portfolio.reporting.donor_report import programme_by_code
from portfolio.reports_render.donor import FORMATS, LANGUAGES, ReportError, donor_report
from portfolio.services.audit import record_event

reports = AppGroup("reports", help="Donor reports.")

DAY = click.DateTime(formats=["%Y-%m-%d"])


@reports.command("donor")
@click.option("--programme", "code", required=True, help="Programme code, e.g. UE-OIM-2017.")
@click.option("--from", "period_from", required=True, type=DAY, help="First day (YYYY-MM-DD).")
@click.option("--to", "period_to", required=True, type=DAY, help="Last day (YYYY-MM-DD).")
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="pdf", show_default=True
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: the report's own name, in the current folder).",
)
def donor(code: str, period_from, period_to, fmt: str, lang: str, out: Path | None) -> None:
    """Write the donor report of a programme for a period, as PDF or XLSX."""
    started = time.perf_counter()
    programme = programme_by_code(code.strip())
    if programme is None:
        raise click.ClickException(f"Unknown programme: {code}")
    try:
        report = donor_report(programme, period_from.date(), period_to.date(), lang, fmt)
    except ReportError as error:
        raise click.ClickException(error.message) from None
    out = out or Path(report.filename)
    out.write_bytes(report.content)
    record_event(
        "donor_report",
        "programme",
        {
            "period_from": period_from.date(),
            "period_to": period_to.date(),
            "lang": lang,
            "format": fmt,
            "file": str(out),
        },
        record_id=programme.id,
    )
    click.echo(
        f"{out} written ({len(report.content):,} bytes, {time.perf_counter() - started:.1f} s)."
    )
