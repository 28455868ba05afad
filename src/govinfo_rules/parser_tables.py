"""The grammar's LALR tables, computed once by a developer and committed as JSON.

Lark's LALR analysis of ``grammars/govinfo.lark`` costs about a quarter of a second in
every process that parses a ruleset.  ``grammars/govinfo.tables.json`` holds its result:
Lark's own ``memo_serialize`` data (renumbered by content, so that the file is the same
on every run), as JSON rather than a pickle so that loading it runs no code; Lark's
``_load_from_dict``, the loader of its standalone parsers, restores it.  A stamp records
the grammar's hash, the Lark version and the options that made the tables;
:func:`load_parser` declines tables whose stamp differs, so an edited grammar or another
Lark still parses correctly, only slower.  After changing the grammar::

    python -m govinfo_rules.parser_tables          # rewrite the tables
    python -m govinfo_rules.parser_tables --check  # exit 1 if they are stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from .resources import data_dir, grammar_path

REGENERATE: Final = "python -m govinfo_rules.parser_tables"
FORMAT: Final = 1
OPTIONS: Final[dict[str, Any]] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": True,
    "maybe_placeholders": False,
}

# JSON has neither tuples nor integer keys, and Lark's data has both (parse actions are
# pairs, parse states are numbered); these one-key objects carry them through exactly.
# The parse states, most of the data, are packed as flat rows of numbers, which JSON
# reads several times faster than thousands of small nested objects.
_TUPLE: Final = "__tuple__"
_INT_KEYS: Final = "__int_keys__"
_STATES: Final = "__lalr_states__"

_SHIFT: Final = 0  # the action code ParseTable.serialize gives a shift (1 is a reduce)


def tables_path() -> Path:
    return data_dir("grammars") / "govinfo.tables.json"


def build_parser(grammar: str) -> lark.Lark:
    """The parser from the grammar text: Lark's LALR analysis, the slow way."""
    return lark.Lark(grammar, **OPTIONS)


def stamp(grammar: str) -> dict[str, Any]:
    """Everything the tables depend on; tables with another stamp are not used."""
    return {
        "format": FORMAT,
        "lark": lark.__version__,
        "grammar_sha256": hashlib.sha256(grammar.encode("utf-8")).hexdigest(),
        "options": OPTIONS,
    }


# --- writing --------------------------------------------------------------------------


