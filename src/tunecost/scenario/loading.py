"""Reading a scenario: YAML read safely, validated, errors in one line.

YAML is read with the YAML 1.2 core schema (:mod:`tunecost.scenario.yaml12`: ``yes`` is
text, ``017`` is 17, no tags), refusing a key given twice, files over 1 MB, nesting deeper
than 12 levels and aliases that expand beyond 100,000 values. Validation errors become one line
that names the field (``paths.llama-70b.serving.gpu``; ``paths[1]`` for a path without a
name), with "did you mean" for a misspelt key.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tunecost.errors import InputError
from tunecost.scenario.address import format_address
from tunecost.scenario.fields import submodel
from tunecost.scenario.model import PATH_KINDS, AnyPath, PathBase, Scenario
from tunecost.scenario.overrides import apply_overrides
from tunecost.scenario.user_files import read_text
from tunecost.scenario.yaml12 import load_yaml

FIELD = "scenario"
"""The parameter file errors name (the command line shows it as ``SCENARIO``)."""


def _field_path(loc: tuple, data: Any = None) -> str:
    """``loc`` as the field's address; a path is named as the output names it
    (``paths.llama-70b.serving.gpu``) when it has a name, else by its place (``paths[1]``)."""
    name = _path_name(loc, data)
    if name is not None:
        rest = [str(p) for p in loc[2:] if p not in PATH_KINDS]
        return format_address(("paths", name, *rest))
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in PATH_KINDS:
            continue  # the discriminator tag pydantic adds
        else:
            out += ("." if out else "") + str(part)
    return out


def _path_name(loc: tuple, data: Any) -> str | None:
    """The ``name`` of the path ``loc`` points into, when the data gives it one."""
    if len(loc) < 2 or loc[0] != "paths" or not isinstance(loc[1], int):
        return None
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, list) or not 0 <= loc[1] < len(paths):
        return None
    path = paths[loc[1]]
    name = path.get("name") if isinstance(path, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def _known_fields(loc: tuple, data: Any) -> list[str]:
    """Field names valid at ``loc`` (for "did you mean" on unknown keys)."""
    return list(getattr(_model_at(loc, data), "model_fields", {}))


def _model_at(loc: tuple, data: Any) -> Any:
    """The model class of the section holding the last key of ``loc`` (None if the
    data does not lead to one)."""
    model: Any = Scenario
    node = data
    for part in loc[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else {}
            if model is AnyPath and isinstance(node, dict):
                model = PATH_KINDS.get(node.get("kind"), PathBase)
            continue
        if part in PATH_KINDS:
            model = PATH_KINDS[part]
            continue
        if part not in getattr(model, "model_fields", {}):
            return None
        node = node.get(part, {}) if isinstance(node, dict) else {}
        model = AnyPath if part == "paths" else submodel(model, part)
    return model


def _section_holding(key: str, loc: tuple, data: Any) -> str | None:
    """The section at ``loc``'s level (``serving``, ``data``...) whose fields include
    ``key``, for a field written one level too high."""
    model = _model_at(loc, data)
    for name in getattr(model, "model_fields", {}):
        sub = submodel(model, name)
        if sub is not None and key in sub.model_fields:
            return name
    return None


_BOUNDS = {
    "greater_than_equal": ("ge", "must be at least"),
    "greater_than": ("gt", "must be greater than"),
    "less_than_equal": ("le", "must be at most"),
    "less_than": ("lt", "must be less than"),
}
"""pydantic's bound errors in the words the quantity fields use."""

_EXPECTED = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}
"""What a field of a plain type expects, by pydantic's error type (``months: yes`` under
YAML 1.2 is the text ``'yes'``, not 1)."""


def _one_line(exc: ValidationError, data: Any, source: str) -> str:
    # A misspelt key also makes the right one "missing": report the misspelling first.
    order = {"extra_forbidden": 0, "union_tag_invalid": 1, "union_tag_not_found": 1}
    err = min(exc.errors(), key=lambda e: order.get(e["type"], 2))
    loc = tuple(err["loc"])
    where = _field_path(loc, data) or "scenario"
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _known_fields(loc, data), 1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if not close and "." in key:  # a dotted address written as one key
            head, _, tail = key.partition(".")
            hint = f"; nest it: {head}: {{{tail}: ...}}"
        elif not close and (section := _section_holding(key, loc, data)):
            hint = f"; it belongs under {section}: ({section}: {{{key}: ...}})"
        msg = f"{where}: unknown key {key!r}{hint}"
    elif kind == "missing":
        msg = f"{where}: missing (required)"
    elif kind == "union_tag_invalid":
        msg = (
            (
                f"{where}.kind: {err['input'].get('kind')!r} is not a path kind; "
                f"choose one of {', '.join(PATH_KINDS)}"
            )
            if isinstance(err["input"], dict)
            else f"{where}: {err['msg']}"
        )
    elif kind == "union_tag_not_found":
        msg = f"{where}.kind: missing; choose one of {', '.join(PATH_KINDS)}"
    elif kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        msg = f"{where}: {words} {err.get('ctx', {}).get(key)}, got {err['input']!r}"
    elif kind in _EXPECTED:
        shown = repr(err["input"])
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        msg = f"{where}: expected {_EXPECTED[kind]}, not {shown}"
    else:
        text = err["msg"].removeprefix("Value error, ")
        msg = f"{where}: {text}"
    others = list(
        dict.fromkeys(
            _field_path(tuple(e["loc"]), data) or "scenario" for e in exc.errors() if e is not err
        )
    )
    others = [o for o in others if o != where]
    suffix = ""
    if others:
        listed = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        suffix = f" (also: {listed})"
    return f"{source}: {msg}{suffix}"


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Validate a scenario given as plain data (e.g. parsed YAML)."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping of scenario fields at the top level")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(_one_line(exc, data, source)) from None


def read_yaml(path: str | Path) -> dict:
    """Read a scenario file: YAML 1.2 core schema, bounded in size, nesting and aliases
    (:mod:`tunecost.scenario.yaml12`)."""
    name = Path(path).name
    text = read_text(path, "a scenario file")
    data = load_yaml(text, name)
    if data is None:
        raise InputError(f"{name} is empty; see examples/ for a scenario to start from")
    return data


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, override (``key=value``) and validate a scenario file (a
    ``workload.from_log`` filled in from the log)."""
    from tunecost.scenario.profile import expand_profile
    from tunecost.scenario.traffic_summary import expand_from_log

    data = apply_overrides(read_yaml(path), overrides)
    data, _ = expand_from_log(data, Path(path).parent)
    data = expand_profile(data, Path(path).parent)
    source = Path(path).name + (" with --set" if overrides else "")
    return parse_scenario(data, source)
