"""Frozen dataclasses to JSON and back, strictly, and their JSON Schema.

The report model (:mod:`vhh.linkage.report.model`) is plain frozen dataclasses; this module
turns them into JSON-ready dicts (field order kept, so the same report gives the same
bytes), reads such dicts back (every field checked against its type: a missing, extra or
mistyped key is a :class:`ModelError` naming the path, never the value) and derives the
JSON Schema from the same type hints. Supported field types: ``str``, ``int``, ``float``,
``bool``, ``X | None``, ``tuple[X, ...]``, ``Mapping[str, X]``, nested dataclasses and
:data:`JsonValue` (any JSON, for method-specific details).

Field metadata: ``json`` renames a field in JSON (``inn`` → ``"in"``); ``omit_if_none``
leaves a ``None`` field out instead of writing ``null``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, NewType, TypeVar, Union

__all__ = ["JsonValue", "ModelError", "from_json", "json_field", "json_schema", "to_json"]

JsonValue = NewType("JsonValue", object)
"""Any JSON value, passed through as read (method-specific details such as ECM weights)."""
T = TypeVar("T")


class ModelError(ValueError):
    """A JSON document that does not fit the model; the message names the path."""


def json_field(*, json: str | None = None, omit_if_none: bool = False,
               default: Any = dataclasses.MISSING,
               default_factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field with a JSON name and/or omitted when ``None``."""
    meta = {"json": json, "omit_if_none": omit_if_none}
    return dataclasses.field(default=default, default_factory=default_factory, metadata=meta)


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return (f.default is not dataclasses.MISSING
            or f.default_factory is not dataclasses.MISSING)


def _name(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("json") or f.name)


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def to_json(obj: object) -> Any:
    """A JSON-ready value of a model instance (dicts keep the field order)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if value is None and f.metadata.get("omit_if_none"):
                continue
            out[_name(f)] = to_json(value)
        return out
    if isinstance(obj, Mapping):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, tuple | list):
        return [to_json(v) for v in obj]
    return obj


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return typing.get_args(tp)
    return None


def _scalar(tp: type, value: Any, path: str) -> Any:
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp in (int, float) and isinstance(value, bool):
        raise ModelError(f"{path}: expected {tp.__name__}, found a boolean")
    if not isinstance(value, tp):
        raise ModelError(f"{path}: expected {tp.__name__}, found {type(value).__name__}")
    return value


def _read(tp: Any, value: Any, path: str) -> Any:
    if tp is JsonValue or tp is Any:
        return value
    args = _union_args(tp)
    if args is not None:
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _read(inner, value, path)
    origin = typing.get_origin(tp)
    if origin is tuple:
        if not isinstance(value, list):
            raise ModelError(f"{path}: expected a list, found {type(value).__name__}")
        item = typing.get_args(tp)[0]
        return tuple(_read(item, v, f"{path}[{k}]") for k, v in enumerate(value))
    if origin is Mapping or origin is dict:
        if not isinstance(value, dict):
            raise ModelError(f"{path}: expected an object, found {type(value).__name__}")
        item = typing.get_args(tp)[1]
        return {str(k): _read(item, v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_json(tp, value, path)
    return _scalar(tp, value, path)


def from_json(cls: type[T], data: Any, path: str = "$") -> T:
    """An instance of the model class ``cls`` from its JSON value; strict."""
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected an object, found {type(data).__name__}")
    hints = _hints(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    known = {_name(f) for f in fields}
    extra = sorted(set(data) - known)
    if extra:
        raise ModelError(f"{path}: unknown field(s) {', '.join(extra)}")
    values: dict[str, Any] = {}
    for f in fields:
        key = _name(f)
        if key not in data:
            if not (f.metadata.get("omit_if_none") or _has_default(f)):
                raise ModelError(f"{path}: the field '{key}' is missing")
            continue
        values[f.name] = _read(hints[f.name], data[key], f"{path}.{key}")
    return cls(**values)


_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is JsonValue or tp is Any:
        return {}
    args = _union_args(tp)
    if args is not None:
        return {"anyOf": [_schema(a, defs) if a is not type(None) else {"type": "null"}
                          for a in args]}
    origin = typing.get_origin(tp)
    if origin is tuple:
        return {"type": "array", "items": _schema(typing.get_args(tp)[0], defs)}
    if origin is Mapping or origin is dict:
        return {"type": "object",
                "additionalProperties": _schema(typing.get_args(tp)[1], defs)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    return {"type": _SCALARS[tp]}


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    props, required = {}, []
    for f in dataclasses.fields(cls):
        props[_name(f)] = _schema(hints[f.name], defs)
        if not (f.metadata.get("omit_if_none") or _has_default(f)):
            required.append(_name(f))
    doc = (cls.__doc__ or "").strip().splitlines()
    out: dict[str, Any] = {"type": "object", "properties": props, "required": required,
                           "additionalProperties": False}
    if doc:
        out["description"] = doc[0]
    return out


def json_schema(cls: type, *, schema_id: str, title: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the model class ``cls``."""
    defs: dict[str, Any] = {}
    top = _object_schema(cls, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id,
            "title": title, **top, "$defs": dict(sorted(defs.items()))}
