"""The command line as a user meets it: formats, exit codes, explain, output files."""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from govinfo_rules.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "rulesets" / "examples"

LEDGER = EXAMPLES / "wenzhou-2024.jsonl"
YEAR = ["--as-of", "2024-12-31", "--period", "2024"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_bundled_ruleset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "wenzhou")
    assert code == 0
    assert out.startswith("wenzhou 1.0.0: ok")
    assert err == ""


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    capsys.readouterr()
    code, _, err = run(capsys, "score", "wenzhou", str(LEDGER), "--as-of", "2024/12/31")
    assert code == 2
    assert "invalid date '2024/12/31'" in err


def test_score_table_ranks_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "温州市中医院党政信息报送工作管理办法 (wenzhou 1.0.0)"
    assert "period: 2024 · as of 2024-12-31 · 64 record(s) scored, 0 rejected" in lines[1]
    header = next(i for i, line in enumerate(lines) if line.startswith("rank"))
    first = lines[header + 2].split()
    assert first[:3] == ["1", "党政综合办", "23.5"]
    assert "Awards" in lines
    assert any(line.startswith("Warnings (") for line in lines)


def test_score_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["ruleset"] == {"name": "wenzhou", "version": "1.0.0"}
    assert data["as_of"] == "2024-12-31"
    assert data["period"] == "2024"
    assert len(data["records"]) == 64
    for record in data["records"]:
        # Every figure is a string holding an exact decimal, and the trace adds up.
        for credit in record["credits"]:
            traced = [t for t in record["trace"] if t["unit"] == credit["unit"]]
            assert sum(Decimal(t["points"]) for t in traced) == Decimal(credit["points"])
            assert sum(Decimal(t["yuan"]) for t in traced) == Decimal(credit["yuan"])
            assert all(t["source"] for t in traced)
    points = [Decimal(u["points"]) for u in data["units"]]
    assert points == sorted(points, reverse=True)
    assert [u["rank"] for u in data["units"]][:8] == [1, 2, 3, 4, 5, 6, 7, 7]
    assert data["rejected"] == []


def test_json_array_and_csv_inputs_score_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in LEDGER.read_text(encoding="utf-8").splitlines()]
    as_array = tmp_path / "ledger.json"
    as_array.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    as_csv = tmp_path / "ledger.csv"
    fields = ["id", "unit", "authors", "submitted_on", "kind", "qualified", "adoptions", "chars", "event_on", "title"]
    with as_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            cells = {k: row.get(k, "") for k in fields}
            cells["authors"] = json.dumps(row["authors"], ensure_ascii=False)
            cells["adoptions"] = json.dumps(row["adoptions"], ensure_ascii=False)
            cells["qualified"] = "是" if row["qualified"] else "否"
            writer.writerow(cells)
    outputs = []
    for path in (LEDGER, as_array, as_csv):
        code, out, _ = run(capsys, "score", "wenzhou", str(path), *YEAR, "--format", "json")
        assert code == 0
        data = json.loads(out)
        outputs.append((data["units"], data["awards"], [r["credits"] for r in data["records"]]))
    assert outputs[0] == outputs[1] == outputs[2]


def test_skip_invalid_scores_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = LEDGER.read_text(encoding="utf-8").splitlines()[:5]
    lines.append(
        '{"id": "BAD-1", "unit": "医务科", "authors": ["王强"], "submitted_on": "2024-05-10", "kind": "快讯", "qualified": true}'
    )
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "score", "wenzhou", str(ledger), *YEAR, "--format", "json")
    assert code == 1
    assert out == ""
    assert "record BAD-1: kind: unknown value '快讯'" in err
    code, out, err = run(capsys, "score", "wenzhou", str(ledger), *YEAR, "--format", "json", "--skip-invalid")
    assert code == 0
    data = json.loads(out)
    assert len(data["records"]) == 5
    assert data["rejected"] == [
        {
            "record": "BAD-1",
            "field": "kind",
            "message": "unknown value '快讯'; allowed: 快报, 动态汇报(成效类), 动态汇报(问题类), 专报, 参阅/调研稿; "
            "did you mean '快报'?",
            "line": 6,
        }
    ]
    assert err == "govinfo-rules: 6 record(s) read: 5 scored, 1 rejected (see 'rejected')\n"


