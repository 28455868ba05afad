"""An empty Excel ledger for a ruleset, for a clerk to fill in: `govinfo-rules template`.

In: a :class:`~govinfo_rules.ruleset.Ruleset` (and, optionally, records to pre-fill);
out: a workbook of three sheets:

* 台账 — the ledger: a header row of the fields' labels (:func:`ledger_columns`),
  frozen; a ``类型`` column when the ruleset has several record types; a drop-down
  list of the allowed values on every enum and bool column (and on ``类型``), read
  from a range of the hidden 选项 sheet, since a list written into the validation
  itself may hold at most 255 characters; dates formatted as dates, text columns as
  text; a prompt on each column saying what it holds.
* 说明 — one row per field: label, name, record type(s), type, required or not, the
  allowed values or the form of the JSON text, and the clauses of the rules that read it.
* 选项 (hidden) — the lists.

:func:`.xlsx.write_ledger` is this workbook with records in it; `score` reads either
back (the first sheet is the ledger).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from . import nodes as n
from .errors import InputError
from .inputs import header_names
from .limits import FIRST_DATE, LAST_DATE
from .source import display_width
from .tabular import Cell
from .types import (
    BOOL,
    DATE,
    DECIMAL,
    ID_LABEL,
    INTEGER,
    NAME,
    TEXT,
    TYPE_LABEL,
    EnumT,
    FieldSpec,
    ListT,
    StructT,
    Type,
    name_key,
)
from .xlsx import DATE_FORMAT, json_text, number_text, openpyxl_module, put, put_number, put_text, style_header

if TYPE_CHECKING:
    from . import ir
    from .ruleset import Ruleset

LEDGER_SHEET = "台账"
NOTES_SHEET = "说明"
LISTS_SHEET = "选项"
BOOL_CHOICES = ("是", "否")
LAST_ROW = 1_048_576  # Excel's last row: validations and formats cover the whole column
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@attrs.frozen
class LedgerColumn:
    """One column of the ledger sheet: the field it holds, its header, and the field's
    spec in each record type that has it (none for ``type``)."""

    field: str
    header: str
    specs: tuple[tuple[str, FieldSpec], ...]

    @property
    def choices(self) -> tuple[str, ...]:
        """The values of its drop-down list: every enum value, or 是/否; none when the
        column holds anything else in some record type."""
        types = [spec.type for _, spec in self.specs]
        if types and all(isinstance(t, EnumT) for t in types):
            return tuple(dict.fromkeys(v for t in types if isinstance(t, EnumT) for v in t.values))
        if types and all(t == BOOL for t in types):
            return BOOL_CHOICES
        return ()


def ledger_columns(program: ir.Program) -> tuple[LedgerColumn, ...]:
    """The columns of a ledger sheet: ``id``, ``type`` (with several record types), then
    every field in the order the record types declare them, each once.  A field's header
    is its label (the first one declared), or its name when it has none."""
    known = header_names(program)
    by_field: dict[str, list[tuple[str, FieldSpec]]] = {}
    for schema in program.schemas:
        for spec in schema.struct.fields:
            by_field.setdefault(spec.name, []).append((schema.name, spec))
    columns = []
    for field, specs in by_field.items():
        label = next((spec.label for _, spec in specs if spec.label is not None), None)
        if field == "id":
            label = ID_LABEL
        header = label if label is not None and known.get(name_key(label)) == (field,) else field
        columns.append(LedgerColumn(field, header, tuple(specs)))
    if len(program.schemas) > 1:
        columns.insert(1, LedgerColumn("type", TYPE_LABEL, ()))
    return tuple(columns)


def template_workbook(
    ruleset: Ruleset, records: Sequence[Mapping[str, Any]] = (), *, where: str = "govinfo-rules"
) -> Any:
    """The template workbook of ``ruleset``, with ``records`` (dicts, as in a JSON
    ledger) in its rows."""
    openpyxl = openpyxl_module("writing", where)
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    program = ruleset.program
    columns = ledger_columns(program)
    extra = _extra_keys(records, columns)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = LEDGER_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    notes = book.create_sheet(NOTES_SHEET)
    book.move_sheet(notes, offset=-1)  # 台账, 说明, then the hidden lists

    sheet.append([c.header for c in columns] + extra)
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{LAST_ROW}"
        choices = _type_choices(program) if column.field == "type" else column.choices
        prompt = _prompt(column, program)
        if choices:
            list_column += 1
            source = get_column_letter(list_column)
            lists.cell(1, list_column).value = column.header
            for row, choice in enumerate(choices, start=2):
                put_text(lists.cell(row, list_column), choice)
            validation = DataValidation(
                type="list",
                formula1=f"'{LISTS_SHEET}'!${source}$2:${source}${len(choices) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="不在可选值中",
                error=_clip(f"{column.header}: 请从下拉列表中选择（{'、'.join(choices)}）", 225),  # Excel's limit
                showInputMessage=True,
                promptTitle=_clip(column.header, 32),
                prompt=_clip(prompt, 255),
            )
        else:
            validation = DataValidation(
                allow_blank=True, showInputMessage=True, promptTitle=_clip(column.header, 32), prompt=_clip(prompt, 255)
            )
        sheet.add_data_validation(validation)
        validation.add(cells)
        dimension = sheet.column_dimensions[letter]
        if any(spec.type == DATE for _, spec in column.specs):
            dimension.number_format = DATE_FORMAT
        elif not any(spec.type in (INTEGER, DECIMAL) for _, spec in column.specs):
            dimension.number_format = "@"  # text: Excel keeps 0012 and 1/2 as typed
    widths = [max(10, min(40, display_width(c.header) + 4)) for c in columns] + [12] * len(extra)
    style_header(sheet, widths)

    for row_index, record in enumerate(records, start=2):
        _put_record(sheet, row_index, record, columns, extra, program, where)
    _notes(notes, columns, ruleset)
    return book


def write_template(ruleset: Ruleset, path: str, records: Sequence[Mapping[str, Any]] = ()) -> None:
    """Save the template (pre-filled with ``records``) at ``path``, replacing it at once."""
    from pathlib import Path

    from .xlsx import save_atomically

    save_atomically(template_workbook(ruleset, records, where=path), Path(path))


# --- rows -----------------------------------------------------------------------------------


def _extra_keys(records: Sequence[Mapping[str, Any]], columns: Sequence[LedgerColumn]) -> list[str]:
    """Keys of the records that no column holds (a `remarks` column): kept, in their own
    columns, so that `score` warns of them as it would of the JSON ledger."""
    known = {c.field for c in columns} | {"type"}
    extra: dict[str, None] = {}
    for record in records:
        for key in record:
            if str(key) not in known:
                extra[str(key)] = None
    return list(extra)


def _put_record(
    sheet: Any,
    row: int,
    record: Mapping[str, Any],
    columns: Sequence[LedgerColumn],
    extra: Sequence[str],
    program: ir.Program,
    where: str,
) -> None:
    kind = record.get("type")
    schema_name = kind if isinstance(kind, str) else (program.schemas[0].name if len(program.schemas) == 1 else None)
    for index, column in enumerate(columns, start=1):
        if column.field not in record:
            continue
        spec = next((s for t, s in column.specs if t == schema_name), column.specs[0][1] if column.specs else None)
        _put_value(sheet.cell(row, index), record[column.field], spec, record, column.field, where)
    for index, key in enumerate(extra, start=len(columns) + 1):
        if key in record:
            _put_value(sheet.cell(row, index), record[key], None, record, key, where)


def _put_value(
    cell: Any, value: Any, spec: FieldSpec | None, record: Mapping[str, Any], field: str, where: str
) -> None:
    try:
        converted, number = _ledger_cell(value, spec)
        if number is not None:
            put_number(cell, Decimal(number), number)
        else:
            put(cell, converted, strict=True)
    except ValueError as err:
        who = record.get("id", "?")
        raise InputError(f"{where}: error: record {who}: {field}: {err}") from None


def _ledger_cell(value: Any, spec: FieldSpec | None) -> tuple[Cell, str | None]:
    """How a ledger value goes into a cell: (value, None), or (None, the exact text of
    a number cell).  Values the field's type reads from a cell keep their kind (a date
    string of a date field becomes a date cell); anything else is written as text, so
    that `score` meets the same value and says the same about it."""
    if value is None:
        return None, None
    if isinstance(value, float):
        raise ValueError(f"the binary float {value!r}: pass exact decimals, as Decimal('{value!r}')")
    ftype = spec.type if spec is not None else None
    if isinstance(value, list | tuple | Mapping):
        return json_text(value), None
    if ftype == DATE:
        day = value if isinstance(value, dt.date) else _iso_date(value)
        if day is not None and FIRST_DATE <= day <= LAST_DATE:
            return (day.date() if isinstance(day, dt.datetime) else day), None
    if ftype in (INTEGER, DECIMAL) and not isinstance(value, bool):
        if isinstance(value, int):
            return None, str(value)
        if isinstance(value, Decimal) and value.is_finite():
            return None, number_text(value)
        if isinstance(value, str) and _NUMBER.match(value.strip()):
            return None, value.strip()  # a number read from a CSV or a sheet as text
    if ftype == BOOL and isinstance(value, bool):
        return value, None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, Decimal):
        return number_text(value), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    return str(value), None


def _iso_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


# --- prompts and notes ------------------------------------------------------------------------

_SCALAR_WORDS = {
    TEXT: "文本",
    NAME: "名称（单位或人名，比较时忽略空格）",
    INTEGER: "整数",
    DECIMAL: "小数（精确）",
    BOOL: "是/否",
    DATE: "日期",
}


def type_words(ftype: Type) -> str:
    """A field's type in words for the notes sheet."""
    if isinstance(ftype, EnumT):
        return "选项"
    if isinstance(ftype, ListT):
        return f"列表（JSON 文本），每项为{type_words(ftype.item)}"
    if isinstance(ftype, StructT):
        return "对象（JSON 文本）"
    return _SCALAR_WORDS.get(ftype, str(ftype))


