"""The one place the app reads the clock, so tests (and the demo seed) can set the time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_fixed: datetime | None = None


def utcnow() -> datetime:
    return _fixed if _fixed is not None else datetime.now(UTC)


def set_now(instant: datetime | None) -> None:
    """Pin the clock to an aware instant, or ``None`` to follow real time again."""
    if instant is not None and instant.tzinfo is None:
        raise ValueError("set_now needs an aware datetime")
    global _fixed
    _fixed = instant


@contextmanager
def pinned(instant: datetime) -> Iterator[None]:
    """Run a block at ``instant`` (the demo seed replays history), then restore the clock."""
    global _fixed
    previous = _fixed
    set_now(instant)
    try:
        yield
    finally:
        _fixed = previous
