"""Ruleset test files: cases kept beside a ruleset and run like ``opa test``.

In: TOML files named ``NAME.test.toml`` (read with the standard library's
``tomllib``, decimals kept exact), each a list of cases: an input (inline records or a
ledger file), the run's options, and the figures expected of units, records, awards,
warnings and reminders.  Out: a :class:`CaseResult` per case (passed, or each
difference as ``path: expected X, got Y``) and the rules every case fired, from which
:func:`coverage` lists the rules that no case exercised.

A test file that is not valid TOML or not a valid test raises :class:`CaseFileError`
with ``file:line:col`` and a caret; a case whose records are invalid fails (unless it
expects exactly those errors), it does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from . import ir
from .errors import CaseFileError, Diagnostic, GovinfoRulesError
from .inputs import Input, RawRecord
from .report import Report
from .resources import bundled_rulesets
from .ruleset import Ruleset, load_ruleset
from .source import SourceText, Span
from .text import format_value
from .types import name_key

SUFFIX = ".test.toml"

_FILE_KEYS = {"ruleset", "as_of", "period", "set", "case"}
_CASE_KEYS = {"name", "source", "as_of", "period", "set", "records", "input", "expect"}
_EXPECT_KEYS = {
    "units",
    "records",
    "awards",
    "warnings",
    "warning_count",
    "reminders",
    "reminder_count",
    "ranking",
    "errors",
    "period",
}
_UNIT_KEYS = {"points", "yuan", "rank", "tier", "group", "records"}  # plus `rules` and the ruleset's `show` columns
_RECORD_KEYS = {"points", "yuan", "credits", "rules", "counted", "stopped_by"}
_AWARD_KEYS = {"award", "rank", "winner", "yuan"}
_REMINDER_KEYS = {"unit", "reason", "due_on", "shortfall"}


@attrs.frozen
class Case:
    name: str
    span: Span
    ruleset: str  # a path or a bundled name
    overrides: tuple[tuple[str, Any], ...]
    as_of: str | None
    period: str | None
    records: tuple[dict[str, Any], ...] | None
    input: Path | None
    expect: Mapping[str, Any]
    source: str | None = None
    record_lines: tuple[int, ...] = ()  # the line of each inline record's id, for its errors


@attrs.frozen
class CaseFile:
    path: Path
    cases: tuple[Case, ...]


@attrs.frozen
class CaseResult:
    case: Case
    differences: tuple[str, ...]
    fired: frozenset[tuple[str, str]]
    ruleset: Ruleset | None

    @property
    def passed(self) -> bool:
        return not self.differences


# --- reading --------------------------------------------------------------------------


_EXPECT_START = re.compile(r"\s*(\[\s*case\.expect\b|expect\s*[=.])")


class _Locator:
    """Finds the line of a case or of one of its keys, for diagnostics: tomllib keeps
    no positions, so the text is searched, within the lines of the case."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        lines = source.text.splitlines()
        self.lines = lines
        self.case_lines = [i + 1 for i, line in enumerate(lines) if re.match(r"\s*\[\[\s*case\s*\]\]", line)]

    def span(self, line: int, column: int = 1, width: int = 1) -> Span:
        return Span(self.source, line, column, line, column + width)

    def case(self, index: int) -> Span:
        if index < len(self.case_lines):
            line = self.case_lines[index]
            return self.span(line, 1, len(self.source.line(line).rstrip()))
        return self.span(1)

    def record_line(self, record_id: Any, case_index: int) -> int:
        first = self.case_lines[case_index] if case_index < len(self.case_lines) else 1
        last = self.case_lines[case_index + 1] - 1 if case_index + 1 < len(self.case_lines) else len(self.lines)
        if isinstance(record_id, str):
            pattern = re.compile(r"\bid\s*=\s*[\"']" + re.escape(record_id) + r"[\"']")
            for number in range(first, last + 1):
                if pattern.search(self.lines[number - 1]):
                    return number
        return first

    def key(self, key: str, case_index: int | None = None, *, in_expect: bool = False) -> Span:
        first, last = 1, len(self.lines)
        if case_index is not None and case_index < len(self.case_lines):
            first = self.case_lines[case_index]
            if case_index + 1 < len(self.case_lines):
                last = self.case_lines[case_index + 1] - 1
        if in_expect:
            # A key of [case.expect] (`unit`, `points`) is also a record's key: look from
            # where the expectations begin, not from the records above them.
            for number in range(first, last + 1):
                if _EXPECT_START.match(self.lines[number - 1]):
                    first = number
                    break
        pattern = re.compile(r'(^|[\s.{,\[]|")' + re.escape(key) + r'"?\s*(=|\]|\.)')
        for number in range(first, last + 1):
            found = pattern.search(self.lines[number - 1])
            if found:
                column = found.start() + len(found.group(1)) + 1
                return self.span(number, column, len(key))
        return self.case(case_index) if case_index is not None else self.span(1)


