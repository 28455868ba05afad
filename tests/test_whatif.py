"""What-if: `--set` overrides and `govinfo-rules diff`, checked against figures derived from the ledgers."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from govinfo_rules import load_ruleset
from govinfo_rules.cli import main
from govinfo_rules.whatif import compare, render_json, render_text, signed

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "examples"
GANZHOU = EXAMPLES / "ganzhou-2020-Q3.jsonl"
WENZHOU = EXAMPLES / "wenzhou-2024.jsonl"
WANREN = EXAMPLES / "wanren-2024.jsonl"
Q3 = ["--as-of", "2020-09-30", "--period", "2020-Q3"]
YEAR = ["--as-of", "2024-12-31", "--period", "2024"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def diff_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run(capsys, "diff", *argv, "--format", "json")
    assert (code, err) == (0, "")
    return json.loads(out)


def copy_ruleset(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A bundled ruleset with one line changed, written beside the data files it reads."""
    text = (ROOT / "rulesets" / f"{name}.gvr").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / f"{name}.gvr"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


# --- --set ---------------------------------------------------------------------------


def test_set_is_the_name_and_param_an_alias(capsys: pytest.CaptureFixture[str]) -> None:
    for option in ("--set", "--param"):
        code, out, _ = run(capsys, "check", "ganzhou", option, "市级批示加分=10")
        assert code == 0
        assert "3 parameter(s)" in out
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    assert "--set NAME=VALUE, --param NAME=VALUE" in capsys.readouterr().out


def test_set_on_score_changes_the_json_totals(capsys: pytest.CaptureFixture[str]) -> None:
    def units(*extra: str) -> dict[str, Decimal]:
        code, out, _ = run(capsys, "score", "ganzhou", str(GANZHOU), *Q3, "--format", "json", *extra)
        assert code == 0
        return {u["unit"]: Decimal(u["points"]) for u in json.loads(out)["units"]}

    body, annex = units(), units("--set", "市级批示加分=10")
    assert {u: annex[u] - body[u] for u in body if annex[u] != body[u]} == {
        "基金监管科": Decimal(-10),
        "章贡区医疗保障局": Decimal(-10),
    }
    assert units("--param", "市级批示加分=10") == annex


def test_set_unknown_name_is_a_ruleset_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "score", "ganzhou", str(GANZHOU), *Q3, "--set", "市级批示=10")
    assert (code, out) == (1, "")
    assert err.startswith(
        "rulesets/ganzhou.gvr:8:1: error: override of unknown parameter '市级批示'; did you mean '市级批示加分'?\n"
    )


def test_set_wrong_type_points_at_the_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "ganzhou", str(GANZHOU), "--id", "GZ-0161", "--set", "市级批示加分=ten")
    assert code == 1
    first, excerpt = err.splitlines()[:2]
    assert (
        first == "rulesets/ganzhou.gvr:20:7: error: override of parameter '市级批示加分': 'ten' is not a valid integer"
    )
    assert excerpt.strip().startswith("param 市级批示加分: integer = 20")


@pytest.mark.parametrize("command", ["check", "lint", "audit"])
def test_set_without_a_value_is_wrong_usage(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, command, "ganzhou", "--set", "市级批示加分")
    assert code == 2
    assert "--set takes NAME=VALUE, got '市级批示加分'" in err


def test_set_on_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "ganzhou", str(GANZHOU), *Q3, "--id", "GZ-0161", "--set", "市级批示加分=10")
    assert code == 0
    assert "total for 基金监管科: +40 pts" in out  # 10 (约稿 on time, adopted) + 20 (市级采用) + 10


# --- the docs example: 市级批示 20 (body text) against 10 (附件2) --------------------------


def expected_annex_deltas(ledger: Path, first: str, last: str) -> dict[str, Decimal]:
    """−10 per 市级批示 credited to a unit, halved for 综, counted from the ledger itself."""
    out: Counter[str] = Counter()
    for line in ledger.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["type"] != "submission" or not first <= record["submitted_on"] <= last:
            continue
        if not (record["accepted"] and record["revisions"] <= 1):
            continue  # a submission that does not score earns no adoption bonus
        count = sum(1 for a in record.get("adoptions", ()) if (a["level"], a["action"]) == ("市级", "批示"))
        share = Decimal("0.5") if record.get("composite") == "综" else Decimal(1)
        for unit in dict.fromkeys(key(u) for u in record["units"]):
            out[unit] += Decimal(-10) * count * share
    return {unit: delta for unit, delta in out.items() if delta}