def example(ftype: Type) -> Any:
    """An example value of a type, for the JSON text of list and object cells."""
    if isinstance(ftype, EnumT):
        return ftype.values[0]
    if isinstance(ftype, ListT):
        return [example(ftype.item)]
    if isinstance(ftype, StructT):
        return {f.name: example(f.type) for f in ftype.fields}
    return {
        TEXT: "文本",
        NAME: "张三",
        INTEGER: 1,
        DECIMAL: Decimal("0.5"),
        BOOL: True,
        DATE: "2024-01-31",
    }.get(ftype, "")


def value_words(spec: FieldSpec) -> str:
    """What a cell of the field may hold: the allowed values, a range, or the JSON form."""
    ftype = spec.type
    bounds = _bounds(spec)
    if isinstance(ftype, EnumT):
        aliases = [f"{a}→{v}" for a, v in ftype.lookup if a != v and a not in ftype.values]
        text = "、".join(ftype.values)
        return text + (f"（也可写：{'，'.join(aliases)}）" if aliases else "")
    if ftype == BOOL:
        return "是 或 否（也可写 true/false、1/0）"
    if ftype == DATE:
        return "日期，如 2024-05-10（日期单元格或文本）"
    if isinstance(ftype, ListT):
        empty = "" if spec.minimum else "；留空为空列表"
        words = f"JSON 列表，如 {json_text(example(ftype))}{empty}" + bounds
        return words + _struct_keys(ftype.item)
    if isinstance(ftype, StructT):
        return f"JSON 对象，如 {json_text(example(ftype))}" + _struct_keys(ftype)
    return bounds.lstrip("；")


