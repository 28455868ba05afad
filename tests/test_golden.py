"""Golden files: the exact wording of the main diagnostics, as the CLI prints them.

Each folder of tests/golden/ holds the inputs, ``args`` (the command line) and
``expected`` (exit status, then stdout/stderr).  After a reviewed change of wording,
``pytest tests/test_golden.py --update-golden`` rewrites the expected files.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from govinfo_rules.cli import main

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "args").is_file())


def _run(case: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.chdir(case)
    argv = shlex.split((case / "args").read_text(encoding="utf-8"))
    code = main(argv)
    captured = capsys.readouterr()
    return f"exit {code}\n--- stdout\n{captured.out}--- stderr\n{captured.err}"


@pytest.mark.parametrize("name", CASES)
def test_golden(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], update_golden: bool
) -> None:
    case = GOLDEN / name
    actual = _run(case, monkeypatch, capsys)
    expected_file = case / "expected"
    if update_golden:
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_golden_case_has_an_expected_file() -> None:
    assert CASES, "no golden cases found"
    missing = [name for name in CASES if not (GOLDEN / name / "expected").is_file()]
    assert missing == []