def _toml_error(source: SourceText, err: tomllib.TOMLDecodeError) -> CaseFileError:
    message = str(err)
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    text = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or "not valid TOML"
    if found:
        line, column = int(found.group(1)), int(found.group(2))
    elif "end of document" in message:
        line = max(len(source.text.splitlines()), 1)
        column = len(source.line(line)) + 1
    else:
        line, column = 1, 1
    span = Span(source, line, column, line, column + 1)
    return CaseFileError([Diagnostic(f"not valid TOML: {text}", span)])


def _plain(value: Any) -> Any:
    """TOML values as a ledger holds them: dates as ISO text, decimals as text."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value} is a date and time; write a date YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _option(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _ruleset_ref(path: Path, value: Any) -> str:
    """``ruleset = "wenzhou.gvr"`` is a file beside the test file; ``"wenzhou"`` a bundled
    name; absent, the ruleset named like the test file (``wenzhou.test.toml``)."""
    if value is None:
        stem = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem
        beside = path.parent / f"{stem}.gvr"
        return str(beside) if beside.exists() or stem not in bundled_rulesets() else stem
    text = str(value)
    if text.endswith(".gvr") or "/" in text:
        return str(path.parent / text)
    return text


def read_case_file(path: str | Path) -> CaseFile:
    """Read and check one test file; :class:`CaseFileError` lists every problem in it."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        reason = "no such file" if isinstance(err, FileNotFoundError) else str(err)
        raise CaseFileError(
            [Diagnostic(f"cannot read test file: {reason}", Span(SourceText(str(path), ""), 1, 1, 1, 1))]
        ) from None
    source = SourceText(str(path), text)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        raise _toml_error(source, err) from None
    where = _Locator(source)
    errors: list[Diagnostic] = []
    for key in data:
        if key not in _FILE_KEYS:
            errors.append(
                Diagnostic(f"unknown key '{key}' (a test file has: {', '.join(sorted(_FILE_KEYS))})", where.key(key))
            )
    raw_cases = data.get("case", [])
    if not isinstance(raw_cases, list) or not raw_cases:
        errors.append(Diagnostic("no cases: write each case as a [[case]] table", Span(source, 1, 1, 1, 2)))
        raw_cases = []
    ruleset = _ruleset_ref(path, data.get("ruleset"))
    defaults = {"as_of": data.get("as_of"), "period": data.get("period"), "set": data.get("set", {})}
    cases: list[Case] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_cases):
        name = raw.get("name") if isinstance(raw, dict) else None
        if isinstance(name, str) and name.strip() in seen:
            errors.append(Diagnostic(f"two cases are named '{name.strip()}'", where.case(index)))
        seen.add(name.strip() if isinstance(name, str) else "")
        case = _read_case(path, raw, index, ruleset, defaults, where, errors)
        if case is not None:
            cases.append(case)
    if errors:
        raise CaseFileError(sorted(errors, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0)))
    return CaseFile(path, tuple(cases))