def _bounds(spec: FieldSpec) -> str:
    what = "项数" if isinstance(spec.type, ListT) else "值"
    parts = []
    if spec.minimum is not None:
        parts.append(f"{what}至少 {format(spec.minimum, 'f')}")
    if spec.maximum is not None:
        parts.append(f"{what}至多 {format(spec.maximum, 'f')}")
    return ("；" + "，".join(parts)) if parts else ""


def _struct_keys(ftype: Type) -> str:
    if not isinstance(ftype, StructT):
        return ""
    parts = []
    for f in ftype.fields:
        label = f"（{f.label}）" if f.label else ""
        values = value_words(f)
        parts.append(f"{f.name}{label}: {values}" if values else f"{f.name}{label}: {type_words(f.type)}")
    return "。键：" + "；".join(parts)


def required_words(spec: FieldSpec) -> str:
    if isinstance(spec.type, ListT):
        least = spec.minimum or 0
        return f"必填，至少 {format(least, 'f')} 项" if least > 0 else "可留空"
    if spec.default is not None:
        shown = "是" if spec.default is True else "否" if spec.default is False else str(spec.default)
        return f"可选，默认 {shown}"
    return "可选" if spec.optional else "必填"


def _type_choices(program: ir.Program) -> tuple[str, ...]:
    return tuple(s.name for s in program.schemas)


def _prompt(column: LedgerColumn, program: ir.Program) -> str:
    head = f"{column.header}（{column.field}）："
    if column.field == "type":
        return f"{head}记录类型，{'、'.join(_type_choices(program))}"
    if column.field == "id":
        return f"{head}必填，每条记录唯一"
    spec = column.specs[0][1]
    parts = [head + required_words(spec), type_words(spec.type)]
    values = value_words(spec)
    if values:
        parts.append(values)
    return "；".join(parts)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


NOTES_HEADER = (
    "列标题 header",
    "字段 field",
    "记录类型 record type",
    "类型 type",
    "必填 required",
    "可填写的值 values",
    "条款 clauses",
)


