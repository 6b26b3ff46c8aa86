"""Reading a roster CSV (app.programs.roster): encodings, headers, delimiters, limits, and each
row's problem, without a database."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email

from app.models import Role
from app.programs.roster import (
    COORDINATOR_REFUSED,
    MAX_BYTES,
    MAX_ROWS,
    NOT_UTF8,
    RosterFileError,
    check,
    csv_safe,
    decode,
    mark_taken,
    read,
)


def test_utf8_with_or_without_a_byte_order_mark() -> None:
    text = "name,email,role\nZoë,zoe@school.example,mentee\n"
    assert decode(text.encode()) == text
    assert decode(b"\xef\xbb\xbf" + text.encode()) == text


@pytest.mark.parametrize(
    "data",
    [
        "name,email,role\nZoë,z@school.example,mentee\n".encode("latin-1"),
        "name,email,role\nZoe,z@school.example,mentee\n".encode("utf-16"),
        "name,email,role\nZoe,z@school.example,mentee\n".encode("utf-16-le"),
        "name,email,role\nZoë,z@school.example,mentee\n".encode("cp1252"),
    ],
)
def test_other_encodings_are_refused_with_what_to_do(data: bytes) -> None:
    with pytest.raises(RosterFileError) as refused:
        decode(data)
    assert str(refused.value) == NOT_UTF8 and "Save the file as CSV UTF-8" in NOT_UTF8


def test_empty_and_oversized_files() -> None:
    for data in (b"", b"  \n\r\n"):
        with pytest.raises(RosterFileError, match="empty"):
            decode(data)
    with pytest.raises(RosterFileError, match="larger than"):
        decode(b"x" * (MAX_BYTES + 1))


def test_headers_are_case_insensitive_and_columns_found_by_name() -> None:
    columns, rows = read(" Role ,NAME,Languages,E-Mail Extra,E-mail\nmentor,Ada,en,x,a@b.example\n")
    assert columns == ["name", "email", "role", "languages"]
    assert rows == [
        (2, {"name": "Ada", "email": "a@b.example", "role": "mentor", "languages": "en"})
    ]


def test_semicolons_quotes_blank_lines_and_short_rows() -> None:
    _, rows = read(
        'name;email;role;goals\n\n"Lovelace; Ada";ada@x.example;mentee\nBo;bo@x.example\n'
    )
    assert rows == [
        (3, {"name": "Lovelace; Ada", "email": "ada@x.example", "role": "mentee", "goals": ""}),
        (4, {"name": "Bo", "email": "bo@x.example", "role": "", "goals": ""}),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("name,email\nA,a@x.example\n", "missing: role"),
        ("name,email,role\n", "nobody in it"),
        ("name,email,role\n" + "A,a@x.example,mentee\n" * (MAX_ROWS + 1), "more than 10,000"),
    ],
)
def test_files_that_are_no_roster(text: str, message: str) -> None:
    with pytest.raises(RosterFileError, match=message):
        read(text)


def test_exactly_the_most_rows_is_fine() -> None:
    _, rows = read("name,email,role\n" + "A,a@x.example,mentee\n" * MAX_ROWS)
    assert len(rows) == MAX_ROWS


def _row(line: int, name="Ada", email="ada@x.example", role="mentee", **profile):
    return (line, {"name": name, "email": email, "role": role, **profile})


def test_each_row_gets_its_first_problem() -> None:
    rows = check(
        [
            _row(2, email="Ada@X.Example", interests="music"),
            _row(3, name=""),
            _row(4, name="x" * 81, email="long@x.example"),
            _row(5, name="Tab\there", email="tab@x.example"),
            _row(6, email="nope"),
            _row(7, email="bo@x.example", role="Teacher"),
            _row(8, email="cy@x.example", role="COORDINATOR"),
            _row(9, email="ADA@x.example", role="mentor"),
            _row(10, email="dee@x.example", role="Mentor", goals="g" * 501),
        ]
    )
    assert rows[0].email == "ada@x.example" and rows[0].problem is None
    assert rows[0].profile == {"interests": "music"} and rows[0].role is Role.MENTEE
    problems = [row.problem for row in rows[1:]]
    assert problems[0] == "The name is missing."
    assert problems[1] == "The name is longer than 80 characters."
    assert problems[2] == "The name has hidden control codes."
    assert problems[3].startswith("“nope” is not an e-mail address")
    assert problems[4] == "Unknown role “Teacher”: write mentee or mentor."
    assert problems[5] == COORDINATOR_REFUSED
    assert problems[6] == "This e-mail is already on line 2 of the file."
    assert problems[7] == "The goals are longer than 500 characters."


def test_people_already_there_are_marked_by_email_and_role() -> None:
    rows = check([_row(2), _row(3, email="bo@x.example"), _row(4, email="bad")])
    taken = {("ada@x.example", Role.MENTEE): "Already in the program as a mentee."}
    marked = mark_taken(rows, taken)
    assert [row.problem for row in marked[:2]] == ["Already in the program as a mentee.", None]
    assert marked[2].problem == rows[2].problem  # the first problem stays
    assert mark_taken(rows, {("ada@x.example", Role.MENTOR): "x"})[0].problem is None


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ada", "Ada"),
        ("", ""),
    ],
)
def test_csv_cells_never_start_a_formula(value: str, safe: str) -> None:
    assert csv_safe(value) == safe


@pytest.mark.parametrize(
    "address",
    [
        "ada@school.example",
        "Ada.Lovelace+maths@School.Example",
        "o'brien@sub.school.example",
        "ada..l@school.example",
        ".ada@school.example",
        "ada@school",
        "ada@-school.example",
        "ada@school..example",
        "ada@localhost",
        "ada@bücher.example",
        "zoë@school.example",
        "a" * 65 + "@school.example",
        "ada@" + "d" * 64 + ".example",
        "ada@school.example ",
        "a@b@school.example",
    ],
)
def test_the_fast_path_agrees_with_email_validator(address: str) -> None:
    """A plain address on a domain seen before skips the full validation: same answer."""
    try:
        expected = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        expected = None
    for _ in range(2):  # the second time the domain is cached
        (row,) = check([_row(2, email=address)])
        assert (row.email if row.problem is None else None) == expected, row.problem
