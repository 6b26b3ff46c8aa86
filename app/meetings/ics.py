"""iCalendar (RFC 5545) for meetings: one event to download, or a person's feed to subscribe to.

Calendar apps show these on lock screens and sync them to other services, so an event carries
only when, how long, how and where, and who: never notes or action items.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from ..models import Meeting, MeetingMode, MeetingStatus, Mentorship, User
from ..text import CONTROL_IN_LINES
from .links import is_video_link
from .queries import participants

PRODID = "-//Waypoint//Meetings//EN"


def uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@waypoint"


def title(mentorship: Mentorship, viewer: User) -> str:
    others = [person.name for person in participants(mentorship) if person.id != viewer.id]
    return "Mentoring with " + ", ".join(others)


def _text(value: str) -> str:
    """Stored text as iCalendar TEXT, which allows no control character but tab and line breaks
    (the library escapes the breaks): rows saved before the forms refused control characters
    must not break a feed."""
    return CONTROL_IN_LINES.sub("", value)


def _event(meeting: Meeting, mentorship: Mentorship, viewer: User, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", now)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", _text(title(mentorship, viewer)))
    event.add("description", f"{meeting.mode.label} · {meeting.minutes} minutes")
    event.add("status", "CANCELLED" if meeting.status is MeetingStatus.CANCELLED else "CONFIRMED")
    if meeting.location:
        event.add("location", _text(meeting.location))
    if meeting.mode is MeetingMode.VIDEO and is_video_link(meeting.location):
        event.add("url", meeting.location)
    return event


def _calendar(**properties) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for name, value in properties.items():
        calendar.add(name.replace("_", "-"), value)
    return calendar


def single_event(meeting: Meeting, mentorship: Mentorship, viewer: User, now: datetime) -> bytes:
    calendar = _calendar(method="PUBLISH")
    calendar.add_component(_event(meeting, mentorship, viewer, now))
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting], viewer: User, now: datetime) -> bytes:
    """The subscribable calendar; ``meetings`` need their mentorship's people loaded."""
    calendar = _calendar(x_wr_calname="Waypoint meetings", x_published_ttl="PT1H")
    for meeting in meetings:
        calendar.add_component(_event(meeting, meeting.mentorship, viewer, now))
    return calendar.to_ical()
