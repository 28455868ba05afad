"""Excel workbooks (.xlsx) in and out, through openpyxl (the ``xlsx`` extra).

Reading (:func:`read_sheet`): one sheet of a ledger becomes the raw records a CSV file
gives (:mod:`.inputs`): every value text, so that every check and message of CSV
applies, each located at its sheet row and column number.  The first non-empty row is
the header; columns are named by field names or labels (:func:`.inputs.name_columns`).
A date cell (a date, or a date and time at midnight) is a date; a number cell is the
number *as the file stores it*: openpyxl reads number cells with ``float()``, so
:func:`_exact_parser` reads the cell's stored text instead, and ``0.1`` stays
``Decimal("0.1")`` (a float could never become a score).  Empty rows are skipped, empty
cells are absent fields.

Writing (:func:`report_workbook`, :func:`write_ledger`): numbers are written as their
exact decimal text (openpyxl would write ``"%.16g" % value``), dates as date cells with
a date format, and text always as text, never as a formula: a text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a text cell with Excel's
quote prefix, so that editing it does not turn it into a formula either.

openpyxl is imported only when a workbook is read or written; without it the error
says how to install it.  The reader relies on two openpyxl details of 3.1
(``WorkSheetParser.parse_cell`` and a read-only sheet's ``_get_source``); the tests
check the numbers it reads.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .decimals import format_decimal
from .errors import GovinfoRulesError, InputError, RecordProblem, UsageError
from .inputs import Headers, Input, RawRecord, ReadResult, name_columns, record_size, size_problem
from .limits import number_problem
from .tabular import FORMULA_STARTS, Cell, Section, column_widths, sections
from .types import name_key

if TYPE_CHECKING:
    from .report import Report
    from .ruleset import Ruleset

EXTRA = "pip install 'govinfo-rules[xlsx]'"
DATE_FORMAT = "yyyy-mm-dd"
MAX_CELL_CHARS = 32_767  # what one Excel cell holds
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an .xls, or an encrypted .xlsx
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters a cell cannot hold


def openpyxl_module(action: str, where: str) -> Any:
    """openpyxl, or an error saying that ``action`` (reading, writing) needs the extra."""
    try:
        import openpyxl
    except ImportError:
        raise InputError(f"{where}: error: {action} .xlsx needs the xlsx extra: {EXTRA}") from None
    return openpyxl


# --- reading ------------------------------------------------------------------------------


def read_sheet(path: Path, *, sheet: str | None = None, headers: Headers | None = None) -> ReadResult:
    """The raw records of one sheet of a workbook (default: the first).  A file that is
    not a readable workbook is an :class:`InputError`; an unknown ``sheet`` is a
    :class:`UsageError` listing the sheets."""
    name = str(path)
    openpyxl = openpyxl_module("reading", name)
    try:
        data = path.read_bytes()
    except OSError as err:
        reason = "no such file" if isinstance(err, FileNotFoundError) else (err.strerror or str(err))
        raise InputError(f"{name}:1:1: error: cannot read input: {reason}") from None
    if data.startswith(_OLE):
        raise InputError(
            f"{name}:1:1: error: not an .xlsx workbook: an encrypted (password-protected) workbook or an "
            "Excel 97-2003 file; remove the password, or save it as .xlsx"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{name}:1:1: error: not an .xlsx workbook (not a zip archive); save the sheet as .xlsx")
    with warnings.catch_warnings():
        # openpyxl warns of parts it drops (extensions, unknown styles): none carries values.
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:  # openpyxl fails on a damaged file in many ways
            raise InputError(f"{name}:1:1: error: a damaged .xlsx workbook: {_reason(err)}") from None
        try:
            chosen = _choose(book, sheet, name)
            rows = list(_rows(book, chosen))
        except GovinfoRulesError:
            raise
        except Exception as err:  # as above, for a damaged sheet
            raise InputError(f"{name}:1:1: error: a damaged .xlsx workbook: {_reason(err)}") from None
        finally:
            book.close()
    return _records(rows, Input(name, "", ()), headers)


def _reason(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0][:200]}" if text else type(err).__name__


def _choose(book: Any, sheet: str | None, name: str) -> Any:
    worksheets = [ws for ws in book.worksheets if hasattr(ws, "_get_source")]
    if sheet is None:
        if not worksheets:
            raise InputError(f"{name}:1:1: error: the workbook has no worksheet")
        return worksheets[0]
    for match in (lambda title: title == sheet, lambda title: name_key(title) == name_key(sheet)):
        for ws in worksheets:
            if match(str(ws.title)):
                return ws
    raise UsageError(
        f"--sheet '{sheet}': {name} has no such worksheet; its sheets: {', '.join(map(str, book.sheetnames))}"
    )


@functools.cache
def _exact_parser() -> Any:
    """openpyxl's sheet parser, except that a number cell's value is the number as the
    file writes it (a ``Decimal``), and a formula cell without a saved result says so."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class ExactParser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["data_type"] == "n" and cell["value"] is not None:
                cell["value"] = Decimal(element.findtext(VALUE_TAG).strip())
            elif cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["data_type"] = "unsaved"
            return cell

    return ExactParser


