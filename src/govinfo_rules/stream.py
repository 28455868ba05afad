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
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from .accounting import Accounting
from .errors import InputError, RecordError, RecordProblem
from .evaluate import Evaluation
from .inputs import Input, RawRecord, json_problem, limited_lines, loads, size_problem
from .periods import Period
from .progress import Progress
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
        for number, raw in enumerate(limited_lines(handle), start=1):
            if isinstance(raw, tuple):  # a line over the record limit, skipped unread
                offset += raw[0]
                problem = size_problem(raw[1], Input(str(path), "", (), number), number, "(line)")
                assert problem is not None
                yield problem
                continue
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
        self.buffer.append((_spool_key(result.id), record_text(result)))
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
        streams = [_read_run(p) for p in self.runs] + [iter(self.buffer)]
        for _, text in heapq.merge(*streams, key=_first):
            yield text


def _spool_key(record_id: str) -> list[Any]:
    """:func:`.report.order_key` as JSON gives it back from a run (lists, not tuples), so
    that keys from the buffer and from the runs compare; ids are unique, so no two tie."""
    return [[list(part) for part in natural_key(record_id)], record_id]


def _first(item: tuple[Any, str]) -> Any:
    return item[0]


def _respelt(lines: Iterator[str], respelling: dict[str, str]) -> Iterator[str]:
    """Records' lines with their units under their final spellings (see
    :class:`.evaluate._Spellings`); a line that names no replaced spelling is kept as it is."""
    if not respelling:
        yield from lines
        return
    quoted = [json.dumps(old, ensure_ascii=False) for old in respelling]
    for text in lines:
        if not any(q in text for q in quoted):
            yield text
            continue
        data = json.loads(text)
        for item in (*data["credits"], *data["trace"]):
            item["unit"] = respelling.get(item["unit"], item["unit"])
        yield json.dumps(data, ensure_ascii=False)


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


class _Fingerprints:
    """64-bit fingerprints of the ids met, in an open-addressing table: 8 to 16 bytes
    per record, where a set of the ids themselves takes over a hundred."""

    def __init__(self) -> None:
        self.size = 1 << 16
        self.table = array("Q", bytes(8 * self.size))
        self.count = 0

    def add(self, text: str) -> bool:
        """Record ``text``; whether its fingerprint was already there."""
        mark = (hash(text) & 0xFFFF_FFFF_FFFF_FFFF) or 1  # 0 marks an empty slot
        table, mask = self.table, self.size - 1
        slot = (mark >> 16) & mask
        while True:
            found = table[slot]
            if found == 0:
                table[slot] = mark
                self.count += 1
                if self.count * 2 > self.size:
                    self._grow()
                return False
            if found == mark:
                return True
            slot = (slot + 1) & mask

    def _grow(self) -> None:
        old = self.table
        self.size *= 2
        self.table = array("Q", bytes(8 * self.size))
        table, mask = self.table, self.size - 1
        for mark in old:
            if not mark:
                continue
            slot = (mark >> 16) & mask
            while table[slot]:
                slot = (slot + 1) & mask
            table[slot] = mark


class _Collision(Exception):
    """Two different ids with one fingerprint (about one chance in 10^8 for 1M ids)."""


def score_stream(
    ruleset: Ruleset,
    path: Path,
    *,
    as_of: dt.date | None,
    period: Period | None,
    fmt: str,
    skip_invalid: bool,
    write: Callable[[Callable[[IO[str]], None]], None],
    progress: Progress | None = None,
) -> Streamed:
    """Read, validate and score a JSON Lines file record by record, then write the
    report through ``write`` (which gives the output stream: standard output, or a
    temporary file renamed into place).  Invalid records raise :class:`RecordError`
    listing all of them, unless ``skip_invalid``; nothing is written then.  ``progress``
    is told of every record read (see :mod:`.progress`)."""
    for exact in (False, True):
        try:
            return _score_stream(ruleset, path, as_of, period, fmt, skip_invalid, write, progress, exact=exact)
        except _Collision:
            continue  # scored again keeping every id: exact whatever the fingerprints say
    raise AssertionError("the exact pass raises no collision")  # pragma: no cover


