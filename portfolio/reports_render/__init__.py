"""Donor reports rendered from the layouts in the project's reports/ folder.

The read side (reporting/donor_report.py) gathers the figures; this package turns
them into a PDF (Jinja HTML + print CSS through WeasyPrint, charts as static SVG
drawn by matplotlib) and an XLSX workbook (openpyxl, sheets described by the
layout's workbook.toml). A programme officer changes the layout, not the Python.
"""
