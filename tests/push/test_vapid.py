"""VAPID keys from configuration or ``flask push keys``, and the header signed once per origin."""

from __future__ import annotations

import json
import threading

import pytest
from push.loopback import b64url, unb64url

from app import config as config_module
from app import create_app
from app.push import vapid
from app.push.sender import Delivered, Message, new_session, send
from app.push.vapid import PushKeyError, VapidSigner, generate_keys, origin, require_keys

SUBJECT = "mailto:push-admin@test.example"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def claims_of(header: str) -> dict:
    token = header.split("t=", 1)[1].split(",", 1)[0]
    return json.loads(unb64url(token.split(".")[1]))


def test_generated_keys_are_a_raw_p256_scalar_and_its_uncompressed_point():
    keys = generate_keys()

    assert len(unb64url(keys.private)) == 32
    point = unb64url(keys.public)
    assert len(point) == 65 and point[0] == 4
    assert "=" not in keys.private + keys.public
    assert generate_keys() != keys


def test_the_public_key_is_derived_and_checked_against_the_private_one():
    keys = generate_keys()

    assert vapid.load_keys({"VAPID_PRIVATE_KEY": keys.private}) == keys
    assert vapid.load_keys({"VAPID_PRIVATE_KEY": keys.private, "VAPID_PUBLIC_KEY": keys.public})
    assert vapid.load_keys({"VAPID_PRIVATE_KEY": ""}) is None
    with pytest.raises(PushKeyError, match="does not belong"):
        vapid.load_keys(
            {"VAPID_PRIVATE_KEY": keys.private, "VAPID_PUBLIC_KEY": generate_keys().public}
        )
    for broken in ("not base64!", b64url(bytes(32)), b64url(b"short")):
        with pytest.raises(PushKeyError, match="not a P-256 private key.*flask push keys"):
            vapid.load_keys({"VAPID_PRIVATE_KEY": broken})


def test_without_keys_push_is_refused_with_what_to_run():
    with pytest.raises(PushKeyError) as refused:
        require_keys({"VAPID_PRIVATE_KEY": "", "VAPID_SUBJECT": SUBJECT})

    assert "VAPID_PRIVATE_KEY is not set" in str(refused.value)
    assert "`flask push keys`" in str(refused.value)


@pytest.mark.parametrize(
    "subject", ["", "admin@school.example", "mailto:admin", "http://school.example", "https://"]
)
def test_a_subject_must_be_mailto_or_https(subject):
    config = {"VAPID_PRIVATE_KEY": generate_keys().private, "VAPID_SUBJECT": subject}

    with pytest.raises(PushKeyError, match="VAPID_SUBJECT"):
        require_keys(config)


def test_the_subject_defaults_to_the_mail_sender():
    assert vapid.default_subject("Waypoint <office@school.example>") == (
        "mailto:office@school.example"
    )
    assert vapid.default_subject("waypoint@localhost") == "mailto:waypoint@localhost"


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com"),
        (
            "https://Updates.Push.Services.Mozilla.com:443/wpush/v2/x",
            "https://updates.push.services.mozilla.com",
        ),
        ("http://127.0.0.1:8123/push/1", "http://127.0.0.1:8123"),
        ("https://[::1]:9000/p", "https://[::1]:9000"),
    ],
)
def test_the_origin_of_an_endpoint_is_its_scheme_host_and_port(endpoint, expected):
    assert origin(endpoint) == expected


def test_the_header_is_signed_once_per_origin_until_near_its_expiry():
    clock = Clock()
    signer = VapidSigner(generate_keys(), SUBJECT, clock=clock)

    first = signer.authorization("https://fcm.googleapis.com/fcm/send/a")
    for n in range(100):
        assert signer.authorization(f"https://fcm.googleapis.com/fcm/send/{n}") == first
    assert signer.signatures == 1
    assert claims_of(first) == {
        "aud": "https://fcm.googleapis.com",
        "exp": int(clock.now) + vapid.LIFETIME,
        "sub": SUBJECT,
    }

    other = signer.authorization("https://updates.push.services.mozilla.com/wpush/v2/b")
    assert claims_of(other)["aud"] == "https://updates.push.services.mozilla.com"
    assert signer.signatures == 2

    clock.now += vapid.LIFETIME - vapid.RENEW_BEFORE - 1
    assert signer.authorization("https://fcm.googleapis.com/fcm/send/a") == first
    assert signer.signatures == 2
    clock.now += 2
    renewed = signer.authorization("https://fcm.googleapis.com/fcm/send/a")
    assert renewed != first
    assert claims_of(renewed)["exp"] == int(clock.now) + vapid.LIFETIME
    assert signer.signatures == 3


