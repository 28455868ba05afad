"""The public :class:`Ruleset`: a checked, compiled ruleset ready to score records."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import ir, nodes
from .build import build_ruleset
from .check import check_ruleset
from .codegen import generate_score
from .compile import CompiledScore, Outcome, extend
from .errors import Diagnostic, RecordError, RulesetError, UsageError
from .evaluate import CompiledProgram, evaluate, period_values
from .inputs import Input, RawRecord, header_names, read_ledger
from .parse import parse_tree
from .periods import Period, parse_date
from .report import Report
from .resources import bundled_rulesets
from .source import SourceText, Span
from .validate import Record, Validated, Validator


class Ruleset:
    """A ruleset compiled from the policy language.

    Build one with :func:`load_ruleset` or :func:`compile_ruleset`; score records with
    :meth:`evaluate`.
    """

    def __init__(self, program: ir.Program, source: SourceText, ast: nodes.Ruleset | None = None) -> None:
        self.program = program
        self.source = source
        self.ast = ast  # the ruleset as written, for static queries such as `lint`
        self._validator = Validator(program)
        self._compiled = CompiledProgram(program)

    @property
    def name(self) -> str:
        """The ruleset's name as declared (``ruleset wenzhou``)."""
        return self.program.name

    @property
    def version(self) -> str | None:
        """The declared ``version``, if any."""
        return self.program.version

    @property
    def title(self) -> str | None:
        """The title given after the name (the notice's name), if any."""
        return self.program.title

    @property
    def params(self) -> dict[str, Any]:
        """Parameter values in force (defaults with any overrides applied)."""
        return {p.name: p.value for p in self.program.params}

    def summary(self) -> str:
        """One line: the ruleset's name and what it declares."""
        program = self.program
        unit = program.per_unit
        rules = sum(len(g.rules) for s in program.scores for g in s.groups) + (len(unit.rules) if unit else 0)
        warns = sum(len(s.warns) for s in program.scores) + (len(unit.warns) if unit else 0)
        reminds = sum(len(s.reminds) for s in program.scores) + (len(unit.reminds) if unit else 0)
        parts = [
            f"{len(program.schemas)} record type(s)",
            f"{rules} rule(s)",
            f"{warns} warning check(s)",
            *([f"{reminds} reminder(s)"] if reminds else []),
            f"{len(program.awards)} award(s)",
            f"{len(program.params)} parameter(s)",
            *([f"{len(program.table_names)} table(s)"] if program.table_names else []),
        ]
        return f"{self.name} {self.version or ''}".strip() + ": ok — " + ", ".join(parts)

    # --- records --------------------------------------------------------------------

    def validate_raw(self, raws: Iterable[RawRecord]) -> Validated:
        """Type raw records; problems are returned, not raised."""
        return self._validator.validate(raws)

    def validate(self, records: Iterable[Mapping[str, Any]], *, name: str = "<records>") -> list[Record]:
        """Type and check plain dicts; raise :class:`RecordError` listing every problem."""
        items = (r if type(r) is dict else dict(r) if isinstance(r, Mapping) else r for r in records)
        result = self._validator.validate_objects(items, Input(name, "", ()))
        if result.problems:
            raise RecordError(result.problems)
        return list(result.records)

    def read(self, path: str | Path, *, fmt: str | None = None, sheet: str | None = None) -> Validated:
        """Read and type a ledger file (JSON Lines, JSON, CSV, or an ``.xlsx`` workbook's
        ``sheet``, default the first, with the ``xlsx`` extra); CSV and sheet columns may
        be named by the fields' labels.  Problems are returned."""
        _, read = read_ledger(Path(path), fmt=fmt, sheet=sheet, headers=header_names(self.program))
        validated = self._validator.validate(read.records)
        problems = sorted(read.problems + validated.problems, key=lambda p: p.line)
        return Validated(validated.records, validated.warnings, tuple(problems))

    # --- scoring ----------------------------------------------------------------------

    def evaluate(
        self,
        records: Iterable[Record | Mapping[str, Any]],
        *,
        as_of: dt.date | str | None = None,
        period: Period | str | None = None,
        trace: bool = True,
    ) -> Report:
        """Score records and return the :class:`Report`.

        ``records`` are validated :class:`Record` objects (from :meth:`validate` or
        :meth:`read`) or plain dicts, which are validated first (:class:`RecordError`
        lists every bad one).  ``as_of`` defaults to today; ``period`` (``"2024"``,
        ``"2024-Q3"``, ``"2024-03"``) to every record.
        """
        items = list(records)
        warnings: tuple[tuple[str, str], ...] = ()
        if any(not isinstance(r, Record) for r in items):
            plain = [(i, r) for i, r in enumerate(items, 1) if not isinstance(r, Record)]
            source = Input("<records>", "", ())
            result = self._validator.validate_objects([r for _, r in plain], source, [i for i, _ in plain])
            if result.problems:
                raise RecordError(result.problems)
            typed = [r for r in items if isinstance(r, Record)] + list(result.records)
            warnings = result.warnings
        else:
            typed = [r for r in items if isinstance(r, Record)]
        return self.evaluate_validated(typed, as_of=as_of, period=period, trace=trace, warnings=warnings)

    def scorer(
        self, record_type: str, *, as_of: dt.date | str | None = None, period: Period | str | None = None
    ) -> Callable[[Record], tuple[Decimal, Decimal]]:
        """A function scoring one validated record of ``record_type``: its (points, yuan)
        as the record's score block computes them, before crediting units — no trace,
        no warnings; per-unit rules, ranks and awards need :meth:`evaluate`.  For host
        systems that score on every save, and for benchmarks."""
        score, ctx = self._score_block(record_type, as_of, period)
        schema = next(s for s in self.program.schemas if s.name == record_type)
        fast = generate_score(score.score, schema, self.name, ctx=ctx)
        if fast is not None:
            return fast  # type: ignore[return-value]
        run = score.run

        def score_one(record: Record) -> tuple[Decimal, Decimal]:
            outcome = run(record.values, ctx, trace=False)
            return outcome.points, outcome.yuan

        return score_one

    def _score_block(
        self, record_type: str, as_of: dt.date | str | None, period: Period | str | None
    ) -> tuple[CompiledScore, Any]:
        score = self._compiled.scores.get(record_type)
        if score is None:
            known = ", ".join(self._compiled.scores)
            raise UsageError(f"no score block for record type '{record_type}' (scored types: {known})")
        day = as_of if isinstance(as_of, dt.date) else parse_date(as_of) if as_of else dt.date.today()
        chosen = Period.parse(period) if isinstance(period, str) else period
        return score, (day, period_values(chosen, day))

    def tracer(
        self, record_type: str, *, as_of: dt.date | str | None = None, period: Period | str | None = None
    ) -> Callable[[Record], Outcome]:
        """Like :meth:`scorer`, with the trace: a function giving one validated record's
        :class:`~govinfo_rules.compile.Outcome` — ``points``, ``yuan`` and ``lines``, the
        rules that paid and what each gave, as ``explain`` shows them — before crediting
        units.  The numbers are the scorer's (tested)."""
        score, ctx = self._score_block(record_type, as_of, period)
        run = score.run
        score.prepare_trace()

        def trace_one(record: Record) -> Outcome:
            return run(record.values, ctx, trace=True)

        return trace_one

    def computed(self, record: Record, *, as_of: dt.date, period: str | None) -> tuple[tuple[str, Any], ...]:
        """The values of the `let`s of a record's score block, as `explain` shows them."""
        score = self._compiled.scores.get(record.type)
        if score is None or not score.lets:
            return ()
        chosen = Period.parse(period) if period else None
        values = extend(record.values, score.lets, (as_of, period_values(chosen, as_of)))
        return tuple(zip(score.score.let_names, values[len(record.values) :], strict=True))

    def evaluate_validated(
        self,
        records: Iterable[Record],
        *,
        as_of: dt.date | str | None = None,
        period: Period | str | None = None,
        trace: bool = True,
        warnings: Iterable[tuple[str, str]] = (),
    ) -> Report:
        day = as_of if isinstance(as_of, dt.date) else parse_date(as_of) if as_of else dt.date.today()
        chosen = Period.parse(period) if isinstance(period, str) else period
        if chosen is None and self.program.period_default == "year":
            chosen = Period.year_of(day)  # quotas need a period: the calendar year of as_of
        return evaluate(
            self._compiled,
            list(records),
            as_of=day,
            period=chosen,
            trace=trace,
            extra_warnings=tuple(warnings),
        )


