"""Field labels: `unit: name label "报送科室"` names a ledger column in the documents' words.

The modifier is parsed, built, checked (a label names one field), carried to the
schema, printed by `fmt`, and used to read CSV and Excel headers (NFKC, white space
ignored); the bundled rulesets label every field.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from govinfo_rules import compile_ruleset, load_ruleset
from govinfo_rules.cli import main
from govinfo_rules.errors import RulesetError
from govinfo_rules.fmt import format_ruleset
from govinfo_rules.inputs import header_names, name_columns, read_records
from govinfo_rules.source import display_width
from govinfo_rules.types import ID_LABEL, TYPE_LABEL, ListT, StructT, name_key

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"
BUNDLED = ("wenzhou", "ganzhou", "wanren")

SCORE = "score r to unit { group g sum { rule one: true => +1 pts  § 1 } }\n"


def _ruleset(body: str) -> str:
    return f"ruleset t\nrecord r {{\n{body}}}\n{SCORE}"


def _position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Line and column (1-based) of the n-th occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --- the language -------------------------------------------------------------------------


def test_a_label_reaches_the_schema() -> None:
    ruleset = compile_ruleset(_ruleset('  unit: name label "报送科室"\n  chars: integer optional min 0 label "字数"\n'))
    fields = {f.name: f for f in ruleset.program.schemas[0].struct.fields}
    assert fields["unit"].label == "报送科室"
    assert fields["chars"].label == "字数"
    assert fields["chars"].optional and fields["chars"].minimum == 0  # the other modifiers still apply
    assert fields["id"].label == ID_LABEL
    assert ruleset.ast is not None
    assert ruleset.ast.records[0].fields[0].label is not None
    assert ruleset.ast.records[0].fields[0].label.value == "报送科室"


def test_a_label_may_stand_among_the_other_modifiers() -> None:
    text = _ruleset('  unit: name\n  amount: decimal label "金额" optional default 1 min 0\n')
    spec = compile_ruleset(text).program.schemas[0].struct.field("amount")
    assert spec is not None
    assert (spec.label, spec.optional, spec.default, spec.minimum) == ("金额", True, 1, 0)


def test_fmt_prints_the_label_last_and_reparses_to_the_same_ruleset() -> None:
    text = _ruleset(
        '  unit: name label "报送科室"\n  amount: decimal label "金额" optional default 1 min 0\n  note: text optional\n'
    )
    formatted = format_ruleset(text)
    assert '  unit: name label "报送科室"\n' in formatted
    # After a label, a field named `note` may follow a default: the label stands between.
    assert '  amount: decimal optional min 0 default 1 label "金额"\n  note: text optional\n' in formatted
    assert format_ruleset(formatted) == formatted
    before, after = compile_ruleset(text), compile_ruleset(formatted)
    assert before.ast is not None and after.ast is not None
    assert before.ast.records == after.ast.records


def test_a_label_with_escapes_is_printed_back_as_written() -> None:
    text = _ruleset('  unit: name label "报送\\"科室\\""\n')
    assert 'label "报送\\"科室\\""' in format_ruleset(text)
    spec = compile_ruleset(text).program.schemas[0].struct.field("unit")
    assert spec is not None and spec.label == '报送"科室"'


def test_fmt_keeps_the_bundled_rulesets_as_they_are() -> None:
    for name in BUNDLED:
        text = (ROOT / "rulesets" / f"{name}.gvr").read_text(encoding="utf-8")
        assert format_ruleset(text, f"{name}.gvr") == text


def _errors(text: str) -> list[str]:
    with pytest.raises(RulesetError) as caught:
        compile_ruleset(text, filename="t.gvr")
    return caught.value.message.split("\n")


@pytest.mark.parametrize(
    ("body", "needle", "message"),
    [
        (
            '  unit: name label "报送科室"\n  dept: name label "报送 科室"\n',
            '"报送 科室"',
            "label '报送 科室' of field 'dept' in r is already the label of field 'unit'",
        ),
        (
            '  unit: name\n  kind: text label "ｕｎｉｔ"\n',
            '"ｕｎｉｔ"',
            "label 'ｕｎｉｔ' of field 'kind' in r is the name of field 'unit': a column header must name one field",
        ),
        (
            '  unit: name\n  when: date label "编号"\n',
            '"编号"',
            "label '编号' of field 'when' in r is a header of the 'id' column that every record has",
        ),
        (
            '  unit: name\n  what: text label "类型"\n',
            '"类型"',
            "label '类型' of field 'what' in r is a header of the 'type' column that every record has",
        ),
        (
            '  unit: name\n  what: text label "id"\n',
            '"id"',
            "label 'id' of field 'what' in r is a header of the 'id' column that every record has",
        ),
        ('  unit: name\n  what: text label " "\n', '" "', "the label of field 'what' is empty"),
    ],
)
def test_a_label_names_one_field(body: str, needle: str, message: str) -> None:
    text = _ruleset(body)
    line, column = _position(text, needle)
    errors = _errors(text)
    assert errors[0].startswith(f"t.gvr:{line}:{column}: error: {message}")
    # The quoted line, and a caret under the whole label (CJK characters are two columns wide).
    source_line = text.split("\n")[line - 1]
    assert errors[1] == f"    {source_line}"
    assert errors[2] == "    " + " " * display_width(source_line[: column - 1]) + "^" * display_width(needle)


def test_every_label_error_is_reported_at_once() -> None:
    text = _ruleset('  unit: name label "甲"\n  a: text label "甲"\n  b: text label "unit"\n')
    heads = [line for line in _errors(text) if ": error: " in line]
    second_label, unit_label = _position(text, '"甲"', 2), _position(text, '"unit"')
    assert [h.split(": error: ")[0] for h in heads] == [
        f"t.gvr:{second_label[0]}:{second_label[1]}",
        f"t.gvr:{unit_label[0]}:{unit_label[1]}",
    ]


def test_a_label_may_repeat_the_fields_own_name() -> None:
    spec = compile_ruleset(_ruleset('  unit: name label "unit"\n')).program.schemas[0].struct.field("unit")
    assert spec is not None and spec.label == "unit"


def test_a_field_has_one_label() -> None:
    text = _ruleset('  unit: name label "甲" label "乙"\n')
    with pytest.raises(RulesetError) as caught:
        compile_ruleset(text, filename="t.gvr")
    line, column = _position(text, '"乙"')
    assert caught.value.message.startswith(f"t.gvr:{line}:{column}: error: field 'unit' has two labels")


def test_a_label_names_one_field_across_record_types() -> None:
    text = (
        "ruleset t\n"
        'record a { unit: name label "单位"  on: date label "日期" }\n'
        'record b { unit: name label "单位"  day: date label "日期" }\n'
        "score a to unit { group g sum { rule one: true => +1 pts  § 1 } }\n"
    )
    errors = _errors(text)
    line, column = _position(text, '"日期"', 2)
    assert errors[0] == (
        f"t.gvr:{line}:{column}: error: label '日期' of field 'day' in b also names field 'on' of a: "
        "one ledger sheet holds every record type, so a column header must name one field"
    )
    # The same label on the same field of two record types is one column: no error.
    assert len([e for e in errors if ": error: " in e]) == 1


def test_a_data_table_header_may_use_the_labels(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("单位,任务\n办公室,3\n", encoding="utf-8")
    text = (
        "ruleset t\n"
        'table 任务表 from "t.csv" key unit { unit: name label "单位"  task: integer label "任务" }\n'
        "record r { unit: name }\n"
        "score r to unit { group g sum { rule one: unit in 任务表 => (任务表[unit].task) pts  § 1 } }\n"
    )
    ruleset = compile_ruleset(text, filename=str(tmp_path / "t.gvr"))
    report = ruleset.evaluate([{"id": "1", "unit": "办公室"}], as_of="2024-01-01")
    assert report.unit("办公室").points == 3  # the task the CSV table gives, read under its label


# --- the bundled rulesets ---------------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_the_bundled_rulesets_label_every_field(name: str) -> None:
    program = load_ruleset(name).program
    seen: list[StructT] = []
    for schema in program.schemas:
        seen.append(schema.struct)
        for spec in schema.struct.fields:
            item = spec.type.item if isinstance(spec.type, ListT) else spec.type
            if isinstance(item, StructT) and item not in seen:
                seen.append(item)
    for struct in seen:
        unlabelled = [f.name for f in struct.fields if f.label is None]
        assert unlabelled == [], f"{name}: {struct.name} has fields without a label"
        # Every label is Chinese: the documents' own words.
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.label or "") for f in struct.fields)


@pytest.mark.parametrize("name", BUNDLED)
def test_every_header_of_a_bundled_ruleset_names_one_field(name: str) -> None:
    headers = header_names(load_ruleset(name).program)
    assert all(len(fields) == 1 for fields in headers.values())
    assert headers[name_key(ID_LABEL)] == ("id",)
    assert headers[name_key(TYPE_LABEL)] == ("type",)


# --- reading headers --------------------------------------------------------------------------


def test_headers_match_after_nfkc_and_without_white_space() -> None:
    headers = header_names(load_ruleset("wenzhou").program)
    names, problems = name_columns(["编 号", " 报送科室 ", "ｕｎｉｔ", "备注"], None)
    assert names == ("编 号", " 报送科室 ", "ｕｎｉｔ", "备注") and problems == []  # without a ruleset: as written
    names, problems = name_columns(["编 号", " 报送\u3000科室 ", "qualified", "备注"], headers)
    assert names == ("id", "unit", "qualified", "备注")
    assert problems == []


def test_a_header_naming_a_field_twice_is_an_error() -> None:
    headers = header_names(load_ruleset("wenzhou").program)
    _, problems = name_columns(["id", "unit", "报送科室"], headers)
    assert problems == [(2, "header '报送科室' names field 'unit', as the column 'unit' before it does")]


def test_a_header_naming_two_fields_is_an_error() -> None:
    # A checked ruleset has no such header; a mapping built by hand may.
    _, problems = name_columns(["日期"], {"日期": ("on", "day")})
    assert problems == [(0, "header '日期' names 2 fields: on, day")]


def _example_rows(ledger: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (EXAMPLES / ledger).read_text(encoding="utf-8").splitlines() if line.strip()]


def _write_csv(path: Path, rows: list[dict[str, object]], header: dict[str, str]) -> None:
    fields = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header.get(f, f) for f in fields])
        for row in rows:
            cells = []
            for field in fields:
                value = row.get(field)
                if value is None:
                    cells.append("")
                elif isinstance(value, list | dict):
                    cells.append(json.dumps(value, ensure_ascii=False))
                elif isinstance(value, bool):
                    cells.append("是" if value else "否")
                else:
                    cells.append(str(value))
            writer.writerow(cells)


def _labels(name: str) -> dict[str, str]:
    program = load_ruleset(name).program
    out = {"id": ID_LABEL, "type": TYPE_LABEL}
    for schema in program.schemas:
        for spec in schema.struct.fields:
            if spec.label is not None:
                out.setdefault(spec.name, spec.label)
    return out


@pytest.mark.parametrize(
    ("name", "ledger", "args"),
    [
        ("wenzhou", "wenzhou-2024.jsonl", ["--as-of", "2024-12-31", "--period", "2024"]),
        ("ganzhou", "ganzhou-2020-Q3.jsonl", ["--as-of", "2020-09-15", "--period", "2020-Q3"]),
        ("wanren", "wanren-2024.jsonl", ["--as-of", "2024-12-31", "--period", "2024"]),
    ],
)
def test_a_csv_ledger_under_chinese_headers_scores_as_the_json_one(
    name: str, ledger: str, args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    as_csv = tmp_path / "ledger.csv"
    _write_csv(as_csv, _example_rows(ledger), _labels(name))
    header = as_csv.read_text(encoding="utf-8").split("\n")[0].split(",")
    assert not any(cell.isascii() for cell in header)  # every column under its Chinese label
    assert main(["score", name, str(EXAMPLES / ledger), *args, "--format", "json"]) == 0
    expected = capsys.readouterr().out
    assert main(["score", name, str(as_csv), *args, "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.out == expected
    assert captured.err == ""


def test_a_csv_header_naming_a_field_twice_stops_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("编号,unit,报送科室\nW-1,医务科,医务科\n", encoding="utf-8")
    assert main(["score", "wenzhou", str(path), "--as-of", "2024-12-31", "--skip-invalid"]) == 1
    err = capsys.readouterr().err
    column = len("编号,unit,") + 1
    assert f"ledger.csv:1:{column}: error: record ?: (header): header '报送科室' names field 'unit'" in err


def test_an_unknown_csv_header_is_a_warning(tmp_path: Path) -> None:
    ruleset = load_ruleset("wenzhou")
    text = '编号,报送科室,稿件作者,报送日期,形式类别,是否合格,备注\nW-1,医务科,"[""王强""]",2024-05-10,快报,是,急\n'
    read = read_records(text, "ledger.csv", headers=header_names(ruleset.program))
    assert read.problems == ()
    validated = ruleset.validate_raw(read.records)
    assert validated.problems == ()
    assert [record for record, _ in validated.warnings] == ["W-1"]
    assert validated.warnings[0][1].startswith("unknown field '备注' ignored")


def test_a_record_error_under_a_label_names_the_field_and_its_column() -> None:
    ruleset = load_ruleset("wenzhou")
    text = '编号,报送科室,稿件作者,报送日期,形式类别,是否合格\nW-1,医务科,"[""王强""]",2024-05-10,快讯,是\n'
    read = read_records(text, "ledger.csv", headers=header_names(ruleset.program))
    problems = ruleset.validate_raw(read.records).problems
    assert len(problems) == 1
    line = text.split("\n")[1]
    assert (problems[0].field, problems[0].line, problems[0].column) == ("kind", 2, line.index("快讯") + 1)


def test_a_label_naming_a_field_of_its_own_record_type_is_reported_once() -> None:
    text = (
        "ruleset t\n"
        "record a { unit: name  kind: text }\n"
        'record b { unit: name  kind: text label "unit" }\n'
        "score a to unit { group g sum { rule one: true => +1 pts  § 1 } }\n"
    )
    heads = [line for line in _errors(text) if ": error: " in line]
    line, column = _position(text, '"unit"')
    assert heads == [
        f"t.gvr:{line}:{column}: error: label 'unit' of field 'kind' in b is the name of field 'unit': "
        "a column header must name one field"
    ]
