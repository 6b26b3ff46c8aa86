"""Every page a person can open has unique element ids, every label names a form control that
is on the page, and its title is plain text: a duplicate id sends a tap on one label to another
field, a label pointing nowhere leaves its field without an accessible name, and markup in the
title shows as code in the browser's tab. Pages are every GET row of the
access matrix each role may open, with real rows of both pairs."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from test_access_matrix import MATRIX, ROLES, fill

LABELLABLE = {"input", "select", "textarea", "button", "meter", "output", "progress"}


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.controls: set[str] = set()
        self.label_targets: list[str] = []
        self.in_title = False
        self.tags_in_title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.in_title:
            self.tags_in_title.append(tag)
        self.in_title = self.in_title or tag == "title"
        found = dict(attrs)
        if found.get("id"):
            self.ids[found["id"]] += 1
            if tag in LABELLABLE and found.get("type") != "hidden":
                self.controls.add(found["id"])
        if tag == "label" and found.get("for"):
            self.label_targets.append(found["for"])

    def handle_endtag(self, tag: str) -> None:
        self.in_title = self.in_title and tag != "title"


def problems_of(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    duplicates = [f"id {name!r} {n} times" for name, n in parser.ids.items() if n > 1]
    orphans = [
        f"label for {target!r} names no control"
        for target in parser.label_targets
        if target not in parser.controls
    ]
    in_title = [f"<{tag}> in the title" for tag in parser.tags_in_title]
    return duplicates + orphans + in_title


def test_the_parser_finds_each_fault():
    page = (
        '<title>T<b>x</b></title><p id="a"></p><input id="a">'
        '<label for="b">B</label><label for="a">A</label>'
    )
    assert problems_of(page) == [
        "id 'a' 2 times",
        "label for 'b' names no control",
        "<b> in the title",
    ]


def _pages(role: str) -> list[str]:
    column = ROLES.index(role)
    return sorted(
        {
            row.url
            for row in MATRIX
            if row.method == "GET" and row.expect[column] == 200 and "{url}" not in row.url
        }
    )


@pytest.mark.parametrize("role", ["anonymous", "mentee", "own_mentor", "coordinator"])
def test_ids_are_unique_and_labels_name_a_control(ids, login, role):
    client = login(role)
    faults = {}
    for template in _pages(role):
        url = fill(template, ids)
        with client.get(url) as response:
            if response.mimetype == "text/html":
                found = problems_of(response.get_data(as_text=True))
                if found:
                    faults[url] = found
    assert not faults, faults
