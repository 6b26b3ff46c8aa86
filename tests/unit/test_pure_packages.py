"""game/ and matching/ stay pure: no web framework, no database, no clock, no machine time zone,
no I/O."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import game
import matching

PACKAGES = {"game": game, "matching": matching}
FORBIDDEN_MODULES = {"flask", "sqlalchemy", "app", "os", "time", "socket", "random", "pathlib"}
# clock and local-zone reads; astimezone() with no argument means "the machine's zone"
FORBIDDEN_CALLS = {"now", "utcnow", "today", "localtime", "gmtime", "open", "print", "input"}


def sources(package: str) -> list[Path]:
    return sorted(Path(PACKAGES[package].__file__).parent.glob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_importing_pulls_in_no_framework(package: str) -> None:
    code = (
        f"import {package}, sys; "
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules, 'impure'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(PACKAGES[package].__file__).parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("package", "at_least"), [("game", 10), ("matching", 4)])
def test_sources_read_no_clock_and_do_no_io(package: str, at_least: int) -> None:
    assert len(sources(package)) >= at_least
    for source in sources(package):
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                roots = set()
            assert not roots & FORBIDDEN_MODULES, f"{source.name} imports {roots}"
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert name not in FORBIDDEN_CALLS, f"{source.name}:{node.lineno} calls {name}"
                if name == "astimezone":
                    assert node.args, f"{source.name}:{node.lineno} uses the machine's zone"
