"""What the cohort stage keeps of scored records (stage 5b): the memory of `per unit`
rules, awards and tier exemptions while records stream past.

Entry point: :func:`make_cohort`.  The cohort stage sees a unit (or an award entrant)
as its name, its totals and one list of records per record type.  Two ways to keep
those lists, one answer (tested against each other):

* :class:`KeptRecords` keeps every counted record's values (those the cohort reads),
  exactly as the language's meaning is written;
* :class:`RunningTallies` keeps no record at all: when every read of a record list is a
  ``count``, ``any`` or ``all`` whose condition looks at the item alone (and at the
  evaluation's date and period), each such aggregate becomes a running value per unit
  or entrant, updated as the records are scored.  The cohort's expressions are
  rewritten to read those values (:class:`ir.Tallied`), so memory stays flat however
  long the ledger is.  All bundled rulesets qualify; another ruleset falls back to
  :class:`KeptRecords`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol

import attrs

from . import ir
from .codegen import generate_condition
from .compile import CompiledMessages, CompiledRules, Fn, compile_expr
from .types import ListT, name_key

ZERO = Decimal(0)
Env = tuple[Any, ...]


# --- compiled cohort expressions -----------------------------------------------------


@attrs.frozen
class Tally:
    """One running aggregate of an entrant's records of one type."""

    func: str  # count | any | all
    record_type: str
    where: Callable[[tuple[Any, ...], Any], bool] | None  # (item, ctx): reads the item alone
    from_units: bool  # fed by the records credited to the unit, else by the award's entrants

    def start(self) -> Any:
        return True if self.func == "all" else (False if self.func == "any" else 0)


@attrs.frozen
class UnitBlock:
    """The `per unit` block, compiled."""

    block: ir.PerUnit
    lets: tuple[Fn, ...]
    rules: CompiledRules
    messages: CompiledMessages


@attrs.frozen
class AwardRun:
    """An award, compiled: entrants per record; measure and among per entrant."""

    award: ir.Award
    entrants: Fn
    measure: Fn
    among: Fn | None


@attrs.frozen
class Plan:
    """The cohort's compiled expressions; with ``tallies``, rewritten to read running values."""

    unit: UnitBlock | None
    awards: tuple[AwardRun, ...]
    unit_tallies: tuple[Tally, ...] | None  # None: the records are kept
    award_tallies: tuple[tuple[Tally, ...], ...]


def _compile_unit(block: ir.PerUnit) -> UnitBlock:
    return UnitBlock(
        block,
        tuple(compile_expr(e) for e in block.lets),
        CompiledRules(block.rules),
        CompiledMessages(block.warns, block.reminds),
    )


def _compile_award(award: ir.Award) -> AwardRun:
    among = compile_expr(award.among) if award.among is not None else None
    return AwardRun(award, compile_expr(award.entrants), compile_expr(award.measure), among)


def plan(program: ir.Program, *, running: bool = True) -> Plan:
    """The cohort stage of ``program``: with running tallies where possible."""
    unit = program.per_unit
    if running:
        try:
            return _running_plan(program)
        except _NotRunning:
            pass
    return Plan(
        _compile_unit(unit) if unit is not None else None,
        tuple(_compile_award(a) for a in program.awards),
        None,
        (),
    )


class _NotRunning(Exception):
    """A cohort expression reads a record list other than through a running aggregate."""


