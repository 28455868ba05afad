"""Exact decimal arithmetic for points and yuan: one context, one text form."""

from __future__ import annotations

import functools
from decimal import ROUND_DOWN, Context, Decimal, DivisionByZero, InvalidOperation

# Generous precision and every trap that could hide a wrong figure turned on.
CONTEXT = Context(prec=50, traps=[InvalidOperation, DivisionByZero])

FEN = Decimal("0.01")


@functools.lru_cache(maxsize=4096)  # the same few amounts recur on every record
def format_decimal(value: Decimal) -> str:
    """``Decimal('1500.00')`` -> ``"1500"``, ``Decimal('0.50')`` -> ``"0.5"``; no exponent, no ``-0``."""
    if value == 0:
        return "0"
    return format(value.normalize(CONTEXT), "f")


def round_down_to_fen(value: Decimal) -> Decimal:
    """Money shares are rounded down to the fen (0.01) so no pool is ever exceeded."""
    return value.quantize(FEN, rounding=ROUND_DOWN, context=CONTEXT)
