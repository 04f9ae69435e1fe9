"""Babel extractor for report workbook layouts (``reports/*/workbook.toml``).

Every sheet ``title`` and column ``heading`` is an English msgid; this puts
them in the catalogue (babel.cfg names it) so they are translated like any
other text.
"""

from __future__ import annotations

import tomllib


def extract_workbook(fileobj, keywords, comment_tags, options):
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()

    def line_of(message: str) -> int:
        quoted = f'"{message}"'
        return next((n for n, line in enumerate(lines, start=1) if quoted in line), 1)

    for sheet in tomllib.loads(text).get("sheet", []):
        messages = [sheet.get("title")] + [c.get("heading") for c in sheet.get("columns", [])]
        for message in messages:
            if message:
                yield line_of(message), "gettext", message, []
