"""The report layouts (reports/) speak French: every text they show is in the catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [
    ("**.html", "jinja2"),
    ("**/workbook.toml", "portfolio.reports_render.babel_extract:extract_workbook"),
]


def test_every_text_of_the_report_layouts_has_a_french_translation():
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "reports", method_map=METHODS
        )
    }
    with (ROOT / "portfolio/translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and m.string and "fuzzy" not in m.flags
    }
    assert len(found) > 50  # the layouts were read
    assert sorted(found - translated) == []
