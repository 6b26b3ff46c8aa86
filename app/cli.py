"""Operations as ``flask`` commands."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import Flask

from .clock import utcnow
from .extensions import db
from .models import Invite, Role


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Create the demo program (idempotent) and print the demo logins."""
        from .demo import DEMO_PASSWORD, DEMO_ZONE, seed_demo

        today = utcnow().astimezone(ZoneInfo(DEMO_ZONE)).date()
        logins = seed_demo(today)
        click.echo(f"Demo program ready. Log in with any of these (password: {DEMO_PASSWORD}):")
        for login in logins:
            click.echo(f"  {login.role:<12} {login.name:<16} {login.email}")
        codes = db.session.execute(
            sa.select(Invite.role, Invite.code).where(Invite.uses_left > 0).order_by(Invite.id)
        ).all()
        for role, code in codes:
            click.echo(f"  invite code for a new {role.value}: {code}")

    @app.cli.command("create-program")
    @click.option("--name", required=True, help="The program's name.")
    @click.option("--starts", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--ends", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--time-zone", default="UTC", show_default=True)
    def create_program_command(name: str, starts, ends, time_zone: str) -> None:
        """Create a program and print a one-use coordinator invite for it."""
        from .models import Program

        if ends <= starts:
            raise click.BadParameter("--ends must be after --starts")
        try:
            ZoneInfo(time_zone)
        except (KeyError, ValueError) as error:
            raise click.BadParameter(f"unknown time zone {time_zone!r}") from error
        program = Program(
            name=name, starts_on=starts.date(), ends_on=ends.date(), time_zone=time_zone
        )
        invite = Invite(
            program=program,
            role=Role.COORDINATOR,
            uses_left=1,
            expires_at=utcnow() + timedelta(days=7),
        )
        db.session.add_all([program, invite])
        db.session.commit()
        click.echo(f"Program {program.id} created. Coordinator invite: /join/{invite.code}")