# A cell as read: its column number and its text, or a problem instead of a text.
_Read = tuple[int, str | None, str | None]


def _rows(book: Any, ws: Any) -> Iterator[tuple[int, list[_Read]]]:
    parser_class = _exact_parser()
    with ws._get_source() as source:
        parser = parser_class(
            source,
            ws._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            yield number, [(cell["column"], *_cell_text(cell["value"], cell["data_type"])) for cell in cells]


def _cell_text(value: Any, kind: str) -> tuple[str | None, str | None]:
    """(text, None) for a value, (None, None) for an empty cell, (None, problem)."""
    if kind == "e":
        return None, f"the cell holds the Excel error {value}"
    if kind == "unsaved":
        return None, "a formula whose result was never saved: open the workbook in Excel and save it"
    if value is None:
        return None, None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, Decimal):
        return number_text(value), None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat(), None
        return value.isoformat(sep=" "), None
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(), None
    text = str(value)
    return (text if text.strip() else None), None


def number_text(value: Decimal) -> str:
    """A number as a ledger writes it: ``0.1``, ``1500``, never ``1E+3`` (which a
    decimal field would not read), unless it is too large to be a value anyway."""
    if number_problem(value) is not None:
        return str(value)
    return format(value, "f")


def _records(rows: Sequence[tuple[int, list[_Read]]], source: Input, headers: Headers | None) -> ReadResult:
    start = next((i for i, (_, cells) in enumerate(rows) if any(t is not None or p for _, t, p in cells)), None)
    if start is None:
        return ReadResult((), ())
    header_row, header_cells = rows[start]
    width = max(column for column, _, _ in header_cells)
    texts = [""] * width
    for column, text, _ in header_cells:
        texts[column - 1] = (text or "").strip()
    keys, wrong = name_columns(texts, headers)
    if wrong:
        return ReadResult(
            (),
            tuple(
                RecordProblem(None, "(header)", message, source.name, header_row, index + 1) for index, message in wrong
            ),
        )
    id_column = keys.index("id") + 1 if "id" in keys else None
    records: list[RawRecord] = []
    problems: list[RecordProblem] = []
    for number, cells in rows[start + 1 :]:
        data: dict[str, str] = {}
        columns: list[int] = []
        bad: list[tuple[int, str, str]] = []  # column, field, problem
        record_id = None
        for column, text, problem in cells:
            if text is None and problem is None:
                continue
            key = keys[column - 1] if column <= len(keys) else ""
            if column == id_column and text is not None:
                record_id = text.strip()
            if not key:
                bad.append((column, "(row)", f"a value in column {_letter(column)}, which has no header"))
            elif problem is not None:
                bad.append((column, key, problem))
            else:
                assert text is not None
                data[key] = text
                columns.append(column)
        if not data and not bad:
            continue  # an empty row (cells with formats only)
        if bad:
            column, field, message = bad[0]
            if len(bad) > 1:
                others = ", ".join(_letter(c) for c, _, _ in bad[1:])
                message += f" (and column(s) {others} of this row)"
            problems.append(RecordProblem(record_id or None, field, message, source.name, number, column))
            continue
        too_large = size_problem(record_size("".join(data.values())), source, number, "(row)")
        if too_large is not None:
            problems.append(too_large)
            continue
        records.append(RawRecord(data, number, source, True, 0, tuple(data), tuple(columns)))
    return ReadResult(tuple(records), tuple(problems))


def _letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- writing ------------------------------------------------------------------------------


