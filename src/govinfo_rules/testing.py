"""Hypothesis strategies generated from a ruleset's own declared schema.

For auditors and policy authors who want to prove things about a ruleset without
writing record generators by hand::

    from hypothesis import given
    from govinfo_rules import load_ruleset
    from govinfo_rules.testing import records

    ruleset = load_ruleset("wenzhou")

    @given(records(ruleset))
    def test_a_record_never_gets_more_than_13(record):
        assert ruleset.evaluate([record], as_of="2024-12-31").record(record["id"]).points <= 13

Records come out as the plain dicts a ledger holds (JSON values: text, numbers as
strings holding decimals, ISO dates), valid against every field type, bound and
`require` check the ruleset declares.  Needs the ``hypothesis`` package
(``pip install govinfo-rules[test]``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from . import ir
from .inputs import Input, RawRecord
from .ruleset import Ruleset
from .types import BOOL, DATE, DECIMAL, INTEGER, NAME, TEXT, EnumT, FieldSpec, ListT, StructT, Type

__all__ = ["invalid_records", "ledgers", "monotone_pairs", "records"]

# Names that read like the units and people of the seed documents; a table's own units
# are used where the ruleset lists its units from a table.
_UNITS = ("医务科", "护理部", "办公室", "科教科", "门诊部")
_PEOPLE = ("陈静", "王强", "李娜", "张伟", "周敏")
_FIRST_DAY = dt.date(2024, 1, 1)
_LAST_DAY = dt.date(2024, 12, 31)


def _names(ruleset: Ruleset, field: str) -> tuple[str, ...]:
    table = ruleset.program.units_from
    if field in ("unit", "units") and table is not None:
        return (*sorted(table.shown.values())[:6], "外单位")
    return _PEOPLE if field in ("authors", "author", "who") else _UNITS


def _number_range(spec: FieldSpec, default_low: int, default_high: int) -> tuple[Decimal, Decimal]:
    low = spec.minimum if spec.minimum is not None else Decimal(default_low)
    high = spec.maximum if spec.maximum is not None else low + (default_high - default_low)
    return low, high


def _value(ruleset: Ruleset, spec: FieldSpec, ftype: Type, dated: str | None) -> st.SearchStrategy[Any]:
    if isinstance(ftype, ListT):
        shortest = int(spec.minimum) if spec.minimum is not None else 0
        longest = int(spec.maximum) if spec.maximum is not None else shortest + 3
        item = FieldSpec(spec.name, ftype.item, 0)
        return st.lists(_value(ruleset, item, ftype.item, None), min_size=shortest, max_size=longest)
    if isinstance(ftype, StructT):
        return _struct(ruleset, ftype, None)
    if isinstance(ftype, EnumT):
        return st.sampled_from(ftype.values)
    if ftype == NAME:
        return st.sampled_from(_names(ruleset, spec.name))
    if ftype == TEXT:
        return (
            st.text(alphabet="温州市卫健委党政信息报送采用批示 abc123", min_size=1, max_size=12)
            .map(str.strip)
            .filter(bool)
        )
    if ftype == BOOL:
        return st.booleans()
    if ftype == DATE:
        return st.dates(_FIRST_DAY, _LAST_DAY).map(dt.date.isoformat)
    if ftype == INTEGER:
        if spec.name == dated:  # a record dated by a year
            return st.integers(2022, 2025)
        low, high = _number_range(spec, 0, 8)
        return st.integers(int(low), int(high))
    if ftype == DECIMAL:
        low, high = _number_range(spec, 0, 5)
        return st.decimals(low, high, places=2, allow_nan=False, allow_infinity=False).map(str)
    return st.nothing()


def _struct(ruleset: Ruleset, struct: StructT, dated: str | None) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for spec in struct.fields:
        if spec.name == "id":
            continue
        value = _value(ruleset, spec, spec.type, dated)
        if spec.optional or isinstance(spec.type, ListT):
            optional[spec.name] = value
        else:
            required[spec.name] = value
    return st.fixed_dictionaries(required, optional=optional)


def _dated_field(schema: ir.Schema) -> str | None:
    return schema.dated.name if isinstance(schema.dated, ir.Field) else None


def _valid(ruleset: Ruleset, record: dict[str, Any]) -> bool:
    raw = RawRecord(record, 1, Input("<generated>", "", ()), False)
    return not ruleset.validate_raw([raw]).problems


def _labelled(kind: str | None) -> Any:
    def label(pair: tuple[dict[str, Any], str]) -> dict[str, Any]:
        fields, record_id = pair
        return {"id": record_id, **({"type": kind} if kind is not None else {}), **fields}

    return label


def records(ruleset: Ruleset, type: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid records of the ruleset (of one record type, if given), as ledger dicts."""
    schemas = [s for s in ruleset.program.schemas if type is None or s.name == type]
    if not schemas:
        known = ", ".join(s.name for s in ruleset.program.schemas)
        raise ValueError(f"no record type '{type}' in ruleset {ruleset.name} (it has: {known})")
    several = len(ruleset.program.schemas) > 1
    choices = []
    for schema in schemas:
        base = _struct(ruleset, schema.struct, _dated_field(schema))
        ids = st.integers(1, 10**6).map(lambda i: f"R-{i}")
        choices.append(st.tuples(base, ids).map(_labelled(schema.name if several else None)))
    return st.one_of(choices).filter(lambda record: _valid(ruleset, record))


