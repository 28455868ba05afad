"""Exact decimal arithmetic for points and yuan: one context, one text form.

:data:`CONTEXT` is passed explicitly where a figure is rounded, divided among
winners or printed.  Rules themselves are computed with Python's operators in the
thread's decimal context (the default: 28 digits, overflow trapped), as the
reference interpreter and the hand-written baselines do; entering a context for each
record would cost more than scoring it (docs/limits.md has the figures).  The limits
on numbers and products (:mod:`.limits`) keep every such result far inside that
context: no overflow, no invalid operation, and inputs of at most 21 digits.
"""

from __future__ import annotations

import functools
from decimal import ROUND_DOWN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

# Generous precision and every trap that could hide a wrong figure turned on.
CONTEXT = Context(prec=50, traps=[InvalidOperation, DivisionByZero, Overflow])

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