def _read_case(
    path: Path,
    raw: Any,
    index: int,
    ruleset: str,
    defaults: Mapping[str, Any],
    where: _Locator,
    errors: list[Diagnostic],
) -> Case | None:
    span = where.case(index)
    if not isinstance(raw, dict):
        errors.append(Diagnostic("a case is a table: write it as [[case]]", span))
        return None
    before = len(errors)
    for key in raw:
        if key not in _CASE_KEYS:
            errors.append(
                Diagnostic(
                    f"unknown key '{key}' in a case (a case has: {', '.join(sorted(_CASE_KEYS))})",
                    where.key(key, index),
                )
            )
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(Diagnostic('every case needs a name: name = "..."', span))
        name = f"case {index + 1}"
    if ("records" in raw) == ("input" in raw):
        errors.append(
            Diagnostic(f"case '{name}': give either records = [...] or input = \"FILE\", not both or neither", span)
        )
    records: tuple[dict[str, Any], ...] | None = None
    if "records" in raw:
        if not isinstance(raw["records"], list) or not all(isinstance(r, dict) for r in raw["records"]):
            errors.append(Diagnostic(f"case '{name}': records is a list of tables", where.key("records", index)))
        else:
            try:
                records = tuple(_plain(r) for r in raw["records"])
            except ValueError as err:
                errors.append(Diagnostic(f"case '{name}': {err}", where.key("records", index)))
    input_path = path.parent / str(raw["input"]) if "input" in raw else None
    if input_path is not None and not input_path.exists():
        errors.append(
            Diagnostic(f"case '{name}': input file '{raw['input']}' does not exist", where.key("input", index))
        )
    expect = raw.get("expect", {})
    if not isinstance(expect, dict) or not expect:
        errors.append(Diagnostic(f"case '{name}': nothing expected: add [case.expect] with figures to check", span))
        expect = {}
    _check_expect(name, expect, index, where, errors)
    for key, value in (("set", raw.get("set", {})), ("set", defaults.get("set", {}))):
        if not isinstance(value, dict):
            errors.append(
                Diagnostic(
                    f"case '{name}': set is a table of parameters, e.g. set = {{ \"报送时限天数\" = 5 }}",
                    where.key(key, index),
                )
            )
    overrides = {**_table(defaults.get("set")), **_table(raw.get("set"))}
    if len(errors) > before:
        return None
    return Case(
        name=name.strip(),
        span=span,
        ruleset=ruleset,
        overrides=tuple((k, _plain(v)) for k, v in overrides.items()),
        as_of=_option(raw.get("as_of", defaults.get("as_of"))),
        period=_option(raw.get("period", defaults.get("period"))),
        records=records,
        input=input_path,
        expect=expect,
        source=str(raw["source"]) if "source" in raw else None,
        record_lines=tuple(where.record_line(r.get("id"), index) for r in records or ()),
    )


def _check_expect(name: str, expect: Mapping[str, Any], index: int, where: _Locator, errors: list[Diagnostic]) -> None:
    """The shape of ``[case.expect]``: a wrong key or a wrong kind of value is an error of
    the test file (with its line), never a crash of the runner."""

    def error(key: str, message: str) -> None:
        errors.append(Diagnostic(f"case '{name}': {message}", where.key(key, index, in_expect=True)))

    def unknown(key: str, allowed: Iterable[str], what: str) -> None:
        error(key, f"unknown key '{key}' in {what} (known: {', '.join(sorted(allowed))})")

    def tables(key: str, what: str) -> Mapping[str, Any]:
        value = expect.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            error(key, f'expect.{key} maps each {what} to a table of figures, e.g. {key}."X" = {{ points = 3 }}')
            return {}
        return value

    def table_list(key: str, required: set[str], allowed: set[str]) -> None:
        value = expect.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            example = ", ".join(f"{k} = ..." for k in sorted(required or allowed))
            error(key, f"expect.{key} is a list of tables, e.g. [{{ {example} }}]")
            return
        for item in value:
            for k in item:
                if k not in allowed:
                    unknown(k, allowed, f"expect.{key}")
            missing = sorted(required - item.keys())
            if missing:
                error(key, f"each of expect.{key} needs {', '.join(missing)}")

    def strings(key: str) -> None:
        value = expect.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            error(key, f'expect.{key} is a list of texts, e.g. ["..."]')

    for key in expect:
        if key not in _EXPECT_KEYS:
            unknown(key, _EXPECT_KEYS, "expect")
    for unit in tables("units", "unit").values():
        for key, value in unit.items():
            if key == "rules":
                if not isinstance(value, list):
                    error(key, "expect.units.<unit>.rules is a list of rule names")
            elif isinstance(value, dict | list):
                error(key, f"expect.units.<unit>.{key} is a single value")
    for record in tables("records", "record id").values():
        for key, value in record.items():
            if key not in _RECORD_KEYS:
                unknown(key, _RECORD_KEYS, "expect.records")
            elif key == "credits" and not isinstance(value, dict):
                error(key, 'expect.records.<id>.credits maps units to points, e.g. { "医务科" = 3 }')
            elif key == "rules" and not isinstance(value, list):
                error(key, "expect.records.<id>.rules is a list of rule names")
    table_list("awards", _AWARD_KEYS, _AWARD_KEYS)
    table_list("reminders", {"unit"}, _REMINDER_KEYS)
    for key in ("warnings", "ranking", "errors"):
        strings(key)
    for key in ("warning_count", "reminder_count"):
        if key in expect and (not isinstance(expect[key], int) or isinstance(expect[key], bool)):
            error(key, f"expect.{key} is a whole number")
    if "period" in expect and not isinstance(expect["period"], str):
        error("period", 'expect.period is a text such as "2024-Q3", or "null"')


