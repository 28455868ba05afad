"""Source texts and spans: where a ruleset construct or an input value came from.

A :class:`Span` points into a :class:`SourceText`; both are immutable.  Columns are
1-based character counts (what an editor shows), while carets under an excerpt are
placed by display width so that they line up under CJK text in a terminal.
"""

from __future__ import annotations

import unicodedata

import attrs


@attrs.frozen(eq=False)
class SourceText:
    """A named text (a ruleset file, an input file) whose lines diagnostics quote."""

    name: str
    text: str = attrs.field(repr=False)
    _lines: tuple[str, ...] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Lines end at '\n' alone, as the parser counts them: a form feed or a U+2028
        # inside a line must not shift the lines that diagnostics quote.
        lines = tuple(line.removesuffix("\r") for line in self.text.split("\n"))
        object.__setattr__(self, "_lines", lines)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) without its line ending, or ``""`` past the end."""
        if 1 <= number <= len(self._lines):
            return self._lines[number - 1]
        return ""

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, column) of a character offset, both 1-based."""
        before = self.text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return line, column


@attrs.frozen(eq=False, repr=False)
class Span:
    """A range of a source text; never part of node equality."""

    source: SourceText
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def filename(self) -> str:
        return self.source.name

    def __str__(self) -> str:
        return f"{self.source.name}:{self.line}:{self.column}"

    __repr__ = __str__


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# A quoted line wider than this is cut to a window around the column: a record of a
# megabyte on one line must not fill the terminal (or the error log) with itself.
EXCERPT_WIDTH = 320
_CONTEXT = 120  # characters kept on each side of the column in a cut line


def caret_excerpt(line_text: str, column: int, length: int = 1) -> str:
    """Two lines: the quoted source line and a caret under ``column`` (1-based).  A line
    wider than :data:`EXCERPT_WIDTH` is shown as a window around the column, "…"
    marking what is left out on either side."""
    shown = line_text.replace("\t", " ")
    start = max(column - 1, 0)
    span = max(length, 1)
    # Width is at least the length and at most twice it: measure only when in between.
    if len(shown) > EXCERPT_WIDTH or (2 * len(shown) > EXCERPT_WIDTH and display_width(shown) > EXCERPT_WIDTH):
        span = min(span, _CONTEXT)
        first = max(start - _CONTEXT, 0)
        last = min(start + span + _CONTEXT, len(shown))
        head = "…" if first > 0 else ""
        shown = head + shown[first:last] + ("…" if last < len(shown) else "")
        start = start - first + len(head)
    pad = display_width(shown[:start])
    under = max(display_width(shown[start : start + span]), 1)
    return f"    {shown}\n    {' ' * pad}{'^' * under}"