def test_output_file_is_written_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "json", "-o", str(target))
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["ruleset"]["name"] == "wenzhou"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_csv_output_lists_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == ["rank", "unit", "points", "yuan", "tier", "records"]
    assert rows[1][:4] == ["1", "党政综合办", "23.5", "900"]


def test_xlsx_output_needs_a_file_or_a_pipe(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, _, err = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "xlsx")
    assert code == 2
    assert "--format xlsx writes an .xlsx workbook: give -o FILE.xlsx, or pipe the output" in err


def test_html_report_from_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # The JSON Lines ledger takes the whole-report path (the report lists every trace),
    # and the page holds the ranking of the JSON output, unit by unit.
    target = tmp_path / "report.html"
    code, _, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "html", "-o", str(target))
    assert code == 0
    code, out, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "json")
    units = json.loads(out)["units"]
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    positions = [page.index(f">{unit['unit']}<") for unit in units]
    assert positions == sorted(positions)
    assert all(f">{unit['points']}<" in page for unit in units)


def test_explain_shows_paid_dropped_and_other_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "wenzhou", str(LEDGER), "--as-of", "2024-12-31", "--id", "WZ-2024-032")
    assert code == 0
    # 三(一)5 参阅/调研稿 3 + 三(二)5 省委省政府批示 10 = 13, ¥800; the lower adoptions are named as not paid.
    assert "paid      基础奖励.参阅调研稿: +3 pts, ¥0  § 三(一)5" in out
    assert "paid      附加奖励.省委省政府批示 [adoptions[2]]: +10 pts, ¥800  § 三(二)5" in out
    assert "not paid  附加奖励.市委市政府采用 [adoptions[0]]: +3 pts, ¥300  § 三(二)2" in out
    assert "did not match: 快报 (§ 三(一)1)" in out
    assert "total for 党政综合办: +13 pts, ¥800" in out


def test_explain_names_the_gate_and_the_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "wenzhou", str(LEDGER), "--as-of", "2024-12-31", "--id", "WZ-2024-027")
    assert code == 0
    assert "gate qualified: NOT passed: no group below pays  § 三(一)" in out
    assert "not qualified (不合格) but has adoptions" in out
    assert "total for 信息中心: +0 pts, ¥0" in out


def test_explain_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "wenzhou", str(LEDGER), "--id", "WZ-2024-32")
    assert code == 1
    assert err == f"{LEDGER}: error: no record with id 'WZ-2024-32'; did you mean 'WZ-2024-032'?\n"


def test_param_override_changes_only_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    _, base, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "json")
    _, strict, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "json", "--param", "报送时限天数=3")
    base_data, strict_data = json.loads(base), json.loads(strict)
    assert base_data["units"] == strict_data["units"]
    assert len(strict_data["warnings"]) > len(base_data["warnings"])
    code, _, err = run(capsys, "check", "wenzhou", "--param", "报送时限=3")
    assert code == 1
    assert "override of unknown parameter '报送时限'; did you mean '报送时限天数'?" in err


def test_month_period_and_future_records(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "score", "wenzhou", str(LEDGER), "--as-of", "2024-03-15", "--period", "2024-03", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["period"] == "2024-03"
    dates = {
        json.loads(line)["id"]: json.loads(line)["submitted_on"]
        for line in LEDGER.read_text(encoding="utf-8").splitlines()
    }
    listed = {r["id"] for r in data["records"]}
    assert listed == {i for i, d in dates.items() if d.startswith("2024-03")}
    future = {i for i in listed if dates[i] > "2024-03-15"}
    assert future, "the example ledger should have March records after the 15th"
    for record in data["records"]:
        if record["id"] in future:
            assert record["credits"] == []
            assert record["counted"] is False
    assert {w["record"] for w in data["warnings"] if "after the as-of date" in w["message"]} == future


def test_missing_input_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "wenzhou", "no-such-ledger.jsonl")
    assert code == 1
    assert err == "no-such-ledger.jsonl:1:1: error: cannot read input: no such file\n"


