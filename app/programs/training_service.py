"""A coordinator's mentor training modules: one function per change, each one transaction.

Modules are read in (position, id) order; moving one renumbers the program's modules from 0,
so positions that were equal (or had gaps) come out in a clean sequence.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Program, TrainingModule


def modules_of(program_id: int) -> list[TrainingModule]:
    return list(
        db.session.scalars(
            sa.select(TrainingModule)
            .where(TrainingModule.program_id == program_id)
            .order_by(TrainingModule.position, TrainingModule.id)
        )
    )


def add_module(program: Program, values: dict[str, object]) -> TrainingModule:
    """A new module, last in the program's order."""
    last = db.session.scalar(
        sa.select(sa.func.max(TrainingModule.position)).where(
            TrainingModule.program_id == program.id
        )
    )
    module = TrainingModule(program_id=program.id, position=(last or 0) + 1, **values)
    db.session.add(module)
    db.session.commit()
    return module


def update_module(module: TrainingModule, values: dict[str, object]) -> None:
    for name, value in values.items():
        setattr(module, name, value)
    db.session.commit()


def delete_module(module: TrainingModule) -> None:
    """The module goes, and with it the mentors' confirmations of it (ON DELETE CASCADE)."""
    db.session.delete(module)
    db.session.commit()


def move_module(module: TrainingModule, step: int) -> bool:
    """Swap the module with its neighbour ``step`` places away (-1 up, +1 down); False when it
    is already first or last."""
    modules = modules_of(module.program_id)
    here = next(i for i, m in enumerate(modules) if m.id == module.id)
    there = here + step
    if not 0 <= there < len(modules):
        return False
    modules[here], modules[there] = modules[there], modules[here]
    for position, each in enumerate(modules):
        each.position = position
    db.session.commit()
    return True
