"""The documentation's policy-language examples compile (or fail, where they say so)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govinfo_rules import GovinfoRulesError, compile_ruleset

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"```gvr( dir=\S+)?\n(.*?)```", flags=re.S)
# A snippet that reads a file (a CSV table) shows that file earlier on the page as
# "$ cat NAME" in a text block; the test writes it beside the snippet.
SHOWN_FILE = re.compile(r"```text\n\$ cat (\S+)\n(.*?)```", flags=re.S)


def _files_before(text: str, end: int) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in SHOWN_FILE.finditer(text[:end])}


SNIPPETS = [
    pytest.param(
        match.group(2),
        _files_before(text, match.start()) if match.group(1) else {},
        id=f"{path.name}:{text[: match.start()].count(chr(10)) + 1}",
    )
    for path in sorted(DOCS.glob("*.md"))
    for text in [path.read_text(encoding="utf-8")]
    for match in FENCE.finditer(text)
]


def test_the_language_reference_has_examples() -> None:
    assert len(SNIPPETS) >= 15


@pytest.mark.parametrize(("source", "files"), SNIPPETS)
def test_snippet(source: str, files: dict[str, str], tmp_path: Path) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    if source.startswith("# ✗"):  # an example of a mistake: it must be rejected
        with pytest.raises(GovinfoRulesError):
            compile_ruleset(source, filename=str(tmp_path / "snippet.gvr"))
    else:
        compile_ruleset(source, filename=str(tmp_path / "snippet.gvr"))


def test_the_auditing_example_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    text = (DOCS / "auditing.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    script = tmp_path / "audit_example.py"
    script.write_text(block, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "all three properties hold"
