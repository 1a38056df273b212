"""``--set KEY=VALUE``: change fields of a scenario's data before it is validated.

Keys are addresses (:mod:`tunecost.scenario.address`): ``workload.requests``,
``paths.finetune-api.data.examples``, ``paths[gpt-4.1-prompt].input_tokens`` or
``paths.0.model``. Values are read as YAML scalars, so ``3M requests/month`` stays text
and ``8000`` becomes a number.
"""

from __future__ import annotations

import copy
from typing import Any

from tunecost.errors import InputError
from tunecost.scenario.address import parse_address
from tunecost.scenario.yaml12 import load_value

FIELD = "overrides"
"""The parameter errors name (the command line shows it as ``--set``)."""


def apply_overrides(data: dict, overrides: list[str] | tuple[str, ...]) -> dict:
    """A copy of ``data`` with each ``key=value`` of ``overrides`` applied."""
    data = copy.deepcopy(data)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f'{item!r}: write key=value, e.g. workload.requests="2M requests/month"', FIELD
            )
        value = load_value(raw)  # YAML 1.2 core, bounded: `yes` stays text
        _assign(data, key.strip(), value)
    return data


def _assign(data: dict, key: str, value: Any) -> None:
    items = data.get("paths")
    if isinstance(items, list):
        names = [str(i.get("name")) if isinstance(i, dict) else "" for i in items]
        address = parse_address(key, names, FIELD)
    else:
        address = tuple(key.split("."))
    node: Any = data
    start = 0
    if isinstance(items, list) and address[0] == "paths" and len(address) > 1:
        if len(address) == 2:
            raise InputError(f"{key}: name a field of the path, e.g. {key}.model", FIELD)
        node = items[names.index(address[1])]
        start = 2
    for i in range(start, len(address) - 1):
        if isinstance(node, list) and address[i].isdigit() and int(address[i]) < len(node):
            node = node[int(address[i])]  # an item of a list (routes.0.share)
            continue
        if not isinstance(node, dict):
            raise InputError(f"{key}: {'.'.join(address[:i])} is not a section", FIELD)
        node = node.setdefault(address[i], {})
    if not isinstance(node, dict):
        raise InputError(f"{key}: {'.'.join(address[:-1])} is not a section", FIELD)
    node[address[-1]] = value
