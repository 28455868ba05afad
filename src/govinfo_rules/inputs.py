"""Reading ledgers: JSON Lines, a JSON array or CSV, with the position of every value.

Entry point: :func:`read_records`.  Nothing is typed here: each record comes out as
the raw object (a dict) with its line and a way to find the line and column of any
field, so that :mod:`.validate` can point at the exact offending value.  Numbers are
read as ``int`` or ``Decimal``, never as binary floats.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import IO, Any

import attrs

from .errors import InputError, RecordProblem, UsageError
from .limits import MAX_RECORD_BYTES

PathPart = str | int
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder(parse_float=Decimal)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


# One decoder for every line: json.loads with options builds a new one per call.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)


def loads(text: str) -> Any:
    """JSON with exact decimals: ``1.5`` becomes ``Decimal('1.5')``; NaN is refused, and
    so are values nested deeper than Python can read and a lone surrogate (``"\\ud800"``,
    which no UTF-8 output can hold), each a ``ValueError``."""
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise ValueError("values nested too deeply (lists or objects inside one another)") from None
    if ("\\ud" in text or "\\uD" in text) and _has_surrogate(value):
        raise ValueError("a \\u escape of half a surrogate pair, which is not a character")
    return value


def _has_surrogate(value: Any) -> bool:
    """Whether a decoded JSON value holds a lone surrogate, in a key or a string; a
    well-formed pair of escapes has become one character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def format_path(path: Sequence[PathPart]) -> str:
    """``("adoptions", 1, "level")`` -> ``adoptions[1].level``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(record)"


def _ws(text: str, i: int) -> int:
    match = _WS.match(text, i)
    return match.end() if match else i


def json_value_offset(text: str, start: int, path: Sequence[PathPart]) -> int | None:
    """Offset of the value at ``path`` inside the JSON value starting at ``start``."""
    try:
        i = _ws(text, start)
        for key in path:
            if isinstance(key, str) and text[i] == "{":
                i = _ws(text, i + 1)
                while text[i] != "}":
                    name, i = scanstring(text, i + 1)
                    i = _ws(text, i)
                    i = _ws(text, i + 1)  # past ':'
                    if name == key:
                        break
                    _, i = _DECODER.raw_decode(text, i)
                    i = _ws(text, i)
                    if text[i] == ",":
                        i = _ws(text, i + 1)
                else:
                    return None
            elif isinstance(key, int) and text[i] == "[":
                i = _ws(text, i + 1)
                for _ in range(key):
                    _, i = _DECODER.raw_decode(text, i)
                    i = _ws(text, i)
                    if text[i] != ",":
                        return None
                    i = _ws(text, i + 1)
            else:
                return None
        return i
    except (ValueError, IndexError):
        return None


@attrs.frozen(eq=False)
class Input:
    """One input file's text, kept to quote lines in error messages."""

    name: str
    text: str = attrs.field(repr=False)
    lines: tuple[str, ...] = attrs.field(repr=False)
    first_line: int = 1  # a streamed input holds one line of its file: the number of that line

    def line(self, number: int) -> str:
        index = number - self.first_line
        return self.lines[index] if 0 <= index < len(self.lines) else ""


@attrs.frozen(eq=False)
class RawRecord:
    """An untyped record as read, and where it stands in its input."""

    data: Any
    line: int
    input: Input
    textual: bool  # CSV: every scalar is a string, lists and structs are JSON text
    offset: int = 0  # where the record's JSON text starts (JSON inputs)
    cells: tuple[str, ...] = ()  # CSV: the header, to find a field's column

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int]:
        """The (line, column) of the value at ``path``, or of the record's start."""
        if self.textual:
            if path and isinstance(path[0], str) and path[0] in self.cells:
                return self.line, csv_cell_column(self.input.line(self.line), self.cells.index(path[0]))
            return self.line, 1
        if not self.input.text:  # records given as objects (Python dicts, TOML tables): no JSON to search
            return self.line, 1
        found = json_value_offset(self.input.text, self.offset, path)
        if found is None:
            found = self.offset
        before = self.input.text[:found]
        line = before.count("\n") + self.input.first_line
        return line, found - (before.rfind("\n") + 1) + 1

    def problem(self, record_id: str | None, path: Sequence[PathPart], message: str) -> RecordProblem:
        line, column = self.locate(path)
        return RecordProblem(
            record_id, format_path(path), message, self.input.name, line, column, self.input.line(line)
        )


