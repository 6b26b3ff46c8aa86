"""Views never commit: a transaction has one owner, the service function the view calls.

Read from the source: every module of ``app/`` that defines a view, an error handler or a
request hook (a function under a ``@<blueprint or app>.route/get/post/...`` decorator) must not
call ``.commit()`` anywhere; services, the CLI and the demo seeding own the commits.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
VIEW_DECORATORS = {
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "errorhandler",
    "app_errorhandler",
    "before_request",
    "before_app_request",
    "after_request",
    "after_app_request",
}


def _decorator_name(node: ast.expr) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else None


def _defines_views(tree: ast.Module) -> bool:
    return any(
        _decorator_name(decorator) in VIEW_DECORATORS
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
    )


def _commits(tree: ast.Module) -> list[int]:
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    )


def _modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def _view_modules() -> list[Path]:
    return [path for path in _modules() if _defines_views(ast.parse(path.read_text("utf-8")))]


def test_the_scan_finds_the_views() -> None:
    found = {path.relative_to(APP).as_posix() for path in _view_modules()}
    assert {"programs/routes.py", "gamification/routes.py", "errors/handlers.py"} <= found
    assert "programs/service.py" not in found


def test_the_scan_sees_a_commit() -> None:
    tree = ast.parse("@bp.post('/x')\ndef view():\n    db.session.commit()\n")
    assert _defines_views(tree) and _commits(tree) == [3]


@pytest.mark.parametrize("path", _view_modules(), ids=lambda path: path.relative_to(APP).as_posix())
def test_no_view_module_commits(path: Path) -> None:
    lines = _commits(ast.parse(path.read_text("utf-8")))
    assert not lines, (
        f"app/{path.relative_to(APP).as_posix()} commits on lines {lines}: move the write into "
        "the feature's service module, which commits"
    )
