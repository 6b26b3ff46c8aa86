"""What plain text may hold: the one definition of control characters, for forms and exports."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Unicode's control characters (category Cc): nobody types them, and some break storage (NUL
in PostgreSQL text) or formats (CR/LF in an iCalendar line)."""

CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""The same, less tab and line breaks, which multi-line text keeps."""


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``1 match``, ``3 matches``: a count with its noun agreeing."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