def check_annex_deltas(data: dict, expected: dict[str, Decimal]) -> None:
    changed = {key(u["unit"]): Decimal(u["points"]["delta"]) for u in data["units"] if u["points"]["delta"] != "0"}
    assert changed == expected
    for unit in data["units"]:
        assert unit["status"] == "changed"
        assert unit["yuan"]["delta"] == "0"
        assert Decimal(unit["points"]["new"]) - Decimal(unit["points"]["old"]) == Decimal(unit["points"]["delta"])
        assert {r["rule"] for r in unit["rules"]} <= {"采用加分.市级批示"}
        for rule in unit["rules"]:
            assert rule["source"] == "四(二)1"
            assert rule["points"]["delta"] == unit["points"]["delta"]
    assert [(r["rule"], r["source"]) for r in data["rules"]] == [("采用加分.市级批示", "四(二)1")]
    assert Decimal(data["rules"][0]["points"]) == sum(expected.values())
    assert data["parameters"] == [{"name": "市级批示加分", "old": "20", "new": "10"}]
    assert data["awards"] == []
    assert data["warnings"] == {"added": [], "removed": []}


def test_docs_example_deltas_follow_from_the_ledger(capsys: pytest.CaptureFixture[str]) -> None:
    data = diff_json(capsys, "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set", "市级批示加分=10")
    expected = expected_annex_deltas(GANZHOU, "2020-07-01", "2020-09-30")
    assert expected  # the example ledger has a 市级批示 adoption
    check_annex_deltas(data, expected)
    assert data["records_changed"] == ["GZ-0161"]


