"""A person's certificates, for their home page: one query."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Certificate


def certificates_of(user_id: int) -> list[Certificate]:
    """Every certificate of the person, from any program, newest first."""
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )
