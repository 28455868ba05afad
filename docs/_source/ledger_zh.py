"""Print, in Chinese Markdown, the ledger fields a ruleset declares (its record types).

The ruleset pages show this output (``@@OUT ... :: python3 ledger_zh.py wenzhou@@``), so
the Chinese field tables are the ruleset's own schema — names, column headers (``label``),
types, bounds, enum values — and cannot drift from it::

    python3 docs/_source/ledger_zh.py wenzhou
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

from govinfo_rules import load_ruleset
from govinfo_rules.types import EnumT, FieldSpec, ListT, StructT

SCALARS = {
    "name": "名称（比较时忽略空格）",
    "text": "文字",
    "date": "日期，`YYYY-MM-DD`",
    "bool": "是 / 否（`true`/`false`；CSV、Excel 中也可写 `是`/`否`）",
    "integer": "整数",
    "decimal": "数值（可有小数，精确计算）",
}


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _type(ftype: Any) -> str:
    if isinstance(ftype, EnumT):
        return "取值之一：" + "、".join(f"`{value}`" for value in ftype.values)
    if isinstance(ftype, ListT):
        return "若干项，每项为" + _type(ftype.item)
    if isinstance(ftype, StructT):
        parts = [
            f"`{spec.name}`" + (f"（{spec.label}）" if getattr(spec, "label", None) else "") for spec in ftype.fields
        ]
        return f"`{ftype.name}`：由 " + "、".join(parts) + " 组成"
    return SCALARS.get(str(ftype), f"`{ftype}`")


def _required(spec: FieldSpec) -> str:
    if spec.default is not None:
        return f"否（默认 `{spec.default}`）"
    if spec.optional:
        return "否"
    if isinstance(spec.type, ListT):
        return "是" if spec.minimum is not None and spec.minimum >= 1 else "否（不填为空）"
    return "是"


def _bounds(spec: FieldSpec) -> str:
    listed = isinstance(spec.type, ListT)
    parts = []
    if spec.minimum is not None:
        parts.append(f"至少 {_number(spec.minimum)} 项" if listed else f"≥ {_number(spec.minimum)}")
    if spec.maximum is not None:
        parts.append(f"至多 {_number(spec.maximum)} 项" if listed else f"≤ {_number(spec.maximum)}")
    return "；".join(parts)


def _struct_fields(ftype: Any) -> list[StructT]:
    while isinstance(ftype, ListT):
        ftype = ftype.item
    return [ftype] if isinstance(ftype, StructT) else []


def fields_table(fields: tuple[FieldSpec, ...]) -> str:
    lines = ["| 字段 | 表头 | 类型与取值 | 必填 | 范围 |", "|---|---|---|---|---|"]
    for spec in fields:
        label = getattr(spec, "label", None) or ""
        lines.append(f"| `{spec.name}` | {label} | {_type(spec.type)} | {_required(spec)} | {_bounds(spec)} |")
    return "\n".join(lines)


def ledger(name: str) -> str:
    """The Markdown: one table per record type, then one per struct its fields hold."""
    program = load_ruleset(name).program
    out = []
    several = len(program.schemas) > 1
    structs: list[StructT] = []
    for schema in program.schemas:
        if several:
            out.append(f"**记录类型 `{schema.name}`**（台账中 `type` 一栏填 `{schema.name}`）：\n")
        declared = {spec.name for spec in schema.struct.fields}
        head = [] if "id" in declared else ["| `id` | 编号 | 文字，在一本台账中唯一 | 是 |  |"]
        table = fields_table(schema.struct.fields).split("\n")
        out.append("\n".join(table[:2] + head + table[2:]) + "\n")
        for spec in schema.struct.fields:
            for struct in _struct_fields(spec.type):
                if struct not in structs:
                    structs.append(struct)
    for struct in structs:
        out.append(f"**`{struct.name}` 的各项**：\n")
        out.append(fields_table(struct.fields) + "\n")
    return "\n".join(out).rstrip("\n")


if __name__ == "__main__":
    print(ledger(sys.argv[1]))