def csv_cell_column(line: str, index: int) -> int:
    """The 1-based column where cell ``index`` of a CSV line starts."""
    cell, i, quoted = 0, 0, False
    while i < len(line) and cell < index:
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            cell += 1
        i += 1
    return i + 1


@attrs.frozen
class ReadResult:
    records: tuple[RawRecord, ...]
    problems: tuple[RecordProblem, ...]


def detect_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    if suffix in (".xlsx", ".xls"):
        raise UsageError(f"{name}: Excel input is not supported yet; save the sheet as CSV")
    return "json" if text.lstrip().startswith("[") else "jsonl"


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        reason = "no such file" if isinstance(err, FileNotFoundError) else (err.strerror or str(err))
        raise InputError(f"{path}:1:1: error: cannot read input: {reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}:1: error: not UTF-8 text (byte {err.start}); save the file as UTF-8") from None


def read_records(text: str, name: str, fmt: str | None = None) -> ReadResult:
    """Split an input text into raw records; unreadable parts become problems.

    Lines are numbered as each format counts them: JSON by ``\\n`` alone (a JSON
    string may hold a raw U+2028 or form feed), CSV also by a lone ``\\r``."""
    fmt = fmt or detect_format(name, text)
    if fmt == "csv":
        return _read_csv(Input(name, text, tuple(_CSV_LINES.split(text))))
    source = Input(name, text, tuple(line.removesuffix("\r") for line in text.split("\n")))
    if fmt == "json":
        return _read_json(source)
    return _read_jsonl(source)


_CSV_LINES = re.compile("\r\n|\r|\n")


def record_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes when it could be over the record limit (its
    length in characters otherwise, which is then known to be within it)."""
    if len(text) * 4 <= MAX_RECORD_BYTES:  # four bytes a character at most
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def size_problem(size: int, source: Input, line: int, field: str) -> RecordProblem | None:
    """The problem of a record over :data:`.limits.MAX_RECORD_BYTES`, or ``None``."""
    if size <= MAX_RECORD_BYTES:
        return None
    message = (
        f"a record of {size:,} bytes, over the limit of {MAX_RECORD_BYTES:,} (1 MiB): keep long texts out of the ledger"
    )
    return RecordProblem(None, field, message, source.name, line, 1, source.line(line)[:200])


def limited_lines(handle: IO[bytes]) -> Iterator[bytes | tuple[int, int]]:
    """The lines of a binary file, each with its line ending.  A line whose text (its
    ending aside) is longer than :data:`.limits.MAX_RECORD_BYTES` is not held: what
    comes out instead is how many bytes it took and how many its text has, so that one
    bad line costs no more memory than the limit."""
    limit = MAX_RECORD_BYTES + 2  # the text and a "\r\n"
    while line := handle.readline(limit):
        if len(line) < limit or line.endswith(b"\n"):  # the whole line
            size = len(line) - _ending(line)
            yield line if size <= MAX_RECORD_BYTES else (len(line), size)
            continue
        taken, tail = len(line), line[-2:]
        while more := handle.readline(_CHUNK):
            taken, tail = taken + len(more), (tail + more)[-2:]
            if more.endswith(b"\n"):
                break
        yield taken, taken - _ending(tail)


def _ending(line: bytes) -> int:
    """The length of a line's ending: LF, CR LF, or a CR left at the end of the file."""
    if line.endswith(b"\n"):
        return 2 if line.endswith(b"\r\n") else 1
    return 1 if line.endswith(b"\r") else 0


_CHUNK = 1 << 16


def json_problem(source: Input, err: json.JSONDecodeError | ValueError, line: int, column: int) -> RecordProblem:
    message = err.msg if isinstance(err, json.JSONDecodeError) else str(err)
    return RecordProblem(None, "(line)", f"not valid JSON: {message}", source.name, line, column, source.line(line))


