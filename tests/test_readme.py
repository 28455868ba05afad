"""The README's Python example runs, and prints what its comments promise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_example_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1
    script = tmp_path / "example.py"
    script.write_text(blocks[0], encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # 三(一)4 专报 3 + 三(二)4 省委省政府采用 5 = 8 points, ¥600 — as the README's comment says.
    assert lines[0] == "8 600"
    assert lines[2] == "医务科 1"


def test_readme_office_commands_run(tmp_path: Path) -> None:
    """The Excel-in, report-out commands of the README run as written (from the
    repository's root, writing into a scratch directory) and make what they promise."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## In the office") : text.index("## A taste of the language")]
    block = re.findall(r"```sh\n(.*?)```", section, flags=re.S)[0]
    commands = [line for line in block.splitlines() if line.startswith(".venv/bin/govinfo-rules ")]
    assert len(commands) == 3
    root = README.parent
    for command in commands:
        args = command.removeprefix(".venv/bin/govinfo-rules ").split()
        # Outputs go to the scratch directory; inputs are the repository's files.
        args = [str(tmp_path / a) if a.endswith((".xlsx", ".html")) else a for a in args]
        done = subprocess.run(
            [sys.executable, "-m", "govinfo_rules.cli", *args], capture_output=True, text=True, cwd=root, check=False
        )
        assert done.returncode == 0, (command, done.stderr)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "党政综合办" in report and "<svg" in report
    import zipfile

    with zipfile.ZipFile(tmp_path / "scores.xlsx") as book:
        assert any(name.startswith("xl/worksheets/sheet") for name in book.namelist())
