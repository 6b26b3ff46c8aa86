"""``flask push …``: operating web push."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .vapid import generate_keys

push_cli = AppGroup("push", help="Web push notifications.")


@push_cli.command("keys")
def keys_command() -> None:
    """Print a new VAPID key pair as two environment lines (nothing is stored)."""
    keys = generate_keys()
    click.echo(f"VAPID_PRIVATE_KEY={keys.private}")
    click.echo(f"VAPID_PUBLIC_KEY={keys.public}")
    click.echo(
        "Put both lines into the environment of the web app and of the consumer (for example "
        "the EnvironmentFile of their systemd units) and keep the private key secret. Set them "
        "once: new keys orphan every device's subscription, and people must enable "
        "notifications again.",
        err=True,
    )