def put(cell: Any, value: Cell, *, strict: bool = False) -> None:
    """Write one value into a cell: text as text (never a formula), a ``Decimal`` or an
    ``int`` as its exact number, a date as a date cell, a bool as 是/否.  ``strict``:
    text an Excel cell cannot hold is an error (a ledger) rather than replaced (a report)."""
    if value is None:
        return
    if isinstance(value, bool):
        put_text(cell, "是" if value else "否")
    elif isinstance(value, Decimal | int):
        put_number(cell, value)
    elif isinstance(value, dt.date):
        cell.value = value.date() if isinstance(value, dt.datetime) else value
        cell.number_format = DATE_FORMAT
    else:
        put_text(cell, value, strict=strict)


def put_number(cell: Any, value: Decimal | int, text: str | None = None) -> None:
    """The exact number: its decimal text goes into the file as it is (``<v>0.1</v>``)."""
    if text is None:
        text = format_decimal(value) if isinstance(value, Decimal) else str(value)
    cell.value = text
    cell.data_type = "n"  # openpyxl writes the value's text as the number


def put_text(cell: Any, text: str, *, strict: bool = False) -> None:
    """A text cell, whatever the text looks like (a formula, an error code, a number)."""
    if _ILLEGAL.search(text):
        if strict:
            code = ord(_ILLEGAL.search(text).group())  # type: ignore[union-attr]
            raise ValueError(f"a control character (U+{code:04X}) that an Excel cell cannot hold")
        text = _ILLEGAL.sub("\ufffd", text)
    if len(text) > MAX_CELL_CHARS:
        if strict:
            raise ValueError(f"{len(text):,} characters, more than an Excel cell holds ({MAX_CELL_CHARS:,})")
        text = text[: MAX_CELL_CHARS - 1] + "…"
    cell.value = text
    cell.data_type = "s"
    risky = text.startswith(FORMULA_STARTS)
    if risky or cell.quotePrefix:
        cell.quotePrefix = risky  # Excel shows it as text, and keeps it text when edited


def style_header(ws: Any, widths: Sequence[int]) -> None:
    """Bold header row, frozen; column widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _section_sheet(ws: Any, section: Section) -> None:
    ws.title = section.title
    ws.append([c.header for c in section.columns])
    for row_index, row in enumerate(section.rows, start=2):
        for column_index, value in enumerate(row, start=1):
            put(ws.cell(row_index, column_index), value)
    style_header(ws, column_widths(section))
    if section.rows:
        ws.auto_filter.ref = ws.dimensions


def report_workbook(report: Report, *, rejected: bool = False, where: str = "govinfo-rules") -> Any:
    """The report as a workbook: a 概要 sheet, then one sheet per section (see
    :func:`.tabular.sections`)."""
    openpyxl = openpyxl_module("writing", where)
    book = openpyxl.Workbook()
    for index, section in enumerate(sections(report, rejected=rejected)):
        _section_sheet(book.active if index == 0 else book.create_sheet(), section)
    return book


def workbook_bytes(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_report(report: Report, out: IO[bytes], *, rejected: bool = False) -> None:
    """The report as an .xlsx file, written to a binary stream."""
    out.write(workbook_bytes(report_workbook(report, rejected=rejected)))


# --- ledgers ------------------------------------------------------------------------------


def json_text(value: Any) -> str:
    """A list or an object as the JSON text of a cell, numbers exact (``Decimal`` as
    written, never through a float), Chinese as it is."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number")
        return number_text(value)
    if isinstance(value, float):
        raise ValueError(f"the binary float {value!r}: pass exact decimals, as Decimal('{value!r}')")
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return (
            "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {json_text(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_text(v) for v in value) + "]"
    raise ValueError(f"cannot write {type(value).__name__} {value!r} as JSON")


def write_ledger(ruleset: Ruleset, records: Iterable[Mapping[str, Any]], path: str | Path) -> None:
    """Write records (dicts, as a JSON ledger holds them) as an .xlsx ledger of
    ``ruleset``: the template's sheet (labels as headers, lists of allowed values, a
    notes sheet) with one row per record.  ``score`` reads the file back to the same
    records.  The file is replaced at once (a temporary file renamed into place)."""
    from .template import template_workbook

    target = Path(path)
    save_atomically(template_workbook(ruleset, list(records), where=str(target)), target)


def save_atomically(book: Any, target: Path) -> None:
    """Save a workbook beside ``target`` and rename it into place."""
    data = workbook_bytes(book)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["read_sheet", "report_workbook", "write_ledger", "write_report"]
