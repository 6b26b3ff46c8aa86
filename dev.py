#!/usr/bin/env python3
"""Set Waypoint up and run it, or run its tests, with nothing but Python 3.11+.

    python3 dev.py serve   # virtualenv, dependencies, migrations, demo data, dev server and
                           # the task queue's consumer beside it (push, e-mail)
    python3 dev.py serve --port 8000   # another port (or PORT=8000; the default is 5000)
    python3 dev.py test    # virtualenv, dependencies, Chromium, ruff, the whole test suite

Extra arguments after ``test`` go to pytest (``python3 dev.py test -k login``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def run(*command: str | Path, **kwargs) -> None:
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=ROOT, **kwargs)


def ensure_environment(extras: str) -> None:
    """Create the virtualenv and install the project when pyproject.toml has changed."""
    if sys.version_info < (3, 11):
        sys.exit("Waypoint needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    installed = stamp.read_text().split() if stamp.exists() else []
    if wanted not in installed:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", f".{extras}")
        stamp.write_text(" ".join([*installed, wanted]))


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium; install it when we may, else say how."""
    if shutil.which("chromium"):
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", env=env)
        return
    sys.exit(
        "The browser tests need Chromium on the PATH as `chromium`.\n"
        "On Debian or Ubuntu run:  sudo apt-get install chromium\n"
        "then run `python3 dev.py test` again."
    )


def flask(*args: str) -> None:
    run(BIN / "flask", "--app", "wsgi", *args)


def port_from(args: list[str]) -> int:
    """``--port N`` (or ``--port=N``), else ``PORT``, else 5000."""
    value = os.environ.get("PORT", "5000")
    for i, arg in enumerate(args):
        if arg == "--port" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--port="):
            value = arg.partition("=")[2]
    if not value.isdigit() or not 0 < int(value) < 65536:
        sys.exit(f"The port must be a number from 1 to 65535, not {value!r}.")
    return int(value)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def serve(args: list[str]) -> None:
    port = port_from(args)
    if not port_is_free(port):
        sys.exit(
            f"Port {port} is already in use (is Waypoint already running?).\n"
            f"Stop what uses it, or pick another port:  python3 dev.py serve --port {port + 1}"
        )
    ensure_environment("")
    flask("db", "upgrade")
    flask("seed-demo")
    print("$ flask queue work  (in the background)", flush=True)
    consumer = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "queue", "work"], cwd=ROOT)
    print(f"\nWaypoint is running at http://127.0.0.1:{port} (Ctrl+C to stop)\n", flush=True)
    try:
        flask("run", "--host", "127.0.0.1", "--port", str(port))
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)


def test(pytest_args: list[str]) -> None:
    ensure_environment("[test]")
    ensure_chromium()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    workers = (
        []
        if any(arg.startswith(("-n", "--numprocesses")) for arg in pytest_args)
        else [
            "-n",
            "auto",
        ]
    )
    run(PYTHON, "-m", "pytest", *workers, *pytest_args)


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    try:
        if command == "serve":
            serve(rest)
        elif command == "test":
            test(rest)
        else:
            print(__doc__)
            sys.exit(0 if command == "help" else 2)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
