"""The generated accept path of validation (fastvalidate.py): the same records, values,
warnings and problems as the careful path on every input, used for every record of the
example ledgers, and no ruleset text in the generated source."""

from __future__ import annotations

import datetime as dt
import io
import keyword
import linecache
import re
import tokenize
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govinfo_rules import compile_ruleset, load_ruleset
from govinfo_rules.compile import EvaluationError
from govinfo_rules.inputs import Input, RawRecord, read_records
from govinfo_rules.ruleset import Ruleset
from govinfo_rules.testing import invalid_records, records
from govinfo_rules.types import BOOL, DATE, DECIMAL, INTEGER, NAME, TEXT, EnumT, ListT, StructT, Type
from govinfo_rules.validate import Validated, Validator

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ("wenzhou", "ganzhou", "wanren")
EXAMPLES = {
    "wenzhou": "wenzhou-2024.jsonl",
    "ganzhou": "ganzhou-2020-Q3.jsonl",
    "wanren": "wanren-2024.jsonl",
}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _view(result: Validated) -> tuple[Any, ...]:
    # repr: 3 == Decimal(3) and Decimal("0.5") == Decimal("0.50"), but the values differ.
    return (
        [(r.id, r.type, repr(r.values), r.line, r.input) for r in result.records],
        result.warnings,
        [p.render() for p in result.problems],
    )


def _raws(items: list[Any]) -> list[RawRecord]:
    source = Input("<records>", "", ())
    return [RawRecord(item, line, source, False) for line, item in enumerate(items, 1)]


def _same(ruleset: Ruleset, items: list[Any]) -> Validated:
    fast = Validator(ruleset.program).validate(_raws(items))
    slow = Validator(ruleset.program, fast=False).validate(_raws(items))
    assert _view(fast) == _view(slow)
    # The route for Python objects, without a RawRecord per record (Ruleset.validate).
    objects = Validator(ruleset.program).validate_objects(items, Input("<records>", "", ()))
    assert _view(objects) == _view(slow)
    return fast


@pytest.fixture(scope="module", params=RULESETS)
def ruleset(request: pytest.FixtureRequest) -> Ruleset:
    return load_ruleset(request.param)


def test_every_record_type_of_the_bundled_rulesets_is_generated(ruleset: Ruleset) -> None:
    validator = Validator(ruleset.program)
    assert all(validator.fast[s.name] is not None for s in ruleset.program.schemas)
    assert Validator(ruleset.program, fast=False).fast == {}


# --- the two paths agree ----------------------------------------------------------------


def test_valid_records_give_the_same_result(ruleset: Ruleset) -> None:
    @SETTINGS
    @given(st.lists(records(ruleset), min_size=1, max_size=5))
    def check(items: list[dict[str, Any]]) -> None:
        result = _same(ruleset, items)
        assert not result.warnings
        for item in items:  # each one taken by the generated function itself
            fast = validator.fast[item.get("type", only)]
            assert fast is not None and fast(item) is not None

    validator = Validator(ruleset.program)
    only = ruleset.program.schemas[0].name

    check()


def test_invalid_records_give_the_same_problems(ruleset: Ruleset) -> None:
    @SETTINGS
    @given(st.lists(invalid_records(ruleset), min_size=1, max_size=3))
    def check(pairs: list[tuple[dict[str, Any], str]]) -> None:
        result = _same(ruleset, [record for record, _ in pairs])
        assert result.problems

    check()


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def _spellings(enum: EnumT) -> list[str]:
    declared = [*enum.values, *(s for s, _ in enum.lookup)]
    return [
        *declared,
        *(_fullwidth(s) for s in declared),  # 动态汇报（成效类）
        *(f" {s}\u3000" for s in declared),
        *(s.upper() for s in declared),
        "不存在的值",
    ]


