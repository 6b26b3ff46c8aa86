"""The README's configuration table and app/config.py's SETTINGS cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from app import config

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table() -> dict[str, str]:
    """The rows of the table under "## Configuration": variable → meaning."""
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    section = section.split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([A-Z0-9_]+)` \| (.+?) \|$", section, flags=re.MULTILINE))


def test_readme_lists_exactly_the_settings() -> None:
    table = _readme_table()
    assert table, "README.md has no configuration table"
    assert sorted(table) == sorted(config.SETTINGS), (
        f"README only: {sorted(set(table) - set(config.SETTINGS))}; "
        f"SETTINGS only: {sorted(set(config.SETTINGS) - set(table))}"
    )


def test_readme_meanings_match_the_settings() -> None:
    table = _readme_table()
    for name, meaning in config.SETTINGS.items():
        assert table.get(name) == meaning, f"{name}: README says {table.get(name)!r}"


def test_every_variable_the_config_reads_is_a_setting() -> None:
    source = Path(config.__file__).read_text(encoding="utf-8")
    pattern = r"""(?:_env|os\.environ\.get|os\.getenv)\(\s*["']([A-Z0-9_]+)["']"""
    read = set(re.findall(pattern, source))
    assert read, "the pattern no longer finds how config.py reads variables"
    undocumented = sorted(read - set(config.SETTINGS))
    assert not undocumented, f"read from the environment but not in SETTINGS: {undocumented}"
