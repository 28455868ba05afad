"""One input, one output: the same bytes whatever the order of the records, the hash
seed, the locale, or the input format (JSON Lines streamed, JSON array and CSV read
whole).

The subprocess runs use every locale that ``locale -a`` lists (at most five: C, C.UTF-8
and POSIX first, then the others in the order listed); where only C, C.UTF-8 and POSIX
exist, as on the machine this suite was written on, those three are used and no
other is invented.  One more run disables Python's UTF-8 mode and locale coercion under
``LC_ALL=C``, which gives an ASCII standard output: the closest a machine without
other locales comes to a non-UTF-8 locale.  Hash seeds: 0, 1, 12345 and ``random``.

The in-process tests reorder the records many more times (cheaply) and add ledgers
built to tempt nondeterminism: ids that tie in natural order (``W-1``, ``W-01``), one
unit or author under several spellings, ties for prizes and tiers, reminders.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from govinfo_rules import stream as stream_module
from govinfo_rules.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"

# ruleset: (ledger, as_of, period or None)
CASES = {
    "wenzhou": ("wenzhou-2024.jsonl", "2024-12-31", None),
    "ganzhou": ("ganzhou-2020-Q3.jsonl", "2020-09-30", "2020-Q3"),
    "wanren": ("wanren-2024.jsonl", "2024-12-31", "2024"),
}
HASH_SEEDS = ("0", "1", "12345", "random")


def _locales() -> list[str]:
    try:
        listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    except OSError:
        listed = []
    first = ["C", "C.UTF-8", "POSIX"]
    others = [name for name in listed if name.upper().replace("-", "") not in ("C", "C.UTF8", "POSIX")]
    return (first + others)[:5]


LOCALES = _locales()


# --- ledgers in every input format -----------------------------------------------------


def _records(path: Path) -> list[dict[str, Any]]:
    # Decimals stay text: a decimal field accepts a string holding a decimal.
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line, parse_float=str) for line in lines if line.strip()]


def _shuffled(records: Sequence[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    out = list(records)
    if seed:
        random.Random(seed).shuffle(out)
    return out


def _write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _write_json(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(list(records), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_csv(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    fields = list(dict.fromkeys(key for record in records for key in record))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for record in records:
            writer.writerow([_cell(record.get(key)) for key in fields])
    return path


def _variants(tmp_path: Path, name: str, records: Sequence[dict[str, Any]]) -> dict[str, Path]:
    """The ledger as given, reordered, and in the three input formats (reordered too)."""
    return {
        "jsonl": _write_jsonl(tmp_path / f"{name}.jsonl", records),
        "jsonl-7": _write_jsonl(tmp_path / f"{name}-7.jsonl", _shuffled(records, 7)),
        "jsonl-reversed": _write_jsonl(tmp_path / f"{name}-r.jsonl", list(reversed(records))),
        "json-11": _write_json(tmp_path / f"{name}-11.json", _shuffled(records, 11)),
        "csv-13": _write_csv(tmp_path / f"{name}-13.csv", _shuffled(records, 13)),
    }


# --- subprocesses: hash seeds and locales --------------------------------------------------


# What decides the bytes of the output, besides the arguments: set by each run, never inherited.
_VARYING = ("LANG", "LANGUAGE", "PYTHONHASHSEED", "PYTHONUTF8", "PYTHONCOERCECLOCALE", "PYTHONIOENCODING")


def _environment(hash_seed: str, locale_name: str, *, ascii_stdout: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k not in _VARYING}
    env.update(PYTHONHASHSEED=hash_seed, LC_ALL=locale_name, LANG=locale_name)
    if ascii_stdout:
        env.update(PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    return env


def _cli(args: Sequence[str], env: dict[str, str]) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "govinfo_rules.cli", *args], capture_output=True, env=env, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout


def _score_args(name: str, path: Path, fmt: str) -> list[str]:
    _, as_of, period = CASES[name]
    return ["score", name, str(path), "--as-of", as_of, *(["--period", period] if period else []), "--format", fmt]


def _plan(tmp_path: Path) -> list[tuple[str, str, str, Path, dict[str, str]]]:
    """(ruleset, format, label, input, environment) for every subprocess run.

    Not the full product of inputs × seeds × locales × formats: each run changes
    several things at once against the first run of its ruleset and format, and across
    the runs every input variant, seed and locale occurs."""
    runs = []
    turn = 0
    for name, (ledger, _, _) in CASES.items():
        paths = _variants(tmp_path, name, _records(EXAMPLES / ledger))
        for fmt, labels in (
            ("json", list(paths)),
            ("table", ["jsonl", "json-11", "csv-13"]),
            ("csv", ["jsonl", "csv-13"]),
        ):
            for index, label in enumerate(labels):
                if index == 0:
                    env = _environment("0", "C.UTF-8")
                else:
                    env = _environment(HASH_SEEDS[turn % len(HASH_SEEDS)], LOCALES[turn % len(LOCALES)])
                    turn += 1
                runs.append((name, fmt, label, paths[label], env))
        # Standard output in ASCII: the bytes are still UTF-8, and the same.
        runs.append((name, "json", "ascii-stdout", paths["jsonl-7"], _environment("1", "C", ascii_stdout=True)))
    return runs


def test_same_bytes_across_order_format_hash_seed_and_locale(tmp_path: Path) -> None:
    runs = _plan(tmp_path)
    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
        outputs = list(pool.map(lambda run: _cli(_score_args(run[0], run[3], run[1]), run[4]), runs))
    first: dict[tuple[str, str], tuple[str, bytes]] = {}
    seen_seeds, seen_locales = set(), set()
    for (name, fmt, label, _, env), out in zip(runs, outputs, strict=True):
        seen_seeds.add(env["PYTHONHASHSEED"])
        seen_locales.add(env["LC_ALL"])
        assert out, f"{name} {fmt} {label}: no output"
        reference = first.setdefault((name, fmt), (label, out))
        assert out == reference[1], (
            f"{name} --format {fmt}: {label} (PYTHONHASHSEED={env['PYTHONHASHSEED']}, LC_ALL={env['LC_ALL']}) "
            f"differs from {reference[0]}"
        )
    assert seen_seeds == set(HASH_SEEDS)
    assert seen_locales >= set(LOCALES)


# --- in process: many orders, and ledgers that tempt nondeterminism ------------------------


def _score(capsys: pytest.CaptureFixture[str], name: str, path: Path, fmt: str, *extra: str) -> str:
    code = main([*_score_args(name, path, fmt), *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _all_orders_agree(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, records: Sequence[dict[str, Any]], seeds: range
) -> str:
    reference = {fmt: _score(capsys, name, _write_jsonl(tmp_path / "given.jsonl", records), fmt) for fmt in FORMATS}
    for seed in seeds:
        order = _shuffled(records, seed)
        writers = (_write_jsonl, _write_json, _write_csv)
        writer, suffix = writers[seed % 3], (".jsonl", ".json", ".csv")[seed % 3]
        path = writer(tmp_path / f"order-{seed}{suffix}", order)
        for fmt in FORMATS:
            assert _score(capsys, name, path, fmt) == reference[fmt], f"{name} {fmt}: order {seed} ({suffix})"
    return reference["json"]


FORMATS = ("json", "table", "csv")


@pytest.mark.parametrize("name", sorted(CASES))
def test_many_orders_of_the_examples(
    name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream_module, "BUFFER", 16)  # many sorted runs for the stream to merge
    _all_orders_agree(capsys, tmp_path, name, _records(EXAMPLES / CASES[name][0]), range(1, 7))


def _wenzhou(rid: str, unit: str, authors: list[str], day: str, **more: Any) -> dict[str, Any]:
    return {"id": rid, "unit": unit, "authors": authors, "submitted_on": day, "kind": "专报", "qualified": True, **more}


CITY = [{"level": "市卫健委", "action": "采用"}]

# Ids that tie in natural order, units and authors under several spellings (full-width,
# spaces), tied prizes, a record after the as-of date, warnings on several records.
TEMPTING = [
    _wenzhou("W-1", "医务 科", ["王 强"], "2024-03-01", kind="快报"),
    _wenzhou("W-01", "医务科", ["王强"], "2024-03-02", adoptions=CITY),
    _wenzhou("W-001", "护理部", ["李四"], "2024-03-03", adoptions=CITY, chars=10),
    _wenzhou("W-2", "护理部", ["李四", "王强"], "2024-03-03", chars=10, event_on="2024-01-01"),
    _wenzhou("W-3", "Ａ科", ["张三"], "2025-03-03"),
    _wenzhou("W-4", "A科", ["张 三"], "2024-03-03", kind="快报", qualified=False, adoptions=CITY),
    _wenzhou("W-10", "A 科", ["赵六"], "2024-04-01", adoptions=CITY),
    _wenzhou("X-1", "药剂科", ["赵六"], "2024-04-02"),
    _wenzhou("x-1", "药剂科", ["钱七"], "2024-04-02"),
]


def test_tempting_ledger_gives_one_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream_module, "BUFFER", 2)
    text = _all_orders_agree(capsys, tmp_path, "wenzhou", TEMPTING, range(1, 25))
    data = json.loads(text)
    assert [r["id"] for r in data["records"]] == ["W-001", "W-01", "W-1", "W-2", "W-3", "W-4", "W-10", "X-1", "x-1"]
    # A unit is shown under the spelling of its first record in that order, everywhere.
    assert {u["unit"] for u in data["units"]} == {"医务科", "护理部", "A科", "药剂科"}
    assert {c["unit"] for r in data["records"] for c in r["credits"]} <= {u["unit"] for u in data["units"]}
    assert {a["winner"] for a in data["awards"]} >= {"王强"}


def test_unit_spelling_is_that_of_the_first_record_in_id_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = [
        _wenzhou("W-9", "信息 中心", ["甲"], "2024-03-01"),
        _wenzhou("W-10", "信息中心", ["甲"], "2024-03-01"),
        _wenzhou("W-2", "信 息中心", ["甲"], "2024-03-01"),  # the first in id order
    ]
    for order in (records, list(reversed(records))):
        out = _score(capsys, "wenzhou", _write_jsonl(tmp_path / "ledger.jsonl", order), "json")
        data = json.loads(out)
        assert [u["unit"] for u in data["units"]] == ["信 息中心"]
        assert {r["credits"][0]["unit"] for r in data["records"]} == {"信 息中心"}
        assert {t["unit"] for r in data["records"] for t in r["trace"]} == {"信 息中心"}


def _ganzhou_submission(rid: str, units: list[str], day: str) -> dict[str, Any]:
    return {
        "type": "submission",
        "id": rid,
        "submitted_on": day,
        "units": units,
        "kind": "常规",
        "accepted": True,
        "revisions": 0,
        "adoptions": [],
    }


def test_ganzhou_units_outside_the_table_and_reminders(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream_module, "BUFFER", 3)
    records = [
        _ganzhou_submission("G-1", ["新单位 甲"], "2020-07-02"),
        _ganzhou_submission("G-01", ["新单位甲", "办公室"], "2020-07-03"),
        _ganzhou_submission("G-2", ["赣南医学院 第一附属医院"], "2020-07-04"),
        _ganzhou_submission("G-3", ["新 单位乙"], "2020-08-04"),
        # Due on the as-of date and not reported: reminders, written under G-3's spelling.
        {"type": "obligation", "id": "G-4", "unit": "新单位乙", "kind": "约稿", "occurred_on": "2020-09-30"},
        {"type": "obligation", "id": "G-04", "unit": "新单位 乙", "kind": "约稿", "occurred_on": "2020-09-30"},
        {"type": "penalty", "id": "G-5", "unit": "待遇保障科", "kind": "重大失误", "on": "2020-07-09"},
    ]
    text = _all_orders_agree(capsys, tmp_path, "ganzhou", records, range(1, 13))
    data = json.loads(text)
    units = [u["unit"] for u in data["units"]]
    assert "新单位甲" in units and "赣南医学院第一附属医院" in units
    assert "新 单位乙" in units
    assert [r["record"] for r in data["reminders"] if r["unit"] == "新 单位乙"] == ["G-04", "G-4"]
    assert not {r["unit"] for r in data["reminders"]} & {"新单位 乙", "新单位乙"}


def test_wanren_ties_in_tiers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    records = _records(EXAMPLES / "wanren-2024.jsonl")
    # Give every unit of a group the same figures as the first of its category: ties
    # at every tier boundary, broken only by the unit's name.
    first: dict[str, dict[str, Any]] = {}
    tied = []
    for record in records:
        model = first.setdefault(record["type"], record)
        tied.append({**model, "id": record["id"], "unit": record["unit"], "satisfied_years": []})
    _all_orders_agree(capsys, tmp_path, "wanren", tied, range(1, 5))


def test_stdout_is_utf8_whatever_its_encoding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = io.BytesIO()
    ascii_out = io.TextIOWrapper(raw, encoding="ascii")
    path = EXAMPLES / CASES["wenzhou"][0]
    previous = sys.stdout
    sys.stdout = ascii_out
    try:
        assert main(_score_args("wenzhou", path, "csv")) == 0
        sys.stdout.flush()
    finally:
        sys.stdout = previous
    assert raw.getvalue().decode("utf-8") == _score(capsys, "wenzhou", path, "csv")
