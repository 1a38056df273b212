"""The JSON Schema of a scenario file, for editors (completion, checking as you type)
and for other programs.

Built from the pydantic models and the same :class:`~tunecost.scenario.fields.FieldSpec`
descriptions that parse each field and generate ``docs/scenarios.md``: a quantity is a
string with its unit (or a bare number where the unit cannot be in doubt) or a range; a
rate, a month and a retrain policy are strings in their own forms. Every section refuses
unknown keys, as the loader does, and a path's ``kind`` chooses its fields.
``tunecost schema`` prints it; ``docs/scenario.schema.json`` is a generated copy, and the
bundled examples point editors at it with a ``# yaml-language-server: $schema=`` line.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal, Union

import annotated_types as at
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from tunecost.scenario.distributions import KINDS
from tunecost.scenario.fields import FieldSpec, spec_of
from tunecost.scenario.model import Scenario

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NUMBER_START = r"^\s*[-+]?(\d|\.\d)"
"""A quantity written as text starts with its number (``300k requests/month``)."""


def _ci(word: str) -> str:
    """A regular-expression fragment matching ``word`` in any case (JSON Schema
    patterns have no case-insensitive flag)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


RATE_PATTERN = (
    r"^\s*[-+]?\d*\.?\d+([eE][-+]?\d+)?\s*(%|"
    + _ci("percent")
    + r")?\s*(/|"
    + _ci("per")
    + r")\s*("
    + "|".join(_ci(p) for p in ("day", "week", "month", "quarter", "year"))
    + r")[sS]?\s*$"
)
MONTH_PATTERN = r"^\s*\d{4}-\d{1,2}(-\d{1,2})?\s*$"
RETRAIN_PATTERN = r"^\s*" + _ci("every") + r"\s+\d+(\.\d+)?\s*" + _ci("month") + r"[sS]?\s*$"


def range_schema(value: dict) -> dict:
    """A range whose ends are written as ``value``: triangular (``low``, ``high``,
    optional ``mode``) or ``dist: uniform | normal | lognormal``."""
    shapes = []
    for kind, names in KINDS.items():
        props: dict[str, Any] = {"dist": {"const": kind}}
        props.update({n: value for n in names})
        if kind == "lognormal":
            props["sigma"] = {"type": "number", "minimum": 0}
        required = list(names[:2]) + ([] if kind == "triangular" else ["dist"])
        shapes.append(
            {
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": False,
            }
        )
    return {
        "description": "A range: {low, high} (triangular, optional mode) or "
        "{dist: uniform | normal | lognormal, ...}; its values are checked like the field's.",
        "anyOf": shapes,
    }


RANGES = {
    "Range": range_schema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": NUMBER_START}]}
    ),
    "RateRange": range_schema({"type": "string", "pattern": RATE_PATTERN}),
}
"""The two shapes of a range (over a quantity, over a rate), shared in ``$defs``."""


def _quantity(spec: FieldSpec) -> dict:
    text = {"type": "string", "pattern": NUMBER_START}
    options: list[dict] = [text]
    if spec.bare:
        number: dict[str, Any] = {"type": "number"}
        if spec.positive:
            number["exclusiveMinimum"] = 0
        elif not spec.allow_negative:
            number["minimum"] = 0
        if spec.maximum is not None:
            number["maximum"] = spec.maximum
        if spec.minimum is not None:
            number.pop("exclusiveMinimum", None)
            number["minimum"] = spec.minimum
        options.insert(0, number)
    value = options[0] if len(options) == 1 else {"anyOf": options}
    return {"anyOf": [*options, {"$ref": "#/$defs/Range"}]} if spec.ranges else value


def spec_schema(spec: FieldSpec) -> dict:
    """How a field with a :class:`FieldSpec` is written, as a schema."""
    if spec.kind == "rate":
        text = {"type": "string", "pattern": RATE_PATTERN}
        return {"anyOf": [text, {"const": 0}, {"$ref": "#/$defs/RateRange"}]}
    if spec.kind == "month":
        return {"type": "string", "pattern": MONTH_PATTERN}
    if spec.kind == "retrain":
        return {
            "anyOf": [
                {"enum": ["on-new-base-model", "never"]},
                {"type": "string", "pattern": RETRAIN_PATTERN},
            ]
        }
    return _quantity(spec)


