"""Roster import: upload a CSV, see every row's problem in a dry run, then import it at once."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

from ..access import coordinated_row, membership_in
from ..forms import FORM_ENCODINGS, Form
from ..models import Role, RosterUpload
from ..rendering import redirect_to, render
from . import bp, roster, roster_service

PREVIEW_PROBLEMS, PREVIEW_GOOD = 500, 200  # rows shown: the page stays small for any file


class RosterForm(Form):
    """The one form that takes a file: a multipart body may carry its file part (a body that is
    no form at all, like JSON, is still refused)."""

    class Meta(Form.Meta):
        def wrap_formdata(self, form, formdata):
            if form.is_submitted() and request.mimetype not in {"", *FORM_ENCODINGS}:
                abort(415)
            return super(Form.Meta, self).wrap_formdata(form, formdata)

    file = FileField("Roster (CSV file)")
    text = ""

    def validate_file(self, field) -> None:
        storage = field.data
        if not isinstance(storage, FileStorage) or not storage.filename:
            raise ValidationError("Choose the roster's CSV file.")
        try:
            self.text = roster.decode(storage.stream.read(roster.MAX_BYTES + 1))
            roster.read(self.text)
        except roster.RosterFileError as problem:
            raise ValidationError(str(problem)) from None


@bp.url_value_preprocessor
def _room_for_a_roster(endpoint: str | None, values: dict | None) -> None:
    """A roster may be larger than other forms: this runs before CSRF reads the body, and
    leaves room above ``MAX_BYTES`` so a file a bit too large gets its message, not a 413."""
    if endpoint == "programs.roster" and request.method == "POST" and current_user.is_authenticated:
        request.max_content_length = 2 * roster.MAX_BYTES


@bp.route("/<int:program_id>/roster", methods=["GET", "POST"], endpoint="roster")
@login_required
def roster_upload(program_id: int):
    membership = membership_in(program_id, Role.COORDINATOR)
    program = membership.program
    form = RosterForm()
    if form.validate_on_submit():
        upload = roster_service.store_upload(
            program, form.file.data.filename or "", form.text, membership.user_id
        )
        return redirect_to(
            url_for("programs.roster_preview", program_id=program.id, upload_id=upload.id)
        )
    return render(
        "programs/roster.html",
        program=program,
        form=form,
        columns=roster,
        status=422 if form.errors else 200,
    )


@bp.get("/<int:program_id>/roster/<int:upload_id>")
@login_required
def roster_preview(program_id: int, upload_id: int):
    """The dry run: every row with its problem; nothing is written."""
    program = membership_in(program_id, Role.COORDINATOR).program
    upload = coordinated_row(RosterUpload, upload_id, program.id)
    review = roster_service.review(program.id, upload.content)
    problems, good = review.problems, review.good
    return render(
        "programs/roster_preview.html",
        program=program,
        upload=upload,
        review=review,
        problems=problems[:PREVIEW_PROBLEMS],
        problem_count=len(problems),
        good=good[:PREVIEW_GOOD],
        good_count=len(good),
    )


@bp.post("/<int:program_id>/roster/<int:upload_id>/import")
@login_required
def roster_import(program_id: int, upload_id: int):
    membership = membership_in(program_id, Role.COORDINATOR)
    upload = coordinated_row(RosterUpload, upload_id, program_id)
    try:
        done = roster_service.import_roster(upload, membership.user_id)
    except roster_service.RosterRefused as refusal:
        flash(str(refusal), "error")
        return redirect_to(
            url_for("programs.roster_preview", program_id=program_id, upload_id=upload_id)
        )
    joined = done.with_account
    flash(
        f"Imported {len(done.good)} people: {joined} with an account joined at once, "
        f"{len(done.good) - joined} have a personal invite.",
        "success",
    )
    return redirect_to(url_for("programs.invites", program_id=program_id))
