"""Forced distribution (20% 优秀 / 60% 良好 / 20% 一般) within ranking groups.

Entry point: :func:`assign_tiers`.  Tiers before the one that "takes the rest" fill
from the top, tiers after it from the bottom, each with round_half_up(p% × n) places.
Units tied across a boundary all get the better tier, and the tie is reported.
Exempt units (免评) get the exempt label, no rank, and do not count in n.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .awards import competition_ranks
from .decimals import CONTEXT, format_decimal


def tier_sizes(tiers: Sequence[tuple[str, Decimal | None]], n: int) -> list[int]:
    """How many places each tier takes among ``n`` ranked units."""
    sizes = [
        0 if percent is None else int((percent * n / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP, context=CONTEXT))
        for _, percent in tiers
    ]
    rest = next((i for i, (_, percent) in enumerate(tiers) if percent is None), None)
    if rest is not None:
        sizes[rest] = max(n - sum(sizes), 0)
    return sizes


def assign_tiers(
    group: str, ranked: Sequence[tuple[str, Decimal]], tiers: Sequence[tuple[str, Decimal | None]]
) -> tuple[list[tuple[str, int, str]], list[str]]:
    """Rank ``(unit, points)`` (sorted best first) and give each its tier.

    Returns ``(unit, rank, tier)`` rows and messages for ties across a boundary."""
    n = len(ranked)
    sizes = tier_sizes(tiers, n)
    by_position: list[str] = []
    for (label, _), size in zip(tiers, sizes, strict=True):
        by_position.extend([label] * size)
    by_position.extend([tiers[-1][0]] * (n - len(by_position)))  # percentages that leave places over
    ranks = competition_ranks([points for _, points in ranked])
    rows: list[tuple[str, int, str]] = []
    notes: list[str] = []
    for position, ((unit, points), rank) in enumerate(zip(ranked, ranks, strict=True)):
        tier = by_position[rank - 1]  # a tie group takes the tier of its best place
        rows.append((unit, rank, tier))
        if rank - 1 != position or position + 1 == n or ranks[position + 1] != rank:
            continue
        # the first of a tie group: does the group straddle a boundary?
        last = position
        while last + 1 < n and ranks[last + 1] == rank:
            last += 1
        lost = sorted({by_position[p] for p in range(position, last + 1)} - {tier})
        if lost:
            tied = ", ".join(u for u, _ in ranked[position : last + 1])
            notes.append(
                f"{group}: {tied} tie at {format_decimal(points)} across the boundary of {tier} and {', '.join(lost)}; "
                f"all get the better tier {tier}"
            )
    return rows, notes