def test_threads_sharing_a_signer_get_one_signature():
    signer = VapidSigner(generate_keys(), SUBJECT)
    headers: list[str] = []
    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        headers.extend(signer.authorization(f"https://push.example/{n}") for n in range(200))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(headers) == 1600 and len(set(headers)) == 1
    assert signer.signatures == 1


def test_one_signer_per_configuration_keeps_its_cache():
    keys = generate_keys()
    config = {"VAPID_PRIVATE_KEY": keys.private, "VAPID_SUBJECT": SUBJECT}

    signer = vapid.signer_for(config)

    assert vapid.signer_for(dict(config)) is signer
    assert signer.keys == keys and signer.subject == SUBJECT
    assert vapid.signer_for({**config, "VAPID_SUBJECT": "https://school.example"}) is not signer


# -- configuration and the command -------------------------------------------------------------


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT", "WAYPOINT_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MAIL_FROM", "Hillside <office@hillside.example>")
    return monkeypatch


def test_development_generates_one_key_into_the_instance_folder(clean_environment, tmp_path):
    first = config_module.load(tmp_path)
    again = config_module.load(tmp_path)

    stored = tmp_path / "vapid_private_key"
    assert stored.read_text() == first["VAPID_PRIVATE_KEY"] == again["VAPID_PRIVATE_KEY"]
    assert stored.stat().st_mode & 0o777 == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key", "vapid_private_key"]
    assert require_keys(first).private == first["VAPID_PRIVATE_KEY"]
    assert first["VAPID_SUBJECT"] == "mailto:office@hillside.example"


def test_keys_and_subject_come_from_the_environment(clean_environment, tmp_path):
    keys = generate_keys()
    clean_environment.setenv("VAPID_PRIVATE_KEY", keys.private)
    clean_environment.setenv("VAPID_PUBLIC_KEY", keys.public)
    clean_environment.setenv("VAPID_SUBJECT", "https://hillside.example/contact")

    config = config_module.load(tmp_path)

    assert require_keys(config) == keys
    assert config["VAPID_SUBJECT"] == "https://hillside.example/contact"
    header = vapid.signer_for(config).authorization("https://push.example/send/1")
    assert claims_of(header)["sub"] == "https://hillside.example/contact"
    assert not (tmp_path / "vapid_private_key").exists()


def test_production_without_keys_runs_the_web_app_but_refuses_push(clean_environment, tmp_path):
    clean_environment.setenv("WAYPOINT_ENV", "production")
    clean_environment.setenv("SECRET_KEY", "production-secret")
    clean_environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    app = create_app({"TESTING": True})

    assert app.config["VAPID_PRIVATE_KEY"] == ""
    assert app.test_client().get("/manifest.webmanifest").status_code == 200
    with pytest.raises(PushKeyError, match="Push is off.*`flask push keys`"):
        require_keys(app.config)
    result = app.test_cli_runner().invoke(args=["push", "keys"])
    assert result.exit_code == 0 and "VAPID_PRIVATE_KEY=" in result.stdout


def test_flask_push_keys_prints_two_environment_lines_that_send(
    clean_environment, tmp_path, push_service
):
    clean_environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})

    result = app.test_cli_runner().invoke(args=["push", "keys"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("=", 1)[0] for line in lines] == ["VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"]
    environment = dict(line.split("=", 1) for line in lines)
    assert "environment of the web app and of the consumer" in result.stderr
    assert environment["VAPID_PRIVATE_KEY"] != app.config["VAPID_PRIVATE_KEY"]

    clean_environment.setenv("VAPID_PRIVATE_KEY", environment["VAPID_PRIVATE_KEY"])
    clean_environment.setenv("VAPID_PUBLIC_KEY", environment["VAPID_PUBLIC_KEY"])
    configured = config_module.load(tmp_path)
    device = push_service.subscription(server_key=environment["VAPID_PUBLIC_KEY"])
    message = Message("Test", "It works", "/settings/notifications", "test")
    with new_session() as session:
        outcome = send(
            device.target(), message, signer=vapid.signer_for(configured), ttl=60, session=session
        )
    assert outcome == Delivered()
    assert push_service.wait_for(1)[0].vapid_key == environment["VAPID_PUBLIC_KEY"]
