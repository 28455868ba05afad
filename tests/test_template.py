"""`govinfo-rules template`: the Excel ledger a clerk downloads, fills in and scores.

The workbook is checked as Excel would see it (loaded back with openpyxl): the header
row of labels, the drop-down lists of every enum and bool column (kept in a hidden
sheet, referred to by range), date formats, and the notes sheet, one row per field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from govinfo_rules import compile_ruleset, load_ruleset
from govinfo_rules.cli import main
from govinfo_rules.template import LEDGER_SHEET, LISTS_SHEET, NOTES_SHEET, field_clauses, template_workbook
from govinfo_rules.types import BOOL, DATE, ID_LABEL, TYPE_LABEL, EnumT, ListT

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"
BUNDLED = ("wenzhou", "ganzhou", "wanren")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _template(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    path = tmp_path / f"{name}.xlsx"
    code, out, err = run(capsys, "template", name, "-o", str(path))
    assert (code, out) == (0, "")
    assert err == f"wrote {path}: the {name} ledger template\n"
    return openpyxl.load_workbook(path)


def _expected_columns(name: str) -> list[tuple[str, str]]:
    """(field, header) as the ruleset declares them: id, type with several record types,
    then each field once, under its first label."""
    program = load_ruleset(name).program
    columns: dict[str, str] = {"id": ID_LABEL}
    for schema in program.schemas:
        for spec in schema.struct.fields:
            if spec.name not in columns:
                columns[spec.name] = spec.label or spec.name
    out = list(columns.items())
    if len(program.schemas) > 1:
        out.insert(1, ("type", TYPE_LABEL))
    return out


def _list_values(book: Any, formula: str) -> list[str]:
    match = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match is not None, formula
    sheet, column, first, _, last = match.groups()
    return [book[sheet][f"{column}{row}"].value for row in range(int(first), int(last) + 1)]


@pytest.mark.parametrize("name", BUNDLED)
def test_the_ledger_sheet(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _template(name, tmp_path, capsys)
    assert book.sheetnames == [LEDGER_SHEET, NOTES_SHEET, LISTS_SHEET]
    assert [ws.sheet_state for ws in book.worksheets] == ["visible", "visible", "hidden"]
    sheet = book[LEDGER_SHEET]
    expected = _expected_columns(name)
    assert [c.value for c in sheet[1]] == [header for _, header in expected]
    assert sheet.max_row == 1  # empty below the header
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[c.column_letter].width >= 10 for c in sheet[1])


@pytest.mark.parametrize("name", BUNDLED)
def test_every_enum_and_bool_column_has_a_list(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _template(name, tmp_path, capsys)
    sheet = book[LEDGER_SHEET]
    program = load_ruleset(name).program
    validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    lists = 0
    for index, (field, header) in enumerate(_expected_columns(name), start=1):
        letter = openpyxl.utils.get_column_letter(index)
        validation = validations[f"{letter}2:{letter}1048576"]
        types = [s.struct.field(field).type for s in program.schemas if s.struct.field(field) is not None]
        if field == "type":
            expected = [s.name for s in program.schemas]
        elif types and all(isinstance(t, EnumT) for t in types):
            expected = list(dict.fromkeys(v for t in types if isinstance(t, EnumT) for v in t.values))
        elif types and all(t == BOOL for t in types):
            expected = ["是", "否"]
        else:
            assert validation.type is None, header  # a prompt only
            assert validation.prompt.startswith(f"{header}（{field}）：")
            continue
        lists += 1
        assert validation.type == "list"
        assert len(validation.formula1) <= 255  # Excel's limit, whatever the number of values
        assert _list_values(book, validation.formula1) == expected
        assert validation.showErrorMessage and validation.allow_blank
        assert validation.prompt.startswith(f"{header}（{field}）：")
    assert lists >= 2  # wenzhou: kind and qualified; the others more


@pytest.mark.parametrize("name", BUNDLED)
def test_date_columns_are_formatted_as_dates(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = _template(name, tmp_path, capsys)[LEDGER_SHEET]
    program = load_ruleset(name).program
    for index, (field, _) in enumerate(_expected_columns(name), start=1):
        specs = [s.struct.field(field) for s in program.schemas if s.struct.field(field) is not None]
        fmt = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].number_format
        if any(spec.type == DATE for spec in specs if spec is not None):
            assert fmt == "yyyy-mm-dd", field
        else:
            assert fmt != "yyyy-mm-dd", field


@pytest.mark.parametrize("name", BUNDLED)
def test_the_notes_sheet_has_a_row_for_every_field(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _template(name, tmp_path, capsys)
    rows = list(book[NOTES_SHEET].iter_rows(values_only=True))
    assert rows[0][:7] == (
        "列标题 header",
        "字段 field",
        "记录类型 record type",
        "类型 type",
        "必填 required",
        "可填写的值 values",
        "条款 clauses",
    )
    table = [r for r in rows[1:] if r[1] is not None]
    ruleset = load_ruleset(name)
    text = (ROOT / "rulesets" / f"{name}.gvr").read_text(encoding="utf-8")
    headers = dict(_expected_columns(name))
    for schema in ruleset.program.schemas:
        for spec in schema.struct.fields:
            found = [r for r in table if r[1] == spec.name and schema.name in (r[2] or "").split("、")]
            assert len(found) == 1, (schema.name, spec.name)
            header, _, _, _, required, values, clauses = found[0][:7]
            assert header == headers[spec.name]
            if isinstance(spec.type, ListT):
                assert required == (f"必填，至少 {spec.minimum} 项" if spec.minimum else "可留空")
            elif spec.name != "id":
                assert required.startswith("可选") == spec.optional
            if isinstance(spec.type, EnumT):
                assert all(v in values for v in spec.type.values)
            for clause in (clauses or "").split("、") if clauses else ():
                assert clause.startswith("§ ") and clause[2:] in text  # cited as the ruleset cites it
    assert any("govinfo-rules score" in (r[0] or "") for r in rows)


def test_the_notes_cite_the_clauses_that_read_a_field() -> None:
    ruleset = load_ruleset("wenzhou")
    assert ruleset.ast is not None
    gate = ruleset.ast.scores[0].steps[0]
    clauses = field_clauses(ruleset.ast)
    assert gate.clause in clauses[("submission", "qualified")]  # gate qualified § 三(一)
    # The highest-adoption group reads `adoptions` through `over`: its rules' clauses.
    group = next(s for s in ruleset.ast.scores[0].steps if getattr(s, "over", None) == ("adoptions",))
    assert {r.clause for r in group.rules} <= set(clauses[("submission", "adoptions")])
    # The award ranks authors by qualified records: its clause is cited for both.
    award = ruleset.ast.awards[0]
    assert award.clause in clauses[("submission", "authors")]
    assert award.clause in clauses[("submission", "qualified")]
    # A field no rule reads cites nothing.
    assert ("submission", "title") not in clauses


def test_a_long_list_of_values_is_kept_in_the_lists_sheet() -> None:
    values = [f"第{i}类很长很长的稿件类别名称" for i in range(40)]
    text = (
        "ruleset long\n"
        f'record r {{ unit: name  kind: enum({", ".join(json.dumps(v, ensure_ascii=False) for v in values)}) label "类别" }}\n'
        "score r to unit { group g sum { rule one: true => +1 pts  § 1 } }\n"
    )
    assert len(",".join(values)) > 255  # too long for a list written into the validation
    book = template_workbook(compile_ruleset(text))
    validation = next(dv for dv in book[LEDGER_SHEET].data_validations.dataValidation if dv.type == "list")
    assert len(validation.formula1) < 40
    assert _list_values(book, validation.formula1) == values
    # Excel refuses a workbook whose messages are longer than its limits.
    for dv in book[LEDGER_SHEET].data_validations.dataValidation:
        assert len(dv.promptTitle or "") <= 32 and len(dv.prompt or "") <= 255
        assert len(dv.errorTitle or "") <= 32 and len(dv.error or "") <= 225
    assert validation.error.endswith("…")  # the list of values, cut short in the message only


# --- the clerk's workflow ---------------------------------------------------------------------


def test_a_clerk_fills_the_template_in_and_scores_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _template("wenzhou", tmp_path, capsys)
    sheet = book[LEDGER_SHEET]
    column = {c.value: c.column for c in sheet[1]}
    typed = [
        {
            "编号": "W-1",
            "报送科室": "医务科",
            "稿件作者": '["王强", "李娜"]',
            "报送日期": dt.date(2024, 5, 10),
            "形式类别": "专报",
            "是否合格": "是",
            "采用批示情况": '[{"level": "省委省政府", "action": "批示"}, {"level": "市卫健委", "action": "采用"}]',
        },
        {
            "编号": "W-2",
            "报送科室": "医务科",
            "稿件作者": '["王强"]',
            "报送日期": "2024-06-01",
            "形式类别": "快报",
            "是否合格": "否",
        },
        {
            "编号": "W-3",
            "报送科室": "护理部",
            "稿件作者": '["张敏"]',
            "报送日期": dt.date(2024, 7, 1),
            "形式类别": "快报",
            "是否合格": "是",
        },
    ]
    for row, record in enumerate(typed, start=2):
        for header, value in record.items():
            sheet.cell(row, column[header]).value = value
    ledger = tmp_path / "台账.xlsx"
    book.save(ledger)
    code, out, err = run(
        capsys, "score", "wenzhou", str(ledger), "--as-of", "2024-12-31", "--period", "2024", "--format", "json"
    )
    assert code == 0, err
    units = {u["unit"]: (Decimal(u["points"]), Decimal(u["yuan"])) for u in json.loads(out)["units"]}
    # 三(一)4 专报 3 points; 三(二)5 省委省政府批示 +10 and ¥800, the highest adoption only;
    # W-2 is not qualified (0); 三(一)1 快报 0.5.
    assert units == {"医务科": (Decimal(13), Decimal(800)), "护理部": (Decimal("0.5"), Decimal(0))}
    report = tmp_path / "报告.xlsx"
    code, _, _ = run(
        capsys,
        "score",
        "wenzhou",
        str(ledger),
        "--as-of",
        "2024-12-31",
        "--period",
        "2024",
        "--format",
        "xlsx",
        "-o",
        str(report),
    )
    assert code == 0
    ranking = list(openpyxl.load_workbook(report)["单位得分"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3]) for r in ranking] == [("医务科", 13, 800), ("护理部", 0.5, 0)]
    code, out, _ = run(capsys, "explain", "wenzhou", str(ledger), "--id", "W-1", "--as-of", "2024-12-31")
    assert code == 0 and "三(二)5" in out


def test_template_from_a_ledger_prefills_the_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "filled.xlsx"
    ledger = EXAMPLES / "ganzhou-2020-Q3.jsonl"
    count = sum(1 for line in ledger.read_text(encoding="utf-8").splitlines() if line.strip())
    code, _, err = run(capsys, "template", "ganzhou", "-o", str(path), "--from", str(ledger))
    assert code == 0
    assert err == f"wrote {path}: the ganzhou ledger template with {count} record(s)\n"
    sheet = openpyxl.load_workbook(path)[LEDGER_SHEET]
    assert sheet.max_row == count + 1
    # A filled template read back as a ledger for a new template gives the same rows.
    again = tmp_path / "again.xlsx"
    code, _, _ = run(capsys, "template", "ganzhou", "-o", str(again), "--from", str(path))
    assert code == 0
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [list(r) for r in openpyxl.load_workbook(again)[LEDGER_SHEET].iter_rows(values_only=True)] == rows


def test_template_refuses_what_it_cannot_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "W-1"}\nnot json\n', encoding="utf-8")
    code, _, err = run(capsys, "template", "wenzhou", "-o", str(tmp_path / "t.xlsx"), "--from", str(bad))
    assert code == 1 and f"{bad}:2:1: error: record ?: (line): not valid JSON" in err
    assert err.endswith("invalid record(s); nothing was written\n")
    assert not (tmp_path / "t.xlsx").exists()
    code, _, err = run(capsys, "template", "wenzhou", "-o", str(tmp_path / "t.xlsx"), "--sheet", "台账")
    assert code == 2 and "--sheet chooses the sheet of the --from ledger" in err
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, _, err = run(capsys, "template", "wenzhou")
    assert code == 2 and "template writes an .xlsx workbook: give -o FILE.xlsx" in err
