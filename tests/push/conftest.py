"""Fixtures for sending push: a VAPID signer on fresh keys and one keep-alive session.

The loopback push service itself (``push_service``) is in loopback.py and registered in
tests/conftest.py, so that web and browser tests have it too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.push.sender import Connections, new_session
from app.push.vapid import VapidSigner, generate_keys

SUBJECT = "mailto:push-admin@test.example"


@pytest.fixture
def signer() -> VapidSigner:
    return VapidSigner(generate_keys(), SUBJECT)


@pytest.fixture
def session() -> Iterator[Connections]:
    with new_session() as session:
        yield session
