"""Raw records to typed records (the input stage), against the ruleset's own schema.

Entry point: :class:`Validator`.  Every problem of every record is collected; a caller
gets either all records typed or a :class:`RecordError` naming each bad value.
Text is NFKC-normalised and trimmed; enum spellings and aliases become the canonical
label; JSON numbers arrive as ``int``/``Decimal`` and are never floats.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from . import ir
from .check import suggest
from .compile import Fn, compile_expr, message
from .errors import RecordError, RecordProblem
from .fastvalidate import FastValidator, generate_validator
from .inputs import Input, PathPart, RawRecord, format_path, loads
from .limits import date_problem, list_problem, number_problem
from .types import (
    BOOL,
    DATE,
    DECIMAL,
    INTEGER,
    NAME,
    TEXT,
    EnumT,
    ListT,
    StructT,
    Type,
    normalize_text,
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "是", "1", "yes", "y"}
_FALSE = {"false", "否", "0", "no", "n"}


@attrs.frozen(eq=False)
class Record:
    """A validated record: its id, its record type and its field values in schema order."""

    id: str
    type: str
    values: tuple[Any, ...]
    line: int = 0
    input: str = ""


@attrs.frozen
class Validated:
    records: tuple[Record, ...]
    warnings: tuple[tuple[str, str], ...]  # (record id, message)
    problems: tuple[RecordProblem, ...]


class _Collected:
    """What validating a run of records has found so far."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.problems: list[RecordProblem] = []
        self.warnings: list[tuple[str, str]] = []
        self.first_seen: dict[str, int] = {}  # id -> line

    def result(self) -> Validated:
        return Validated(tuple(self.records), tuple(self.warnings), tuple(self.problems))


def _compile_require(require: ir.Require) -> tuple[Fn, tuple[str, ...], tuple[str | Fn, ...]]:
    pieces = tuple(p if isinstance(p, str) else compile_expr(p) for p in require.pieces)
    return compile_expr(require.cond), require.at, pieces


_MISSING = object()


def _printable(value: int | Decimal) -> bool:
    # str() refuses an integer of more than 4,300 digits (a guard of Python's own).
    return not isinstance(value, int) or value.bit_length() < 14_000


def _describe(value: Any) -> str:
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and not _printable(value):
        return "a number of thousands of digits"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return str(value)


class _RecordCheck:
    """Validation state of one record: its problems, collected as they are found."""

    def __init__(self, raw: RawRecord, record_id: str | None) -> None:
        self.raw = raw
        self.record_id = record_id
        self.problems: list[RecordProblem] = []
        self.warnings: list[str] = []

    def bad(self, path: Sequence[PathPart], message: str) -> None:
        self.problems.append(self.raw.problem(self.record_id, path, message))