def _running_plan(program: ir.Program) -> Plan:
    unit_block: UnitBlock | None = None
    unit_tallies: tuple[Tally, ...] = ()
    if program.per_unit is not None:
        block = program.per_unit
        rewriter = _Rewriter(block.scope, program.name, entrant_fed=frozenset())
        lists = rewriter.lists
        if any(index in lists for _, index in block.shows):
            raise _NotRunning("a column shows a record list")
        rewritten = attrs.evolve(
            block,
            lets=tuple(rewriter.expr(e, 0) for e in block.lets),
            rules=tuple(rewriter.owner(r) for r in block.rules),
            warns=tuple(rewriter.owner(w) for w in block.warns),
            reminds=tuple(rewriter.owner(r) for r in block.reminds),
        )
        unit_block = _compile_unit(rewritten)
        unit_tallies = tuple(rewriter.tallies)
    awards: list[AwardRun] = []
    award_tallies: list[tuple[Tally, ...]] = []
    for award in program.awards:
        # An award over units also reads the unit's records of other types.
        fed = frozenset((award.record,)) if award.entrants_are_targets else frozenset(award.scope.types)
        rewriter = _Rewriter(award.scope, program.name, entrant_fed=fed)
        measure = rewriter.expr(award.measure, 0)
        among = rewriter.expr(award.among, 0) if award.among is not None else None
        awards.append(_compile_award(attrs.evolve(award, measure=measure, among=among)))
        award_tallies.append(tuple(rewriter.tallies))
    return Plan(unit_block, tuple(awards), unit_tallies, tuple(award_tallies))


_EXPRS = tuple(ir.Expr.__args__)


class _Rewriter:
    """Cohort expressions with their aggregates over record lists made running tallies."""

    def __init__(self, scope: ir.Entrant, ruleset: str, *, entrant_fed: frozenset[str]) -> None:
        self.ruleset = ruleset
        # The entrant scope: (name, points, yuan, one list per record type, lets...).
        self.lists = {3 + i: t for i, t in enumerate(scope.types)}
        self.entrant_fed = entrant_fed  # record types whose lists are the award entrant's own
        self.tallies: list[Tally] = []
        self.slots: dict[Any, int] = {}

    def owner(self, node: Any) -> Any:
        """A rule, warning or reminder with its expressions rewritten."""
        changes = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            if isinstance(value, _EXPRS):
                changes[field.name] = self.expr(value, 0)
            elif isinstance(value, tuple) and any(isinstance(v, _EXPRS) for v in value):
                changes[field.name] = tuple(self.expr(v, 0) if isinstance(v, _EXPRS) else v for v in value)
        return attrs.evolve(node, **changes)

    def expr(self, node: Any, level: int) -> Any:
        if isinstance(node, ir.Field) and node.depth == level and node.index in self.lists:
            raise _NotRunning("a record list read as a whole")
        if (
            isinstance(node, ir.Aggregate)
            and isinstance(node.items, ir.Field)
            and node.items.depth == level
            and node.items.index in self.lists
        ):
            return self._tally(node, level)
        if isinstance(node, ir.Aggregate):
            where = self.expr(node.where, level + 1) if node.where is not None else None
            return attrs.evolve(node, items=self.expr(node.items, level), where=where)
        if not isinstance(node, _EXPRS):
            return node
        changes = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            if isinstance(value, _EXPRS):
                changes[field.name] = self.expr(value, level)
            elif isinstance(value, tuple) and any(isinstance(v, _EXPRS) for v in value):
                changes[field.name] = tuple(self.expr(v, level) for v in value)
        return attrs.evolve(node, **changes) if changes else node

    def _tally(self, node: ir.Aggregate, level: int) -> ir.Tallied:
        assert isinstance(node.items, ir.Field)
        if node.wrap or node.func not in ("count", "any", "all"):
            raise _NotRunning(f"{node.func} over a record list")
        if node.where is not None and _reaches_out(node.where, 0):
            raise _NotRunning("a condition that reads the entrant, not only the item")
        record_type = self.lists[node.items.index]
        key: Any = (node.func, node.items.index, node.where)
        try:
            hash(key)
        except TypeError:
            key = object()
        if key not in self.slots:
            self.slots[key] = len(self.tallies)
            where = _condition(node.where, node.items.type, self.ruleset) if node.where is not None else None
            self.tallies.append(Tally(node.func, record_type, where, record_type not in self.entrant_fed))
        return ir.Tallied(self.slots[key], node.type)


