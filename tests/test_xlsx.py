"""Excel ledgers in and reports out: `score LEDGER.xlsx`, `score --format xlsx`.

Numbers are read as the file writes them (never through a float), dates as dates,
every record error carries the sheet row and column, a damaged file is an input
error, and a report's text never becomes a formula.  The example ledgers survive a
round trip through .xlsx with byte-identical JSON scores.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govinfo_rules import GovinfoRulesError, compile_ruleset, load_ruleset
from govinfo_rules.cli import main
from govinfo_rules.inputs import header_names
from govinfo_rules.template import ledger_columns
from govinfo_rules.xlsx import put_number, put_text, read_sheet, write_ledger

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"
YEAR = ["--as-of", "2024-12-31", "--period", "2024"]
CASES = [
    ("wenzhou", "wenzhou-2024.jsonl", YEAR),
    ("ganzhou", "ganzhou-2020-Q3.jsonl", ["--as-of", "2020-09-15", "--period", "2020-Q3"]),
    ("wanren", "wanren-2024.jsonl", YEAR),
]

# A ruleset whose points are a decimal field as read: any float on the way shows.
AMOUNTS = """ruleset amounts
record r dated on {
  unit: name label "单位"
  amount: decimal label "金额"
  on: date optional label "日期"
  ok: bool optional label "合格"
}
score r to unit { group g sum { rule pay: true => (amount) pts  § 1 } }
"""


class Num(str):
    """A number cell holding exactly this text (as Excel writes one)."""


class Text(str):
    """A text cell, whatever the text looks like (openpyxl alone makes ``=x`` a formula)."""


def workbook(
    path: Path, rows: list[list[Any]], *, title: str = "台账", more: dict[str, list[list[Any]]] | None = None
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    _fill(sheet, rows)
    for name, extra in (more or {}).items():
        _fill(book.create_sheet(name), extra)
    book.save(path)
    return path


def _fill(sheet: Any, rows: list[list[Any]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            if isinstance(value, Num):
                put_number(sheet.cell(r, c), Decimal(value), str(value))
            elif isinstance(value, Text):
                put_text(sheet.cell(r, c), str(value))
            else:
                sheet.cell(r, c).value = value


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _ruleset_file(tmp_path: Path) -> Path:
    path = tmp_path / "amounts.gvr"
    path.write_text(AMOUNTS, encoding="utf-8")
    return path


# --- exact numbers ---------------------------------------------------------------------------

# Each text is a decimal that a binary float does not hold: float(text) is another number.
EXACT = ["0.1", "0.2", "123456789012345.123456", "2.675", "0.000001"]


def test_float_would_change_these_numbers() -> None:
    for text in EXACT:
        assert Decimal(float(text)) != Decimal(text)
    assert repr(float("123456789012345.123456")) != "123456789012345.123456"


def test_number_cells_are_read_as_the_file_writes_them(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "ledger.xlsx", [["id", "单位", "金额"], *[[f"R-{i}", "甲", Num(t)] for i, t in enumerate(EXACT)]]
    )
    # The file holds the decimal text itself, as Excel writes a typed number.
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert all(f"<v>{t}</v>" in xml for t in EXACT)
    ruleset = compile_ruleset(AMOUNTS)
    read = read_sheet(path, headers=header_names(ruleset.program))
    assert [r.data["amount"] for r in read.records] == EXACT
    report = ruleset.evaluate(ruleset.validate_raw(read.records).records, as_of="2024-12-31")
    assert report.unit("甲").points == sum((Decimal(t) for t in EXACT), Decimal(0))
    assert report.unit("甲").points != Decimal(sum(float(t) for t in EXACT))


def test_a_float_artefact_is_refused_not_scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 0.1 + 0.2 computed by a spreadsheet formula is stored as 0.30000000000000004.
    path = workbook(tmp_path / "ledger.xlsx", [["id", "单位", "金额"], ["R-1", "甲", Num("0.30000000000000004")]])
    code, out, err = run(capsys, "score", str(_ruleset_file(tmp_path)), str(path), "--as-of", "2024-12-31")
    assert code == 1 and out == ""
    assert "ledger.xlsx:2:3: error: record R-1: amount: 0.30000000000000004 has 17 decimal places" in err


def test_integers_and_ids_in_number_cells(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ledger.xlsx", [["编号", "单位", "金额"], [Num("1001"), "甲", Num("3")]])
    ruleset = compile_ruleset(AMOUNTS)
    records = ruleset.validate_raw(read_sheet(path, headers=header_names(ruleset.program)).records).records
    assert [(r.id, r.values[2]) for r in records] == [("1001", Decimal(3))]


# --- dates, booleans, empty cells ------------------------------------------------------------


def test_dates_and_booleans(tmp_path: Path) -> None:
    rows = [
        ["id", "单位", "金额", "日期", "合格"],
        ["R-1", "甲", Num("1"), dt.date(2024, 5, 10), "是"],
        ["R-2", "甲", Num("1"), dt.datetime(2024, 5, 11, 0, 0), "否"],
        ["R-3", "甲", Num("1"), "2024-05-12", True],
        ["R-4", "甲", Num("1"), None, Num("1")],
        ["R-5", "甲", Num("1"), None, "false"],
    ]
    ruleset = compile_ruleset(AMOUNTS)
    read = read_sheet(workbook(tmp_path / "ledger.xlsx", rows), headers=header_names(ruleset.program))
    validated = ruleset.validate_raw(read.records)
    assert validated.problems == ()
    values = {r.id: (r.values[3], r.values[4]) for r in validated.records}
    assert values == {
        "R-1": (dt.date(2024, 5, 10), True),
        "R-2": (dt.date(2024, 5, 11), False),
        "R-3": (dt.date(2024, 5, 12), True),
        "R-4": (None, True),
        "R-5": (None, False),
    }


def test_a_date_with_a_time_is_not_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        tmp_path / "ledger.xlsx",
        [["id", "单位", "金额", "日期"], ["R-1", "甲", Num("1"), dt.datetime(2024, 5, 10, 10, 30)]],
    )
    code, _, err = run(capsys, "score", str(_ruleset_file(tmp_path)), str(path), "--as-of", "2024-12-31")
    assert code == 1
    assert "ledger.xlsx:2:4: error: record R-1: on: expected a date YYYY-MM-DD, got '2024-05-10 10:30:00'" in err


def test_empty_rows_cells_and_trailing_columns(tmp_path: Path) -> None:
    rows = [
        [None],  # a title row left empty: the header is the first row with a value
        ["id", "单位", "金额", None, None],
        ["R-1", "甲", Num("2"), None, None],
        [None, None, None],
        ["R-2", "乙", Num("3")],
        ["", "  ", None],  # blank text: an empty row too
    ]
    path = workbook(tmp_path / "ledger.xlsx", rows)
    book = openpyxl.load_workbook(path)
    book.active.cell(10, 6).number_format = "0.00"  # a formatted, empty cell far right
    book.save(path)
    ruleset = compile_ruleset(AMOUNTS)
    read = read_sheet(path, headers=header_names(ruleset.program))
    assert read.problems == ()
    assert [(r.line, r.data) for r in read.records] == [
        (3, {"id": "R-1", "unit": "甲", "amount": "2"}),
        (5, {"id": "R-2", "unit": "乙", "amount": "3"}),
    ]


def test_a_value_under_no_header_is_an_error(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ledger.xlsx", [["id", "单位", "金额"], ["R-1", "甲", Num("2"), None, "?"]])
    read = read_sheet(path, headers=header_names(compile_ruleset(AMOUNTS).program))
    assert [(p.record_id, p.field, p.line, p.column, p.message) for p in read.problems] == [
        ("R-1", "(row)", 2, 5, "a value in column E, which has no header")
    ]


def test_an_excel_error_or_an_unsaved_formula_is_a_problem(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ledger.xlsx", [["id", "单位", "金额"], ["R-1", "甲", "#N/A"], ["R-2", "乙", "=1+2"]])
    read = read_sheet(path, headers=header_names(compile_ruleset(AMOUNTS).program))
    assert [(p.record_id, p.field, p.line, p.column) for p in read.problems] == [
        ("R-1", "amount", 2, 3),
        ("R-2", "amount", 3, 3),
    ]
    assert read.problems[0].message == "the cell holds the Excel error #N/A"
    assert read.problems[1].message.startswith("a formula whose result was never saved")


# --- locations -------------------------------------------------------------------------------


def test_record_errors_name_the_sheet_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ruleset = load_ruleset("wenzhou")
    headers = [c.header for c in ledger_columns(ruleset.program)]
    good = {"id": "W-1", "unit": "医务科", "authors": '["王强"]', "submitted_on": dt.date(2024, 5, 10)}
    good |= {"kind": "快报", "qualified": "是"}
    bad = good | {"id": "W-2", "kind": "快讯"}
    worse = good | {"id": "W-3", "qualified": "也许"}
    fields = [c.field for c in ledger_columns(ruleset.program)]
    rows = [headers, *[[row.get(f) for f in fields] for row in (good, bad, worse)]]
    path = workbook(tmp_path / "ledger.xlsx", rows)
    code, out, err = run(capsys, "score", "wenzhou", str(path), *YEAR)
    assert code == 1 and out == ""
    kind, qualified = fields.index("kind") + 1, fields.index("qualified") + 1
    lines = err.splitlines()
    assert lines[0].startswith(f"{path}:3:{kind}: error: record W-2: kind: unknown value '快讯'")
    assert lines[1].startswith(f"{path}:4:{qualified}: error: record W-3: qualified: expected true or false")
    assert lines[2] == "govinfo-rules: 2 invalid record(s); nothing was scored"


def test_skip_invalid_rejects_the_bad_rows_of_a_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["id", "单位", "金额"], ["R-1", "甲", Num("2")], ["R-2", "乙", "#DIV/0!"], ["R-3", "乙", "x"]]
    path = workbook(tmp_path / "ledger.xlsx", rows)
    code, out, err = run(
        capsys,
        "score",
        str(_ruleset_file(tmp_path)),
        str(path),
        "--as-of",
        "2024-12-31",
        "--skip-invalid",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert [u["unit"] for u in data["units"]] == ["甲"]
    assert [(r["record"], r["line"]) for r in data["rejected"]] == [("R-2", 3), ("R-3", 4)]
    assert "3 record(s) read: 1 scored, 2 rejected" in err


# --- sheets and bad files ----------------------------------------------------------------------


def test_the_sheet_option_chooses_a_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = str(_ruleset_file(tmp_path))
    path = workbook(
        tmp_path / "ledger.xlsx",
        [["说明"], ["这一页不是台账"]],
        title="封面",
        more={"2024年": [["id", "单位", "金额"], ["R-1", "甲", Num("2.5")]]},
    )
    code, out, _ = run(
        capsys, "score", rules, str(path), "--as-of", "2024-12-31", "--sheet", "2024年", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["units"][0]["points"] == "2.5"
    # The first sheet is read by default: its text is an unknown field, and there is no id.
    code, _, err = run(capsys, "score", rules, str(path), "--as-of", "2024-12-31")
    assert code == 1 and "record ?: id: missing required field" in err
    code, _, err = run(capsys, "score", rules, str(path), "--as-of", "2024-12-31", "--sheet", "2023年")
    assert code == 2
    assert "--sheet '2023年': " in err and "its sheets: 封面, 2024年" in err


def test_explain_and_diff_read_sheets_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = str(_ruleset_file(tmp_path))
    path = workbook(
        tmp_path / "ledger.xlsx", [["台账"]], more={"数据": [["id", "单位", "金额"], ["R-1", "甲", Num("0.1")]]}
    )
    code, out, _ = run(capsys, "explain", rules, str(path), "--id", "R-1", "--sheet", "数据", "--as-of", "2024-12-31")
    assert code == 0 and "0.1" in out
    code, out, _ = run(capsys, "diff", rules, rules, str(path), "--sheet", "数据", "--as-of", "2024-12-31")
    assert code == 0


def test_sheet_is_for_workbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "wenzhou", str(EXAMPLES / "wenzhou-2024.jsonl"), *YEAR, "--sheet", "x")
    assert code == 2 and "--sheet applies to an Excel workbook" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,unit\n1,a\n", "not an .xlsx workbook (not a zip archive)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "not an .xlsx workbook: an encrypted (password-protected)"),
        (None, "a damaged .xlsx workbook"),
    ],
)
def test_a_bad_file_is_an_input_error(
    content: bytes | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ledger.xlsx"
    if content is None:  # a zip that is no workbook
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
    else:
        path.write_bytes(content)
    code, out, err = run(capsys, "score", "wenzhou", str(path), *YEAR)
    assert code == 1 and out == ""
    assert err.startswith(f"{path}:1:1: error: {message}")
    assert "Traceback" not in err


def test_a_truncated_workbook_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = workbook(tmp_path / "good.xlsx", [["id", "单位", "金额"], ["R-1", "甲", Num("1")]])
    data = good.read_bytes()
    # Drop the middle of the sheet's XML: the archive still opens, the sheet does not parse.
    with zipfile.ZipFile(good) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:200]
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    assert broken.read_bytes() != data
    code, _, err = run(capsys, "score", str(_ruleset_file(tmp_path)), str(broken), "--as-of", "2024-12-31")
    assert code == 1
    assert err.startswith(f"{broken}:1:1: error: a damaged .xlsx workbook")


def test_without_openpyxl_reading_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path / "ledger.xlsx", [["id"]])
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    code, out, err = run(capsys, "score", "wenzhou", str(path), *YEAR)
    assert (code, out) == (1, "")
    assert err == f"{path}: error: reading .xlsx needs the xlsx extra: pip install 'govinfo-rules[xlsx]'\n"
    code, _, err = run(
        capsys,
        "score",
        "wenzhou",
        str(EXAMPLES / "wenzhou-2024.jsonl"),
        *YEAR,
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "r.xlsx"),
    )
    assert code == 1 and "writing .xlsx needs the xlsx extra" in err


def test_old_xls_files_are_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    code, _, err = run(capsys, "score", "wenzhou", str(path), *YEAR)
    assert code == 2 and "save the workbook as .xlsx" in err


# --- round trip -----------------------------------------------------------------------------


def _rows(ledger: str) -> list[dict[str, Any]]:
    from govinfo_rules.inputs import loads

    return [loads(line) for line in (EXAMPLES / ledger).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(("name", "ledger", "args"), CASES)
def test_example_ledgers_survive_a_round_trip_through_xlsx(
    name: str, ledger: str, args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(ledger)
    path = tmp_path / "ledger.xlsx"
    write_ledger(load_ruleset(name), rows, path)
    code, expected, _ = run(capsys, "score", name, str(EXAMPLES / ledger), *args, "--format", "json")
    assert code == 0
    code, actual, err = run(capsys, "score", name, str(path), *args, "--format", "json")
    assert code == 0 and err == ""
    assert actual == expected
    # The sheet holds one row per record, under the labels.
    sheet = openpyxl.load_workbook(path)["台账"]
    assert sheet.max_row == len(rows) + 1
    assert [c.value for c in sheet[1]] == [c.header for c in ledger_columns(load_ruleset(name).program)]


@pytest.mark.parametrize(("name", "ledger"), [(n, ledger) for n, ledger, _ in CASES])
def test_ruleset_read_takes_workbooks_too(name: str, ledger: str, tmp_path: Path) -> None:
    # The Python API reads the workbook as the command line does: the same typed values.
    ruleset = load_ruleset(name)
    path = tmp_path / "ledger.xlsx"
    write_ledger(ruleset, _rows(ledger), path)
    from_sheet, from_lines = ruleset.read(path), ruleset.read(EXAMPLES / ledger)
    assert not from_sheet.problems and not from_lines.problems
    assert [(r.id, r.type, repr(r.values)) for r in from_sheet.records] == [
        (r.id, r.type, repr(r.values)) for r in from_lines.records
    ]
    with pytest.raises(GovinfoRulesError, match="not-there"):
        ruleset.read(path, sheet="not-there")


def test_a_round_trip_keeps_unknown_columns_and_their_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows("wenzhou-2024.jsonl")[:3]
    rows[0] = rows[0] | {"remarks": "=cmd|' /C calc'!A0"}
    json_path = tmp_path / "ledger.jsonl"
    json_path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows) + "\n", encoding="utf-8"
    )
    path = tmp_path / "ledger.xlsx"
    write_ledger(load_ruleset("wenzhou"), rows, path)
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # the formula-looking remark is text
    outputs = []
    for source in (json_path, path):
        code, out, _ = run(capsys, "score", "wenzhou", str(source), *YEAR, "--format", "json")
        assert code == 0
        outputs.append(json.loads(out)["warnings"])
    assert outputs[0] == outputs[1]
    assert any("unknown field 'remarks' ignored" in w["message"] for w in outputs[1])


def test_write_ledger_refuses_floats(tmp_path: Path) -> None:
    from govinfo_rules.errors import InputError

    rows = [{"id": "W-1", "unit": "甲", "amount": 0.1}]
    with pytest.raises(InputError, match=r"record W-1: amount: the binary float 0.1"):
        write_ledger(compile_ruleset(AMOUNTS), rows, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


# --- reports --------------------------------------------------------------------------------


def _sheet_xml(path: Path) -> dict[str, str]:
    """Sheet title -> its XML, through the workbook's relationships."""
    import xml.etree.ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as archive:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): str(r.get("Target")).removeprefix("/xl/").removeprefix("xl/") for r in rels}
        return {
            str(sheet.get("name")): archive.read("xl/" + targets[sheet.get(f"{rel}id")]).decode()
            for sheet in book.iter(f"{main}sheet")
        }


