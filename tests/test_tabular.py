"""A report as tables (`tabular.sections`), and `score --format csv -o DIR/`.

The sections hold the report's own figures (the JSON report is the reference), the
workbook and the CSV files are written from the same rows, and text that a spreadsheet
would run as a formula is written as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from govinfo_rules import load_ruleset
from govinfo_rules.cli import main
from govinfo_rules.render import render_csv_units
from govinfo_rules.report import Report
from govinfo_rules.tabular import Column, Section, csv_files, csv_text, guard, sections

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"
CASES = [
    ("wenzhou", "wenzhou-2024.jsonl", "2024-12-31", "2024"),
    ("ganzhou", "ganzhou-2020-Q3.jsonl", "2020-09-15", "2020-Q3"),
    ("wanren", "wanren-2024.jsonl", "2024-12-31", "2024"),
]


def _report(name: str, ledger: str, as_of: str, period: str) -> Report:
    ruleset = load_ruleset(name)
    return ruleset.evaluate(ruleset.read(EXAMPLES / ledger).records, as_of=as_of, period=period)


def _by_key(section: Section) -> list[dict[str, object]]:
    return [{c.key: v for c, v in zip(section.columns, row, strict=True)} for row in section.rows]


@pytest.mark.parametrize(("name", "ledger", "as_of", "period"), CASES)
def test_sections_hold_the_reports_figures(name: str, ledger: str, as_of: str, period: str) -> None:
    report = _report(name, ledger, as_of, period)
    data = report.to_json()
    found = {s.key: s for s in sections(report)}
    keys = ["summary", "units", "records", "awards", *(["reminders"] if "reminders" in data else []), "warnings"]
    assert list(found) == keys
    units = _by_key(found["units"])
    assert [(u["unit"], u["rank"], u["points"], u["yuan"]) for u in units] == [
        (u["unit"], u["rank"], Decimal(u["points"]), Decimal(u["yuan"])) for u in data["units"]
    ]
    assert all(isinstance(u["points"], Decimal) for u in units)  # exact numbers, not text
    assert [u.get("tier") for u in units] == [u["tier"] for u in data["units"]]
    if any("group" in u for u in data["units"]):
        assert [u["group"] for u in units] == [u["group"] for u in data["units"]]
    records = _by_key(found["records"])
    credits = [
        (r["id"], c["unit"], Decimal(c["points"]), Decimal(c["yuan"])) for r in data["records"] for c in r["credits"]
    ]
    assert [(r["id"], r["unit"], r["points"], r["yuan"]) for r in records if r["unit"] is not None] == credits
    # The rules that paid each credit are listed with their clauses.
    for row, record in zip(
        (r for r in records if r["unit"] is not None), (r for r in data["records"] for _ in r["credits"]), strict=True
    ):
        paid = [t for t in record["trace"] if t["unit"] == row["unit"]]
        assert (row["trace"] or "").count(" pts") == len(paid)
        assert all(t["rule"] in str(row["trace"]) for t in paid)
    awards = _by_key(found["awards"])
    assert [(a["award"], a["rank"], a["winner"], a["yuan"]) for a in awards] == [
        (a["award"], a["rank"], a["winner"], Decimal(a["yuan"])) for a in data["awards"]
    ]
    assert [w["message"] for w in _by_key(found["warnings"])] == [w["message"] for w in data["warnings"]]
    if "reminders" in data:
        assert [(r["unit"], r["reason"]) for r in _by_key(found["reminders"])] == [
            (r["unit"], r["reason"]) for r in data["reminders"]
        ]
    summary = dict(found["summary"].rows)
    assert summary["截至日期 as_of"] == dt.date.fromisoformat(as_of)
    assert summary["期间 period"] == period
    assert summary["规则集 ruleset"] == name


def test_headers_are_chinese_and_english() -> None:
    assert Column("rank", "排名").header == "排名 rank"
    assert Column("task", "").header == "task"  # a ruleset's own column keeps its name
    report = _report(*CASES[1])
    units = next(s for s in sections(report) if s.key == "units")
    assert [c.header for c in units.columns][-3:] == ["task", "done", "shortfall"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_guard_quotes_what_could_start_a_formula(text: str) -> None:
    assert guard(text) == "'" + text
    assert guard("a" + text) == "a" + text


def test_csv_text_writes_kinds_as_spreadsheets_read_them() -> None:
    section = Section(
        "t",
        "表",
        (Column("a", "甲"), Column("b", "乙"), Column("c", "丙"), Column("d", "丁"), Column("e", "戊")),
        (
            ("=SUM(A1)", Decimal("-10.50"), dt.date(2024, 5, 10), True, None),
            ("医务科", 3, dt.date(2024, 1, 1), False, "x"),
        ),
    )
    text = csv_text(section)
    assert text.split("\r\n")[:3] == [
        "甲 a,乙 b,丙 c,丁 d,戊 e",
        "'=SUM(A1),-10.5,2024-05-10,是,",
        "医务科,3,2024-01-01,否,x",
    ]
    assert text.endswith("\r\n")


def test_a_report_in_csv_files_is_the_sections_as_text() -> None:
    report = _report(*CASES[0])
    files = csv_files(report)
    assert list(files) == [f"{s.key}.csv" for s in sections(report)]
    for section in sections(report):
        rows = list(csv.reader(io.StringIO(files[f"{section.key}.csv"])))
        assert rows[0] == [c.header for c in section.columns]
        assert len(rows) == len(section.rows) + 1


# --- the command line ---------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _args(name: str, ledger: str, as_of: str, period: str) -> list[str]:
    return ["score", name, str(EXAMPLES / ledger), "--as-of", as_of, "--period", period]


@pytest.mark.parametrize(("name", "ledger", "as_of", "period"), CASES)
def test_csv_into_a_directory_writes_every_section(
    name: str, ledger: str, as_of: str, period: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    code, stdout, err = run(capsys, *_args(name, ledger, as_of, period), "--format", "csv", "-o", f"{out}/")
    assert (code, stdout, err) == (0, "", "")
    report = _report(name, ledger, as_of, period)
    expected = csv_files(report)
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)  # and no temporary file left
    for file_name, text in expected.items():
        data = (out / file_name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads it as UTF-8
        assert data.decode("utf-8-sig") == text
    units = list(csv.DictReader(io.StringIO(expected["units.csv"])))
    code, text, _ = run(capsys, *_args(name, ledger, as_of, period), "--format", "json")
    assert [(u["单位 unit"], u["得分 points"]) for u in units] == [
        (u["unit"], u["points"]) for u in json.loads(text)["units"]
    ]


def test_csv_to_stdout_or_a_file_is_the_units_table_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(*CASES[0])
    code, stdout, _ = run(capsys, *args, "--format", "csv")
    assert code == 0
    assert stdout == render_csv_units(_report(*CASES[0]))
    code, _, _ = run(capsys, *args, "--format", "csv", "-o", str(tmp_path / "units.csv"))
    assert (tmp_path / "units.csv").read_text(encoding="utf-8") == stdout


def test_an_existing_directory_needs_no_slash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "units.csv").write_text("old", encoding="utf-8")
    code, _, _ = run(capsys, *_args(*CASES[0]), "--format", "csv", "-o", str(tmp_path))
    assert code == 0
    assert (tmp_path / "units.csv").read_text(encoding="utf-8-sig").startswith("排名 rank,单位 unit")


def test_a_directory_whose_parent_is_missing_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *_args(*CASES[0]), "--format", "csv", "-o", f"{tmp_path}/no/such/")
    assert code == 1
    assert "cannot write: no such directory" in err
    assert not (tmp_path / "no").exists()


def test_rejected_csv_with_skip_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (EXAMPLES / "wenzhou-2024.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    lines[1] = '{"id": "BAD-1", "unit": "=1+1", "kind": "快讯"}'
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["score", "wenzhou", str(ledger), "--as-of", "2024-12-31", "--format", "csv", "-o", f"{out}/"]
    code, _, err = run(capsys, *argv, "--skip-invalid")
    assert code == 0
    rows = list(csv.reader(io.StringIO((out / "rejected.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["编号 record", "行 line", "字段 field", "问题 message"]
    assert {(r[0], r[1]) for r in rows[1:]} == {("BAD-1", "2")}
    assert f"see {out / 'rejected.csv'}" in err
    code, _, _ = run(capsys, *argv)
    assert code == 1  # without --skip-invalid nothing is written over the previous files
    assert (out / "rejected.csv").exists()


def test_text_in_csv_files_is_guarded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.jsonl"
    record = {"id": "W-1", "unit": '=HYPERLINK("x")', "authors": ["@王强"], "submitted_on": "2024-05-10"}
    record |= {"kind": "快报", "qualified": True}
    ledger.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, _ = run(
        capsys, "score", "wenzhou", str(ledger), "--as-of", "2024-12-31", "--format", "csv", "-o", f"{out}/"
    )
    assert code == 0
    units = list(csv.reader(io.StringIO((out / "units.csv").read_text(encoding="utf-8-sig"))))
    assert units[1][1] == '\'=HYPERLINK("x")'
    awards = list(csv.reader(io.StringIO((out / "awards.csv").read_text(encoding="utf-8-sig"))))
    assert [row[2] for row in awards[1:]] == ["'@王强"]