def _condition(cond: ir.Expr, items: Any, ruleset: str) -> Callable[[tuple[Any, ...], Any], bool]:
    """A tally's condition on one item: generated Python, or the closures."""
    item = items.item if isinstance(items, ListT) else None
    generated = generate_condition(cond, item, ruleset)
    if generated is not None:
        return generated
    closure = compile_expr(cond)
    return lambda values, ctx: closure((values, None, ctx)) is True


def _reaches_out(node: Any, level: int) -> bool:
    """Whether an expression evaluated with the item as scope 0 reads a scope beyond it."""
    if isinstance(node, ir.Field):
        return node.depth > level
    if isinstance(node, ir.Aggregate):
        inner = node.where is not None and _reaches_out(node.where, level + 1)
        return inner or _reaches_out(node.items, level)
    if not isinstance(node, _EXPRS):
        return False
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        parts = value if isinstance(value, tuple) else (value,)
        if any(isinstance(v, _EXPRS) and _reaches_out(v, level) for v in parts):
            return True
    return False


# --- the memory ------------------------------------------------------------------------


class Cohort(Protocol):
    """What the evaluation tells the cohort, and what the cohort stage asks of it."""

    def credit(self, key: str, record_type: str, item: tuple[Any, ...]) -> None: ...

    def count(self, award: int, key: str, record_type: str, item: tuple[Any, ...]) -> None: ...

    def unit_values(self, key: str, name: str, points: Decimal, yuan: Decimal) -> Env: ...

    def has_records(self, key: str, types: Sequence[str]) -> bool: ...

    def award_values(self, award: int, key: str, name: str, points: Decimal, yuan: Decimal) -> Env: ...


def _entrant(name: str, points: Decimal, yuan: Decimal, lists: Iterable[Any]) -> tuple[Any, ...]:
    return (name, points, yuan, *lists)


class KeptRecords:
    """Every counted record kept in its unit's and its entrants' lists."""

    def __init__(self, plan: Plan, types: Sequence[str], ctx: Any) -> None:
        self.plan = plan
        self.ctx = ctx
        self.types = tuple(types)
        self.lists: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
        self.award_lists: list[dict[str, list[tuple[Any, ...]]]] = [{} for _ in plan.awards]

    def credit(self, key: str, record_type: str, item: tuple[Any, ...]) -> None:
        lists = self.lists.get(key)
        if lists is None:
            lists = self.lists[key] = {t: [] for t in self.types}
        lists[record_type].append(item)

    def count(self, award: int, key: str, record_type: str, item: tuple[Any, ...]) -> None:
        self.award_lists[award].setdefault(key, []).append(item)

    def has_records(self, key: str, types: Sequence[str]) -> bool:
        lists = self.lists.get(key, {})
        return any(lists.get(t) for t in types)

    def unit_values(self, key: str, name: str, points: Decimal, yuan: Decimal) -> Env:
        assert self.plan.unit is not None
        lists = self.lists.get(key, {})
        scope = self.plan.unit.block.scope
        return (_entrant(name, points, yuan, (tuple(lists.get(t, ())) for t in scope.types)), self.ctx)

    def award_values(self, award: int, key: str, name: str, points: Decimal, yuan: Decimal) -> Env:
        run = self.plan.awards[award].award
        own = self.award_lists[award].get(key, [])
        lists: dict[str, Any] = {run.record: own}
        if run.entrants_are_targets:
            # A unit entrant sees all its records, of every type, as the per-unit block does.
            lists = {**self.lists.get(key, {}), run.record: own}
        return (_entrant(name, points, yuan, (tuple(lists.get(t, ())) for t in run.scope.types)), self.ctx)


