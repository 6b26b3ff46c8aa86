"""What counts as a video link, for the meeting rules and for the calendar files alike."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_video_link(text: str) -> bool:
    """An https link with a host and nothing a browser or calendar could read another way: no
    whitespace (a CR/LF would end an iCalendar line) and no control or invisible characters."""
    if not text.isprintable() or any(char.isspace() for char in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme == "https" and bool(parts.hostname)
    except ValueError:  # e.g. "https://[meet" is not a URL
        return False
