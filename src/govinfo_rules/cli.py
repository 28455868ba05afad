"""The ``govinfo-rules`` command: check, score, explain.

Exit status: 0 success; 1 invalid ruleset or invalid input (every problem on stderr
as ``FILE:LINE:COL: error: ...`` with the line and a caret); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from . import __version__
from .errors import GovinfoRulesError, InputError, RecordError, UsageError
from .explain import explain_record
from .periods import Period, parse_date
from .render import render_csv_units, render_table
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
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="override a ruleset parameter (repeatable)",
        )

    def run_args(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("input", metavar="INPUT", help="records: .jsonl, .json or .csv")
        sub.add_argument("--as-of", metavar="DATE", help="evaluation date YYYY-MM-DD (default: today)")
        sub.add_argument("--period", metavar="P", help="2024, 2024-Q3 or 2024-03 (default: all records)")

    check = commands.add_parser("check", help="parse, compile and validate a ruleset")
    ruleset_args(check)

    score = commands.add_parser("score", help="score a ledger")
    ruleset_args(score)
    run_args(score)
    score.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    score.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
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

    explain = commands.add_parser("explain", help="every rule that fired for one record, with citations")
    ruleset_args(explain)
    run_args(explain)
    explain.add_argument("--id", required=True, metavar="ID", help="the record to explain")
    return parser


def _overrides(pairs: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param takes NAME=VALUE, got '{pair}'")
        out[name.strip()] = value.strip()
    return out


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    # Write beside the target and rename, so a reader never sees half a file.
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(ruleset: Ruleset, args: argparse.Namespace, skip_invalid: bool) -> tuple[Validated, tuple[Rejected, ...]]:
    validated = ruleset.read(args.input)
    rejected: tuple[Rejected, ...] = ()
    if validated.problems:
        if not skip_invalid:
            raise RecordError(validated.problems)
        rejected = tuple(Rejected(p.record_id, p.field, p.message, p.line) for p in validated.problems)
    return validated, rejected


def _period(text: str | None) -> Period | None:
    return Period.parse(text) if text else None


def _score(args: argparse.Namespace) -> int:
    if args.format == "xlsx":
        raise UsageError("--format xlsx is not available yet; use json, csv or table")
    ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
    as_of = parse_date(args.as_of) if args.as_of else None
    period = _period(args.period)
    validated, rejected = _read(ruleset, args, args.skip_invalid)
    report = ruleset.evaluate_validated(validated.records, as_of=as_of, period=period, warnings=validated.warnings)
    if rejected:
        report = attrs.evolve(report, rejected=rejected)
    if args.format == "json":
        text = report.to_json_text()
    elif args.format == "csv":
        text = render_csv_units(report)
    else:
        text = render_table(report)
    _write(text, args.output)
    if rejected:
        sys.stderr.write(
            f"govinfo-rules: {len(validated.records)} record(s) scored, "
            f"{report.rejected_count} rejected (see 'rejected')\n"
        )
    return 0


def _explain(args: argparse.Namespace) -> int:
    ruleset = load_ruleset(args.ruleset, overrides=_overrides(args.param))
    as_of = parse_date(args.as_of) if args.as_of else None
    validated, _ = _read(ruleset, args, False)
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


def main(argv: Sequence[str] | None = None) -> int:
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
        return _explain(args)
    except UsageError as err:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"govinfo-rules: error: {err.render()}\n")
        return 2
    except GovinfoRulesError as err:
        sys.stderr.write(err.render() + "\n")
        if isinstance(err, RecordError):
            count = err.invalid_count
            sys.stderr.write(f"govinfo-rules: {count} invalid record(s); nothing was scored\n")
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
