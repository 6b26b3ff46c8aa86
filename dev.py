#!/usr/bin/env python3
"""Set Waypoint up and run it, or run its tests, with nothing but Python 3.11+.

    python3 dev.py serve   # virtualenv, dependencies, migrations, demo data, dev server and
                           # the task queue's consumer beside it (push, e-mail)
    python3 dev.py test    # virtualenv, dependencies, Chromium, ruff, the whole test suite

Extra arguments after ``test`` go to pytest (``python3 dev.py test -k login``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
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


def serve() -> None:
    ensure_environment("")
    flask("db", "upgrade")
    flask("seed-demo")
    print("$ flask queue work  (in the background)", flush=True)
    consumer = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "queue", "work"], cwd=ROOT)
    print("\nWaypoint is running at http://127.0.0.1:5000 (Ctrl+C to stop)\n", flush=True)
    try:
        flask("run", "--host", "127.0.0.1", "--port", "5000")
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
            serve()
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
