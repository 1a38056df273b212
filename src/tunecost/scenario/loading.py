"""Reading a scenario: YAML read safely, validated, errors in one line.

YAML is read with PyYAML's safe loader (no object tags), refusing a key given twice,
files over 1 MB and nesting deeper than 12 levels. Validation errors become one line
that names the field (``paths[1].serving.gpu``), with "did you mean" for a misspelt key.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tunecost.errors import InputError
from tunecost.scenario.fields import submodel
from tunecost.scenario.model import PATH_KINDS, AnyPath, PathBase, Scenario
from tunecost.scenario.overrides import apply_overrides

MAX_FILE_BYTES = 1_000_000

FIELD = "scenario"
"""The parameter file errors name (the command line shows it as ``SCENARIO``)."""


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in PATH_KINDS:
            continue  # the discriminator tag pydantic adds
        else:
            out += ("." if out else "") + str(part)
    return out


def _known_fields(loc: tuple, data: Any) -> list[str]:
    """Field names valid at ``loc`` (for "did you mean" on unknown keys)."""
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
            return []
        node = node.get(part, {}) if isinstance(node, dict) else {}
        model = AnyPath if part == "paths" else submodel(model, part)
    return list(getattr(model, "model_fields", {}))


def _one_line(exc: ValidationError, data: Any, source: str) -> str:
    # A misspelt key also makes the right one "missing": report the misspelling first.
    order = {"extra_forbidden": 0, "union_tag_invalid": 1, "union_tag_not_found": 1}
    err = min(exc.errors(), key=lambda e: order.get(e["type"], 2))
    loc = tuple(err["loc"])
    where = _field_path(loc) or "scenario"
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _known_fields(loc, data), 1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
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
    else:
        text = err["msg"].removeprefix("Value error, ")
        msg = f"{where}: {text}"
    others = list(
        dict.fromkeys(
            _field_path(tuple(e["loc"])) or "scenario" for e in exc.errors() if e is not err
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


MAX_NESTING = 12
"""Deepest nesting of mappings and lists a scenario may use (real ones use 4)."""


def _depth(node, level: int = 0) -> int:
    if isinstance(node, dict):
        return max((_depth(v, level + 1) for v in node.values()), default=level + 1)
    if isinstance(node, list):
        return max((_depth(v, level + 1) for v in node), default=level + 1)
    return level


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader (no object tags) that refuses a key given twice in one
    mapping; plain PyYAML silently keeps the last one."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def read_yaml(path: str | Path) -> dict:
    """Read a YAML file safely (no object tags) with size and nesting bounds."""
    p = Path(path)
    name = p.name
    if p.is_dir():
        raise InputError(f"{p} is a folder; give a scenario file", FIELD)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", FIELD) from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror})", FIELD) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{name} is larger than {MAX_FILE_BYTES:,} bytes", FIELD)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text", FIELD) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = "" if "given twice" in str(problem) else "; check indentation, colons and quotes"
        if "constructor for the tag" in str(problem):
            raise InputError(
                f"{name}{where}: YAML tags such as !!python/... are not allowed; "
                "a scenario is plain data"
            ) from None
        raise InputError(f"{name}{where}: YAML syntax error: {problem}{hint}") from None
    if data is None:
        raise InputError(f"{name} is empty; see examples/ for a scenario to start from")
    if _depth(data) > MAX_NESTING:
        raise InputError(f"{name} nests deeper than {MAX_NESTING} levels; a scenario needs 4")
    return data


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, override (``key=value``) and validate a scenario file."""
    data = apply_overrides(read_yaml(path), overrides)
    source = Path(path).name + (" with --set" if overrides else "")
    return parse_scenario(data, source)
