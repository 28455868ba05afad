"""Errors a user can cause, as data: every one has a location and a message.

Rulesets: ``FILE:LINE:COL: error: MESSAGE`` plus the offending line and a caret.
Records: ``INPUT:LINE:COL: error: record ID: FIELD: MESSAGE`` in the same form.
Each exception carries *all* problems found, not only the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from .source import Span, caret_excerpt


@attrs.frozen
class Diagnostic:
    """One problem in a ruleset, at a span."""

    message: str
    span: Span | None = attrs.field(default=None, eq=False)
    severity: str = "error"

    def render(self) -> str:
        if self.span is None:
            return f"{self.severity}: {self.message}"
        head = f"{self.span}: {self.severity}: {self.message}"
        line_text = self.span.source.line(self.span.line)
        if not line_text:
            return head
        length = self.span.end_column - self.span.column if self.span.end_line == self.span.line else 1
        return f"{head}\n{caret_excerpt(line_text, self.span.column, length)}"


@attrs.frozen
class RecordProblem:
    """One problem in one input record: which record, which field, where in the input."""

    record_id: str | None
    field: str
    message: str
    input_name: str = "<records>"
    line: int = 0
    column: int = 1
    line_text: str = attrs.field(default="", eq=False, repr=False)

    def render(self) -> str:
        who = f"record {self.record_id}" if self.record_id is not None else "record ?"
        where = f"{self.input_name}:{self.line}:{self.column}" if self.line else self.input_name
        head = f"{where}: error: {who}: {self.field}: {self.message}"
        if not self.line_text:
            return head
        return f"{head}\n{caret_excerpt(self.line_text, self.column)}"


class GovinfoRulesError(Exception):
    """Base of every error a ruleset, a record or a caller can cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def render(self) -> str:
        return self.message


class UsageError(GovinfoRulesError):
    """A wrong argument: a bad period, an unknown option value (CLI exit status 2)."""


class InputError(GovinfoRulesError):
    """An input file that cannot be read at all (missing, not UTF-8)."""


class _DiagnosticsError(GovinfoRulesError):
    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(d.render() for d in self.diagnostics))


class RulesetSyntaxError(_DiagnosticsError):
    """The ruleset text does not follow the grammar."""


class RulesetError(_DiagnosticsError):
    """The ruleset parses but is wrong: an unknown name, a type error, a missing file."""


class CaseFileError(_DiagnosticsError):
    """A ruleset test file (``*.test.toml``) that is not valid TOML or not a valid test."""


class RecordError(GovinfoRulesError):
    """Input records that do not fit the ruleset's schema; holds every one of them."""

    def __init__(self, problems: Iterable[RecordProblem]) -> None:
        self.problems: tuple[RecordProblem, ...] = tuple(problems)
        super().__init__("\n".join(p.render() for p in self.problems))

    @property
    def record_ids(self) -> tuple[str | None, ...]:
        """The ids of the invalid records, each once, in input order."""
        return tuple(dict.fromkeys(p.record_id for p in self.problems))

    @property
    def invalid_count(self) -> int:
        """How many input records are invalid (two records sharing an id count twice)."""
        return len({(p.input_name, p.line, p.record_id) for p in self.problems})