# --- running --------------------------------------------------------------------------


class RulesetCache:
    """Each (ruleset, overrides) compiled once for all the cases that use it."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, tuple[tuple[str, Any], ...]], Ruleset] = {}

    def get(self, case: Case) -> Ruleset:
        key = (case.ruleset, case.overrides)
        if key not in self._cache:
            self._cache[key] = load_ruleset(case.ruleset, overrides=dict(case.overrides))
        return self._cache[key]


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    return format_value(value, missing="null")


def _same(expected: Any, actual: Any) -> bool:
    """Numbers compare as exact decimals (``13`` equals ``13.0``), dates as ISO text."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return expected is actual if isinstance(expected, bool) and isinstance(actual, bool) else False
    if isinstance(actual, Decimal | int) and not isinstance(actual, bool):
        try:
            return Decimal(str(expected)) == Decimal(actual)
        except (InvalidOperation, ValueError):
            return False
    if isinstance(actual, dt.date):
        return _option(expected) == actual.isoformat()
    if actual is None:
        return expected is None or expected == "null"
    return str(expected) == str(actual)


def _compare(report: Report, expect: Mapping[str, Any]) -> list[str]:
    out: list[str] = []

    def check(path: str, expected: Any, actual: Any) -> None:
        if not _same(expected, actual):
            out.append(f"{path}: expected {_shown(_plain(expected))}, got {_shown(actual)}")

    def same_rules(path: str, expected: Any, lines: Iterable[Any]) -> None:
        # The rules that paid, as a multiset: order in the trace is not part of the test.
        expected_rules, got_rules = sorted(str(r) for r in expected), sorted(t.rule for t in lines)
        if expected_rules != got_rules:
            out.append(f"{path}: expected {expected_rules}, got {got_rules}")

    for unit_name, wanted in expect.get("units", {}).items():
        try:
            unit = report.unit(unit_name)
        except KeyError:
            out.append(f"units.{unit_name}: expected in the report, but it is not listed")
            continue
        columns = dict(unit.columns)
        for key, value in wanted.items():
            if key == "rules":
                same_rules(f"units.{unit_name}.rules", value, unit.adjustments)
            elif key in _UNIT_KEYS:
                check(f"units.{unit_name}.{key}", value, getattr(unit, key))
            elif key in columns:
                check(f"units.{unit_name}.{key}", value, columns[key])
            else:
                known = ", ".join([*sorted(_UNIT_KEYS), *columns])
                out.append(f"units.{unit_name}.{key}: no such figure (units have: {known})")
    for record_id, wanted in expect.get("records", {}).items():
        try:
            result = report.record(record_id)
        except KeyError:
            out.append(f"records.{record_id}: expected in the report, but there is no such record")
            continue
        for key, value in wanted.items():
            path = f"records.{record_id}.{key}"
            if key in ("points", "yuan", "counted", "stopped_by"):
                check(path, value, getattr(result, key))
            elif key == "credits":
                # Unit names compare as everywhere: NFKC, without white space.
                got = {name_key(c.unit): c for c in result.credits}
                for unit_name, points in value.items():
                    credit = got.get(name_key(unit_name))
                    check(f"{path}.{unit_name}", points, credit.points if credit else Decimal(0))
                wanted_keys = {name_key(u) for u in value}
                for unit_key, credit in got.items():
                    if unit_key not in wanted_keys:
                        out.append(f"{path}.{credit.unit}: not expected, but credited {_shown(credit.points)}")
            elif key == "rules":
                same_rules(path, value, result.trace or ())
    if "awards" in expect:
        want = sorted((a["award"], int(a["rank"]), a["winner"], Decimal(str(a["yuan"]))) for a in expect["awards"])
        given = sorted((a.award, a.rank, a.winner, a.yuan) for a in report.awards)
        for item in want:
            if item not in given:
                out.append(f"awards: expected {item[0]} rank {item[1]} {item[2]} ¥{_shown(item[3])}, not given")
        for item in given:
            if item not in want:
                out.append(f"awards: not expected: {item[0]} rank {item[1]} {item[2]} ¥{_shown(item[3])}")
    if "period" in expect:
        check("period", expect["period"], report.period)
    if "ranking" in expect:
        check("ranking", " > ".join(expect["ranking"]), " > ".join(u.unit for u in report.units))
    messages = [f"{w.record or w.unit}: {w.message}" if w.record or w.unit else w.message for w in report.warnings]
    for wanted_text in expect.get("warnings", []):
        if not any(wanted_text in m for m in messages):
            out.append(f"warnings: none contains '{wanted_text}' (got: {messages})")
    if "warning_count" in expect:
        check("warning_count", expect["warning_count"], len(report.warnings))
    reminders = report.reminders or ()
    for wanted in expect.get("reminders", []):
        if not any(_reminder_matches(wanted, r) for r in reminders):
            # Show the unit's own reminders, not every reminder of the period.
            same_unit = [r for r in reminders if name_key(r.unit) == name_key(str(wanted.get("unit", "")))]
            shown = [f"{r.unit}: {r.reason}" + (f" (due {r.due_on})" if r.due_on else "") for r in same_unit]
            out.append(f"reminders: none matches {_plain(wanted)} (the unit's reminders: {shown or 'none'})")
    if "reminder_count" in expect:
        check("reminder_count", expect["reminder_count"], len(reminders))
    return out


