"""Forced distribution: tier sizes by the rounding rule, ties across boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govinfo_rules.tiers import assign_tiers, tier_sizes

TIERS = (("优秀", Decimal(20)), ("良好", None), ("一般", Decimal(20)))


@pytest.mark.parametrize(
    ("n", "sizes"),
    [
        # round_half_up(0.2·n) places for 优秀 and for 一般, the rest 良好 (四(一)2 + contract).
        (1, [0, 1, 0]),  # 0.2 → 0
        (2, [0, 2, 0]),  # 0.4 → 0
        (3, [1, 1, 1]),  # 0.6 → 1
        (5, [1, 3, 1]),  # 1.0 → 1
        (7, [1, 5, 1]),  # 1.4 → 1
        (8, [2, 4, 2]),  # 1.6 → 2
        (10, [2, 6, 2]),  # 2.0 → 2
        (12, [2, 8, 2]),  # 2.4 → 2
        (13, [3, 7, 3]),  # 2.6 → 3
        (78, [16, 46, 16]),  # 15.6 → 16
        (0, [0, 0, 0]),
    ],
)
def test_tier_sizes(n: int, sizes: list[int]) -> None:
    assert tier_sizes(TIERS, n) == sizes


def test_half_rounds_up() -> None:
    # 2.5 places → 3 (half up, not to even).
    assert tier_sizes((("A", Decimal(25)), ("B", None)), 10) == [3, 7]


def _rank(points: list[str]) -> list[tuple[str, int, str]]:
    ranked = [(f"U{i}", Decimal(p)) for i, p in enumerate(points, 1)]
    rows, _ = assign_tiers("g", ranked, TIERS)
    return rows


def test_n10_without_ties() -> None:
    rows = _rank(["10", "9.5", "9", "8.5", "8", "7.5", "7", "6.5", "6", "5.5"])
    assert [t for _, _, t in rows] == ["优秀"] * 2 + ["良好"] * 6 + ["一般"] * 2


def test_tie_across_the_top_boundary_takes_the_better_tier() -> None:
    # n = 10: 优秀 is places 1–2; places 2 and 3 tie → both 优秀, with a warning.
    ranked = [(f"U{i}", Decimal(p)) for i, p in enumerate(["10", "9", "9", "8", "7", "6", "5", "4", "3", "2"], 1)]
    rows, notes = assign_tiers("医疗卫生类", ranked, TIERS)
    assert [(u, r, t) for u, r, t in rows[:4]] == [
        ("U1", 1, "优秀"),
        ("U2", 2, "优秀"),
        ("U3", 2, "优秀"),
        ("U4", 4, "良好"),
    ]
    assert notes == ["医疗卫生类: U2, U3 tie at 9 across the boundary of 优秀 and 良好; all get the better tier 优秀"]


def test_tie_across_the_bottom_boundary_takes_the_better_tier() -> None:
    # n = 7: 一般 is place 7 only; places 6 and 7 tie → both 良好.
    rows = _rank(["9", "8", "7", "6", "5", "4", "4"])
    assert [t for _, _, t in rows] == ["优秀", "良好", "良好", "良好", "良好", "良好", "良好"]


def test_all_tied_are_all_in_the_best_tier() -> None:
    rows = _rank(["5", "5", "5", "5", "5"])
    assert {t for _, _, t in rows} == {"优秀"}
    assert {r for _, r, _ in rows} == {1}


def test_a_tie_inside_one_tier_is_not_reported() -> None:
    ranked = [(f"U{i}", Decimal(p)) for i, p in enumerate(["9", "8", "7", "7", "6", "5", "4", "3", "2", "1"], 1)]
    _, notes = assign_tiers("g", ranked, TIERS)
    assert notes == []
