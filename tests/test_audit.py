"""`govinfo-rules audit`: the battery holds on the bundled rulesets and catches a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinfo_rules import RulesetError, compile_ruleset
from govinfo_rules.audit import audit
from govinfo_rules.cli import main

BROKEN = """
ruleset broken
record r { unit: name  n: integer min 0 max 5 }
score r to unit {
  group g sum { rule share: true => (10 / n) pts }
}
"""


# The seven standard properties plus one per `monotone` the ruleset declares.
@pytest.mark.parametrize(("name", "declared"), [("wenzhou", 2), ("ganzhou", 3), ("wanren", 10)])
def test_the_battery_holds_on_the_bundled_rulesets(
    name: str, declared: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", name, "--examples", "10", "--seed", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    total = 7 + declared
    assert out.splitlines()[-1] == f"{total} of {total} properties held"
    assert out.count("  held            monotone: ") == declared


NOT_MONOTONE = """
ruleset mono
struct item { level: enum(a, b) }
record r { unit: name  items: list of item  n: integer min 0 max 9  flag: bool }
score r to unit {
  group g sum over items {
    rule a: level == a => +1 pts  § 1
    rule b: level == b => +2 pts  § 2
  }
  group h sum {
    rule many: count(items) >= 3 => -10 pts  § 3
    rule flagged: flag => +1 pts  § 4
  }
  monotone items
  monotone n increasing
  monotone flag decreasing
}
"""


def test_a_declared_monotonicity_that_fails_is_shown_before_and_after_with_traces() -> None:
    findings = {f.name: f for f in audit(compile_ruleset(NOT_MONOTONE), examples=60)}
    items = findings["monotone: one more item in r.items never lowers its points"]
    assert not items.held
    before, after = items.counterexample["before"], items.counterexample["after"]
    # Shrunk: two items of the cheapest level, then a third one triggers the −10.
    assert before["items"] == [{"level": "a"}, {"level": "a"}]
    assert after["items"] == [{"level": "a"}] * 3
    assert items.detail == "R-1: 医务科 gets 2 but -7 after the change in items"
    assert items.trace[-1] == "after R-1: h.many → 医务科 -10 pts  § 3"
    assert sum(line.startswith("before R-1: g.a") for line in items.trace) == 2
    # A number with nothing depending on it holds; a bool that pays when true does not
    # hold as `decreasing`.
    assert findings["monotone: a larger r.n never lowers its points"].held
    flag = findings["monotone: r.flag true instead of false never raises its points"]
    assert not flag.held
    assert flag.counterexample["before"]["flag"] is False and flag.counterexample["after"]["flag"] is True


def test_the_cli_prints_the_trace_of_a_counterexample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mono.gvr"
    path.write_text(NOT_MONOTONE, encoding="utf-8")
    assert main(["audit", str(path), "--examples", "60"]) == 1
    out = capsys.readouterr().out
    assert "    trace:\n" in out
    assert "      after R-1: h.many → 医务科 -10 pts  § 3\n" in out
    assert out.splitlines()[-1] == "8 of 10 properties held"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("monotone nope", "'monotone nope': r has no field 'nope'; did you mean 'n'?"),
        ("monotone unit", "'monotone unit' needs a list, a number or a bool; unit is name"),
    ],
)
def test_a_bad_monotone_declaration_is_a_ruleset_error(line: str, message: str) -> None:
    text = NOT_MONOTONE.replace("monotone flag decreasing", line)
    with pytest.raises(RulesetError) as caught:
        compile_ruleset(text, filename="mono.gvr")
    assert [d.message for d in caught.value.diagnostics] == [message]


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


def test_a_broken_copy_of_wanren_whose_total_can_exceed_its_max_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without the cap, a surplus bonus lifts a 医疗卫生类 unit above its full marks of 10;
    # the ruleset is refused before any record is generated.
    root = Path(__file__).resolve().parent.parent / "rulesets"
    text = (root / "wanren.gvr").read_text(encoding="utf-8")
    broken = text.replace("total floor 0 cap 10 max 10", "total floor 0 max 10")
    assert broken != text
    path = tmp_path / "wanren.gvr"
    path.write_text(broken, encoding="utf-8")
    assert main(["audit", str(path), "--examples", "5"]) == 1
    err = capsys.readouterr().err
    assert "error: the total of 医疗卫生类 declares max 10, but nothing bounds what it can pay" in err
