"""Forms of the Kobo/ODK import pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField

from portfolio.web.forms import BaseForm

#: Extensions accepted; the content is checked too (an .xlsx must be a workbook).
EXTENSIONS = (".csv", ".xlsx")


class UploadForm(BaseForm):
    export = FileField(
        _l("Export file (CSV or Excel)"),
        validators=[FileRequired(_l("Choose the export file."))],
    )
    export_format = SelectField(
        _l("Exported from"),
        choices=[
            SelectChoice("", _l("Detect from the columns")),
            SelectChoice("kobo", _l("KoboToolbox")),
            SelectChoice("odk", _l("ODK Central")),
        ],
        default="",
    )


class CommitForm(BaseForm):
    """Only the CSRF token: the file was checked on the preview."""


class XlsformForm(BaseForm):
    region = SelectField(_l("Enterprises of the region"), coerce=str, default="")
