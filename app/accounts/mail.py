"""E-mail, only for password-reset links, and only when an SMTP server is configured.

Sending is a task on the queue: the forgot-password answer takes as long whether or not the
address has an account, and a slow mail server holds no web worker.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

from .. import queue


def configured() -> bool:
    return bool(current_app.config["MAIL_SERVER"])


def send_reset_link(to: str, name: str, link: str) -> None:
    """Queue the e-mail with the link (the queue keeps it until sent, at most a few seconds)."""
    body = (
        f"Hi {name},\n\nSomeone (hopefully you) asked to reset your Waypoint password. "
        f"Open this link within 24 hours to choose a new one; it works once:\n\n{link}\n\n"
        "If you did not ask, ignore this e-mail: your password stays as it is.\n"
    )
    send_email(to, "Choose a new Waypoint password", body)


@queue.task(retries=3, retry_delay=60)
def send_email(to: str, subject: str, body: str) -> None:
    """Retried a few times when the mail server cannot be reached."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message.set_content(body)
    server, port, security = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TLS"]
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(server, port, timeout=20, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server, port, timeout=20)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
