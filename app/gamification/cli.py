"""``flask game rebuild``: replay the recorded facts through the rules and compare the ledger,
the badges and the totals with what they call for."""

from __future__ import annotations

import click

from ..extensions import db
from . import bp, rebuild


@bp.cli.command("rebuild")
@click.option("--fix", is_flag=True, help="Repair the caches and append the missing rows.")
def rebuild_command(fix: bool) -> None:
    """Report every difference between the game's caches and their sources.

    Exits with status 1 when differences are found and left as they are.
    """
    differences = rebuild.check(fix=fix)
    for difference in differences:
        kept = "" if difference.fixable else " (reported only)"
        click.echo(f"{difference.kind}: {difference.text}{kept}")
    if fix:
        db.session.commit()
        fixed = sum(1 for d in differences if d.fixable)
        click.echo(f"{len(differences)} difference(s) found, {fixed} repaired.")
        return
    if differences:
        click.echo(f"{len(differences)} difference(s) found. Run with --fix to repair them.")
        raise SystemExit(1)
    click.echo("Everything matches: awards, badges and totals.")