def _read_jsonl(source: Input) -> ReadResult:
    records: list[RawRecord] = []
    problems: list[RecordProblem] = []
    offset = 0
    for number, line in enumerate(source.text.split("\n"), start=1):
        start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        too_large = size_problem(record_size(line.removesuffix("\r")), source, number, "(line)")
        if too_large is not None:
            problems.append(too_large)
            continue
        try:
            data = loads(line)
        except json.JSONDecodeError as err:
            problems.append(json_problem(source, err, number, err.colno))
            continue
        except ValueError as err:
            problems.append(json_problem(source, err, number, 1))
            continue
        records.append(RawRecord(data, number, source, False, start))
    return ReadResult(tuple(records), tuple(problems))


def _read_json(source: Input) -> ReadResult:
    try:
        data = loads(source.text)
    except json.JSONDecodeError as err:
        return ReadResult((), (json_problem(source, err, err.lineno, err.colno),))
    except ValueError as err:
        return ReadResult((), (json_problem(source, err, 1, 1),))
    if isinstance(data, dict):
        data = [data]
        bounds = [(_ws(source.text, 0), len(source.text.rstrip()))]
    elif isinstance(data, list):
        bounds = _element_bounds(source.text)
    else:
        problem = RecordProblem(
            None, "(file)", "a JSON input must be an array of records", source.name, 1, 1, source.line(1)
        )
        return ReadResult((), (problem,))
    records = []
    problems = []
    line, counted = 1, 0
    for item, (start, end) in zip(data, bounds, strict=True):
        line += source.text.count("\n", counted, start)
        counted = start
        too_large = size_problem(record_size(source.text[start:end]), source, line, "(record)")
        if too_large is not None:
            problems.append(too_large)
        else:
            records.append(RawRecord(item, line, source, False, start))
    return ReadResult(tuple(records), tuple(problems))


def _element_bounds(text: str) -> list[tuple[int, int]]:
    """Where each element of the JSON array ``text`` starts and ends, in one pass (the
    text is known to be a valid array)."""
    bounds = []
    i = _ws(text, _ws(text, 0) + 1)  # past '['
    while text[i] != "]":
        _, end = _DECODER.raw_decode(text, i)
        bounds.append((i, end))
        i = _ws(text, end)
        if text[i] == ",":
            i = _ws(text, i + 1)
    return bounds


def _read_csv(source: Input) -> ReadResult:
    reader = csv.reader(io.StringIO(source.text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return ReadResult((), ())
    except csv.Error as err:
        return ReadResult(
            (),
            (RecordProblem(None, "(header)", f"not valid CSV: {_csv_reason(err)}", source.name, 1, 1, source.line(1)),),
        )
    cells = tuple(h.strip().lstrip("\ufeff") for h in header)
    records: list[RawRecord] = []
    problems: list[RecordProblem] = []
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            line = previous_end + 1
            problems.append(
                RecordProblem(
                    None, "(row)", f"not valid CSV: {_csv_reason(err)}", source.name, line, 1, source.line(line)
                )
            )
            previous_end = reader.line_num
            continue
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        too_large = size_problem(record_size(",".join(row)), source, line, "(row)")
        if too_large is not None:
            problems.append(too_large)
            continue
        if len(row) > len(cells):
            problems.append(
                RecordProblem(
                    None,
                    "(row)",
                    f"{len(row)} cells but the header has {len(cells)}",
                    source.name,
                    line,
                    1,
                    source.line(line),
                )
            )
            continue
        data = {key: value for key, value in zip(cells, row, strict=False) if value.strip() != ""}
        records.append(RawRecord(data, line, source, True, 0, cells))
    return ReadResult(tuple(records), tuple(problems))


def _csv_reason(err: csv.Error) -> str:
    if "field larger than field limit" in str(err):  # Python's csv module reads no larger cell
        return f"a cell of more than {csv.field_size_limit():,} characters, the limit of a CSV cell"
    return str(err)
