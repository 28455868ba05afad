"""The ``govinfo-rules`` command: check, score, explain; test, audit, lint, fmt, diff, template.

Exit status: 0 success; 1 invalid ruleset or invalid input (every problem on stderr
as ``FILE:LINE:COL: error: ...`` with the line and a caret); 2 wrong usage.

Output, on standard output or in ``-o FILE``, is UTF-8 whatever the locale, and a file
is replaced at once (:func:`_emit_to`).  ``score --format xlsx`` and ``template`` write
a workbook (to a file, or to a pipe, never to a terminal); ``score --format csv -o DIR/``
writes one CSV file per section of the report into a directory.  ``score`` checks that every record read is
scored, not counted, left out or rejected (:mod:`.accounting`) before it writes
anything, and with ``--skip-invalid`` prints that account on standard error.
"""

from __future__ import annotations

import argparse
import codecs
import difflib
import io
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from . import __version__
from .accounting import Accounting, problem_entries
from .errors import GovinfoRulesError, InputError, RecordError, RecordProblem, UsageError
from .explain import explain_record
from .inputs import ReadResult, detect_format, header_names, read_ledger
from .periods import Period, parse_date
from .render import rejected_lines, render_csv_units, render_table
from .report import Rejected, Report
from .ruleset import Ruleset, load_ruleset
from .validate import Validated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govinfo-rules",
        description="Score government-information ledgers with executable, auditable rulesets.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def ruleset_args(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("ruleset", metavar="RULESET", help="a bundled name (wenzhou) or a ruleset file")
        sub.add_argument(
            "--set",
            "--param",  # the older name, kept as an alias
            dest="param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="override a ruleset parameter (repeatable)",
        )

    def sheet_arg(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--sheet", metavar="NAME", help="the sheet of an .xlsx ledger (default: the first)")

    def run_args(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("input", metavar="INPUT", help="records: .jsonl, .json, .csv or .xlsx")
        sub.add_argument("--as-of", metavar="DATE", help="evaluation date YYYY-MM-DD (default: today)")
        sub.add_argument("--period", metavar="P", help="2024, 2024-Q3 or 2024-03 (default: all records)")
        sheet_arg(sub)

    check = commands.add_parser("check", help="parse, compile and validate a ruleset")
    ruleset_args(check)

    score = commands.add_parser("score", help="score a ledger")
    ruleset_args(score)
    run_args(score)
    score.add_argument("--format", choices=("table", "json", "csv", "xlsx", "html"), default="table")
    score.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here instead of standard output (--format csv: a directory, or a path ending in /, "
        "gets one CSV file per section)",
    )
    score.add_argument(
        "--skip-invalid",
        action="store_true",
        help="score the valid records and list the invalid ones under 'rejected'",
    )

    lint = commands.add_parser("lint", help="static findings: unused names, missing citations, rule order")
    ruleset_args(lint)
    lint.add_argument("--format", choices=("text", "json"), default="text")

    audit = commands.add_parser("audit", help="check a battery of properties on generated records")
    ruleset_args(audit)
    audit.add_argument("--examples", type=int, default=100, metavar="N", help="examples per property (default 100)")
    audit.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")

    test = commands.add_parser("test", help="run ruleset test files (*.test.toml), optionally with rule coverage")
    test.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="test files, directories holding *.test.toml, or bundled names (default: the bundled rulesets' tests)",
    )
    test.add_argument("--coverage", action="store_true", help="list every rule that no case fired")
    test.add_argument(
        "--fail-under", type=float, default=None, metavar="PCT", help="exit 1 when a ruleset's coverage is below PCT"
    )
    test.add_argument("-k", dest="keyword", metavar="TEXT", help="run only the cases whose name contains TEXT")

    explain = commands.add_parser("explain", help="every rule that fired for one record, with citations")
    ruleset_args(explain)
    run_args(explain)
    explain.add_argument("--id", required=True, metavar="ID", help="the record to explain")

    diff = commands.add_parser("diff", help="what-if: score one ledger with two rulesets (or parameters) and compare")
    diff.add_argument("old", metavar="OLD", help="the ruleset as it is: a bundled name or a ruleset file")
    diff.add_argument("new", metavar="NEW", help="the ruleset to compare with (may be OLD again, with --set)")
    run_args(diff)
    diff.add_argument(
        "--set",
        "--param",
        dest="param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter of NEW (repeatable)",
    )
    diff.add_argument(
        "--set-old", action="append", default=[], metavar="NAME=VALUE", help="override a parameter of OLD (repeatable)"
    )
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.add_argument("--exit-code", action="store_true", help="exit 1 when the results differ (as git diff does)")
    diff.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")

    template = commands.add_parser("template", help="an Excel ledger to fill in: headers, lists of values, notes")
    ruleset_args(template)
    template.add_argument("-o", "--output", metavar="FILE", help="the .xlsx file to write (a pipe if omitted)")
    template.add_argument(
        "--from", dest="source", metavar="LEDGER", help="pre-fill the rows with the records of this ledger"
    )
    sheet_arg(template)

    fmt = commands.add_parser("fmt", help="rewrite ruleset files in the canonical layout, comments kept")
    fmt.add_argument("files", nargs="+", metavar="FILE", help="ruleset files, rewritten in place; - for standard input")
    fmt.add_argument("--check", action="store_true", help="change nothing: show a diff, exit 1 if a file would change")
    return parser


def _overrides(pairs: Sequence[str], option: str = "--set") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{option} takes NAME=VALUE, got '{pair}'")
        out[name.strip()] = value.strip()
    return out


def _write(text: str, output: str | None) -> None:
    _emit_to(lambda handle: handle.write(text), output)


class OutputError(GovinfoRulesError):
    """An output file that cannot be written (exit status 1)."""


def _check_output(output: str | None) -> None:
    """Fail before the work, not after it, when ``-o FILE`` cannot be written there."""
    if output is None:
        return
    target = Path(output)
    if not target.parent.is_dir():
        raise OutputError(f"{output}: error: cannot write: no such directory '{target.parent}'")
    if target.is_dir():
        raise OutputError(f"{output}: error: cannot write: it is a directory")


def _emit_to(emit: Any, output: str | None, *, binary: bool = False) -> None:
    """Call ``emit`` with standard output or, for ``-o FILE``, a temporary file beside
    the target renamed into place once complete, so a reader never sees half a file:
    the target holds its previous content until the new one is whole and on disk, and
    a failure removes the temporary file.  The file gets the mode a new file gets (or
    keeps the mode of the file it replaces), not the temporary file's private one.
    ``binary``: ``emit`` writes bytes (a workbook)."""
    if output is None:
        if binary:
            sys.stdout.flush()
            emit(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            emit(sys.stdout)
        return
    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as err:
        raise OutputError(f"{output}: error: cannot write: {err.strerror or err}") from None
    try:
        opened = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with opened as handle:
            emit(handle)
            handle.flush()
            os.fsync(handle.fileno())  # the rename must not reach the disk before the data
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(f"{output}: error: cannot write: {err.strerror or err}") from None
        raise


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _read_ledger(ruleset: Ruleset, name: str, sheet: str | None) -> tuple[str, ReadResult]:
    """A ledger of any format, its columns named by field names or the ruleset's labels."""
    return read_ledger(Path(name), sheet=sheet, headers=header_names(ruleset.program))


def _validated(ruleset: Ruleset, name: str, sheet: str | None) -> Validated:
    """:meth:`Ruleset.read`, for every format and with labels: the typed records and
    every problem, read and validation problems in input order."""
    _, read = _read_ledger(ruleset, name, sheet)
    validated = ruleset.validate_raw(read.records)
    problems = sorted(read.problems + validated.problems, key=lambda p: p.line)
    return Validated(validated.records, validated.warnings, tuple(problems))


def _read(ruleset: Ruleset, args: argparse.Namespace) -> Validated:
    validated = _validated(ruleset, args.input, args.sheet)
    if validated.problems:
        raise RecordError(validated.problems)
    return validated


class _InvalidRecords(RecordError):
    """A :class:`RecordError` that knows which record each problem belongs to, so that
    two problems on two lines of one record in a JSON array count as one record."""

    def __init__(self, problems: Sequence[RecordProblem], records: int) -> None:
        super().__init__(problems)
        self.records = records

    @property
    def invalid_count(self) -> int:
        return self.records


def _read_counted(
    ruleset: Ruleset, name: str, skip_invalid: bool, sheet: str | None = None
) -> tuple[Validated, tuple[Rejected, ...], int]:
    """:meth:`Ruleset.read`, step by step, to count the records read apart from their
    validation: the records, the rejected ones (each problem with its record) and
    how many records were read."""
    text, read = _read_ledger(ruleset, name, sheet)
    validated = ruleset.validate_raw(read.records)
    problems = sorted(read.problems + validated.problems, key=lambda p: p.line)
    rejected: tuple[Rejected, ...] = ()
    if problems:
        # A JSON text that does not parse, or a CSV header that does not, holds no record
        # that could be counted: skipping it would account for nothing.
        whole = detect_format(name, text) == "json" or any(p.field == "(header)" for p in read.problems)
        if whole and read.problems:
            raise RecordError(problems)
        entries = problem_entries(text, read.records, read.problems, problems)
        if not skip_invalid:
            raise _InvalidRecords(problems, len(set(entries)))
        rejected = tuple(
            Rejected(p.record_id, p.field, p.message, p.line, entry=e) for p, e in zip(problems, entries, strict=True)
        )
    return validated, rejected, len(read.records) + len(read.problems)


def _period(text: str | None) -> Period | None:
    return Period.parse(text) if text else None


def _binary_output(output: str | None, what: str) -> None:
    """A workbook goes to a file or a pipe; on a terminal it would be noise."""
    if output is None and sys.stdout.isatty():
        raise UsageError(f"{what} writes an .xlsx workbook: give -o FILE.xlsx, or pipe the output")


def _csv_directory(output: str | None) -> Path | None:
    """The directory of ``score --format csv -o DIR``: an existing directory, or a path
    ending in a slash (made if missing; its parent must exist)."""
    if output is None:
        return None
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        directory = Path(output)
        if not directory.is_dir() and not directory.parent.is_dir():
            raise OutputError(f"{output}: error: cannot write: no such directory '{directory.parent}'")
        if directory.exists() and not directory.is_dir():
            raise OutputError(f"{output}: error: cannot write: it is a file, not a directory")
        return directory
    return None


def _score(args: argparse.Namespace) -> int:
    ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
    as_of = parse_date(args.as_of) if args.as_of else None
    period = _period(args.period)
    directory = _csv_directory(args.output) if args.format == "csv" else None
    if args.format == "xlsx":
        _binary_output(args.output, "--format xlsx")
    if directory is None:
        _check_output(args.output)
    sections = args.format == "xlsx" or directory is not None
    whole = sections or args.format == "html"  # the HTML report lists every record's trace
    if Path(args.input).suffix.lower() in (".jsonl", ".ndjson") and not whole and args.sheet is None:
        return _score_stream(ruleset, args, as_of, period)
    validated, rejected, read = _read_counted(ruleset, args.input, args.skip_invalid, args.sheet)
    # The JSON output and the HTML report show traces, and so do the sheets of a workbook or a CSV
    # directory (a column of each record's rules): the table and CSV take the fast path.
    report = ruleset.evaluate_validated(
        validated.records,
        as_of=as_of,
        period=period,
        warnings=validated.warnings,
        trace=args.format in ("json", "html") or sections,
    )
    if rejected:
        report = attrs.evolve(report, rejected=rejected)
    accounting = Accounting.of(read, report).check()  # before anything is written
    if args.format == "xlsx":
        from .xlsx import report_workbook, workbook_bytes

        data = workbook_bytes(report_workbook(report, rejected=args.skip_invalid, where=args.output or "-"))
        _emit_to(lambda handle: handle.write(data), args.output, binary=True)
    elif directory is not None:
        from .tabular import csv_files

        _write_files(directory, csv_files(report, rejected=args.skip_invalid))
    else:
        if args.format == "json":
            text = report.to_json_text()
        elif args.format == "html":
            from .html_report import render_html

            text = render_html(report, ruleset)
        elif args.format == "csv":
            text = render_csv_units(report)
        else:
            text = render_table(report)
        _write(text, args.output)
    if args.skip_invalid:
        listed = None
        if args.format == "xlsx":
            listed = "see the sheet 拒收记录"
        elif directory is not None:
            listed = f"see {directory / 'rejected.csv'}"
        elif args.format == "html":
            listed = "see 退回的记录 in the report"
        _account(accounting, report, args.format, listed)
    return 0


def _write_files(directory: Path, files: dict[str, str]) -> None:
    """CSV files into a directory, UTF-8 with a byte order mark (without one, Excel
    reads UTF-8 CSV as the local code page).  Each file is written whole beside its
    target first; the renames follow once all are written."""
    try:
        directory.mkdir(exist_ok=True)
    except OSError as err:
        raise OutputError(f"{directory}: error: cannot write: {err.strerror or err}") from None
    written: list[tuple[str, Path]] = []
    try:
        for name, text in files.items():
            target = directory / name
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
            written.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, _mode_for(target))
        for tmp, target in written:
            os.replace(tmp, target)
    except OSError as err:
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{directory}: error: cannot write: {err.strerror or err}") from None


def _account(accounting: Accounting, report: Report, fmt: str, listed: str | None = None) -> None:
    """With --skip-invalid, exit status 0 no longer says that every record was valid:
    this line says what became of each one (and CSV, which has no room for them, has
    the rejected records listed here)."""
    if listed is None:
        listed = {"json": "see 'rejected'", "table": "see 'Rejected'"}.get(fmt, "listed above")
        if fmt not in ("json", "table"):
            for line in rejected_lines(report):
                sys.stderr.write(f"govinfo-rules: rejected: {line}\n")
    sys.stderr.write(accounting.line(listed) + "\n")


def _template(args: argparse.Namespace) -> int:
    """An Excel ledger for the ruleset, optionally with the records of another ledger."""
    from .template import template_workbook
    from .xlsx import workbook_bytes

    ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
    _binary_output(args.output, "template")
    _check_output(args.output)
    records: list[dict[str, Any]] = []
    if args.source is not None:
        _, read = _read_ledger(ruleset, args.source, args.sheet)
        problems = list(read.problems)
        for raw in read.records:
            if isinstance(raw.data, dict):
                records.append(raw.data)
            else:
                problems.append(raw.problem(None, (), "a record must be a JSON object"))
        if problems:
            raise RecordError(sorted(problems, key=lambda p: p.line))
    elif args.sheet is not None:
        raise UsageError("--sheet chooses the sheet of the --from ledger")
    data = workbook_bytes(template_workbook(ruleset, records, where=args.output or "-"))
    _emit_to(lambda handle: handle.write(data), args.output, binary=True)
    if args.output is not None:
        filled = f" with {len(records)} record(s)" if args.source is not None else ""
        sys.stderr.write(f"wrote {args.output}: the {ruleset.name} ledger template{filled}\n")
    return 0


def _score_stream(ruleset: Ruleset, args: argparse.Namespace, as_of: Any, period: Period | None) -> int:
    """JSON Lines: read, validate and score line by line (see :mod:`.stream`), with a
    progress line on a terminal for a long ledger (see :mod:`.progress`)."""
    from .progress import Progress
    from .stream import score_stream

    def write(emit: Any) -> None:
        _emit_to(emit, args.output)

    streamed = score_stream(
        ruleset,
        Path(args.input),
        as_of=as_of,
        period=period,
        fmt=args.format,
        skip_invalid=args.skip_invalid,
        write=write,
        progress=Progress.for_terminal(sys.stderr, args.input),
    )
    if args.skip_invalid:
        _account(Accounting.of(streamed.records, streamed.report), streamed.report, args.format)
    return 0


def _explain(args: argparse.Namespace) -> int:
    ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
    as_of = parse_date(args.as_of) if args.as_of else None
    validated = _read(ruleset, args)
    wanted = args.id.strip()
    record = next((r for r in validated.records if r.id == wanted), None)
    if record is None:
        ids = [r.id for r in validated.records]
        close = difflib.get_close_matches(wanted, ids, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(f"{args.input}: error: no record with id '{wanted}'{hint}")
    report: Report = ruleset.evaluate_validated(
        validated.records, as_of=as_of, period=_period(args.period), warnings=validated.warnings
    )
    try:
        result = report.record(wanted)
    except KeyError:
        result = None
    computed = ruleset.computed(record, as_of=report.as_of, period=report.period)
    sys.stdout.write(explain_record(ruleset.program, record, result, report, computed))
    return 0


def _lint(args: argparse.Namespace) -> int:
    from .lint import lint

    ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
    assert ruleset.ast is not None  # every ruleset loaded from text keeps its AST
    findings = lint(ruleset.ast, ruleset.program)
    if args.format == "json":
        sys.stdout.write(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            sys.stdout.write(finding.render() + "\n")
        sys.stdout.write(f"{ruleset.name}: {len(findings)} finding(s)\n")
    return 1 if findings else 0


def _audit(args: argparse.Namespace) -> int:
    try:
        from .audit import audit, render
    except ImportError:  # pragma: no cover - hypothesis is an optional dependency
        raise UsageError("audit needs hypothesis: pip install 'govinfo-rules[test]'") from None
    if args.examples < 1:
        raise UsageError("--examples must be at least 1")
    ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
    findings = audit(ruleset, examples=args.examples, seed_value=args.seed)
    sys.stdout.write(render(ruleset, findings, args.examples, args.seed))
    return 0 if all(f.held for f in findings) else 1


def _test(args: argparse.Namespace) -> int:
    from .cases import coverage, find_case_files, load_all, render_coverage, render_results, run_files

    paths = find_case_files(args.paths)
    if not paths:
        raise UsageError("no test files found (they are named NAME.test.toml)")
    files, errors = load_all(paths)
    for err in errors:
        sys.stderr.write(err.render() + "\n")
    results = run_files(files, args.keyword)
    sys.stdout.write(render_results(results, len(errors)))
    failed = bool(errors) or not all(r.passed for r in results)
    if args.coverage or args.fail_under is not None:
        reports = coverage(results)
        sys.stdout.write(render_coverage(reports))
        if args.fail_under is not None and any(r.percent < Decimal(str(args.fail_under)) for r in reports):
            failed = True
    return 1 if failed else 0


def _diff(args: argparse.Namespace) -> int:
    """What-if: one ledger under OLD and NEW; exit 1 on a difference only with --exit-code."""
    from .errors import RulesetError, RulesetSyntaxError
    from .whatif import compare, render_json, render_text

    _check_output(args.output)
    sides: list[tuple[str, Ruleset, Validated]] = []
    for side, name, pairs, option in (
        ("OLD", args.old, args.set_old, "--set-old"),
        ("NEW", args.new, args.param, "--set"),
    ):
        overrides = _overrides(pairs, option)
        try:
            ruleset = load_ruleset(name, overrides=overrides)
        except (RulesetError, RulesetSyntaxError) as err:
            # OLD and NEW may be the same file: say which side, with which options, failed.
            sys.stderr.write(err.render() + "\n")
            given = f" with {option} {' '.join(pairs)}" if pairs else ""
            sys.stderr.write(f"govinfo-rules: {side} ruleset '{name}'{given} is invalid; nothing was compared\n")
            return 1
        sides.append((side, ruleset, _validated(ruleset, args.input, args.sheet)))
    if any(validated.problems for _, _, validated in sides):
        return _diff_rejected(sides)
    (_, old, old_read), (_, new, new_read) = sides
    period = _period(args.period)
    as_of = parse_date(args.as_of) if args.as_of else None
    before = old.evaluate_validated(old_read.records, as_of=as_of, period=period, warnings=old_read.warnings)
    # NEW on OLD's evaluation date, so that a default of "today" cannot differ across midnight.
    after = new.evaluate_validated(new_read.records, as_of=before.as_of, period=period, warnings=new_read.warnings)
    comparison = compare(
        before,
        after,
        old_params=old.params,
        new_params=new.params,
        old_label=_side_label(old, args.old),
        new_label=_side_label(new, args.new),
    )
    _write(render_json(comparison) if args.format == "json" else render_text(comparison), args.output)
    return 1 if args.exit_code and comparison.differs else 0


def _side_label(ruleset: Ruleset, given: str) -> str:
    """``ganzhou 1.0.0``, with the path when a file was given (two copies share a name)."""
    label = f"{ruleset.name} {ruleset.version or ''}".strip()
    return label if given == ruleset.name else f"{label} ({given})"


def _diff_rejected(sides: Sequence[tuple[str, Ruleset, Validated]]) -> int:
    """Invalid records: the usual diagnostics, or each side's when the two rulesets disagree."""
    found = [{(p.line, p.record_id, p.field, p.message) for p in validated.problems} for _, _, validated in sides]
    if found[0] == found[1]:
        raise RecordError(sides[1][2].problems)
    for side, ruleset, validated in sides:
        if not validated.problems:
            sys.stderr.write(f"govinfo-rules: {side} ({ruleset.name}) accepts every record\n")
            continue
        err = RecordError(validated.problems)
        sys.stderr.write(f"govinfo-rules: {side} ({ruleset.name}) rejects {err.invalid_count} record(s):\n")
        sys.stderr.write(err.render() + "\n")
    sys.stderr.write("govinfo-rules: OLD and NEW disagree about which records are valid; nothing was compared\n")
    return 1


def _fmt_diff(old: str, new: str, name: str) -> str:
    def lines(text: str) -> list[str]:
        out = [line + "\n" for line in text.split("\n")]
        if text.endswith("\n"):
            out.pop()
        else:
            out[-1] += "\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(old), lines(new), name, f"{name} (formatted)"))


def _fmt(args: argparse.Namespace) -> int:
    from .fmt import format_ruleset
    from .inputs import read_text

    changed = same = failed = 0
    for name in args.files:
        shown = "<stdin>" if name == "-" else name
        try:
            old = sys.stdin.read() if name == "-" else read_text(Path(name))
            new = format_ruleset(old, shown)
            if name == "-" and not args.check:
                sys.stdout.write(new)
            elif new != old and not args.check:
                mode = Path(name).stat().st_mode & 0o7777
                _write(new, name)
                os.chmod(name, mode)  # the temporary file was private
        except GovinfoRulesError as err:
            # Every file that cannot be formatted is reported and left as it is.
            sys.stderr.write(err.render() + "\n")
            failed += 1
            continue
        except OSError as err:
            sys.stderr.write(f"{name}: error: cannot write: {err.strerror or err}\n")
            failed += 1
            continue
        if new == old:
            same += 1
            continue
        changed += 1
        if args.check:
            sys.stdout.write(_fmt_diff(old, new, shown))
            sys.stderr.write(f"would reformat {shown}\n")
        elif name != "-":
            sys.stderr.write(f"reformatted {name}\n")
    if args.files != ["-"]:
        done = "would be reformatted" if args.check else "reformatted"
        summary = f"{changed} file(s) {done}, {same} already formatted"
        sys.stderr.write(summary + (f", {failed} could not be formatted\n" if failed else "\n"))
    return 1 if failed or (args.check and changed) else 0


def _utf8_stdout() -> None:
    """Write UTF-8 whatever the locale: the same bytes everywhere, and no crash on a
    Chinese unit name under an ASCII locale (``-o FILE`` is UTF-8 too)."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and codecs.lookup(out.encoding).name != "utf-8":
        out.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdout()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
            print(ruleset.summary())
            return 0
        if args.command == "score":
            return _score(args)
        if args.command == "audit":
            return _audit(args)
        if args.command == "lint":
            return _lint(args)
        if args.command == "test":
            return _test(args)
        if args.command == "diff":
            return _diff(args)
        if args.command == "fmt":
            return _fmt(args)
        if args.command == "template":
            return _template(args)
        return _explain(args)
    except UsageError as err:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"govinfo-rules: error: {err.render()}\n")
        return 2
    except GovinfoRulesError as err:
        sys.stderr.write(err.render() + "\n")
        if isinstance(err, RecordError):
            count = err.invalid_count
            done = "nothing was written" if args.command == "template" else "nothing was scored"
            sys.stderr.write(f"govinfo-rules: {count} invalid record(s); {done}\n")
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
