"""Operations as ``flask`` commands."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import Flask, current_app

from .clock import utcnow
from .extensions import db
from .models import Invite, Role


def init_app(app: Flask) -> None:
    from .nudges.cli import queue_cli
    from .push.cli import push_cli

    app.cli.add_command(queue_cli)
    app.cli.add_command(push_cli)

    @app.cli.command("summaries")
    @click.option("--fix", is_flag=True, help="Rewrite the rows that differ.")
    def summaries_command(fix: bool) -> None:
        """Compare every summary row (pairs, mentees, programs, program weeks, member and pair
        states and their counts) with the facts.

        Exits with status 1 when differences are found and left as they are.
        """
        from .summaries import check

        drifts = check(fix=fix)
        for drift in drifts:
            click.echo(f"{drift.table} {drift.key}: stored {drift.stored}, facts {drift.computed}")
        if fix:
            click.echo(f"{len(drifts)} difference(s) found, {len(drifts)} repaired.")
            return
        if drifts:
            click.echo(f"{len(drifts)} difference(s) found. Run with --fix to repair them.")
            raise SystemExit(1)
        click.echo("Every summary row matches its facts.")

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
    @click.option(
        "--coordinator",
        "coordinator_email",
        help="E-mail of an existing account that coordinates it at once (else: an invite).",
    )
    def create_program_command(
        name: str, starts, ends, time_zone: str, coordinator_email: str | None
    ) -> None:
        """Create a program (its agreement is version 1) and give it its first coordinator:
        an existing account named by --coordinator, or else whoever opens the one-use
        coordinator invite printed here, who makes their own account with it."""
        from .accounts.service import find_user_by_email
        from .programs import service

        if ends <= starts:
            raise click.BadParameter("--ends must be after --starts")
        try:
            ZoneInfo(time_zone)
        except (KeyError, ValueError) as error:
            raise click.BadParameter(f"unknown time zone {time_zone!r}") from error
        settings = {
            "name": name,
            "starts_on": starts.date(),
            "ends_on": ends.date(),
            "time_zone": time_zone,
        }
        if coordinator_email:
            user = find_user_by_email(coordinator_email)
            if user is None:
                raise click.UsageError(
                    f"No account uses {coordinator_email}. Leave out --coordinator to get a "
                    "one-use coordinator invite link: they create their own account with it, "
                    "so their password never passes through anyone else."
                )
            membership = service.create_program(settings, user.id)
            click.echo(f"Program {membership.program_id} created. {user.name} coordinates it.")
            return
        program = service.new_program(settings)
        invite = Invite(
            program=program,
            role=Role.COORDINATOR,
            uses_left=1,
            expires_at=utcnow() + timedelta(days=7),
        )
        db.session.add(invite)
        db.session.commit()
        link = f"{current_app.config['PUBLIC_URL']}/join/{invite.code}"
        click.echo(f"Program {program.id} created. Coordinator invite (one use, 7 days):\n{link}")
