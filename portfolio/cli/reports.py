"""`flask --app portfolio reports …`: Donor reports."""

from flask.cli import AppGroup

reports = AppGroup("reports", help="Donor reports.")
