"""URL converters. Ids in URLs are bounded to what the database can hold, so an absurd id is
a plain 404 at routing time instead of an overflow inside the database driver."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest INTEGER key PostgreSQL stores


class IdConverter(IntegerConverter):
    """``<int:…>`` accepting 1 … MAX_ID only."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