class Validator:
    """Types raw records by the schemas of a checked program."""

    def __init__(self, program: ir.Program, *, fast: bool = True) -> None:
        self.schemas = {s.name: s for s in program.schemas}
        self.requires: dict[int, list[tuple[Fn, tuple[str, ...], tuple[str | Fn, ...]]]] = {}
        checks: dict[int, tuple[ir.Require, ...]] = {}  # the same checks as IR, for the fast path
        for schema in program.schemas:
            self.requires[id(schema.struct)] = [_compile_require(r) for r in schema.requires]
            checks[id(schema.struct)] = schema.requires
            for struct, reqs in schema.struct_requires:
                self.requires.setdefault(id(struct), [_compile_require(r) for r in reqs])
                checks.setdefault(id(struct), reqs)
        # The generated accept path of each record type (fast=False: the careful path only,
        # for tests that compare the two).
        self.fast: dict[str, FastValidator | None] = {}
        if fast:
            pairs = {key: [(r, c[0]) for r, c in zip(checks[key], self.requires[key], strict=True)] for key in checks}
            self.fast = {s.name: generate_validator(s, pairs, ruleset=program.name) for s in program.schemas}

    # --- one value ------------------------------------------------------------------

    def convert(self, value: Any, ftype: Type, path: tuple[PathPart, ...], textual: bool, check: _RecordCheck) -> Any:
        """The typed value, or ``_MISSING`` after recording a problem."""
        if ftype in (TEXT, NAME):
            if isinstance(value, str):
                return normalize_text(value)
            if isinstance(value, int | Decimal) and not isinstance(value, bool) and _printable(value):
                return normalize_text(str(value))
            check.bad(path, f"expected text, got {_describe(value)}")
        elif ftype == INTEGER:
            number = self._number(value, textual)
            if number is not None and (problem := number_problem(number)) is not None:
                check.bad(path, problem)  # before int(): 1E+999999999 would take forever
            elif number is not None and number == number.to_integral_value():
                return int(number)
            else:
                check.bad(path, f"expected a whole number, got {_describe(value)}")
        elif ftype == DECIMAL:
            number = self._number(value, True)
            if number is not None and (problem := number_problem(number)) is not None:
                check.bad(path, problem)
            elif number is not None:
                return number
            elif type(value).__name__ == "float":
                check.bad(
                    path, f"got the binary float {value!r}: pass exact decimals, as Decimal('{value!r}') or a string"
                )
            else:
                check.bad(path, f"expected a decimal number, got {_describe(value)}")
        elif ftype == BOOL:
            if isinstance(value, bool):
                return value
            if textual and isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            check.bad(path, f"expected true or false, got {_describe(value)}")
        elif ftype == DATE:
            if isinstance(value, str) and _DATE.match(value.strip()):
                try:
                    day = dt.date.fromisoformat(value.strip())
                except ValueError:
                    check.bad(path, f"no such date: {_describe(value)}")
                    return _MISSING
                problem = date_problem(day)
                if problem is None:
                    return day
                check.bad(path, f"date {problem}")
                return _MISSING
            check.bad(path, f"expected a date YYYY-MM-DD, got {_describe(value)}")
        elif isinstance(ftype, EnumT):
            if isinstance(value, str):
                canonical = ftype.canonical(value)
                if canonical is not None:
                    return canonical
                word = normalize_text(value)
                allowed = ", ".join(ftype.values)
                hint = suggest(word, ftype.values)
                check.bad(path, f"unknown value '{word}'; allowed: {allowed}; did you mean '{hint}'?")
            else:
                check.bad(path, f"expected one of {', '.join(ftype.values)}, got {_describe(value)}")
        elif isinstance(ftype, ListT):
            if textual and isinstance(value, str):
                value = self._json_cell(value, path, check, '["a", "b"]')
                if value is _MISSING:
                    return _MISSING
            if not isinstance(value, list):
                check.bad(path, f"expected a list, got {_describe(value)}")
                return _MISSING
            if (problem := list_problem(len(value))) is not None:
                check.bad(path, problem)
                return _MISSING
            items = [self.convert(item, ftype.item, (*path, i), False, check) for i, item in enumerate(value)]
            if any(item is _MISSING for item in items):
                return _MISSING
            return tuple(items)
        elif isinstance(ftype, StructT):
            if textual and isinstance(value, str):
                value = self._json_cell(value, path, check, '{"field": "value"}')
                if value is _MISSING:
                    return _MISSING
            if not isinstance(value, dict):
                check.bad(
                    path,
                    f"expected an object with fields {', '.join(f.name for f in ftype.fields)}, got {_describe(value)}",
                )
                return _MISSING
            return self.struct(value, ftype, path, False, check)
        return _MISSING

    @staticmethod
    def _number(value: Any, allow_string: bool) -> Decimal | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, Decimal):
            return value if value.is_finite() else None
        if allow_string and isinstance(value, str):
            text = normalize_text(value)
            if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
                try:
                    return Decimal(text)
                except InvalidOperation:
                    return None
        return None

    @staticmethod
    def _json_cell(text: str, path: tuple[PathPart, ...], check: _RecordCheck, example: str) -> Any:
        try:
            return loads(text)
        except ValueError:
            check.bad(path, f"expected JSON in the cell, e.g. {example}; got {_describe(text)}")
            return _MISSING

    def struct(
        self, data: dict[str, Any], struct: StructT, path: tuple[PathPart, ...], textual: bool, check: _RecordCheck
    ) -> Any:
        values: list[Any] = []
        failed = False
        known = {f.name for f in struct.fields}
        for spec in struct.fields:
            fpath = (*path, spec.name)
            if not path and spec.name == "id" and check.record_id is None:
                # The record's id was found wanting before its fields were read, and said so.
                failed = True
                values.append(None)
                continue
            raw = data.get(spec.name, _MISSING)
            if raw is _MISSING or raw is None:
                if isinstance(spec.type, ListT) and raw is _MISSING:
                    value: Any = ()
                    if not self._in_bounds(value, spec, fpath, check):
                        failed = True
                elif spec.optional:
                    value = spec.default
                else:
                    check.bad(fpath, "missing required field" if raw is _MISSING else "required field is null")
                    failed = True
                    values.append(None)
                    continue
            else:
                value = self.convert(raw, spec.type, fpath, textual, check)
                if value is _MISSING:
                    failed = True
                    values.append(None)
                    continue
                if not self._in_bounds(value, spec, fpath, check):
                    failed = True
            values.append(value)
        keys: Iterable[object] = data  # a Python caller's dict may have any keys; JSON's are text
        for key in keys:
            if not isinstance(key, str):
                check.bad(path, f"a field name must be text, not {_describe(key)}")
                failed = True
            elif key not in known and not (not path and key == "type"):
                hint = suggest(key, sorted(known))
                where = format_path((*path, key))
                check.warnings.append(
                    f"unknown field '{where}' ignored" + (f"; did you mean '{hint}'?" if hint else "")
                )
        if failed:
            return _MISSING
        result = tuple(values)
        for cond, at, pieces in self.requires.get(id(struct), ()):
            if cond((result,)) is False:
                check.bad((*path, *at), message(pieces, (result,)))
                failed = True
        return _MISSING if failed else result

    @staticmethod
    def _in_bounds(value: Any, spec: Any, path: tuple[PathPart, ...], check: _RecordCheck) -> bool:
        measure = len(value) if isinstance(value, tuple) else value
        what = "items" if isinstance(value, tuple) else "value"
        if spec.minimum is not None and measure < spec.minimum:
            if isinstance(value, tuple):
                check.bad(path, f"needs at least {spec.minimum} item(s), got {measure}")
            else:
                check.bad(path, f"{what} {measure} is below the minimum {spec.minimum}")
            return False
        if spec.maximum is not None and measure > spec.maximum:
            if isinstance(value, tuple):
                check.bad(path, f"takes at most {spec.maximum} item(s), got {measure}")
            else:
                check.bad(path, f"{what} {measure} is above the maximum {spec.maximum}")
            return False
        return True

    # --- records ------------------------------------------------------------------------

    def validate(self, raws: Iterable[RawRecord]) -> Validated:
        state = _Collected()
        only = next(iter(self.schemas.values())) if len(self.schemas) == 1 else None
        for raw in raws:
            self._one(raw, only, state)
        return state.result()

    def validate_objects(self, items: Iterable[Any], source: Input, lines: Iterable[int] | None = None) -> Validated:
        """Type records given as Python objects (dicts as ``json.loads`` gives them), each
        at its number in ``lines`` (default 1, 2, …) of ``source``: :meth:`validate` without a :class:`RawRecord` per
        record.  A record the generated function accepts, with a plain ASCII id not seen
        before, is typed right here; any other goes through :meth:`validate`'s own steps,
        so the result is the same, only reached sooner."""
        state = _Collected()
        only = next(iter(self.schemas.values())) if len(self.schemas) == 1 else None
        routes: dict[Any, tuple[str, FastValidator]] = {}
        for schema in self.schemas.values():
            fast = self.fast.get(schema.name)
            if fast is not None and normalize_text(schema.name) == schema.name:
                routes[schema.name] = (schema.name, fast)
                if schema is only:
                    routes[None] = (schema.name, fast)
        first_seen, records, name = state.first_seen, state.records, source.name
        for line, data in zip(itertools.count(1) if lines is None else lines, items, strict=False):
            if type(data) is dict:
                kind = data.get("type")
                route = routes.get(kind) if kind is None or type(kind) is str else None
                record_id = data.get("id")
                # NFKC leaves ASCII text as it is: trimming is all normalize_text does to it.
                if route is not None and type(record_id) is str and record_id.isascii():
                    record_id = record_id.strip()
                    if record_id and record_id not in first_seen:
                        values = route[1](data)
                        if values is not None:
                            first_seen[record_id] = line
                            records.append(Record(record_id, route[0], values, line, name))
                            continue
            self._one(RawRecord(data, line, source, False), only, state)
        return state.result()

    def _one(self, raw: RawRecord, only: ir.Schema | None, state: _Collected) -> None:
        data = raw.data
        if not isinstance(data, dict):
            state.problems.append(raw.problem(None, (), f"a record must be a JSON object, got {_describe(data)}"))
            return
        first_seen = state.first_seen
        record_id = self._record_id(data)
        check = _RecordCheck(raw, record_id)
        if record_id is None:
            check.bad(
                ("id",),
                "missing required field"
                if "id" not in data
                else f"expected a non-empty id, got {_describe(data.get('id'))}",
            )
        elif record_id in first_seen:
            check.bad(("id",), f"duplicate id '{record_id}' (first on line {first_seen[record_id]})")
        else:
            first_seen[record_id] = raw.line
        schema = self._schema(data, only, check)
        if schema is not None:
            # A record the generated function accepts is one the careful path would
            # type the same, with no problem and no warning; for any other it says None.
            fast = None if raw.textual else self.fast.get(schema.name)
            values = fast(data) if fast is not None else None
            if values is None:
                values = self.struct(data, schema.struct, (), raw.textual, check)
            if values is not _MISSING and not check.problems:
                state.records.append(Record(record_id or "", schema.name, values, raw.line, raw.input.name))
        if check.problems:
            state.problems.extend(check.problems)
        if check.warnings:  # rare: no generator to build for every record
            state.warnings.extend((record_id or "?", w) for w in check.warnings)

    @staticmethod
    def _record_id(data: dict[str, Any]) -> str | None:
        value = data.get("id")
        if isinstance(value, str) and value.strip():
            return normalize_text(value)
        if isinstance(value, int) and not isinstance(value, bool) and _printable(value):
            return str(value)
        return None

    def _schema(self, data: dict[str, Any], only: ir.Schema | None, check: _RecordCheck) -> ir.Schema | None:
        kind = data.get("type")
        if kind is None and only is not None:
            return only
        if isinstance(kind, str) and normalize_text(kind) in self.schemas:
            return self.schemas[normalize_text(kind)]
        allowed = ", ".join(self.schemas)
        if kind is None:
            check.bad(("type",), f"missing required field: one of {allowed}")
        else:
            word = normalize_text(kind) if isinstance(kind, str) else _describe(kind)
            hint = suggest(word, list(self.schemas))
            check.bad(("type",), f"unknown record type '{word}'; allowed: {allowed}; did you mean '{hint}'?")
        return None

    def validate_or_raise(self, raws: Iterable[RawRecord]) -> Validated:
        result = self.validate(raws)
        if result.problems:
            raise RecordError(result.problems)
        return result