ANYTHING = [None, 1.5, True, False, 0, -1, "", "  ", [], {}, "x", Decimal("NaN")]
SCALARS: dict[Type, list[Any]] = {
    TEXT: [" 医务科 ", "ＡＢＣ", "\u3000陈静", "a\u0301", 7, Decimal("1.0"), "WZ-1", "\x1f"],
    INTEGER: [3, 0, -5, 10**6, Decimal("3.0"), Decimal("3.5"), "3", 2.0, Decimal("Infinity")],
    DECIMAL: [
        *(Decimal(x) for x in ("0.50", "-0", "0.1", "Infinity", "-Infinity", "NaN", "sNaN", "1E+3")),
        *("0.5", " 0.25 ", "１.５", "+.5", "5.", "1e3", "NaN", "Infinity", "٣"),
        *(0.5, 1, 0, -1),
    ],
    BOOL: [True, False, 1, 0, "true", "是"],
    DATE: [
        *("2024-01-05", " 2024-01-05 ", "2024-1-5", "２０２４-01-05", "2024-02-30", "2024-01-05\n", "20240105"),
        dt.date(2024, 1, 5),  # a date object: not JSON, refused
    ],
}
SCALARS[NAME] = SCALARS[TEXT]


def _odd_values(ftype: Type) -> list[Any]:
    """Values of and around a field type: the usual ones, the ones only the careful path
    types, and the wrong ones."""
    if isinstance(ftype, EnumT):
        typed = _spellings(ftype)
    elif isinstance(ftype, ListT):
        items = _odd_values(ftype.item)
        typed = ["x", {}, *([item] for item in items), [items[0], items[-1]], [items[0], None]]
    elif isinstance(ftype, StructT):
        typed = [{"type": "x"}, {"remarks": 1}, *({spec.name: v} for spec in ftype.fields for v in ANYTHING[:3])]
    else:
        typed = SCALARS.get(ftype, [])
    return [*typed, *ANYTHING]


def _odd(ftype: Type) -> st.SearchStrategy[Any]:
    if isinstance(ftype, ListT):
        return st.lists(_odd(ftype.item), max_size=3) | st.sampled_from(_odd_values(ftype))
    if isinstance(ftype, StructT):
        fields = {spec.name: _odd(spec.type) for spec in ftype.fields}
        return st.fixed_dictionaries({}, optional={**fields, "type": st.just("x"), "remarks": st.just(1)})
    return st.sampled_from(_odd_values(ftype))


@st.composite
def _mutated(draw: st.DrawFn, ruleset: Ruleset) -> dict[str, Any]:
    """A valid record with a few fields (of the record or of one of its nested objects)
    replaced by odd values, removed, or joined by unknown ones."""
    record = dict(draw(records(ruleset)))
    schema = next(s for s in ruleset.program.schemas if s.name == record.get("type", s.name))
    for _ in range(draw(st.integers(1, 3))):
        target, struct = record, schema.struct
        nested = [
            (spec, i)
            for spec in struct.fields
            if isinstance(spec.type, ListT)
            if isinstance(record.get(spec.name), list)  # (not after an odd value)
            for i in range(len(record[spec.name]))
        ]
        if nested and draw(st.booleans()):
            spec, index = draw(st.sampled_from(nested))
            item = record[spec.name][index]
            assert isinstance(spec.type, ListT)
            if isinstance(item, dict) and isinstance(spec.type.item, StructT):
                copied = [*record[spec.name]]
                copied[index] = target = dict(item)
                record[spec.name] = copied
                struct = spec.type.item
        spec = draw(st.sampled_from(struct.fields))
        action = draw(st.sampled_from(["odd", "odd", "odd", "remove", "null", "unknown"]))
        if action == "odd":
            target[spec.name] = draw(_odd(spec.type))
        elif action == "remove":
            target.pop(spec.name, None)
        elif action == "null":
            target[spec.name] = None
        else:
            target[draw(st.sampled_from(["remarks", "type", "qualifed", "id"]))] = draw(st.sampled_from(["x", 1, None]))
    return record


def test_odd_records_give_the_same_result(ruleset: Ruleset) -> None:
    @SETTINGS
    @given(st.lists(_mutated(ruleset) | records(ruleset), min_size=1, max_size=4))
    def check(items: list[dict[str, Any]]) -> None:
        _same(ruleset, items)

    check()


