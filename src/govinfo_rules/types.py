"""The value types of the policy language and the schemas built from them.

Runtime representation (what :mod:`.validate` produces and the evaluator reads):
text and name -> ``str`` (NFKC, trimmed); integer -> ``int``; decimal -> ``Decimal``;
bool -> ``bool``; date -> ``datetime.date``; enum -> its canonical label (``str``);
list -> ``tuple``; struct -> ``tuple`` of field values in declaration order;
an absent optional field -> ``None``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal
from typing import Any

import attrs

from .source import Span


@attrs.frozen
class Scalar:
    name: str

    def __str__(self) -> str:
        return self.name


TEXT = Scalar("text")
NAME = Scalar("name")  # a person or a unit: compared ignoring NFKC form and all spaces
INTEGER = Scalar("integer")
DECIMAL = Scalar("decimal")
BOOL = Scalar("bool")
DATE = Scalar("date")
NULL = Scalar("null")

SCALARS = {t.name: t for t in (TEXT, NAME, INTEGER, DECIMAL, BOOL, DATE)}

# The column headers of the two columns every ledger row may have besides its fields.
ID_LABEL = "编号"
TYPE_LABEL = "类型"
NUMERIC = (INTEGER, DECIMAL)


def normalize_text(value: str) -> str:
    """NFKC and trimmed: how every text value of a record is stored."""
    return unicodedata.normalize("NFKC", value).strip()


_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 16)
def name_key(value: str) -> str:
    """The identity of a name: NFKC with all white space removed (``赣南医学院 第一附属医院``).

    Cached: a ledger names the same few units and people over and over."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


@attrs.frozen
class EnumT:
    name: str
    values: tuple[str, ...]
    # normalised spelling (value or alias) -> canonical value
    lookup: tuple[tuple[str, str], ...] = attrs.field(eq=False, repr=False)
    # Written in place (`kind: enum(快报, 专报)`): named after its field, which a message
    # must not show as if it were a type; it shows the values instead.
    inline: bool = attrs.field(default=False, eq=False, repr=False)

    def canonical(self, text: str) -> str | None:
        key = normalize_text(text)
        for spelling, value in self.lookup:
            if spelling == key:
                return value
        return None

    def __str__(self) -> str:
        if self.inline:
            shown = ", ".join(self.values[:4]) + (", …" if len(self.values) > 4 else "")
            return f"enum({shown})"
        return self.name


@attrs.frozen
class ListT:
    item: Type

    def __str__(self) -> str:
        return f"list of {self.item}"


@attrs.frozen(eq=False)
class FieldSpec:
    name: str
    type: Type
    index: int
    optional: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    default: Any = None
    span: Span | None = None
    label: str | None = None  # the column header a ledger may use instead of the name


@attrs.frozen(eq=False)
class StructT:
    """A struct or a record type: named fields in order.  Compared by identity."""

    name: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    def __str__(self) -> str:
        return self.name


Type = Scalar | EnumT | ListT | StructT


def is_numeric(t: Type) -> bool:
    return t in NUMERIC


def is_name_like(t: Type) -> bool:
    return t in (TEXT, NAME)