def _reminder_matches(wanted: Mapping[str, Any], reminder: Any) -> bool:
    for key, value in wanted.items():
        actual = getattr(reminder, key)
        if key == "reason":
            if str(value) not in str(actual):
                return False
        elif key == "unit":
            if name_key(str(value)) != name_key(str(actual)):
                return False
        elif not _same(value, actual):
            return False
    return True


def _fired(report: Report) -> frozenset[tuple[str, str]]:
    """(score block, rule) pairs: two record types may each have a rule `排序扣分` of a
    group with the same name, and firing one must not cover the other."""
    names = {(r.type, t.rule) for r in report.records for t in r.trace or ()}
    names |= {(UNIT_BLOCK, t.rule) for u in report.units for t in u.adjustments}
    return frozenset(names)


def run_case(case: Case, rulesets: RulesetCache | None = None) -> CaseResult:
    """Run one case; a broken ruleset or input is a failure of this case, with its message."""
    rulesets = rulesets or RulesetCache()
    try:
        ruleset = rulesets.get(case)
    except GovinfoRulesError as err:
        return CaseResult(case, (f"the ruleset does not load:\n{err.render()}",), frozenset(), None)
    if case.input is not None:
        validated = ruleset.read(case.input)
    else:
        # No text: problems are placed at each record's line (of its id) rather than
        # searched for as JSON; the lines are kept to quote them.
        source = Input(case.span.filename, "", tuple(case.span.source.text.splitlines()))
        lines = case.record_lines or (case.span.line,) * len(case.records or ())
        raws = [RawRecord(r, line, source, False) for r, line in zip(case.records or (), lines, strict=False)]
        validated = ruleset.validate_raw(raws)
    problems = [p.render().splitlines()[0] for p in validated.problems]
    expected_errors = [str(e) for e in case.expect.get("errors", [])]
    if problems or expected_errors:
        if not expected_errors:
            return CaseResult(case, ("invalid records:", *(f"  {p}" for p in problems)), frozenset(), ruleset)
        # Both ways: every expected text names some problem, every problem is expected.
        differences = [f"errors: none contains '{e}'" for e in expected_errors if not any(e in p for p in problems)]
        differences += [f"errors: not expected: {p}" for p in problems if not any(e in p for e in expected_errors)]
        return CaseResult(case, tuple(differences), frozenset(), ruleset)
    try:
        report = ruleset.evaluate_validated(
            validated.records, as_of=case.as_of, period=case.period, warnings=validated.warnings
        )
    except GovinfoRulesError as err:
        return CaseResult(case, (f"evaluation failed: {err.render()}",), frozenset(), ruleset)
    return CaseResult(case, tuple(_compare(report, case.expect)), _fired(report), ruleset)


def run_files(files: Sequence[CaseFile], keyword: str | None = None) -> list[CaseResult]:
    rulesets = RulesetCache()
    return [
        run_case(case, rulesets)
        for case_file in files
        for case in case_file.cases
        if keyword is None or keyword in case.name
    ]


# --- coverage -------------------------------------------------------------------------