def _constraints(metadata) -> dict:
    out = {}
    for m in metadata:
        if isinstance(m, at.Ge):
            out["minimum"] = m.ge
        elif isinstance(m, at.Gt):
            out["exclusiveMinimum"] = m.gt
        elif isinstance(m, at.Le):
            out["maximum"] = m.le
        elif isinstance(m, at.Lt):
            out["exclusiveMaximum"] = m.lt
        elif isinstance(m, at.MinLen):
            out["minLength"] = m.min_length
        elif isinstance(m, at.MaxLen):
            out["maxLength"] = m.max_length
    return out


def _type_schema(ann: Any, defs: dict) -> dict:
    """The schema of a plain annotation: a model, a list, a choice, a union, a scalar."""
    origin = typing.get_origin(ann)
    if origin is Annotated:
        return _type_schema(typing.get_args(ann)[0], defs)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return _ref(ann, defs)
    if origin is list:
        return {"type": "array", "items": _type_schema(typing.get_args(ann)[0], defs)}
    if origin is Literal:
        return {"enum": list(typing.get_args(ann))}
    if origin in (Union, types.UnionType):
        options = [_type_schema(a, defs) for a in typing.get_args(ann)]
        return {"anyOf": options}
    scalars = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if ann in scalars:
        return {"type": scalars[ann]}
    if ann is type(None):
        return {"type": "null"}
    return {}


def _ref(model: type[BaseModel], defs: dict) -> dict:
    name = model.__name__
    if name not in defs:
        defs[name] = {}  # placeholder against recursion
        defs[name] = model_schema(model, defs)
    return {"$ref": f"#/$defs/{name}"}


def _default(info) -> Any:
    d = info.default
    if d is PydanticUndefined or isinstance(d, BaseModel | tuple):
        return PydanticUndefined
    return d if d is None or isinstance(d, str | int | float | bool) else PydanticUndefined


def field_schema(model: type[BaseModel], name: str, defs: dict) -> dict:
    """One field: its type (from its FieldSpec where it has one), description, example,
    default and bounds."""
    info = model.model_fields[name]
    spec = spec_of(model, name)
    if spec is not None:
        out = spec_schema(spec)
        if type(None) in typing.get_args(info.annotation):
            out = {"anyOf": [out, {"type": "null"}]}
    else:
        out = {**_type_schema(info.annotation, defs), **_constraints(info.metadata)}
        if out.get("type") == "array" and "minLength" in out:
            out["minItems"] = out.pop("minLength")
    words = info.description or ""
    if spec is not None:
        written = spec.doc.replace("`", "").replace("\\|", "|")
        unit = f" Unit: {spec.unit}." if spec.unit and spec.unit != "dimensionless" else ""
        words = f"{words} Written as {written}.{unit}".strip()
        if spec.example:
            out["examples"] = [spec.example]
    if words:
        out["description"] = words
    default = _default(info)
    if default is not PydanticUndefined:
        out["default"] = default
    return out


def model_schema(model: type[BaseModel], defs: dict) -> dict:
    """A section: its fields, the required ones, and no others."""
    properties = {name: field_schema(model, name, defs) for name in model.model_fields}
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    doc = (model.__doc__ or "").strip()
    if doc and not doc.startswith(model.__name__ + "("):
        out["description"] = " ".join(doc.split())
    return out


def scenario_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    defs: dict = {}
    root = model_schema(Scenario, defs)
    root.pop("description", None)
    return {
        "$schema": DRAFT,
        "title": "tunecost scenario",
        "description": "A tunecost scenario: one workload, its market, and the paths "
        "(ways of building it) to price. See docs/scenarios.md.",
        **root,
        "$defs": dict(sorted({**defs, **RANGES}.items())),
    }


def schema_text() -> str:
    """The schema as the JSON text ``tunecost schema`` prints."""
    import json

    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
