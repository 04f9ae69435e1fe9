"""`flask --app portfolio visits …`: the XLSForm and Kobo/ODK export imports."""

from flask.cli import AppGroup

visits = AppGroup("visits", help="Field visits: XLSForm for Kobo/ODK, importing their exports.")
