"""`govinfo-rules lint`: the bundled rulesets are clean; a broken copy is caught."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govinfo_rules.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["wenzhou", "ganzhou", "wanren"])
def test_bundled_rulesets_are_clean(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", name]) == 0
    assert capsys.readouterr().out == f"{name}: 0 finding(s)\n"


def test_a_broken_copy_of_wenzhou_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = (ROOT / "rulesets" / "wenzhou.gvr").read_text(encoding="utf-8")
    # The highest group out of order, a rule shadowed by an earlier one, a rule without a
    # citation, and an unused parameter.
    source = source.replace(
        "    rule 省委省政府批示: level == 省委省政府 and action == 批示 => +10 pts, ¥800  § 三(二)5\n",
        "    rule 省委省政府批示: level == 省委省政府 and action == 批示 => +10 pts, ¥800  § 三(二)5\n"
        "    rule 重复: level == 省委省政府 and action == 批示 => +1 pts\n",
    )
    source = source.replace(
        "param 报送时限天数: integer = 10", "param 未用: integer = 1\nparam 报送时限天数: integer = 10"
    )
    path = tmp_path / "broken.gvr"
    path.write_text(source, encoding="utf-8")
    code = main(["lint", str(path), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    assert code == 1
    assert sorted(f["code"] for f in findings) == ["highest-order", "missing-citation", "shadowed", "unused-parameter"]
    unused = next(f for f in findings if f["code"] == "unused-parameter")
    assert (unused["file"], unused["line"]) == (str(path), 10)