def test_annex_deltas_on_a_ledger_with_every_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """综 halves, a rejected article, one returned twice, two 批示 on one article, one outside the period."""
    ps = {"level": "市级", "action": "批示"}
    ad = {"level": "市级", "action": "采用"}
    base = {"type": "submission", "kind": "常规", "accepted": True, "revisions": 0, "submitted_on": "2020-08-03"}
    rows = [
        {"id": "A", "units": ["办公室"], "adoptions": [ad, ps]},
        {"id": "B", "units": ["办公室", "待遇保障科"], "composite": "综", "adoptions": [ps]},
        {"id": "C", "units": ["基金监管科"], "accepted": False, "adoptions": [ps]},
        {"id": "D", "units": ["基金监管科"], "revisions": 2, "adoptions": [ps]},
        {"id": "E", "units": ["机关党委", "赣南医学院 第一附属医院"], "composite": "单", "adoptions": [ps, ps]},
        {"id": "F", "units": ["统计分析组"], "submitted_on": "2020-06-30", "adoptions": [ps]},
        {"id": "G", "units": ["统计分析组"], "revisions": 1, "adoptions": [ps]},
    ]
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text("".join(json.dumps(base | row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    data = diff_json(capsys, "ganzhou", "ganzhou", str(ledger), *Q3, "--set", "市级批示加分=10")
    expected = expected_annex_deltas(ledger, "2020-07-01", "2020-09-30")
    assert expected == {
        "办公室": Decimal(-15),
        "待遇保障科": Decimal(-5),
        "机关党委": Decimal(-20),
        "赣南医学院第一附属医院": Decimal(-20),
        "统计分析组": Decimal(-10),
    }
    check_annex_deltas(data, expected)
    assert data["records_changed"] == ["A", "B", "E", "G"]


def test_set_old_overrides_old(capsys: pytest.CaptureFixture[str]) -> None:
    forward = diff_json(capsys, "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set", "市级批示加分=10")
    backward = diff_json(capsys, "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set-old", "市级批示加分=10")
    assert [u["points"]["delta"] for u in forward["units"]] == ["-10", "-10"]
    assert [u["points"]["delta"] for u in backward["units"]] == ["+10", "+10"]
    assert backward["parameters"] == [{"name": "市级批示加分", "old": "10", "new": "20"}]


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set", "市级批示加分=10")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "ganzhou 1.0.0 → ganzhou 1.0.0 · period 2020-Q3 · as of 2020-09-30",
        "parameters: 市级批示加分 20 → 10",
        "records: 250 · credits changed: 1",
    ]
    assert any(re.fullmatch(r"2\s+基金监管科\s+373 → 363\s+-10", line) for line in lines)
    assert any(re.fullmatch(r"基金监管科\s+采用加分.市级批示\s+20 → 10\s+-10", line) for line in lines)


# --- no differences, --exit-code, -o --------------------------------------------------


def test_identical_rulesets_have_no_differences(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diff", "ganzhou", "rulesets/ganzhou.gvr", str(GANZHOU), *Q3, "--exit-code")
    assert (code, err) == (0, "")
    assert out == (
        "no differences: ganzhou 1.0.0 → ganzhou 1.0.0 (rulesets/ganzhou.gvr) · period 2020-Q3 · as of 2020-09-30"
        " · 250 record(s)\n"
    )
    data = diff_json(capsys, "wenzhou", "wenzhou", str(WENZHOU), *YEAR)
    assert data["differences"] is False
    assert (data["units"], data["awards"], data["records_changed"]) == ([], [], [])


def test_exit_code_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["diff", "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set", "市级批示加分=10"]
    assert run(capsys, *args)[0] == 0
    assert run(capsys, *args, "--exit-code")[0] == 1
    # the same value as the default: no difference, whatever the parameter line says
    code, out, _ = run(capsys, *args[:-1], "市级批示加分=20", "--exit-code")
    assert code == 0
    assert out.startswith("no differences")


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "diff.json"
    code, out, _ = run(
        capsys,
        "diff",
        "ganzhou",
        "ganzhou",
        str(GANZHOU),
        *Q3,
        "--set",
        "市级批示加分=10",
        "--format",
        "json",
        "-o",
        str(target),
    )
    assert (code, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["differences"] is True


# --- other kinds of change ------------------------------------------------------------


def test_a_parameter_that_only_changes_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    data = diff_json(capsys, "wenzhou", "wenzhou", str(WENZHOU), *YEAR, "--set", "报送时限天数=5")
    assert (data["units"], data["awards"], data["records_changed"]) == ([], [], [])
    assert data["differences"] is True
    added, removed = data["warnings"]["added"], data["warnings"]["removed"]
    assert added
    assert all("more than 5 days" in w["message"] for w in added)
    assert all("more than 10 days" in w["message"] for w in removed)
    # every warning of the old deadline is still there under the new one
    assert {w["record"] for w in removed} <= {w["record"] for w in added}


def test_a_rule_change_in_a_copy_changes_units_and_awards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_ruleset(
        tmp_path,
        "wenzhou",
        "=> +10 pts, ¥800  § 三(二)5",
        "=> +1 pts, ¥800  § 三(二)5",
    )
    text = path.read_text(encoding="utf-8").replace("prizes ¥1500, ¥1000, ¥500", "prizes ¥1600, ¥1000, ¥500")
    path.write_text(text, encoding="utf-8")
    data = diff_json(capsys, "wenzhou", str(path), str(WENZHOU), *YEAR)
    assert data["new"]["ruleset"] == f"wenzhou 1.0.0 ({path})"
    units = {u["unit"]: u for u in data["units"]}
    office = units["党政综合办"]
    # 23.5 − 10 + 5: with 批示 at +1 the article's 省委省政府采用 (+5, ¥600) is now its highest adoption
    assert (office["points"], office["yuan"]) == (
        {"old": "23.5", "new": "18.5", "delta": "-5"},
        {"old": "900", "new": "700", "delta": "-200"},
    )
    assert office["rank"] == {"old": 1, "new": 2}
    assert [(r["rule"], r["points"]["delta"], r["yuan"]["delta"], r["source"]) for r in office["rules"]] == [
        ("附加奖励.省委省政府批示", "-10", "-800", "三(二)5"),
        ("附加奖励.省委省政府采用", "+5", "+600", "三(二)4"),
    ]
    assert units["医务科"]["rank"] == {"old": 2, "new": 1}
    assert units["医务科"]["rules"] == []  # moved up only because 党政综合办 moved down
    awards = {(a["award"], a["winner"]): a for a in data["awards"]}
    assert awards["组织管理奖", "医务科"]["rank"] == {"old": 2, "new": 1}
    assert awards["组织管理奖", "医务科"]["yuan"] == {"old": "2000", "new": "3000", "delta": "+1000"}
    assert awards["组织管理奖", "党政综合办"]["yuan"]["delta"] == "-1000"
    assert awards["个人激励奖", "陈静"]["yuan"] == {"old": "1500", "new": "1600", "delta": "+100"}
    assert len(awards) == 3
    assert data["records_changed"] == ["WZ-2024-032"]


def test_wanren_tier_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_ruleset(tmp_path, "wanren", "tiers 优秀 20%, 良好, 一般 20%", "tiers 优秀 30%, 良好, 一般 20%")
    data = diff_json(capsys, "wanren", str(path), str(WANREN), *YEAR)
    assert data["units"]
    for unit in data["units"]:
        assert unit["tier"] == {"old": "良好", "new": "优秀"}
        assert unit["points"]["delta"] == "0"
        assert unit["rules"] == []
        assert unit["group"]["old"] == unit["group"]["new"]
    assert data["records_changed"] == []
    _, out, _ = run(capsys, "diff", "wanren", str(path), str(WANREN), *YEAR)
    assert "良好 → 优秀" in out
    assert "group" in out.splitlines()[4]


def test_reminders_and_per_unit_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """Fewer scoring submissions: 超额报送 (a `per unit` rule) shrinks and reminders change."""
    data = diff_json(capsys, "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set", "修改次数上限=0")
    units = {u["unit"]: u for u in data["units"]}
    fund = units["基金监管科"]
    assert ("unit.超额报送", "四(二)1") in {(r["rule"], r["source"]) for r in fund["rules"]}
    for unit in data["units"]:
        total = sum((Decimal(r["points"]["delta"]) for r in unit["rules"]), Decimal(0))
        assert total == Decimal(unit["points"]["delta"])
    added = [r for u in data["units"] for r in u["reminders"]["added"]]
    removed = [r for u in data["units"] for r in u["reminders"]["removed"]]
    assert added
    assert removed
    for reminder in added + removed:
        assert reminder["unit"] in units
    # the ranks follow the new report: ascending, as `score` lists them
    ranks = [u["rank"]["new"] for u in data["units"]]
    assert ranks == sorted(ranks)


def test_units_on_one_side_only() -> None:
    ruleset = load_ruleset("wenzhou")
    records = list(ruleset.read(WENZHOU).records)
    everyone = ruleset.evaluate(records, as_of="2024-12-31", period="2024")
    without = ruleset.evaluate([r for r in records if r.values[1] != "质控科"], as_of="2024-12-31", period="2024")
    comparison = compare(everyone, without)
    gone = [u for u in comparison.units if u.status == "removed"]
    assert [(u.unit, u.points.old, u.points.new, u.points.delta, u.rank) for u in gone] == [
        ("质控科", Decimal("0.5"), None, None, (13, None))
    ]
    assert comparison.units[-1] is gone[0]  # after the units NEW lists
    back = compare(without, everyone)
    assert [(u.unit, u.status) for u in back.units] == [("质控科", "added")]
    assert "质控科 (added)" in render_text(back)
    assert json.loads(render_json(back))["units"][0]["points"] == {"old": None, "new": "0.5", "delta": None}


# --- invalid input and rulesets -------------------------------------------------------


def test_an_invalid_side_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diff", "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set-old", "市级批示=10")
    assert (code, out) == (1, "")
    assert "override of unknown parameter '市级批示'; did you mean '市级批示加分'?" in err
    assert err.endswith(
        "govinfo-rules: OLD ruleset 'ganzhou' with --set-old 市级批示=10 is invalid; nothing was compared\n"
    )


def test_invalid_records_as_score_reports_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "bad.jsonl"
    lines = WENZHOU.read_text(encoding="utf-8").splitlines()
    ledger.write_text("\n".join([*lines[:3], lines[3].replace('"快报"', '"快讯"'), *lines[4:]]) + "\n", "utf-8")
    code, out, err = run(capsys, "diff", "wenzhou", "wenzhou", str(ledger), *YEAR, "--set", "报送时限天数=5")
    assert (code, out) == (1, "")
    assert f"{ledger}:4:" in err
    assert err.endswith("govinfo-rules: 1 invalid record(s); nothing was scored\n")


def test_rulesets_that_disagree_about_the_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diff", "ganzhou", "wenzhou", str(GANZHOU), *Q3)
    assert (code, out) == (1, "")
    assert err.startswith("govinfo-rules: OLD (ganzhou) accepts every record\n")
    assert "govinfo-rules: NEW (wenzhou) rejects 250 record(s):\n" in err
    assert err.endswith("govinfo-rules: OLD and NEW disagree about which records are valid; nothing was compared\n")


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [("10", "+10"), ("10.50", "+10.5"), ("-5", "-5"), ("0", "0"), ("-0", "0"), ("0.00", "0"), ("-0.5", "-0.5")],
)
def test_signed(value: str, text: str) -> None:
    assert signed(Decimal(value)) == text


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = diff_json(capsys, "ganzhou", "ganzhou", str(GANZHOU), *Q3, "--set", "市级批示加分=10")
    assert list(data) == [
        "old",
        "new",
        "differences",
        "parameters",
        "records",
        "records_changed",
        "units",
        "rules",
        "awards",
        "warnings",
    ]
    assert data["old"] == {"ruleset": "ganzhou 1.0.0", "as_of": "2020-09-30", "period": "2020-Q3"}
    unit = data["units"][0]
    assert list(unit) == ["unit", "status", "points", "yuan", "rank", "tier", "rules", "reminders"]
    assert list(unit["rules"][0]) == ["rule", "source", "points", "yuan"]
    assert list(data["rules"][0]) == ["rule", "source", "units", "points", "yuan"]
    assert data["rules"][0]["points"] == "-20"
