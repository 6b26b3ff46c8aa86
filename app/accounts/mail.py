"""E-mail, only for password-reset links, and only when an SMTP server is configured."""

from __future__ import annotations

import smtplib
import ssl
import threading
from email.message import EmailMessage

from flask import current_app


def configured() -> bool:
    return bool(current_app.config["MAIL_SERVER"])


def _send(settings: dict, message: EmailMessage) -> None:
    server, port, security = settings["MAIL_SERVER"], settings["MAIL_PORT"], settings["MAIL_TLS"]
    try:
        if security == "ssl":
            smtp = smtplib.SMTP_SSL(server, port, timeout=20, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server, port, timeout=20)
        with smtp:
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        settings["LOGGER"].exception("Could not send the password-reset e-mail")


def send_reset_link(to: str, name: str, link: str) -> threading.Thread:
    """Send in the background: the forgot-password answer must take as long whether or not
    the address has an account, and a slow mail server must not hold a worker."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = "Choose a new Waypoint password"
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message.set_content(
        f"Hi {name},\n\nSomeone (hopefully you) asked to reset your Waypoint password. "
        f"Open this link within 24 hours to choose a new one; it works once:\n\n{link}\n\n"
        "If you did not ask, ignore this e-mail: your password stays as it is.\n"
    )
    settings = {
        key: config[key]
        for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")
    }
    settings["LOGGER"] = current_app.logger
    thread = threading.Thread(target=_send, args=(settings, message), daemon=True)
    thread.start()
    return thread
