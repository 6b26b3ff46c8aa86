"""Reading a roster CSV and finding each row's problem: plain functions, no database.

The file is read whole (it is at most ``MAX_BYTES``) so a problem with the file itself (wrong
encoding, no header, missing columns, too many rows) is one clear message, and a problem with
a row is told on that row, with its line number, before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from ..models import Role
from ..text import CONTROL, CONTROL_IN_LINES

REQUIRED = ("name", "email", "role")
OPTIONAL = ("interests", "goals", "skills", "languages")
MAX_ROWS = 10_000
MAX_BYTES = 3 * 1024 * 1024
NAME_MAX = 80
FIELD_MAX = 500
ROLES = {"mentee": Role.MENTEE, "mentor": Role.MENTOR}

NOT_UTF8 = (
    "This file is not in UTF-8. Save the file as CSV UTF-8 (in Excel: File › Save As › "
    "“CSV UTF-8”; in Google Sheets: File › Download › CSV) and upload it again."
)
COORDINATOR_REFUSED = (
    "Coordinators are not imported from a roster: invite each one from the invite page, one by one."
)


class RosterFileError(ValueError):
    """The file as a whole cannot be read as a roster; the message says what to do."""


@dataclass(frozen=True)
class RosterRow:
    line: int  # the line of the file, the header being line 1
    name: str
    email: str  # normalised (lower case) when valid, else as written
    role: Role | None
    profile: dict[str, str]
    problem: str | None = None


def decode(data: bytes) -> str:
    """The file's text: UTF-8 with or without a byte order mark, else ``RosterFileError``."""
    if not data.strip():
        raise RosterFileError("The file is empty. Choose the roster's CSV file.")
    if len(data) > MAX_BYTES:
        raise RosterFileError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it in parts."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError(NOT_UTF8) from None
    if "\x00" in text:  # UTF-16 saved from a spreadsheet: every other byte is a NUL
        raise RosterFileError(NOT_UTF8)
    return text


def _delimiter(header_line: str) -> str:
    """Spreadsheets in many countries save "CSV" with semicolons."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _column(heading: str) -> str:
    """A heading as a column name: "E-mail", " EMAIL " and "e_mail" all name ``email``."""
    return "".join(c for c in heading.lower() if c not in " \t-_")


def read(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(the header's known columns, [(line, {column: value})]) of a roster file's text."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(first))
    try:
        header = [_column(cell) for cell in next(reader, [])]
        if not any(header):
            raise RosterFileError("The file is empty. Choose the roster's CSV file.")
        if missing := [column for column in REQUIRED if column not in header]:
            raise RosterFileError(
                f"The first line must name the columns; missing: {', '.join(missing)}. "
                f"Columns: {', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)})."
            )
        known = [column for column in (*REQUIRED, *OPTIONAL) if column in header]
        index = {column: header.index(column) for column in known}
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise RosterFileError(
                    f"The file has more than {MAX_ROWS:,} people. Split it in parts."
                )
            values = {
                column: cells[i].strip() if i < len(cells) else "" for column, i in index.items()
            }
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise RosterFileError(f"Line {reader.line_num} cannot be read as CSV ({error}).") from None
    if not rows:
        raise RosterFileError("The file has a header but nobody in it.")
    return list(index), rows


def _name_problem(name: str) -> str | None:
    if not name:
        return "The name is missing."
    if len(name) > NAME_MAX:
        return f"The name is longer than {NAME_MAX} characters."
    if CONTROL.search(name):
        return "The name has hidden control codes."
    return None


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
PLAIN_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*\Z")
"""A local part of plain ASCII (RFC 5322's dot-atom), which validation leaves as it is."""


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """The normalised domain, or None when it is not one: most of what validating an address
    costs, done once per domain (a roster has a few domains and thousands of addresses)."""
    try:
        return validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def _email(raw: str) -> tuple[str, str | None]:
    """(the normalised address, or ``raw`` with the problem). A plain address on a known good
    domain is as email-validator would have it; anything else goes through it whole."""
    if not raw:
        return raw, "The e-mail is missing."
    local, _, domain = raw.rpartition("@")
    plain = len(raw) <= 254 and len(local) <= 64 and PLAIN_LOCAL_PART.match(local)
    if plain and (normalised := _domain(domain)):
        return f"{local}@{normalised}".lower(), None
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower(), None
    except EmailNotValidError as error:
        return raw, f"“{raw[:60]}” is not an e-mail address: {error}"


def _role(raw: str) -> tuple[Role | None, str | None]:
    key = raw.strip().lower()
    if key in ROLES:
        return ROLES[key], None
    if key == Role.COORDINATOR.value:
        return None, COORDINATOR_REFUSED
    return None, f"Unknown role “{raw[:30]}”: write mentee or mentor."


def _profile_problem(profile: Mapping[str, str]) -> str | None:
    for column, value in profile.items():
        if len(value) > FIELD_MAX:
            return f"The {column} are longer than {FIELD_MAX} characters."
        if CONTROL_IN_LINES.search(value):
            return f"The {column} have hidden control codes."
    return None


def check(rows: Iterable[tuple[int, Mapping[str, str]]]) -> list[RosterRow]:
    """Each row with its first problem the file alone shows (a later duplicate of an e-mail
    is one)."""
    checked, seen = [], {}
    for line, values in rows:
        name = values.get("name", "")
        email, email_problem = _email(values.get("email", ""))
        role, role_problem = _role(values.get("role", ""))
        profile = {c: values[c] for c in OPTIONAL if values.get(c)}
        problem = _name_problem(name) or email_problem or role_problem
        if problem is None and email in seen:
            problem = f"This e-mail is already on line {seen[email]} of the file."
        problem = problem or _profile_problem(profile)
        if email_problem is None:
            seen.setdefault(email, line)
        checked.append(RosterRow(line, name, email, role, profile, problem))
    return checked


def mark_taken(rows: list[RosterRow], taken: Mapping[tuple[str, Role], str]) -> list[RosterRow]:
    """``rows`` with a problem on each good one whose (e-mail, role) is in ``taken``: people
    already in the program or invited to it, mapped to why."""
    return [
        replace(row, problem=taken[row.email, row.role])
        if row.problem is None and (row.email, row.role) in taken
        else row
        for row in rows
    ]


def csv_safe(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would start a
    formula, so it gets a quote in front (OWASP's advice for CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
