"""JSON Lines scored as a stream: the `score` command's path for ``.jsonl`` input.

In: a JSON Lines file, read one line at a time; out: exactly the text `score` writes
for the whole file (JSON, table or CSV).  While reading, memory holds the cohort
state (per-unit totals and the values that `per unit` rules, awards and tiers read),
the ids seen (a duplicate is an error) and a bounded buffer of record results; full
buffers are sorted and spooled to temporary files, merged in id order at the end.
The file's text, its parsed objects and the records' traces are never all in memory.

Every invalid record is still reported, all of them, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from .errors import InputError, RecordError, RecordProblem
from .evaluate import Evaluation
from .inputs import Input, RawRecord, json_problem, loads
from .periods import Period
from .render import render_csv_units, render_table
from .report import RecordResult, Rejected, Report, Warning, natural_key, record_text, write_json
from .ruleset import Ruleset
from .validate import Validator

BUFFER = 20_000  # record results held before a sorted run goes to disk


def iter_jsonl(path: Path) -> Iterator[RawRecord | RecordProblem]:
    """The file's records one by one; a line that is not JSON is a problem, not an end."""
    try:
        handle = path.open("rb")
    except OSError as err:
        reason = "no such file" if isinstance(err, FileNotFoundError) else (err.strerror or str(err))
        raise InputError(f"{path}:1:1: error: cannot read input: {reason}") from None
    with handle:
        offset = 0
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                raise InputError(
                    f"{path}:{number}:1: error: not UTF-8 text (byte {offset + err.start}); save the file as UTF-8"
                ) from None
            offset += len(raw)
            if not line.strip():
                continue
            text = line.rstrip("\r\n")
            source = Input(str(path), line, (text,), number)
            try:
                data = loads(line)
            except json.JSONDecodeError as err:
                yield json_problem(source, err, number, err.colno)
                continue
            except ValueError as err:
                yield json_problem(source, err, number, 1)
                continue
            yield RawRecord(data, number, source, False, 0)


class _Spool:
    """Record results as lines of JSON, in id order: sorted runs on disk, merged at the end.

    A run's line is the record's sort key as JSON, a tab, and the record's line of the
    report (JSON text never holds a raw tab)."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.buffer: list[tuple[Any, str]] = []
        self.runs: list[str] = []
        self.count = 0

    def add(self, result: RecordResult) -> None:
        self.buffer.append((natural_key(result.id), record_text(result)))
        self.count += 1
        if len(self.buffer) >= BUFFER:
            self._flush()

    def _flush(self) -> None:
        self.buffer.sort(key=_first)  # stable: equal keys keep input order
        path = os.path.join(self.directory, f"run-{len(self.runs)}.jsonl")
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(f"{json.dumps(key, ensure_ascii=False)}\t{text}\n" for key, text in self.buffer)
        self.runs.append(path)
        self.buffer = []

    def sorted(self) -> Iterator[str]:
        self.buffer.sort(key=_first)
        if not self.runs:
            yield from (text for _, text in self.buffer)
            return
        # Runs hold earlier records than the buffer: merging them first keeps a stable order.
        streams = [_read_run(p) for p in self.runs] + [((list(map(list, k)), t) for k, t in self.buffer)]
        for _, text in heapq.merge(*streams, key=_first):
            yield text


def _first(item: tuple[Any, str]) -> Any:
    return item[0]


def _read_run(path: str) -> Iterator[tuple[Any, str]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, _, text = line.partition("\t")
            yield json.loads(key), text.rstrip("\n")


@attrs.frozen
class Streamed:
    report: Report  # every figure but the records' own results
    records: int  # records read (valid and invalid)
    rejected: int


def score_stream(
    ruleset: Ruleset,
    path: Path,
    *,
    as_of: dt.date | None,
    period: Period | None,
    fmt: str,
    skip_invalid: bool,
    write: Callable[[Callable[[IO[str]], None]], None],
) -> Streamed:
    """Read, validate and score a JSON Lines file record by record, then write the
    report through ``write`` (which gives the output stream: standard output, or a
    temporary file renamed into place).  Invalid records raise :class:`RecordError`
    listing all of them, unless ``skip_invalid``; nothing is written then."""
    day = as_of or dt.date.today()
    chosen = period
    if chosen is None and ruleset.program.period_default == "year":
        chosen = Period.year_of(day)
    validator: Validator = ruleset._validator
    seen: dict[str, int] = {}
    problems: list[RecordProblem] = []
    validation_warnings: list[tuple[str, str]] = []
    read = 0
    with tempfile.TemporaryDirectory(prefix="govinfo-rules-") as directory:
        spool = _Spool(directory)
        evaluation = Evaluation(
            ruleset._compiled,
            as_of=day,
            period=chosen,
            trace=fmt == "json",
            on_result=spool.add if fmt == "json" else _ignore,
        )
        for item in iter_jsonl(path):
            read += 1
            if isinstance(item, RecordProblem):
                problems.append(item)
                continue
            checked = validator.validate([item])
            record_problems = list(checked.problems)
            record_id = validator._record_id(item.data) if isinstance(item.data, dict) else None
            if record_id is not None:
                if record_id in seen:
                    message = f"duplicate id '{record_id}' (first on line {seen[record_id]})"
                    record_problems.insert(0, item.problem(record_id, ("id",), message))
                else:
                    seen[record_id] = item.line
            validation_warnings.extend(checked.warnings)
            if record_problems:
                problems.extend(record_problems)
                continue
            for record in checked.records:
                evaluation.add(record)
        if problems and not skip_invalid:
            raise RecordError(problems)
        evaluation.warnings[:0] = [_warning(rid, message) for rid, message in validation_warnings]
        report = evaluation.finish()
        rejected = tuple(Rejected(p.record_id, p.field, p.message, p.line) for p in problems)
        if rejected:
            report = attrs.evolve(report, rejected=rejected)
        final = report

        def emit(out: IO[str]) -> None:
            if fmt == "json":
                write_json(final, spool.sorted(), out)
            elif fmt == "csv":
                out.write(render_csv_units(final))
            else:
                out.write(render_table(final))

        write(emit)
    return Streamed(report, read, len({(p.record_id, p.line) for p in problems}))


def _ignore(result: RecordResult) -> None:
    """Table and CSV output show units, not records: nothing of a record is kept."""


def _warning(record_id: str, message: str) -> Warning:
    return Warning(record_id, message)