def test_hand_written_oddities_give_the_same_result() -> None:
    ruleset = load_ruleset("wenzhou")
    base = {
        "id": "R-1",
        "unit": "医务科",
        "authors": ["陈静"],
        "submitted_on": "2024-01-05",
        "kind": "快报",
        "qualified": True,
        "adoptions": [{"level": "市卫健委", "action": "采用"}],
    }
    variants: list[Any] = [
        base,
        {**base, "kind": "动态汇报（成效类）"},  # full-width brackets: NFKC makes it the label
        {**base, "kind": "快报(成效类)"},  # an alias
        {**base, "kind": " 调研稿 "},
        {**base, "kind": "快報"},
        {**base, "unit": " 医务科\u3000", "title": "  温州 ", "authors": ["陈 静", "ＡＢ"]},
        {**base, "chars": 300.0},
        {**base, "chars": True},
        {**base, "chars": Decimal("300")},
        {**base, "chars": -1},
        {**base, "chars": None, "event_on": None, "title": None},
        {**base, "qualified": 1},
        {**base, "remarks": "x"},
        {**base, "type": "submission"},
        {**base, "type": "other"},
        {key: value for key, value in base.items() if key != "adoptions"},
        {key: value for key, value in base.items() if key != "authors"},
        {**base, "authors": []},
        {**base, "adoptions": None},
        {**base, "adoptions": [{"level": "市卫健委", "action": "批示"}]},  # a require that fails
        {**base, "adoptions": [{"level": "市卫健委", "action": "采用", "note": "x"}]},
        {**base, "adoptions": [{"level": "市卫健委", "action": "采用", "type": "x"}]},
        {**base, "adoptions": ["市卫健委"]},
        {**base, "submitted_on": "2024-02-30"},
        {**base, "submitted_on": " 2024-01-05 "},
        {**base, "id": 7},
        {**base, "id": "  "},
        {**base, "id": "R-1"},  # a duplicate of the first
        ["not", "an", "object"],
    ]
    result = _same(ruleset, variants)
    assert result.warnings and result.problems


def _variants(record: dict[str, Any], struct: StructT) -> list[dict[str, Any]]:
    """The record with each field in turn given each odd value or removed, and the same
    for the fields of its objects and of the objects of its lists."""
    out: list[dict[str, Any]] = []
    for spec in struct.fields:
        for value in [*_odd_values(spec.type), _REMOVE]:
            changed = {**record, spec.name: value}
            if value is _REMOVE:
                del changed[spec.name]
            out.append(changed)
        items = record.get(spec.name)
        if isinstance(spec.type, StructT) and isinstance(items, dict):
            out += [{**record, spec.name: variant} for variant in _variants(items, spec.type)]
        if isinstance(spec.type, ListT) and isinstance(spec.type.item, StructT) and items:
            for index, item in enumerate(items):
                for variant in _variants(item, spec.type.item):
                    out.append({**record, spec.name: [*items[:index], variant, *items[index + 1 :]]})
    return out


_REMOVE = object()


@pytest.mark.parametrize("name", RULESETS)
def test_each_odd_value_of_each_field_gives_the_same_result(name: str) -> None:
    ruleset = load_ruleset(name)
    path = ROOT / "rulesets" / "examples" / EXAMPLES[name]
    read = read_records(path.read_text(encoding="utf-8"), str(path))
    schemas = {s.name: s for s in ruleset.program.schemas}
    only = ruleset.program.schemas[0].name
    ledger: list[Any] = []
    taken: dict[str, int] = {}
    for raw in read.records:
        kind = raw.data.get("type", only)
        taken[kind] = taken.get(kind, 0) + 1
        if taken[kind] > 4:  # the first few of each record type
            continue
        struct = schemas[kind].struct
        for i, variant in enumerate(_variants(raw.data, struct)):
            # Unique ids, but for the variants of the id itself.
            ledger.append({**variant, "id": f"{variant['id']}-{i}"} if variant.get("id") == raw.data["id"] else variant)
    result = _same(ruleset, ledger)
    assert result.records and result.problems and result.warnings


# --- the fast path is really used -------------------------------------------------------


@pytest.mark.parametrize("name", RULESETS)
def test_every_record_of_the_example_ledgers_takes_the_fast_path(name: str) -> None:
    ruleset = load_ruleset(name)
    path = ROOT / "rulesets" / "examples" / EXAMPLES[name]
    read = read_records(path.read_text(encoding="utf-8"), str(path))
    validator = Validator(ruleset.program)
    only = ruleset.program.schemas[0].name
    for raw in read.records:
        fast = validator.fast[raw.data.get("type", only)]
        assert fast is not None and fast(raw.data) is not None, raw.line
    fast_result = validator.validate(read.records)
    slow_result = Validator(ruleset.program, fast=False).validate(read.records)
    assert _view(fast_result) == _view(slow_result)
    assert len(fast_result.records) == len(read.records)