class _Book:
    """One consumer's running values (the `per unit` block's, or one award's), per entrant."""

    def __init__(self, tallies: Sequence[Tally]) -> None:
        self.tallies = tuple(tallies)
        self.starts = tuple(t.start() for t in tallies)
        self.rows: dict[str, list[Any]] = {}

    def read(self, key: str) -> tuple[Any, ...]:
        row = self.rows.get(key)
        return self.starts if row is None else tuple(row)


Feed = tuple[_Book, int, Tally]


class RunningTallies:
    """Per unit and per entrant, running values instead of records."""

    def __init__(self, plan: Plan, types: Sequence[str], ctx: Any) -> None:
        assert plan.unit_tallies is not None
        self.plan = plan
        self.ctx = ctx
        self.counts: dict[str, dict[str, int]] = {}  # records per unit and type: ranking groups
        self.unit_book = _Book(plan.unit_tallies)
        self.award_books = [_Book(tallies) for tallies in plan.award_tallies]
        self.unit_feeds = _feeds([self.unit_book, *self.award_books], from_units=True)
        self.award_feeds = [_feeds([book], from_units=False) for book in self.award_books]

    def credit(self, key: str, record_type: str, item: tuple[Any, ...]) -> None:
        counts = self.counts.get(key)
        if counts is None:
            counts = self.counts[key] = {}
        counts[record_type] = counts.get(record_type, 0) + 1
        self._feed(self.unit_feeds.get(record_type, ()), key, item)

    def count(self, award: int, key: str, record_type: str, item: tuple[Any, ...]) -> None:
        self._feed(self.award_feeds[award].get(record_type, ()), key, item)

    def _feed(self, feeds: Iterable[Feed], key: str, item: tuple[Any, ...]) -> None:
        ctx = self.ctx
        # Tally.step, inlined: this runs for every record and every tally.
        for book, slot, tally in feeds:
            row = book.rows.get(key)
            if row is None:
                row = book.rows[key] = list(book.starts)
            where = tally.where
            hit = where is None or where(item, ctx)
            if tally.func == "count":
                if hit:
                    row[slot] += 1
            elif tally.func == "any":
                if hit:
                    row[slot] = True
            elif not hit:
                row[slot] = False

    def has_records(self, key: str, types: Sequence[str]) -> bool:
        counts = self.counts.get(key, {})
        return any(counts.get(t) for t in types)

    def unit_values(self, key: str, name: str, points: Decimal, yuan: Decimal) -> Env:
        assert self.plan.unit is not None
        lists = (None for _ in self.plan.unit.block.scope.types)  # never read: every read is a tally
        return (_entrant(name, points, yuan, lists), (*self.ctx[:2], self.unit_book.read(key)))

    def award_values(self, award: int, key: str, name: str, points: Decimal, yuan: Decimal) -> Env:
        lists = (None for _ in self.plan.awards[award].award.scope.types)
        return (_entrant(name, points, yuan, lists), (*self.ctx[:2], self.award_books[award].read(key)))


def _feeds(books: Sequence[_Book], *, from_units: bool) -> dict[str, list[Feed]]:
    """Per record type, the running values that a record of that type moves on."""
    out: dict[str, list[Feed]] = {}
    for book in books:
        for slot, tally in enumerate(book.tallies):
            if tally.from_units == from_units:
                out.setdefault(tally.record_type, []).append((book, slot, tally))
    return out


def make_cohort(plan: Plan, types: Sequence[str], ctx: Any) -> Cohort:
    if plan.unit_tallies is not None:
        return RunningTallies(plan, types, ctx)
    return KeptRecords(plan, types, ctx)


def entrants_of(run: AwardRun, item: tuple[Any, ...], ctx: Any) -> Iterator[str]:
    """The award's entrants named by one record, each once (by name identity)."""
    found = run.entrants((item, ctx))
    seen: set[str] = set()
    for name in found if isinstance(found, tuple) else (found,):
        key = name_key(name)
        if key not in seen:
            seen.add(key)
            yield name
