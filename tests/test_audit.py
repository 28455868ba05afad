"""`govinfo-rules audit`: the battery holds on the bundled rulesets and catches a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinfo_rules import compile_ruleset
from govinfo_rules.audit import audit
from govinfo_rules.cli import main

BROKEN = """
ruleset broken
record r { unit: name  n: integer min 0 max 5 }
score r to unit {
  group g sum { rule share: true => (10 / n) pts }
}
"""


@pytest.mark.parametrize("name", ["wenzhou", "ganzhou", "wanren"])
def test_the_battery_holds_on_the_bundled_rulesets(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", name, "--examples", "10", "--seed", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1] == "7 of 7 properties held"


def test_a_division_by_zero_is_found_and_shrunk() -> None:
    findings = {f.name: f for f in audit(compile_ruleset(BROKEN), examples=50)}
    finding = findings["no valid ledger raises"]
    assert not finding.held
    assert "division by zero" in finding.detail
    # The shrunk counterexample is one record with n = 0.
    assert [record["n"] for record in finding.counterexample] == [0]


def test_the_cli_exits_1_on_a_counterexample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.gvr"
    path.write_text(BROKEN, encoding="utf-8")
    code = main(["audit", str(path), "--examples", "30"])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "COUNTEREXAMPLE  no valid ledger raises: EvaluationError: <records>:1:1: error: record R-1: division by zero"
        in out
    )
    assert '"n": 0' in out
