"""Mapping between core dataclasses and table rows: dates as ISO text, enums as their values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


_HINTS: dict[type, dict[str, Any]] = {}


def _field_types(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _base_type(hint: Any) -> Any:
    """`X | None` -> X; anything else unchanged."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0]
    return hint


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
    """A dataclass instance as a dict of column values."""
    return {f.name: to_value(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _from_value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    base = _base_type(hint)
    if base is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if base is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(base, type) and issubclass(base, Enum):
        return base(value)
    if typing.get_origin(base) is tuple:
        return tuple(json.loads(value))
    if base is float:
        return float(value)
    if base is int:
        return int(value)
    return value


def from_row(cls: type[T], row: dict[str, Any]) -> T:
    """Build a dataclass of `cls` from a row; columns it does not know are ignored."""
    hints = _field_types(cls)
    kwargs = {
        f.name: _from_value(hints[f.name], row[f.name])
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name in row
    }
    return cls(**kwargs)
