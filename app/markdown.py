"""Coordinator-written Markdown (mentor training) as safe HTML.

markdown-it's ``js-default`` preset escapes raw HTML instead of passing it through and refuses
``javascript:``, ``vbscript:``, ``file:`` and non-image ``data:`` links, so whatever a
coordinator types can only become ordinary formatting. Headings move one level down: the page
around the text owns its ``<h1>``.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup


def _headings_below_the_title(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


_MARKDOWN = MarkdownIt("js-default")
_MARKDOWN.core.ruler.push("headings_below_the_title", _headings_below_the_title)


def render_markdown(text: str) -> Markup:
    """``text`` as HTML that is safe to put in a page as is."""
    return Markup(_MARKDOWN.render(text or ""))  # noqa: S704 (the js-default preset escapes HTML)