def notes_rows(columns: Sequence[LedgerColumn], ruleset: Ruleset) -> list[tuple[str, ...]]:
    """The rows of the 说明 sheet: one per field and description, the record types that
    share a description on one row."""
    clauses = field_clauses(ruleset.ast) if ruleset.ast is not None else {}
    names = tuple(s.name for s in ruleset.program.schemas)
    rows: list[tuple[str, ...]] = []
    for column in columns:
        if column.field == "type":
            rows.append((column.header, "type", "、".join(names), "选项", "必填", "、".join(names), ""))
            continue
        if column.field == "id":
            rows.append((column.header, "id", "、".join(names), "文本", "必填", "每条记录唯一的编号", ""))
            continue
        merged: dict[tuple[str, ...], list[str]] = {}
        for record, spec in column.specs:
            key = (type_words(spec.type), required_words(spec), value_words(spec))
            merged.setdefault(key, []).append(record)
        for (kind, required, values), records in merged.items():
            cited = dict.fromkeys(c for r in records for c in clauses.get((r, column.field), ()))
            rows.append(
                (
                    column.header,
                    column.field,
                    "、".join(records),
                    kind,
                    required,
                    values,
                    "、".join(f"§ {c}" for c in cited),
                )
            )
    return rows


def _notes(sheet: Any, columns: Sequence[LedgerColumn], ruleset: Ruleset) -> None:
    sheet.append(NOTES_HEADER)
    rows = notes_rows(columns, ruleset)
    for row_index, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            if value:
                put_text(sheet.cell(row_index, index), value)
    program = ruleset.program
    title = f"{program.title or program.name}（{program.name} {program.version or ''}）".replace(" ）", "）")
    general = [
        "",
        f"规则集：{title}",
        f"在“{LEDGER_SHEET}”表中每行填写一条记录，第一行为列标题（也可使用上表中的字段名）。",
        "是/否：填“是”或“否”（也可写 true/false、1/0）。日期：日期单元格，或文本 YYYY-MM-DD。",
        '列表和对象：在单元格中填写 JSON 文本，如 ["王强", "李娜"]；空单元格表示未填写（列表为空）。',
        "评分：govinfo-rules score 规则集 本文件.xlsx --as-of 日期 --format xlsx -o 报告.xlsx",
    ]
    for row_index, line in enumerate(general, start=len(rows) + 2):
        if line:
            put_text(sheet.cell(row_index, 1), line)
    widths = [16, 18, 16, 22, 12, 60, 24]
    style_header(sheet, widths)
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2, max_row=len(rows) + 1):
        for cell in row:
            cell.alignment = wrap


# --- which clauses read a field -----------------------------------------------------------------


def _names(node: Any, found: set[str]) -> set[str]:
    """Every name an AST node mentions (fields, lets, parameters alike)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, n.Name):
            found.add(item.ident)
        elif isinstance(item, tuple | list):
            stack.extend(item)
        elif attrs.has(type(item)):
            stack.extend(getattr(item, f.name) for f in attrs.fields(type(item)) if f.name != "span")
    return found


def field_clauses(ast: n.Ruleset) -> dict[tuple[str, str], tuple[str, ...]]:
    """For each (record type, field), the clauses of the rules, gates, warnings,
    reminders and awards whose expressions read it (through `let`s too), in order."""
    fields = {r.name: {f.name for f in r.fields} | {"id"} for r in ast.records}
    out: dict[tuple[str, str], dict[str, None]] = {}

    def cite(record: str, names: Iterable[str], clause: str | None) -> None:
        if clause is None or record not in fields:
            return
        for name in names:
            if name in fields[record]:
                out.setdefault((record, name), {})[clause] = None

    for score in ast.scores:
        lets = {let.name: _names(let.expr, set()) for let in score.lets}

        def expand(names: set[str], lets: dict[str, set[str]] = lets) -> set[str]:
            todo, seen = list(names), set(names)
            while todo:
                for more in lets.get(todo.pop(), ()):
                    if more not in seen:
                        seen.add(more)
                        todo.append(more)
            return seen

        record = score.record
        for step in score.steps:
            if isinstance(step, n.Gate):
                cite(record, expand(_names(step.cond, set())), step.clause)
                continue
            shared = _names(step.scale, set()) | set(step.over[:1] if step.over else ())
            for rule in step.rules:
                cite(record, expand(_names((rule.cond, rule.amounts), set(shared))), rule.clause or step.clause)
        for warn in score.warns:
            cite(record, expand(_names(warn.cond, set())), warn.clause)
        for remind in score.reminds:
            cite(record, expand(_names((remind.cond, remind.due, remind.shortfall), set())), remind.clause)
        for monotone in score.monotone:
            cite(record, {monotone.field}, monotone.clause)
    for award in ast.awards:
        names = _names((award.measure, award.among), set(award.rank[:1]))
        for record in fields:
            if award.of_type in (None, record):
                cite(record, names, award.clause)
    if ast.tiers is not None and ast.tiers.exempt is not None:
        for record in fields:
            cite(record, _names(ast.tiers.exempt, set()), ast.tiers.clause)
    return {key: tuple(found) for key, found in out.items()}
