"""Coordinator-written Markdown becomes formatting only: no script, no event handler, no
javascript: link ever comes out of ``render_markdown``, whatever the text tries."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from app.markdown import render_markdown


def test_headings_links_lists_and_emphasis_work() -> None:
    html = render_markdown(
        "# Welcome\n\n## Your first meeting\n\nAsk, then **listen** and *wait*.\n\n"
        "- say hello\n- agree a time\n\n1. one\n2. two\n\n"
        "[The guide](https://example.org/guide) and [mail us](mailto:team@example.org)"
    )
    assert isinstance(html, Markup)
    assert "<h2>Welcome</h2>" in html and "<h3>Your first meeting</h3>" in html
    assert "<strong>listen</strong>" in html and "<em>wait</em>" in html
    assert "<ul>\n<li>say hello</li>\n<li>agree a time</li>\n</ul>" in html
    assert "<ol>\n<li>one</li>" in html
    assert '<a href="https://example.org/guide">The guide</a>' in html
    assert '<a href="mailto:team@example.org">mail us</a>' in html


def test_the_deepest_heading_stays_a_heading() -> None:
    assert render_markdown("###### Small") == "<h6>Small</h6>\n"


def test_empty_text_is_empty() -> None:
    assert render_markdown("") == "" and render_markdown(None) == ""


ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<div\nonmouseover=alert(1)>hover</div>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[click](javascript:alert(1))",
    "[click](JavaScript:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    '![x](https://example.org/a.png "onerror=alert(1)")',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
]


class _Tags(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


FORMATTING = {"p", "a", "img", "code", "pre", "em", "strong", "ul", "ol", "li", "br"}


@pytest.mark.parametrize("text", ATTACKS)
def test_no_script_handler_or_javascript_link_comes_out(text: str) -> None:
    html = str(render_markdown(text))
    for tag, attrs in _Tags(html).tags:
        assert tag in FORMATTING, html
        assert not [name for name in attrs if name.startswith("on")], html
        for name in ("href", "src"):
            target = attrs.get(name, "").strip().lower()
            assert not target.startswith(("javascript:", "vbscript:", "data:text")), html


def test_the_attacks_still_show_as_text() -> None:
    """Escaped, not dropped: the coordinator sees what they typed and can fix it."""
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render_markdown(ATTACKS[0])
