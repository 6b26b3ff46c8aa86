"""Coordinator-written Markdown (training modules) rendered safely for any page.

The "js-default" preset of markdown-it-py (CommonMark) escapes raw HTML and refuses
``javascript:``, ``vbscript:``, ``file:`` and most ``data:`` links, so a module can hold no script
whatever its author typed.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("js-default")


def render_markdown(text: str) -> Markup:
    """``text`` as HTML that is safe to put in a page."""
    return Markup(_MD.render(text or ""))  # noqa: S704 (raw HTML escaped, unsafe links refused)
