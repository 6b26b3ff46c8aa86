"""Time zones to pick from: found by what people type, and grouped by region to browse.

The account page offers a search box over the common zones instead of a list of all ~420
(35 KB of options); any IANA zone is accepted, typed whole (``America/Argentina/Salta``), with
spaces for underscores, in any case, or as its city alone when only one zone has that city
(``tokyo``). Without JavaScript, or to browse, the regions page lists every zone.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from zoneinfo import available_timezones

COMMON = (
    "UTC",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "America/Anchorage",
    "America/Bogota",
    "America/Chicago",
    "America/Denver",
    "America/Halifax",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/New_York",
    "America/Phoenix",
    "America/Sao_Paulo",
    "America/Toronto",
    "America/Vancouver",
    "Asia/Dubai",
    "Asia/Hong_Kong",
    "Asia/Jakarta",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Manila",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Sydney",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Dublin",
    "Europe/Istanbul",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Rome",
    "Europe/Warsaw",
    "Pacific/Auckland",
    "Pacific/Honolulu",
)
"""Offered as suggestions as soon as someone types: the zones of most of the world's people."""


@cache
def all_zones() -> tuple[str, ...]:
    """Every zone a person can pick: UTC and the ``Region/City`` ones (not ``Etc/GMT+5``)."""
    names = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return ("UTC", *names)


@cache
def _lookup() -> dict[str, str]:
    """Lower-case spellings to the zone: the whole name, and a city no other zone shares."""
    found: dict[str, str] = {}
    cities: dict[str, list[str]] = defaultdict(list)
    for zone in all_zones():
        found[zone.lower()] = zone
        cities[zone.rsplit("/", 1)[-1].lower()].append(zone)
    for city, zones in cities.items():
        if len(zones) == 1:
            found.setdefault(city, zones[0])
    return found


def find_zone(text: str) -> str | None:
    """The zone ``text`` names, or None: ``"new york"`` → ``America/New_York``."""
    key = "_".join(text.strip().split()).lower()
    return _lookup().get(key) if key else None


@cache
def regions() -> dict[str, tuple[str, ...]]:
    """Zones by region (``Europe``: its zones), regions in alphabetical order; UTC on its own."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for zone in all_zones():
        grouped[zone.split("/", 1)[0]].append(zone)
    return {region: tuple(zones) for region, zones in sorted(grouped.items())}


def label(zone: str) -> str:
    """``America/Argentina/Buenos_Aires`` → ``Argentina / Buenos Aires``: the region's heading
    says the rest."""
    return zone.split("/", 1)[-1].replace("_", " ").replace("/", " / ")