def test_csv_records_keep_the_careful_path() -> None:
    ruleset = load_ruleset("wenzhou")
    text = (
        "id,unit,authors,submitted_on,kind,qualified,adoptions,chars\n"
        'R-1,医务科,"[""陈静""]",2024-01-05,快报,是,[],300\n'
        "R-2,医务科,[],2024-01-05,快报,否,[],x\n"
    )
    read = read_records(text, "ledger.csv")
    fast = Validator(ruleset.program).validate(read.records)
    assert _view(fast) == _view(Validator(ruleset.program, fast=False).validate(read.records))
    assert len(fast.records) == 1


# --- no injection ---------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('x')",
    'a"b',
    "c'd",
    "e\\nf",
    "g\nh",
    "\u202eijk",
    "}); exec('1')",
]

# What may appear in the generated source: our own names, codegen's, keywords and a few
# builtins and methods.
GENERATED_NAME = re.compile(r"^(d|_validate_\d+|_k\d+|_x\d+|_v\d+|_o\d+|_e\d+|_s\d+|_t\d+|_i\d+)$")
BUILTINS = {"type", "str", "int", "bool", "list", "dict", "tuple", "len", "sum", "any", "all", "max", "min"}
METHODS = {"keys", "get", "append", "strip", "is_finite"}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _hostile_ruleset() -> str:
    labels = ", ".join(f"{_quoted(h)} aka {_quoted('alias ' + h)}" for h in HOSTILE)
    return (
        "ruleset hostile\n"
        f"enum sort {{ {labels} }}\n"
        "struct part {\n"
        f"  label: enum({_quoted(HOSTILE[1])}, {_quoted(HOSTILE[2])})\n"
        "  count: integer min 0 max 9\n"
        f"  require not (label == {_quoted(HOSTILE[1])} and count > 3) at count {_quoted(HOSTILE[3])}\n"
        "}\n"
        "record r {\n"
        "  unit: name\n"
        "  kind: sort\n"
        "  note: text optional\n"
        "  amount: decimal optional min 0 default 1\n"
        "  parts: list of part max 3\n"
        f"  require kind != {_quoted(HOSTILE[0])} or note is not null at note {_quoted(HOSTILE[4])}\n"
        "}\n"
        "score r to unit { group g sum { rule one: true => +1 pts  § 1 } }\n"
    )


def test_no_ruleset_text_reaches_the_generated_source() -> None:
    ruleset = compile_ruleset(_hostile_ruleset())
    fast = Validator(ruleset.program).fast["r"]
    assert fast is not None
    source: str = fast.__govinfo_source__  # type: ignore[attr-defined]
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for hostile in [*HOSTILE, *(f"alias {h}" for h in HOSTILE)]:
        assert hostile not in source
        assert hostile.replace("\n", "\\n") not in source
    names = {t.string for t in tokens if t.type == tokenize.NAME and not keyword.iskeyword(t.string)}
    assert {n for n in names if not GENERATED_NAME.match(n)} <= BUILTINS | METHODS
    assert not names & {"unit", "kind", "note", "amount", "parts", "label", "count"}  # field names are constants
    assert [t.string for t in tokens if t.type == tokenize.STRING] == []
    assert linecache.getline(fast.__code__.co_filename, 1).startswith("def _validate_")  # tracebacks show it
    # The hostile values are data: an alias is read as its label, and a failed require
    # is left to the careful path, which words it.
    record = {"id": "R-1", "unit": "x", "kind": "alias " + HOSTILE[0], "note": HOSTILE[5], "parts": []}
    values = fast(record)
    assert values == ("R-1", "x", HOSTILE[0], HOSTILE[5], Decimal(1), ())
    assert fast({**record, "note": None}) is None
    result = _same(
        ruleset,
        [{**record, "note": None}, {**record, "id": "R-2", "parts": [{"label": HOSTILE[1], "count": 4}]}],
    )
    assert [p.message for p in result.problems] == [HOSTILE[4], HOSTILE[3]]


