"""QR codes for links people open on their phone (invites, password resets), drawn as SVG.

The SVG is inline markup with presentation attributes only (no ``style``), so the strict CSP
holds; it scales with CSS (viewBox, no fixed size) from a phone card to a classroom screen.
"""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(link: str, title: str) -> Markup:
    """The QR code of ``link`` as an ``<svg>`` element named ``title`` for screen readers."""
    code = segno.make(link, error="m")
    svg = code.svg_inline(
        omitsize=True, border=4, dark="#000", light="#fff", title=title, svgclass="qr"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 (segno's markup; the title is escaped by segno)