def ledgers(
    ruleset: Ruleset, *, min_size: int = 0, max_size: int = 20, type: str | None = None
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of valid records with unique ids (R-1, R-2, …), dated across 2024."""

    def number(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "id": f"R-{i}"} for i, item in enumerate(items, 1)]

    return st.lists(records(ruleset, type), min_size=min_size, max_size=max_size).map(number)


_DEFECTS = ("wrong enum", "missing field", "bad date", "out of range", "wrong type")


def invalid_records(ruleset: Ruleset, type: str | None = None) -> st.SearchStrategy[tuple[dict[str, Any], str]]:
    """A record with one targeted defect, and the field the error must name.

    Defects: a value outside an enum, a missing required field, a malformed date, a
    number below its declared minimum, a list where a single value belongs."""

    @st.composite
    def build(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
        record = draw(records(ruleset, type))
        schema = next(s for s in ruleset.program.schemas if s.name == record.get("type", s.name))
        candidates = []
        for spec in schema.struct.fields:
            if spec.name == "id":
                continue
            if isinstance(spec.type, EnumT):
                candidates.append(("wrong enum", spec))
            if not spec.optional and not isinstance(spec.type, ListT):
                candidates.append(("missing field", spec))
                candidates.append(("wrong type", spec))
            if spec.type == DATE and spec.name in record:
                candidates.append(("bad date", spec))
            if spec.type in (INTEGER, DECIMAL) and spec.minimum is not None and spec.name in record:
                candidates.append(("out of range", spec))
        defect, spec = draw(st.sampled_from(candidates))
        broken = dict(record)
        if defect == "wrong enum":
            broken[spec.name] = "不存在的值"
        elif defect == "missing field":
            del broken[spec.name]
        elif defect == "bad date":
            broken[spec.name] = draw(st.sampled_from(["2024-13-01", "2024/05/10", "昨天", "2024-02-30"]))
        elif defect == "out of range":
            assert spec.minimum is not None
            broken[spec.name] = str(spec.minimum - 1)
        else:
            broken[spec.name] = [broken.get(spec.name, "x")]
        return broken, spec.name

    return build()


def monotone_pairs(
    ruleset: Ruleset, type: str, declared: ir.Monotone
) -> st.SearchStrategy[tuple[dict[str, Any], dict[str, Any], ir.Monotone]]:
    """A valid record and the same record grown in the field a ``monotone`` declares.

    A list gets one more item; a number a larger value (within its declared maximum);
    a bool turns from false to true.  Both records are valid; the pair is
    ``(before, after, declared)``."""
    schema = next(s for s in ruleset.program.schemas if s.name == type)
    spec = schema.struct.field(declared.field)
    assert spec is not None

    @st.composite
    def build(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], ir.Monotone]:
        before = draw(records(ruleset, type))
        after = dict(before)
        current = before.get(spec.name)
        if isinstance(spec.type, ListT):
            item = FieldSpec(spec.name, spec.type.item, 0)
            after[spec.name] = [*(current or []), draw(_value(ruleset, item, spec.type.item, None))]
        elif spec.type == BOOL:
            after[spec.name] = True
            before = {**before, spec.name: False}
        elif spec.type == INTEGER:
            after[spec.name] = (int(current) if current is not None else 0) + draw(st.integers(1, 3))
        elif spec.type == DECIMAL:
            step = draw(st.decimals(Decimal("0.01"), Decimal(2), places=2, allow_nan=False, allow_infinity=False))
            after[spec.name] = str(Decimal(current if current is not None else 0) + step)
        return before, after, declared

    return build().filter(lambda pair: _valid(ruleset, pair[0]) and _valid(ruleset, pair[1]))