@attrs.frozen
class Coverage:
    ruleset: str
    rules: tuple[tuple[str, ir.Rule], ...]  # (score block, rule)
    fired: frozenset[tuple[str, str]]

    @property
    def missed(self) -> tuple[tuple[str, ir.Rule], ...]:
        return tuple((block, r) for block, r in self.rules if (block, r.name) not in self.fired)

    @property
    def percent(self) -> Decimal:
        if not self.rules:
            return Decimal(100)
        return (Decimal(len(self.rules) - len(self.missed)) * 100 / len(self.rules)).quantize(Decimal("0.1"))


UNIT_BLOCK = "per unit"


def all_rules(program: ir.Program) -> tuple[tuple[str, ir.Rule], ...]:
    """Every rule with the block it belongs to: a record type, or ``per unit``."""
    rules = [(score.record, rule) for score in program.scores for group in score.groups for rule in group.rules]
    if program.per_unit is not None:
        rules += [(UNIT_BLOCK, rule) for rule in program.per_unit.rules]
    return tuple(rules)


def coverage(results: Sequence[CaseResult]) -> list[Coverage]:
    """Per ruleset (as each case loaded it): its rules, and which of them some case fired."""
    by_name: dict[str, tuple[ir.Program, set[tuple[str, str]]]] = {}
    for result in results:
        if result.ruleset is None:
            continue
        program = result.ruleset.program
        entry = by_name.setdefault(program.name, (program, set()))
        entry[1].update(result.fired)
    return [Coverage(name, all_rules(program), frozenset(fired)) for name, (program, fired) in by_name.items()]


# --- finding files and reporting ----------------------------------------------------


def _relative(path: Path) -> Path:
    """A bundled file as the user would type it from here (``rulesets/…`` in a checkout)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def find_case_files(targets: Sequence[str]) -> list[Path]:
    """Test files named by the targets: files, directories (searched for ``*.test.toml``)
    or bundled ruleset names; no target: the bundled rulesets' own test files."""
    bundled = bundled_rulesets()
    if not targets:
        files = (p.parent / f"{p.stem}{SUFFIX}" for p in bundled.values())
        return sorted(_relative(f) for f in files if f.exists())
    found: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found += sorted(path.rglob(f"*{SUFFIX}"))
        elif path.exists() or target.endswith(".toml"):
            found.append(path)
        elif target in bundled:
            found.append(_relative(bundled[target].parent / f"{target}{SUFFIX}"))
        else:
            found.append(path)  # reported as unreadable by read_case_file
    return found


def render_results(results: Sequence[CaseResult], bad_files: int = 0) -> str:
    lines: list[str] = []
    current = None
    for result in results:
        filename = result.case.span.filename
        if filename != current:
            lines.append(filename)
            current = filename
        if result.passed:
            lines.append(f"  PASS  {result.case.name}")
            continue
        lines.append(f"  FAIL  {result.case.name}  ({result.case.span})")
        for difference in result.differences:
            lines += [f"        {line}" for line in difference.splitlines()]
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    summary = f"{passed} passed, {failed} failed" if failed else f"{passed} passed"
    if bad_files:
        summary += f"; {bad_files} test file(s) not run: see the errors above"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def render_coverage(reports: Sequence[Coverage]) -> str:
    lines = []
    for report in reports:
        fired = len(report.rules) - len(report.missed)
        lines.append(f"coverage {report.ruleset}: {fired} of {len(report.rules)} rules fired ({report.percent}%)")
        blocks = {block for block, _ in report.rules}
        for block, rule in report.missed:
            where = f"  {rule.span}" if rule.span is not None else ""
            # With several score blocks, a rule name alone may be ambiguous.
            name = f"{block}: {rule.name}" if len(blocks) > 1 else rule.name
            lines.append(f"  never fired: {name}{where}")
    return "\n".join(lines) + "\n"


def load_all(paths: Sequence[Path]) -> tuple[list[CaseFile], list[CaseFileError]]:
    """Every readable test file, and the errors of the others (all of them reported)."""
    files: list[CaseFile] = []
    errors: list[CaseFileError] = []
    for path in paths:
        try:
            files.append(read_case_file(path))
        except CaseFileError as err:
            errors.append(err)
    return files, errors


__all__ = [
    "Case",
    "CaseFile",
    "CaseResult",
    "Coverage",
    "coverage",
    "find_case_files",
    "read_case_file",
    "run_case",
    "run_files",
]