def compile_ruleset(
    source: str,
    *,
    filename: str = "<ruleset>",
    overrides: Mapping[str, Any] | None = None,
    base_dir: str | Path | None = None,
) -> Ruleset:
    """Parse, check and compile ruleset text.

    Data tables the ruleset reads (``table T from "file.csv"``) are looked up in
    ``base_dir`` (default: the directory of ``filename``).  Raises
    :class:`RulesetSyntaxError` or :class:`RulesetError`, each holding every problem
    found with its ``file:line:col``.
    """
    text = SourceText(filename, source)
    directory = Path(base_dir) if base_dir is not None else Path(filename).parent
    ast = build_ruleset(parse_tree(text), text)
    return Ruleset(check_ruleset(ast, overrides, directory), text, ast)


def load_ruleset(name_or_path: str | Path, *, overrides: Mapping[str, Any] | None = None) -> Ruleset:
    """A bundled ruleset by name (``"wenzhou"``) or a ruleset file by path."""
    bundled = bundled_rulesets()
    if isinstance(name_or_path, str) and name_or_path in bundled:
        path = bundled[name_or_path]
        shown = f"rulesets/{path.name}"
    else:
        path = Path(name_or_path)
        shown = str(name_or_path)
    try:
        data = path.read_bytes()
    except OSError as err:
        known = ", ".join(bundled)
        reason = "no such file" if isinstance(err, FileNotFoundError) else (err.strerror or str(err))
        here = Span(SourceText(shown, ""), 1, 1, 1, 1)
        # A bare word close to a bundled name is most likely that name mistyped.
        close = difflib.get_close_matches(str(name_or_path), list(bundled), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close and path.suffix == "" and len(path.parts) == 1 else ""
        raise RulesetError(
            [Diagnostic(f"cannot read ruleset '{shown}': {reason} (bundled rulesets: {known}){hint}", here)]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        here = Span(SourceText(shown, ""), 1, 1, 1, 1)
        raise RulesetError([Diagnostic(f"ruleset '{shown}' is not UTF-8 text (byte {err.start})", here)]) from None
    return compile_ruleset(text, filename=shown, overrides=overrides, base_dir=path.parent)


__all__ = ["Ruleset", "UsageError", "compile_ruleset", "load_ruleset"]