@pytest.mark.parametrize(("name", "ledger", "args"), CASES)
def test_an_xlsx_report_holds_the_json_reports_figures(
    name: str, ledger: str, args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.xlsx"
    code, stdout, _ = run(capsys, "score", name, str(EXAMPLES / ledger), *args, "--format", "xlsx", "-o", str(out))
    assert code == 0 and stdout == ""
    code, text, _ = run(capsys, "score", name, str(EXAMPLES / ledger), *args, "--format", "json")
    data = json.loads(text)
    book = openpyxl.load_workbook(out)
    expected = ["概要", "单位得分", "记录得分", "奖励", *(["提醒"] if "reminders" in data else []), "警告"]
    assert book.sheetnames == expected
    units = list(book["单位得分"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in book["单位得分"][1]]
    at = {h.split()[-1]: i for i, h in enumerate(header)}
    assert [(row[at["unit"]], row[at["rank"]]) for row in units] == [(u["unit"], u["rank"]) for u in data["units"]]
    # Points are exact numbers in the file: the <v> text is the JSON's decimal string.
    xml = _sheet_xml(out)["单位得分"]
    values = re.findall(r'<c r="([A-Z]+)(\d+)"[^>]*t="n"[^>]*><v>([^<]*)</v>', xml)
    points_column = chr(ord("A") + at["points"])
    shown = [v for column, row, v in values if column == points_column and row != "1"]
    assert shown == [u["points"] for u in data["units"]]
    records = list(book["记录得分"].iter_rows(min_row=2, values_only=True))
    # One row per credited unit; a record that credits no unit (an obligation met) has one row.
    assert len(records) == sum(max(len(r["credits"]), 1) for r in data["records"])
    credited = [(row[0], row[2], str(row[3])) for row in records if row[2] is not None]
    assert credited == [(r["id"], c["unit"], c["points"]) for r in data["records"] for c in r["credits"]]
    assert len(list(book["警告"].iter_rows(min_row=2))) == len(data["warnings"])
    summary = dict(book["概要"].iter_rows(values_only=True))
    assert summary["截至日期 as_of"] == dt.datetime.fromisoformat(data["as_of"])
    assert book["概要"]["B5"].number_format == "yyyy-mm-dd"  # a date cell, shown as a date


def test_report_text_never_becomes_a_formula(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "#N/A", "0012"]
    rows = [["id", "单位", "金额"], *[[f"R-{i}", Text(unit), Num(str(-i))] for i, unit in enumerate(hostile, start=1)]]
    path = workbook(tmp_path / "ledger.xlsx", rows)
    out = tmp_path / "report.xlsx"
    code, _, _ = run(
        capsys,
        "score",
        str(_ruleset_file(tmp_path)),
        str(path),
        "--as-of",
        "2024-12-31",
        "--format",
        "xlsx",
        "-o",
        str(out),
    )
    assert code == 0
    sheets = _sheet_xml(out)
    assert not any("<f>" in xml for xml in sheets.values())
    book = openpyxl.load_workbook(out)
    units = {row[1].value: row for row in book["单位得分"].iter_rows(min_row=2)}
    for unit in hostile:
        cell = units[unit][1]
        assert cell.data_type == "s" and cell.value == unit
        assert cell.quotePrefix == unit.startswith(("=", "+", "-", "@"))
        # Negative points stay numbers.
        assert isinstance(units[unit][2].value, int | float) and units[unit][2].value < 0


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@A1", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_written_as_quoted_text(text: str) -> None:
    cell = openpyxl.Workbook().active["A1"]
    put_text(cell, text)
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", text, True)
    put_text(cell, "x" + text)  # the same cell, now plain text
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", "x" + text, False)


def test_xlsx_to_a_terminal_is_refused_and_to_a_pipe_allowed(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    argv = ["score", "wenzhou", str(EXAMPLES / "wenzhou-2024.jsonl"), *YEAR, "--format", "xlsx"]
    assert main(argv) == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"PK")
    import io

    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == "概要"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(argv) == 2
    assert b"give -o FILE.xlsx, or pipe the output" in capsysbinary.readouterr().err


def test_skip_invalid_adds_the_rejected_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.jsonl"
    lines = (EXAMPLES / "wenzhou-2024.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    lines[2] = (
        lines[2]
        .replace('"qualified": true', '"qualified": "maybe"')
        .replace('"qualified": false', '"qualified": "maybe"')
    )
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report.xlsx"
    code, _, err = run(
        capsys, "score", "wenzhou", str(ledger), *YEAR, "--format", "xlsx", "-o", str(out), "--skip-invalid"
    )
    assert code == 0
    assert "see the sheet 拒收记录" in err
    rejected = list(openpyxl.load_workbook(out)["拒收记录"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2]) for r in rejected] == [(3, "qualified")]


_EXAMPLE_OF = {"wenzhou": "wenzhou-2024.jsonl", "ganzhou": "ganzhou-2020-Q3.jsonl", "wanren": "wanren-2024.jsonl"}


def _excel_page_commands() -> list[str]:
    text = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^[ \t]*```text\n(.*?)^[ \t]*```", text, flags=re.S | re.M)
    return [
        line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("govinfo-rules ")
    ]


def test_the_excel_page_workflow_commands_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # docs/excel.md shows the clerk's commands without output (a workbook is not text):
    # each runs here as written, in a scratch folder, the clerk's filling of the template
    # played by the example ledger of the command's ruleset.
    commands = _excel_page_commands()
    assert [c.split()[1] for c in commands] == ["template", "score", "score", "score"]
    monkeypatch.chdir(tmp_path)
    for command in commands:
        args = command.split()[1:]
        if args[0] == "score":
            filled = ["template", args[1], "-o", "台账.xlsx", "--from", str(EXAMPLES / _EXAMPLE_OF[args[1]])]
            assert main(filled) == 0
        capsys.readouterr()
        code = main(args)
        out, err = capsys.readouterr()
        assert code == 0, (command, err)
        if args[0] == "score" and "--format" not in args:
            assert "rank" in out and "points" in out  # the ranking table
    assert openpyxl.load_workbook(tmp_path / "报告.xlsx").sheetnames[:2] == ["概要", "单位得分"]
    assert (tmp_path / "报告" / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")
