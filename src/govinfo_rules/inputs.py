"""Reading ledgers: JSON Lines, a JSON array, CSV or an Excel sheet, with the position
of every value.

Entry points: :func:`read_ledger` (a file of any of these formats) and
:func:`read_records` (a text).  Nothing is typed here: each record comes out as the raw
object (a dict) with its line and a way to find the line and column of any field, so
that :mod:`.validate` can point at the exact offending value.  Numbers are read as
``int`` or ``Decimal``, never as binary floats.

The columns of a CSV file or a sheet are named by the fields' names or by the labels a
ruleset declares (``unit: name label "报送科室"``), compared after NFKC with all white
space removed: :func:`header_names` lists them, :func:`name_columns` applies them.
Excel sheets are read by :mod:`.xlsx`, into the same raw records as CSV rows.
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
from typing import IO, TYPE_CHECKING, Any

import attrs

from .errors import InputError, RecordProblem, UsageError
from .limits import MAX_RECORD_BYTES
from .types import ID_LABEL, TYPE_LABEL, name_key

if TYPE_CHECKING:
    from .ir import Program

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
    cells: tuple[str, ...] = ()  # CSV and sheets: the field each column names, to find a field's column
    columns: tuple[int, ...] = ()  # sheets: the column number of each of ``cells``

    def locate(self, path: Sequence[PathPart]) -> tuple[int, int]:
        """The (line, column) of the value at ``path``, or of the record's start; in a
        sheet, the row and the column number of the cell."""
        if self.textual:
            if path and isinstance(path[0], str) and path[0] in self.cells:
                index = self.cells.index(path[0])
                if self.columns:
                    return self.line, self.columns[index]
                return self.line, csv_cell_column(self.input.line(self.line), index)
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
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".xls":
        raise UsageError(f"{name}: the Excel 97-2003 format (.xls) is not read; save the workbook as .xlsx")
    return "json" if text.lstrip().startswith("[") else "jsonl"


Headers = dict[str, tuple[str, ...]]  # header key -> the field(s) it names


def header_names(program: Program) -> Headers:
    """Every column header a ledger of ``program`` may use, as its key (NFKC, no white
    space), with the field it names: each field's name and label in every record type,
    and ``id``/``编号``, ``type``/``类型``.  A key naming two different fields (one label
    for two fields of two record types) names both; a ruleset that passed ``check``
    has none."""
    found: dict[str, dict[str, None]] = {}

    def add(header: str, field: str) -> None:
        found.setdefault(name_key(header), {})[field] = None

    add("type", "type")
    add(TYPE_LABEL, "type")
    for schema in program.schemas:
        for spec in schema.struct.fields:
            add(spec.name, spec.name)
            if spec.label is not None:
                add(spec.label, spec.name)
    add(ID_LABEL, "id")
    return {key: tuple(fields) for key, fields in found.items()}


def name_columns(header: Sequence[str], headers: Headers | None) -> tuple[tuple[str, ...], list[tuple[int, str]]]:
    """The field each column of a header row names, and the problems of the row (as
    ``(column index, message)``).  A header that names no field keeps its text: the
    record then has an unknown field, which is a warning, as in a JSON record.  Without
    ``headers`` the header row is taken as written."""
    if headers is None:
        return tuple(header), []
    names: list[str] = []
    problems: list[tuple[int, str]] = []
    first: dict[str, int] = {}
    for index, cell in enumerate(header):
        fields = headers.get(name_key(cell), ()) if cell.strip() else ()
        if len(fields) > 1:
            problems.append((index, f"header '{cell.strip()}' names {len(fields)} fields: {', '.join(fields)}"))
            names.append(cell.strip())
            continue
        name = fields[0] if fields else cell.strip()
        if fields and name in first:
            shown = header[first[name]].strip()
            problems.append(
                (index, f"header '{cell.strip()}' names field '{name}', as the column '{shown}' before it does")
            )
        first.setdefault(name, index)
        names.append(name)
    return tuple(names), problems


def read_ledger(
    path: Path, *, fmt: str | None = None, sheet: str | None = None, headers: Headers | None = None
) -> tuple[str, ReadResult]:
    """A ledger file of any format: its text (empty for a workbook, which is not text)
    and its raw records.  ``sheet`` chooses a workbook's sheet (default: the first);
    ``headers`` (from :func:`header_names`) lets CSV and sheet columns be named by labels."""
    kind = fmt or detect_format(str(path), "")
    if kind == "xlsx":
        from .xlsx import read_sheet

        return "", read_sheet(path, sheet=sheet, headers=headers)
    if sheet is not None:
        raise UsageError(f"--sheet applies to an Excel workbook (.xlsx), not to {path}")
    text = read_text(path)
    return text, read_records(text, str(path), fmt, headers=headers)


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


def read_records(text: str, name: str, fmt: str | None = None, *, headers: Headers | None = None) -> ReadResult:
    """Split an input text into raw records; unreadable parts become problems.

    Lines are numbered as each format counts them: JSON by ``\\n`` alone (a JSON
    string may hold a raw U+2028 or form feed), CSV also by a lone ``\\r``.  With
    ``headers``, CSV columns may be named by the fields' labels."""
    fmt = fmt or detect_format(name, text)
    if fmt == "xlsx":
        raise UsageError(f"{name}: an Excel workbook is not text; read it with read_ledger")
    if fmt == "csv":
        return _read_csv(Input(name, text, tuple(_CSV_LINES.split(text))), headers)
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


def _read_csv(source: Input, headers: Headers | None = None) -> ReadResult:
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
    cells, wrong = name_columns(tuple(h.strip().lstrip("\ufeff") for h in header), headers)
    if wrong:
        first = source.line(1)
        return ReadResult(
            (),
            tuple(
                RecordProblem(None, "(header)", message, source.name, 1, csv_cell_column(first, index), first)
                for index, message in wrong
            ),
        )
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
