"""The WSGI entry point freezes what startup made (wsgi.py says why)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_entry_point_keeps_startup_objects_out_of_full_collections(tmp_path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'entry.sqlite3'}",
        "SECRET_KEY": "entry-point-test",
    }
    probe = "import gc, wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    answer = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    frozen, still_tracked = map(int, answer.stdout.split())
    assert frozen > 50_000  # the modules, the app and its routes
    assert still_tracked < frozen / 20
