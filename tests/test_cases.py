"""Ruleset test files (``*.test.toml``): `govinfo-rules test`, coverage, and the pytest plugin."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from govinfo_rules.cases import coverage, read_case_file, run_files
from govinfo_rules.cli import main
from govinfo_rules.errors import CaseFileError
from govinfo_rules.resources import bundled_rulesets

pytest_plugins = ["pytester"]

RULESETS = Path(__file__).resolve().parent.parent / "rulesets"

DEMO = """
ruleset demo
param 专报分: integer = 3
record article dated submitted_on {
  unit: name
  submitted_on: date
  kind: enum(快报, 专报)
  adopted: bool
}
score article to unit {
  group 基础 sum {
    rule 快报: kind == 快报 => +0.5 pts  § 三(一)1
    rule 专报: kind == 专报 => (专报分) pts  § 三(一)4
  }
  group 采用 sum {
    rule 采用: adopted => +1 pts, ¥100  § 三(二)1
  }
}
award 组织管理奖 rank unit by points prizes ¥3000, ¥2000 ties split
"""


def _write(tmp_path: Path, cases: str, ruleset: str = DEMO) -> Path:
    (tmp_path / "demo.gvr").write_text(ruleset, encoding="utf-8")
    path = tmp_path / "demo.test.toml"
    path.write_text(textwrap.dedent(cases), encoding="utf-8")
    return path


TWO_UNITS = """
    as_of = 2024-12-31
    [[case]]
    name = "two units"
    records = [
      { id = "A-1", unit = "医务科", submitted_on = 2024-03-01, kind = "专报", adopted = true },
      { id = "A-2", unit = "护理部", submitted_on = 2024-03-02, kind = "快报", adopted = false },
    ]
    [case.expect]
    ranking = ["医务科", "护理部"]
    awards = [
      { award = "组织管理奖", rank = 1, winner = "医务科", yuan = 3000 },
      { award = "组织管理奖", rank = 2, winner = "护理部", yuan = 2000 },
    ]
    [case.expect.units]
    "医务科" = { points = 4, yuan = 100, rank = 1 }
    "护理部" = { points = "0.5", yuan = 0, rank = 2 }
    [case.expect.records.A-1]
    points = 4
    credits = { "医务科" = 4 }
    rules = ["采用.采用", "基础.专报"]
"""


def test_a_passing_case_checks_units_records_awards_and_ranking(tmp_path: Path) -> None:
    path = _write(tmp_path, TWO_UNITS)
    results = run_files([read_case_file(path)])
    assert [r.differences for r in results] == [()]
    # The ruleset beside the test file, named like it, is the one used.
    assert results[0].ruleset is not None and results[0].ruleset.name == "demo"


def test_each_difference_is_named_with_expected_and_actual(tmp_path: Path) -> None:
    wrong = (
        TWO_UNITS.replace("points = 4, yuan = 100, rank = 1 }", "points = 5, yuan = 100, rank = 2 }")
        .replace('winner = "护理部", yuan = 2000', 'winner = "护理部", yuan = 1000')
        .replace('rules = ["采用.采用", "基础.专报"]', 'rules = ["基础.专报"]')
    )
    results = run_files([read_case_file(_write(tmp_path, wrong))])
    assert results[0].differences == (
        "units.医务科.points: expected 5, got 4",
        "units.医务科.rank: expected 2, got 1",
        "records.A-1.rules: expected ['基础.专报'], got ['基础.专报', '采用.采用']",
        "awards: expected 组织管理奖 rank 2 护理部 ¥1000, not given",
        "awards: not expected: 组织管理奖 rank 2 护理部 ¥2000",
    )


def test_set_overrides_a_parameter_for_a_case(tmp_path: Path) -> None:
    cases = TWO_UNITS.replace('name = "two units"', 'name = "two units"\nset = { "专报分" = 5 }')
    results = run_files([read_case_file(_write(tmp_path, cases))])
    assert "units.医务科.points: expected 4, got 6" in results[0].differences


def test_a_ledger_file_can_be_the_input(tmp_path: Path) -> None:
    (tmp_path / "ledger.jsonl").write_text(
        '{"id": "A-1", "unit": "医务科", "submitted_on": "2024-03-01", "kind": "快报", "adopted": true}\n',
        encoding="utf-8",
    )
    path = _write(
        tmp_path,
        """
        [[case]]
        name = "from a file"
        input = "ledger.jsonl"
        as_of = 2024-12-31
        [case.expect.units]
        "医务科" = { points = 1.5, yuan = 100 }
        """,
    )
    assert [r.passed for r in run_files([read_case_file(path)])] == [True]


def test_expected_record_errors_pass_and_unexpected_ones_fail(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        [[case]]
        name = "bad kind expected"
        records = [ { id = "A-1", unit = "医务科", submitted_on = 2024-03-01, kind = "简报", adopted = true } ]
        expect = { errors = ["record A-1: kind: unknown value '简报'"] }

        [[case]]
        name = "bad kind not expected"
        records = [
          { id = "A-1", unit = "医务科", submitted_on = 2024-03-01, kind = "快报", adopted = true },
          { id = "A-2", unit = "医务科", submitted_on = 2024-03-01, kind = "简报", adopted = true },
        ]
        expect = { units = { "医务科" = { points = 1.5 } } }

        [[case]]
        name = "an error expected but the records are valid"
        records = [ { id = "A-1", unit = "医务科", submitted_on = 2024-03-01, kind = "快报", adopted = true } ]
        expect = { errors = ["record A-1: kind"] }
        """,
    )
    first, second, third = run_files([read_case_file(path)])
    assert first.passed
    # The problem is placed on the line of the record's id in the test file.
    assert second.differences == (
        "invalid records:",
        f"  {path}:11:1: error: record A-2: kind: unknown value '简报'; allowed: 快报, 专报; did you mean '快报'?",
    )
    assert third.differences == ("errors: none contains 'record A-1: kind'",)


