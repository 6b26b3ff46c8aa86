"""A person's certificates, for their home page: one query."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Certificate

OF_PERSON = (
    sa.select(Certificate.id, Certificate.program_name, Certificate.role)
    .where(Certificate.user_id == sa.bindparam("user_id"))
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)
"""Every certificate of the person ``user_id``, from any program, newest first: what a home
page links."""


def certificates_of(user_id: int) -> list[sa.Row]:
    return db.session.execute(OF_PERSON, {"user_id": user_id}).all()
