"""Set French translations from a small JSON map {msgid: msgstr} (or {"ctx\\u0004id": str}).

Usage: .venv/bin/python scripts/set_translations.py fr < updates.json
Keeps the catalogue in Babel's own format, so `make extract-messages`
and `pybabel compile` keep working on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    locale = sys.argv[1] if len(sys.argv) > 1 else "fr"
    path = ROOT / "portfolio" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    updates = json.load(sys.stdin)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for key, text in updates.items():
        context, _, msgid = key.rpartition("\u0004")
        message = catalog.get(msgid, context or None)
        if message is None:
            missing.append(key)
            continue
        message.string = text
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    if missing:
        sys.exit(f"not in the catalogue: {missing}")


if __name__ == "__main__":
    main()