def dump_tables(grammar: str) -> str:
    """The tables file's text for ``grammar``: the same text for the same grammar and Lark."""
    data, memo = build_parser(grammar).memo_serialize([TerminalDef, Rule])
    data, memo = _canonical(data, memo)
    parts = {"stamp": stamp(grammar), "memo": memo, "data": data}
    lines = [f"{json.dumps(key)}: {_compact(_encode(value))}" for key, value in parts.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _PackedStates(dict[int, dict[int, tuple[int, Any]]]):
    """Parse states numbered 0, 1, 2...: each action (token, shift, state) or (token, reduce, {"@": rule})."""

    def rows(self) -> list[list[int]]:
        if list(self) != list(range(len(self))):
            raise ValueError("parse states must be numbered 0, 1, 2... to be packed")
        return [
            [n for token, action in actions.items() for n in (token, *_pack_action(action))]
            for actions in self.values()
        ]


def _pack_action(action: tuple[int, Any]) -> tuple[int, int]:
    kind, arg = action
    if kind == _SHIFT:
        return kind, arg
    if not (isinstance(arg, dict) and arg.keys() == {"@"}):
        raise ValueError(f"a reduce action names its rule by memo number, not {arg!r}")
    return kind, arg["@"]


def _unpack_states(rows: list[list[int]]) -> dict[int, dict[int, tuple[int, Any]]]:
    return {
        state: {
            row[i]: (row[i + 1], row[i + 2] if row[i + 1] == _SHIFT else {"@": row[i + 2]})
            for i in range(0, len(row), 3)
        }
        for state, row in enumerate(rows)
    }


def _encode(value: Any) -> Any:
    if isinstance(value, _PackedStates):
        return {_STATES: value.rows()}
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if value and all(type(k) is int for k in value):
            return {_INT_KEYS: [[k, _encode(v)] for k, v in value.items()]}
        if not all(isinstance(k, str) for k in value) or {_TUPLE, _INT_KEYS, _STATES} & value.keys():
            raise TypeError(f"cannot store a dict with keys {list(value)[:5]} in the parser tables")
        return {k: _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in the parser tables")


# Lark numbers memo entries and parse states in the order it meets them, which follows
# set iteration and object addresses: two runs on one grammar give differently numbered
# but equal tables.  Numbering both by content makes the committed file reproducible.


def _canonical(data: dict[str, Any], memo: dict[int, Any]) -> tuple[dict[str, Any], dict[int, Any]]:
    order = sorted(memo, key=lambda i: json.dumps(_encode(memo[i]), sort_keys=True, ensure_ascii=False))
    renumber = {old: new for new, old in enumerate(order)}
    memo = {renumber[old]: memo[old] for old in order}
    data = _renumber_refs(data, renumber)
    frontend = data["parser"]
    frontend["parser"] = _canonical_table(frontend["parser"])
    return data, memo


def _renumber_refs(value: Any, renumber: dict[int, int]) -> Any:
    if isinstance(value, dict):
        if value.keys() == {"@"}:
            return {"@": renumber[value["@"]]}
        return {k: _renumber_refs(v, renumber) for k, v in value.items()}
    if isinstance(value, list):
        return [_renumber_refs(v, renumber) for v in value]
    if isinstance(value, tuple):
        return tuple(_renumber_refs(v, renumber) for v in value)
    return value


def _canonical_table(table: dict[str, Any]) -> dict[str, Any]:
    if set(table) != {"tokens", "states", "start_states", "end_states"}:
        raise ValueError(f"unknown LALR table layout {sorted(table)}: this Lark serializes differently")
    names: dict[int, str] = table["tokens"]
    states = {state: {names[t]: action for t, action in actions.items()} for state, actions in table["states"].items()}
    roots = [table["start_states"][s] for s in sorted(table["start_states"])]
    roots += [table["end_states"][s] for s in sorted(table["end_states"])]
    new = _state_numbers(states, roots)
    tokens = sorted({name for actions in states.values() for name in actions})
    index = {name: i for i, name in enumerate(tokens)}
    return {
        "tokens": dict(enumerate(tokens)),
        "states": _PackedStates(
            {
                new[old]: {
                    index[name]: (kind, new[arg] if kind == _SHIFT else arg)
                    for name, (kind, arg) in sorted(states[old].items())
                }
                for old in sorted(states, key=new.__getitem__)
            }
        ),
        "start_states": {s: new[table["start_states"][s]] for s in sorted(table["start_states"])},
        "end_states": {s: new[table["end_states"][s]] for s in sorted(table["end_states"])},
    }


def _state_numbers(states: dict[int, dict[str, tuple[int, Any]]], roots: list[int]) -> dict[int, int]:
    """States numbered breadth first from the roots, following shifts in token-name order."""
    new: dict[int, int] = {}
    queue = deque(roots)
    while queue:
        state = queue.popleft()
        if state in new:
            continue
        new[state] = len(new)
        queue.extend(arg for _, (kind, arg) in sorted(states[state].items()) if kind == _SHIFT)
    if len(new) != len(states):
        raise ValueError(f"{len(states) - len(new)} LALR state(s) unreachable from the start")
    return new


# --- reading --------------------------------------------------------------------------


def _decode_object(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if _TUPLE in obj:
            return tuple(obj[_TUPLE])
        if _INT_KEYS in obj:
            return dict(obj[_INT_KEYS])
        if _STATES in obj:
            return _unpack_states(obj[_STATES])
    return obj


def read_tables(path: Path) -> dict[str, Any] | None:
    """The decoded tables file, or None if it is missing or not a JSON object."""
    try:
        tables = json.loads(path.read_text(encoding="utf-8"), object_hook=_decode_object)
    except (OSError, ValueError):
        return None
    return tables if isinstance(tables, dict) else None


def load_parser(grammar: str, path: Path | None = None) -> lark.Lark | None:
    """The parser restored from the tables, or None if they were not made from ``grammar`` by this Lark."""
    tables = read_tables(tables_path() if path is None else path)
    if tables is None or tables.get("stamp") != stamp(grammar):
        return None
    # The entry point Lark's standalone generator uses; it rebuilds the lexers and the
    # tree builder from the data and runs no LALR analysis.
    parser: lark.Lark = lark.Lark._load_from_dict(tables["data"], tables["memo"])  # type: ignore[no-untyped-call]
    return parser


def stale_reason(grammar: str, path: Path | None = None) -> str | None:
    """Why the tables would not be used for ``grammar``, or None if they would."""
    path = tables_path() if path is None else path
    tables = read_tables(path)
    if tables is None:
        return f"{path} is missing or not a JSON object"
    written, wanted = tables.get("stamp") or {}, stamp(grammar)
    changed = sorted(key for key in wanted if written.get(key) != wanted[key])
    if changed:
        return f"{path} was made with a different {', '.join(changed)}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govinfo_rules.parser_tables", description="Rewrite (or check) the grammar's LALR tables."
    )
    parser.add_argument("--check", action="store_true", help="exit 1, changing nothing, if the tables are stale")
    args = parser.parse_args(argv)
    grammar = grammar_path().read_text(encoding="utf-8")
    path = tables_path()
    if args.check:
        reason = stale_reason(grammar, path)
        if reason is None and path.read_text(encoding="utf-8") != dump_tables(grammar):
            reason = f"{path} differs from the tables the grammar gives"
        print(f"stale: {reason}; run `{REGENERATE}`" if reason else f"{path}: up to date")
        return 1 if reason else 0
    path.write_text(dump_tables(grammar), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