def test_skip_invalid_counts_records_not_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text(
        LEDGER.read_text(encoding="utf-8").splitlines()[0]
        + '\n{"id": "B-1", "unit": "医务科", "authors": [], "submitted_on": "2024-13-01", "kind": "快讯", "qualified": true}\n'
        + "not json\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "score", "wenzhou", str(ledger), *YEAR, "--skip-invalid")
    assert code == 0
    assert "1 record(s) scored, 2 rejected" in out
    assert "Rejected (2 record(s))" in out
    assert "line 3: record ?: (line): not valid JSON" in out
    assert err == "govinfo-rules: 3 record(s) read: 1 scored, 2 rejected (see 'Rejected')\n"


def test_award_measures_are_strings(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "score", "wenzhou", str(LEDGER), *YEAR, "--format", "json")
    measures = [a["measure"] for a in json.loads(out)["awards"]]
    assert measures[:2] == ["10", "9"]
    assert all(isinstance(m, str) for m in measures)


def test_explain_shows_warning_notes_and_untried_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "wenzhou", str(LEDGER), "--as-of", "2024-12-31", "--id", "WZ-2024-006")
    assert code == 0
    assert "1200 characters: outside the 快报 guidance" in out
    assert "note: 300字左右 is guidance" in out
    _, out, _ = run(capsys, "explain", "wenzhou", str(LEDGER), "--as-of", "2024-12-31", "--id", "WZ-2024-027")
    assert "not tried (stopped by the gate): 快报" in out


GANZHOU = EXAMPLES / "ganzhou-2020-Q3.jsonl"


def test_ganzhou_monthly_report_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "ganzhou", str(GANZHOU), "--period", "2020-07", "--as-of", "2020-07-31")
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("rank"))
    assert header.split() == ["rank", "unit", "points", "yuan", "task", "done", "shortfall", "records"]
    assert "Reminders (" in out
    # Every 附件3 unit is listed: 62 units of the table, plus any outside unit with a July record.
    first = lines.index(header) + 2
    table = lines[first : lines.index("", first)]
    assert len(table) >= 62


def test_ganzhou_json_has_reminders_and_unit_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "score", "ganzhou", str(GANZHOU), "--period", "2020-Q3", "--as-of", "2020-09-15", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["period"] == "2020-Q3"
    assert {"task", "done", "shortfall"} <= data["units"][0].keys()
    due = {r["record"]: r["due_on"] for r in data["reminders"] if "due_on" in r}
    # Obligations not yet due on 09-15 (the example ledger's notes): 重要会议 +5 days, 重大部署 +20 days.
    assert {"GZ-O-11", "GZ-O-12", "GZ-O-22", "GZ-O-23"} <= due.keys()
    assert all(r["shortfall"] != "0" for r in data["reminders"] if "shortfall" in r)


def test_explain_shows_computed_lets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "explain", "ganzhou", str(GANZHOU), "--id", "GZ-O-05", "--as-of", "2020-09-30", "--period", "2020-Q3"
    )
    assert code == 0
    # 重要会议 of 2020-07-16, due 5 days later, never reported: missed, −50 (四(二)2).
    assert "computed: deadline = 2020-07-21; reported = —; missed = true" in out
    assert "paid      未及时报送.重要会议: -50 pts, ¥0  § 四(二)2" in out


def test_wanren_warns_about_two_records_of_one_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (EXAMPLES / "wanren-2024.jsonl").read_text(encoding="utf-8").splitlines()
    again = json.loads(lines[0])
    again.update({"id": "WR-again", "year": 2023})
    ledger = tmp_path / "two-years.jsonl"
    ledger.write_text("\n".join([*lines, json.dumps(again, ensure_ascii=False)]) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "score", "wanren", str(ledger), "--format", "json")
    assert code == 0
    unit = again["unit"]
    assert any(w.get("unit") == unit and "has 2 records" in w["message"] for w in json.loads(out)["warnings"])
    _, out, _ = run(capsys, "score", "wanren", str(ledger), "--period", "2024", "--format", "json")
    assert not any("records:" in w["message"] for w in json.loads(out)["warnings"])
    _, out, _ = run(capsys, "score", "wanren", str(ledger), "--period", "2024", "--format", "csv")
    assert out.splitlines()[0].startswith("group,rank,unit,points")


def test_a_mistyped_bundled_name_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "wenzou")
    assert code == 1
    assert err.startswith("wenzou:1:1: error: cannot read ruleset 'wenzou': no such file")
    assert err.rstrip().endswith("did you mean 'wenzhou'?")
    # A path, or a word like no bundled name, gets none.
    for given in ("./wenzou.gvr", "nothing"):
        code, _, err = run(capsys, "check", given)
        assert code == 1 and "did you mean" not in err
