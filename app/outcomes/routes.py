"""The outcomes pages: for the coordinators of the program only (anyone else gets 404)."""

from __future__ import annotations

from flask import Response, request
from flask_login import login_required

from ..access import membership_in
from ..clock import utcnow
from ..models import Role
from ..rendering import render
from ..surveys.results import EVERYONE, GROUP_LABELS, GROUPS
from . import bp
from .queries import THRESHOLD, program_outcomes
from .tables import TABLE_NAMES, charts, tables


def _context(program_id: int, survey_group: str = EVERYONE) -> dict:
    program = membership_in(program_id, Role.COORDINATOR).program
    outcomes = program_outcomes(program, utcnow(), survey_group)
    return {
        "program": program,
        "o": outcomes,
        "tables": tables(outcomes),
        "charts": charts(outcomes),
        "threshold": THRESHOLD,
        "survey_groups": [(group, GROUP_LABELS[group]) for group in GROUPS],
    }


@bp.get("/<int:program_id>/outcomes")
@login_required
def dashboard(program_id: int):
    group = request.args.get("survey_group", EVERYONE)
    return render("outcomes/dashboard.html", **_context(program_id, group))


@bp.get("/<int:program_id>/outcomes/report")
@login_required
def report(program_id: int):
    return render("outcomes/report.html", **_context(program_id))


def _csv_view(name: str):
    """The export of one table: a fixed URL and endpoint each (``outcomes.rhythm_csv``...),
    so no table name comes from the URL."""

    @login_required
    def view(program_id: int):
        table = _context(program_id)["tables"][name]
        return Response(
            "\ufeff" + table.csv(),  # a byte order mark, so spreadsheets read UTF-8 right
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="outcomes-{program_id}-{name}.csv"'
            },
        )

    view.__name__ = f"{name}_csv"
    return view


for _name in TABLE_NAMES:
    bp.get(f"/<int:program_id>/outcomes/{_name}.csv")(_csv_view(_name))