def _score_stream(
    ruleset: Ruleset,
    path: Path,
    as_of: dt.date | None,
    period: Period | None,
    fmt: str,
    skip_invalid: bool,
    write: Callable[[Callable[[IO[str]], None]], None],
    progress: Progress | None,
    *,
    exact: bool,
) -> Streamed:
    day = as_of or dt.date.today()
    chosen = period
    if chosen is None and ruleset.program.period_default == "year":
        chosen = Period.year_of(day)
    validator: Validator = ruleset._validator
    # Ids met: fingerprints (flat memory); a repeated one is a duplicate, told apart from
    # a fingerprint collision and given its first line by reading the file again.
    seen: dict[str, int] = {}
    fingerprints = _Fingerprints()
    repeated: list[tuple[str, RawRecord]] = []
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
        try:
            for item in iter_jsonl(path):
                read += 1
                if progress is not None:
                    progress.update(read, item.input.text if isinstance(item, RawRecord) else None)
                if isinstance(item, RecordProblem):
                    problems.append(item)
                    continue
                checked = validator.validate([item])
                record_problems = list(checked.problems)
                record_id = validator._record_id(item.data) if isinstance(item.data, dict) else None
                if record_id is not None:
                    if exact:
                        if record_id in seen:
                            message = f"duplicate id '{record_id}' (first on line {seen[record_id]})"
                            record_problems.insert(0, item.problem(record_id, ("id",), message))
                        else:
                            seen[record_id] = item.line
                    elif fingerprints.add(record_id):
                        repeated.append((record_id, item))
                        problems.extend(record_problems)
                        continue
                validation_warnings.extend(checked.warnings)
                if record_problems:
                    problems.extend(record_problems)
                    continue
                for record in checked.records:
                    evaluation.add(record)
        finally:
            if progress is not None:
                progress.done()  # erased before any message or output
        if repeated:
            problems = _with_duplicates(problems, repeated, validator, path)
        if problems and not skip_invalid:
            raise RecordError(problems)
        evaluation.warnings[:0] = [_warning(rid, message) for rid, message in validation_warnings]
        report = evaluation.finish()
        # One record is one line: the line tells the problems of one record from another's.
        rejected = tuple(Rejected(p.record_id, p.field, p.message, p.line, entry=p.line) for p in problems)
        if rejected:
            report = attrs.evolve(report, rejected=rejected)
        Accounting.of(read, report).check()  # before anything is written
        final = report
        respelling = evaluation.respelling

        def emit(out: IO[str]) -> None:
            if fmt == "json":
                write_json(final, _respelt(spool.sorted(), respelling), out)
            elif fmt == "csv":
                out.write(render_csv_units(final))
            else:
                out.write(render_table(final))

        write(emit)
    return Streamed(report, read, report.rejected_count)


def _with_duplicates(
    problems: list[RecordProblem], repeated: list[tuple[str, RawRecord]], validator: Validator, path: Path
) -> list[RecordProblem]:
    """``problems`` with a duplicate-id problem first for each repeated record, in line order."""
    wanted = {record_id for record_id, _ in repeated}
    first: dict[str, int] = {}
    for item in iter_jsonl(path):
        if isinstance(item, RecordProblem) or not isinstance(item.data, dict):
            continue
        record_id = validator._record_id(item.data)
        if record_id in wanted and record_id not in first:
            first[record_id] = item.line
            if len(first) == len(wanted):
                break
    found = []
    for record_id, item in repeated:
        line = first.get(record_id, item.line)
        if line >= item.line:
            raise _Collision(record_id)
        found.append(item.problem(record_id, ("id",), f"duplicate id '{record_id}' (first on line {line})"))
    # Stable: a record's duplicate id stays before its other problems.
    return sorted([*found, *problems], key=lambda p: p.line)


def _ignore(result: RecordResult) -> None:
    """Table and CSV output show units, not records: nothing of a record is kept."""


def _warning(record_id: str, message: str) -> Warning:
    return Warning(record_id, message)
