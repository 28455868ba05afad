"""Ranking entrants and paying prizes, with the contract's tie rule.

Entry point: :func:`place_prizes`.  Entrants tied on the same value share the prizes of
the places they occupy, split equally and rounded down to the fen, so the total paid
never exceeds the prize pool; every tie that shares money is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .decimals import CONTEXT, format_decimal, round_down_to_fen


def competition_ranks(values: Sequence[Any]) -> list[int]:
    """Ranks 1, 2, 2, 4 for values already sorted best first."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and value == values[i - 1] else i + 1)
    return ranks


def place_prizes(
    award: str, ranked: Sequence[tuple[str, Any]], prizes: Sequence[Decimal]
) -> tuple[list[tuple[int, str, Decimal, Any]], list[str]]:
    """Pay ``prizes`` to entrants ``(name, measure)`` sorted best first.

    Returns ``(rank, winner, yuan, measure)`` rows and the tie messages.
    """
    rows: list[tuple[int, str, Decimal, Any]] = []
    notes: list[str] = []
    position = 0
    while position < len(ranked) and position < len(prizes):
        measure = ranked[position][1]
        end = position
        while end < len(ranked) and ranked[end][1] == measure:
            end += 1
        tied = [name for name, _ in ranked[position:end]]
        pool = sum(prizes[position:end], Decimal(0))
        share = round_down_to_fen(CONTEXT.divide(pool, Decimal(len(tied))))
        for name in tied:
            rows.append((position + 1, name, share, measure))
        if len(tied) > 1:
            last_place = min(end, len(prizes))
            places = f"place {position + 1}" if last_place == position + 1 else f"places {position + 1}–{last_place}"
            remainder = pool - share * len(tied)
            message = (
                f"{award}: {', '.join(tied)} tie at {format_decimal(Decimal(measure))} for {places} "
                f"and share ¥{format_decimal(pool)}: ¥{format_decimal(share)} each"
            )
            if remainder:
                message += f" (rounded down to the fen; ¥{format_decimal(remainder)} not paid)"
            notes.append(message + "; the committee may decide otherwise")
        position = end
    return rows, notes
