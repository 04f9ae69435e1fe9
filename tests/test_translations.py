"""French first: every string the code shows a person has a French translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "_lp": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
    "pgettext": ((1, "c"), 2),
}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]


def _source_messages() -> set[tuple[str | None, str]]:
    found = set()
    for folder in ("portfolio", "templates"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.add((context, msgid))
    return found


def test_every_message_in_the_code_is_translated_into_french():
    with (ROOT / "portfolio/translations/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        # A plural entry's id and string are tuples: keyed by its singular, and
        # translated only if every form is.
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id
        and "fuzzy" not in m.flags
        and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(msgid for key in _source_messages() - translated for msgid in [key[1]])
    assert missing == []