def test_warnings_and_reminders_are_matched_by_their_text(tmp_path: Path) -> None:
    path = tmp_path / "g.test.toml"
    path.write_text(
        textwrap.dedent(
            """
            ruleset = "ganzhou"
            [[case]]
            name = "an obligation not yet due is reminded"
            as_of = 2020-07-03
            period = "2020-07"
            records = [ { id = "O-1", type = "obligation", unit = "办公室", kind = "重要会议", occurred_on = 2020-07-01 } ]
            [case.expect]
            reminders = [ { unit = "办公室", due_on = 2020-07-06, reason = "not yet reported" } ]
            warnings = ["this text is in no warning"]
            """
        ),
        encoding="utf-8",
    )
    (result,) = run_files([read_case_file(path)])
    assert len(result.differences) == 1
    assert result.differences[0].startswith("warnings: none contains 'this text is in no warning'")


def test_coverage_lists_the_rules_no_case_fired_with_their_location(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        [[case]]
        name = "only a 快报"
        as_of = 2024-12-31
        records = [ { id = "A-1", unit = "医务科", submitted_on = 2024-03-01, kind = "快报", adopted = false } ]
        expect = { units = { "医务科" = { points = 0.5 } } }
        """,
    )
    (report,) = coverage(run_files([read_case_file(path)]))
    assert report.ruleset == "demo"
    assert [(block, r.name) for block, r in report.missed] == [("article", "基础.专报"), ("article", "采用.采用")]
    assert str(report.percent) == "33.3"
    assert str(report.missed[0][1].span).endswith("demo.gvr:13:10")


def test_coverage_tells_apart_rules_of_the_same_name_in_two_score_blocks(tmp_path: Path) -> None:
    # 行风作风日常监督.四风问题 is a rule of both 医疗卫生类 and 公共卫生单位 in wanren:
    # firing it for a 医疗卫生类 unit covers only that one.
    lines = (RULESETS / "examples" / "wanren-2024.jsonl").read_text(encoding="utf-8").splitlines()
    medical = json.loads(next(line for line in lines if '"医疗卫生类"' in line))
    medical["four_winds_cases"] = 1
    (tmp_path / "one.jsonl").write_text(json.dumps(medical, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp_path / "w.test.toml"
    path.write_text(
        'ruleset = "wanren"\n[[case]]\nname = "one medical unit"\ninput = "one.jsonl"\nexpect = { warning_count = 0 }\n',
        encoding="utf-8",
    )
    (result,) = run_files([read_case_file(path)])
    assert result.passed, result.differences
    assert ("医疗卫生类", "行风作风日常监督.四风问题") in result.fired
    (report,) = coverage([result])
    missed = {(block, r.name) for block, r in report.missed}
    assert ("公共卫生单位", "行风作风日常监督.四风问题") in missed
    assert ("医疗卫生类", "行风作风日常监督.四风问题") not in missed


@pytest.mark.parametrize("name", sorted(bundled_rulesets()))
def test_the_bundled_rulesets_pass_their_own_cases_with_full_coverage(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["test", name, "--coverage", "--fail-under", "100"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert " failed" not in out
    assert out.splitlines()[-1].startswith(f"coverage {name}: ") and out.splitlines()[-1].endswith("(100.0%)")


def test_without_a_path_every_bundled_test_file_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 0
    out = capsys.readouterr().out
    for name in bundled_rulesets():
        assert f"{name}.test.toml\n" in out


def test_a_broken_copy_of_a_bundled_ruleset_fails_its_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 三(一)4: a 专报 earns 3; the copy pays 2.
    text = (RULESETS / "wenzhou.gvr").read_text(encoding="utf-8")
    broken = text.replace("rule 专报: kind == 专报 => +3 pts", "rule 专报: kind == 专报 => +2 pts")
    assert broken != text
    (tmp_path / "wenzhou.gvr").write_text(broken, encoding="utf-8")
    shutil.copy(RULESETS / "wenzhou.test.toml", tmp_path / "wenzhou.test.toml")
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "records.W-4.points: expected 3, got 2" in out


def test_fail_under_exits_1_when_coverage_is_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path,
        """
        [[case]]
        name = "only a 快报"
        as_of = 2024-12-31
        records = [ { id = "A-1", unit = "医务科", submitted_on = 2024-03-01, kind = "快报", adopted = false } ]
        expect = { units = { "医务科" = { points = 0.5 } } }
        """,
    )
    assert main(["test", str(path), "--fail-under", "30"]) == 0
    assert main(["test", str(path), "--fail-under", "50"]) == 1
    assert "never fired: 采用.采用" in capsys.readouterr().out


def test_k_selects_cases_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "wenzhou", "-k", "三(二)5"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "1 passed"


def test_no_test_file_is_wrong_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(tmp_path)]) == 2
    assert "no test files found (they are named NAME.test.toml)" in capsys.readouterr().err


def test_a_case_file_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[case]]\nname = "x"\nrecords = []\n[case.expect]\nunits = { a = 1 ]\n')
    with pytest.raises(CaseFileError) as caught:
        read_case_file(path)
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic.span) == f"{path}:5:17"
    assert diagnostic.message.startswith("not valid TOML: ")


def test_the_pytest_plugin_collects_cases_and_shows_differences(pytester: pytest.Pytester) -> None:
    (pytester.path / "demo.gvr").write_text(DEMO, encoding="utf-8")
    wrong = TWO_UNITS.replace('"医务科" = { points = 4,', '"医务科" = { points = 7,')
    (pytester.path / "demo.test.toml").write_text(textwrap.dedent(TWO_UNITS), encoding="utf-8")
    (pytester.path / "wrong.test.toml").write_text('ruleset = "demo.gvr"\n' + textwrap.dedent(wrong), encoding="utf-8")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*units.医务科.points: expected 7, got 4*"])


def test_the_pytest_plugin_reports_a_bad_file_as_a_collection_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "bad.test.toml").write_text('ruleset = "wenzhou"\ncolour = 1\n', encoding="utf-8")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bad.test.toml:2:1: error: unknown key 'colour'*"])


def test_a_wrong_expectation_is_located_in_the_expectations(tmp_path: Path) -> None:
    # `unit` is a key of every record above [case.expect]: the error points at the
    # expectation's own line, not at the first record that has the key.
    cases = """
        as_of = 2024-12-31
        [[case]]
        name = "x"
        records = [
          { id = "A-1", unit = "医务科", submitted_on = 2024-03-01, kind = "专报", adopted = true },
        ]
        [case.expect]
        unit = "医务科"
    """
    path = _write(tmp_path, cases)
    with pytest.raises(CaseFileError) as caught:
        read_case_file(path)
    (diagnostic,) = caught.value.diagnostics
    assert "unknown key 'unit'" in diagnostic.message
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[diagnostic.span.line - 1].strip() == 'unit = "医务科"'
