"""Every input record accounted for, once: scored, not counted, left out or rejected.

In: the number of records read (counted where the input is split into records, before
any is validated) and the :class:`Report` (whose evaluation counts the valid records
it was given, and whose ``rejected`` lists the invalid ones); out: an
:class:`Accounting`, checked to add up, and the one line that ``score --skip-invalid``
prints on standard error (one line, shown here in two)::

    govinfo-rules: 120 record(s) read: 105 scored, 2 dated after the as-of date,
    10 outside 2024-Q3, 3 rejected (see 'rejected')

A record is one line of JSON Lines (blank lines are not records; a line that is not
JSON is a rejected record), one item of a JSON array, one row of CSV (empty rows are
not records).  "Scored" means what the table's header means: valid, in the period and
not dated after the as-of date.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import attrs

from .errors import RecordProblem
from .inputs import RawRecord
from .report import Report


class AccountingError(RuntimeError):
    """The records read and the records scored or rejected do not add up: a bug in
    govinfo-rules, never in the input."""


@attrs.frozen
class Accounting:
    read: int
    scored: int  # valid, in the period, not dated after the as-of date
    late: int  # valid, in the period, dated after the as-of date: listed, not counted
    outside: int  # valid, outside the period (or undated while a period is evaluated)
    rejected: int  # invalid: records, not problems
    period: str | None = None

    @classmethod
    def of(cls, read: int, report: Report) -> Accounting:
        counted = report.counted_records
        if counted is None:
            counted = sum(1 for r in report.records if r.counted)
        return cls(read, counted, report.late_records, report.outside_records, report.rejected_count, report.period)

    def check(self) -> Accounting:
        """Self, when the parts add up to the records read; else :class:`AccountingError`."""
        parts = self.scored + self.late + self.outside + self.rejected
        if parts != self.read or min(self.scored, self.late, self.outside, self.rejected) < 0:
            raise AccountingError(
                f"internal error: {self.read} record(s) read but {self.scored} scored + {self.late} dated after "
                f"the as-of date + {self.outside} outside the period + {self.rejected} rejected = {parts}; "
                "please report this as a bug of govinfo-rules"
            )
        return self

    def line(self, listed: str = "see 'rejected'") -> str:
        """The summary line (no newline); ``listed`` says where the rejected records are."""
        parts = [f"{self.scored} scored"]
        if self.late:
            parts.append(f"{self.late} dated after the as-of date")
        if self.outside:
            parts.append(
                f"{self.outside} outside {self.period}" if self.period else f"{self.outside} outside the period"
            )
        parts.append(f"{self.rejected} rejected" + (f" ({listed})" if self.rejected and listed else ""))
        return f"govinfo-rules: {self.read} record(s) read: {', '.join(parts)}"


def problem_entries(
    text: str, raws: Sequence[RawRecord], unreadable: Sequence[RecordProblem], problems: Sequence[RecordProblem]
) -> list[int]:
    """For each of ``problems``, the input record it belongs to: the index of its raw
    record, or ``len(raws) + i`` for the ``i``-th of ``unreadable`` (a line or row that
    could not be split into a record, which is a record of its own).

    A problem names the line and column of the offending value, which in a JSON array
    written over several lines is not the line where its record starts; the record is
    the last one that starts at or before that position.
    """
    starts: list[tuple[int, int]] = []
    scanned = line_start = 0
    for raw in raws:
        if raw.textual:  # CSV: every problem of a row is placed on the row's first line
            starts.append((raw.line, 1))
            continue
        # Only the text since the previous record is searched: a JSON array on one line
        # of a million records is not searched a million times.
        newline = text.rfind("\n", scanned, raw.offset)
        if newline >= 0:
            line_start = newline + 1
        scanned = raw.offset
        starts.append((raw.line, raw.offset - line_start + 1))
    own = {id(p): len(raws) + i for i, p in enumerate(unreadable)}
    entries = []
    for problem in problems:
        entry = own.get(id(problem))
        if entry is None:
            entry = max(bisect_right(starts, (problem.line, problem.column)) - 1, 0)
        entries.append(entry)
    return entries
