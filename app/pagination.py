"""One page of a long list: which rows to read, and what the pager says and links to.

A page number comes from the address, so it is read leniently: anything not a whole number is
the first page, and a number past the end is the last page (a bookmark outlives the rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

LAST_PAGE = 1_000_000  # far beyond any list; keeps OFFSET arithmetic small


def requested_page(name: str = "page") -> int:
    """The page asked for in the query string: 1 unless a whole number is given."""
    return min(max(request.args.get(name, 1, type=int), 1), LAST_PAGE)


@dataclass(frozen=True)
class Pager:
    page: int  # 1-based, within 1..pages
    size: int
    total: int

    @classmethod
    def of(cls, requested: int, total: int, size: int) -> Pager:
        pages = max(1, -(-total // size))
        return cls(min(max(requested, 1), pages), size, total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def first(self) -> int:
        """The number of the page's first row (0 when the list is empty)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)