UNKNOWN = """
ruleset unknowns
struct part { n: integer optional  require n > 0 at n "a part needs a positive n" }
record r {
  unit: name
  n: integer optional
  parts: list of part
  require n > 0 at n "n must be positive"
  require 10 / count(parts) > 2 at parts "fewer than 5 parts"
}
score r to unit { group g sum { rule one: true => +1 pts  § 1 } }
"""


def test_an_unknown_require_passes_and_an_error_is_left_to_the_careful_path() -> None:
    ruleset = compile_ruleset(UNKNOWN)
    fast = Validator(ruleset.program).fast["r"]
    assert fast is not None
    # n missing: both requires on it are unknown, which passes (as on the careful path).
    assert fast({"id": "R-1", "unit": "x", "parts": [{}]}) == ("R-1", "x", None, ((None,),))
    assert fast({"id": "R-1", "unit": "x", "n": 0, "parts": [{}]}) is None
    assert fast({"id": "R-1", "unit": "x", "parts": [{"n": 0}]}) is None
    _same(ruleset, [{"id": "R-1", "unit": "x", "parts": [{}]}, {"id": "R-2", "unit": "x", "n": 0, "parts": [{"n": 0}]}])
    # No parts: 10 / 0.  The generated function declines; the careful path raises as before.
    assert fast({"id": "R-1", "unit": "x", "n": 1}) is None
    for validator in (Validator(ruleset.program), Validator(ruleset.program, fast=False)):
        with pytest.raises(EvaluationError, match="division by zero"):
            validator.validate(_raws([{"id": "R-1", "unit": "x", "n": 1}]))


@pytest.mark.parametrize("name", RULESETS)
def test_objects_with_odd_ids_take_the_careful_steps_and_agree(name: str) -> None:
    # validate_objects types a record itself only for a plain ASCII id not seen before;
    # ids to normalise, numbers, repeats and blanks must come out as validate words them.
    ruleset = load_ruleset(name)
    base = ruleset.validate(_example_dicts(name))
    good = _example_dicts(name)[0]
    # A type that cannot be a dict key (a fuzzer found it) takes the careful steps too.
    assert _same(ruleset, [{**_example_dicts(name)[0], "type": []}]).problems
    ids: list[Any] = [" A-1 ", "Ａ-1", "A-1", 7, 7, "", "  ", None, True, "甲-1", "甲-1", "A-1\u3000"]
    items = [{**good, "id": value} for value in ids]
    result = _same(ruleset, items)
    assert [r.id for r in result.records] == ["A-1", "7", "甲-1"]
    assert [p.render().split(": ", 2)[-1] for p in result.problems][:2] == [
        "record A-1: id: duplicate id 'A-1' (first on line 1)",
        "record A-1: id: duplicate id 'A-1' (first on line 1)",
    ]
    assert base  # the example ledger itself validates


@pytest.mark.parametrize("name", RULESETS)
def test_ruleset_validate_numbers_mixed_records_by_their_place(name: str) -> None:
    ruleset = load_ruleset(name)
    dicts = _example_dicts(name)
    typed = ruleset.validate(dicts[:1])
    bad = {**dicts[1], "id": ""}
    with pytest.raises(Exception) as raised:
        ruleset.evaluate([typed[0], dicts[2], bad], as_of="2030-12-31")
    assert "<records>:3:1: error:" in str(raised.value)


def _example_dicts(name: str) -> list[dict[str, Any]]:
    path = ROOT / "rulesets" / "examples" / EXAMPLES[name]
    return [raw.data for raw in read_records(path.read_text(encoding="utf-8"), str(path)).records]


@pytest.mark.parametrize("name", RULESETS)
@pytest.mark.parametrize("bad_id", ["missing", None, "", "  ", ["W-1"], 1.5])
def test_a_bad_id_is_reported_once(name: str, bad_id: Any) -> None:
    record = dict(_example_dicts(name)[0])
    if bad_id == "missing":
        del record["id"]
    else:
        record["id"] = bad_id
    result = _same(load_ruleset(name), [record])
    assert [p.field for p in result.problems] == ["id"], [p.render() for p in result.problems]
