"""Whole francs CFA (XOF): parsing and French display. XOF has no minor unit."""

from __future__ import annotations

import re

# A narrow no-break space groups thousands in French typography and keeps
# "1 250 000 FCFA" on one line on a small phone screen.
THOUSANDS_SEPARATOR = "\u202f"
NO_BREAK_SPACE = "\u00a0"
EUR_PER_XOF_PEG = 655.957  # 1 EUR = 655.957 XOF, fixed; display only, never stored.

_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Dots are accepted only as thousands separators (1.250.000), never as decimals.
_DOTTED_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def group_thousands(amount: int, separator: str = THOUSANDS_SEPARATOR) -> str:
    sign = "-" if amount < 0 else ""
    digits = str(abs(amount))
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return sign + separator.join(reversed(groups))


def format_xof(amount: int | None, locale: str = "fr") -> str:
    """`1 250 000 FCFA` in French, `1,250,000 FCFA` in English; empty for None."""
    if amount is None:
        return ""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("XOF amounts are whole francs (int)")
    if locale.startswith("fr"):
        return f"{group_thousands(amount)}{NO_BREAK_SPACE}FCFA"
    return f"{group_thousands(amount, ',')}{NO_BREAK_SPACE}FCFA"


def parse_xof(text: str) -> int:
    """Read an amount typed by a person: `1 250 000`, `1.250.000`, `1250000 FCFA`.

    Raises ValueError for anything that is not a whole number of francs
    (decimals are refused rather than silently rounded).
    """
    cleaned = text.strip().upper().removesuffix("FCFA").removesuffix("F CFA").strip()
    cleaned = _SPACES.sub("", cleaned)
    if _DOTTED_THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"-?\d{1,15}", cleaned):
        raise ValueError(text)
    return int(cleaned)
