"""``dev.py serve`` takes its port from ``--port``, then ``PORT``, and says when it is busy."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location("dev", Path(__file__).parents[2] / "dev.py")
dev = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(dev)


@pytest.mark.parametrize(
    ("args", "env", "port"),
    [
        ([], None, 5000),
        ([], "8123", 8123),
        (["--port", "8000"], "8123", 8000),
        (["--port=8001"], None, 8001),
    ],
)
def test_the_port_comes_from_the_flag_then_the_environment(monkeypatch, args, env, port):
    if env is None:
        monkeypatch.delenv("PORT", raising=False)
    else:
        monkeypatch.setenv("PORT", env)
    assert dev.port_from(args) == port


@pytest.mark.parametrize("value", ["abc", "0", "70000", ""])
def test_a_port_that_is_no_port_is_refused_with_a_message(monkeypatch, value):
    monkeypatch.delenv("PORT", raising=False)
    with pytest.raises(SystemExit, match="The port must be a number from 1 to 65535"):
        dev.port_from(["--port", value])


def test_a_busy_port_is_seen_before_anything_starts():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not dev.port_is_free(port)
        with pytest.raises(SystemExit, match=f"Port {port} is already in use"):
            dev.serve(["--port", str(port)])
    assert dev.port_is_free(port)
