"""Where the grammar and the bundled rulesets live, installed or in a checkout.

A wheel carries them under ``govinfo_rules/_data/`` (see ``pyproject.toml``); a source
checkout or an editable install reads the top-level ``grammars/`` and ``rulesets/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The directory ``grammars`` or ``rulesets``, wherever this install keeps it."""
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent.parent / name


def grammar_path() -> Path:
    return data_dir("grammars") / "govinfo.lark"


def bundled_rulesets() -> dict[str, Path]:
    """Bundled ruleset names and their files, e.g. ``{"wenzhou": .../wenzhou.gvr}``."""
    directory = data_dir("rulesets")
    return {path.stem: path for path in sorted(directory.glob("*.gvr"))}


def example_path(name: str) -> Path:
    return data_dir("rulesets") / "examples" / name
