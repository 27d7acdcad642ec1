"""Mapping between core dataclasses and table rows: dates as ISO text, enums as their values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, TypeVar

from core.text import MULTI_LINE_FIELDS, many_lines, without_controls

T = TypeVar("T")


Converter = Callable[[Any], Any]
_CONVERTERS: dict[type, list[tuple[str, Converter | None]]] = {}


def _base_type(hint: Any) -> Any:
    """`X | None` -> X; anything else unchanged."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


def _converter(hint: Any) -> Converter | None:
    """The function that turns a stored value back into the field's type (None: as stored)."""
    base = _base_type(hint)
    if base is dt.datetime:
        return dt.datetime.fromisoformat
    if base is dt.date:
        return dt.date.fromisoformat
    if isinstance(base, type) and issubclass(base, Enum):
        return base
    if typing.get_origin(base) is tuple:
        return lambda value: tuple(json.loads(value))
    if base is float:
        return float
    if base is int:
        return int
    return None


def _converters(cls: type) -> list[tuple[str, Converter | None]]:
    """Each field of `cls` with its converter, worked out once per class."""
    found = _CONVERTERS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]
        _CONVERTERS[cls] = found
    return found


def to_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return json.dumps(list(value))
    if isinstance(value, bool):
        return int(value)
    return value


def to_row(obj: Any) -> dict[str, Any]:
    """A dataclass instance as a dict of column values, every text without control characters
    (core.text: on one line, or over lines for a multi-line field), whoever built the object."""
    row = {}
    for f in dataclasses.fields(obj):
        value = to_value(getattr(obj, f.name))
        if isinstance(value, str):
            multi_line = (type(obj), f.name) in MULTI_LINE_FIELDS
            value = many_lines(value) if multi_line else without_controls(value)
        row[f.name] = value
    return row


def from_row(cls: type[T], row: dict[str, Any]) -> T:
    """Build a dataclass of `cls` from a row; columns it does not know are ignored."""
    kwargs = {}
    for name, convert in _converters(cls):
        if name in row:
            value = row[name]
            kwargs[name] = value if value is None or convert is None else convert(value)
    return cls(**kwargs)


def row_reader(cls: type[T], columns: Sequence[str]) -> Callable[[Sequence[Any]], T]:
    """A fast builder of `cls` from result tuples whose column names are `columns`.

    Works out once per query which column feeds which field and how to convert it, so that
    long pages of rows are read without a dict per row.
    """
    position = {name: index for index, name in enumerate(columns)}
    missing = [name for name, _ in _converters(cls) if name not in position]
    if missing:
        raise ValueError(f"the query has no column for {', '.join(missing)}")
    plan = [(position[name], convert) for name, convert in _converters(cls)]

    def read(values: Sequence[Any]) -> T:
        return cls(
            *[
                value if (value := values[index]) is None or convert is None else convert(value)
                for index, convert in plan
            ]
        )

    return read
