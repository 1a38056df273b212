"""Defaults per team: a ``tunecost.toml`` sets what the scenarios run from a folder
leave out, the providers they may name and the price book they use::

    # tunecost.toml
    [team]
    engineer_rate = "150 USD/hour"

    [workload]
    peak_to_average = 2.5

    [paths.prompt-selfhost.ops]            # every path of one kind
    oncall = "0.5 FTE"

    [pricing]
    folder = "prices"                      # the price book, relative to this file
    providers = ["openai", "aws", "lambda"]  # the only providers a path may name
    markets = ["hyperscaler", "cloud"]     # GPU markets an offer may come from

Sections are named like the scenario's (``team``, ``workload``, ``market``; a path kind
under ``paths``). A scenario's own value, and ``--set``, win; every value taken from the
file is listed by :func:`merge` so the command prints it as an assumption. ``markets``
is kept on the loaded :class:`TeamDefaults` and is the default of the scenario's
``market.gpu_markets`` (where the GPU offers of the book may come from); ``providers``
refuses a path that names any other provider (:func:`check_providers`). The file is
looked for in the current folder, then in the user's config folder
(``platformdirs.user_config_dir("tunecost")``); ``TUNECOST_CONFIG`` names another file,
or turns the look-up off when set to ``off``.
"""

from __future__ import annotations

import copy
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tunecost.errors import InputError
from tunecost.scenario.fields import spec_of, submodel
from tunecost.scenario.loading import parse_scenario, read_yaml
from tunecost.scenario.model import PATH_KINDS, Scenario
from tunecost.scenario.overrides import apply_overrides

CONFIG_NAME = "tunecost.toml"
ENV_VAR = "TUNECOST_CONFIG"
NOT_DEFAULTS = ("name", "description", "baseline")
"""Scenario fields a team file may not set: they name one scenario, not a team's habit."""
PRICING_KEYS = ("folder", "providers", "markets")


@dataclass(frozen=True)
class TeamDefaults:
    """What a ``tunecost.toml`` sets: scenario defaults (``sections``, shaped like a
    scenario, with ``paths`` keyed by kind), the price-book folder, and the providers and
    GPU markets allowed (None: any). ``source`` is the file, None when there is none."""

    source: Path | None = None
    sections: dict = field(default_factory=dict)
    pricing_dir: Path | None = None
    providers: tuple[str, ...] | None = None
    markets: tuple[str, ...] | None = None

    @property
    def label(self) -> str:
        """The file as a message names it: relative to the current folder when inside
        it, with ``~`` for the home folder otherwise."""
        if self.source is None:
            return CONFIG_NAME
        try:
            return str(self.source.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            home = str(Path.home())
            text = str(self.source)
            return "~" + text[len(home) :] if text.startswith(home + os.sep) else text


def find_config(cwd: str | Path | None = None) -> Path | None:
    """The team file in force: ``TUNECOST_CONFIG`` (``off`` for none), else
    ``tunecost.toml`` in ``cwd`` (the current folder), else in the user config folder."""
    named = os.environ.get(ENV_VAR, "").strip()
    if named.lower() == "off":
        return None
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise InputError(f"{named!r} is not a file (unset it, or 'off' for none)", ENV_VAR)
        return path
    here = Path(cwd or Path.cwd()) / CONFIG_NAME
    if here.is_file():
        return here
    import platformdirs

    user = Path(platformdirs.user_config_dir("tunecost")) / CONFIG_NAME
    return user if user.is_file() else None


def load_team_defaults(
    cwd: str | Path | None = None, known_markets: tuple[str, ...] | None = None
) -> TeamDefaults:
    """The team defaults in force (:func:`find_config`); empty when there is no file."""
    path = find_config(cwd)
    return TeamDefaults() if path is None else read_team_defaults(path, known_markets)


def read_team_defaults(
    path: str | Path, known_markets: tuple[str, ...] | None = None
) -> TeamDefaults:
    """Read and check a team file: unknown sections and keys are errors (with "did you
    mean"), values are parsed like a scenario's, ``markets`` must be ``known_markets``."""
    import tomllib

    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot be read ({exc})", ENV_VAR) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p.name}: TOML syntax error: {exc}") from None
    pricing = data.pop("pricing", {})
    where = p.name
    _check_section(data, Scenario, where, ())
    return TeamDefaults(
        source=p,
        sections=data,
        pricing_dir=_folder(pricing, p),
        providers=_names(pricing, "providers", where),
        markets=_markets(pricing, where, known_markets),
    )


def _unknown(key: str, known, where: str, address: tuple) -> InputError:
    close = difflib.get_close_matches(key, list(known), 1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    place = ".".join((*address, key))
    return InputError(f"{where}: {place}: unknown key{hint}")


def _check_section(data: Any, model: type[BaseModel], where: str, address: tuple) -> None:
    """Every key of ``data`` is a field of ``model``; values with a field type parse."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: {'.'.join(address)}: expected a section ([...])")
    top = not address
    for key, value in data.items():
        here = (*address, key)
        if top and key == "paths":
            _check_paths(value, where)
            continue
        if top and key in NOT_DEFAULTS:
            raise InputError(f"{where}: {key}: names one scenario; set it in the scenario")
        if key not in model.model_fields:
            known = [*model.model_fields, "pricing"] if top else list(model.model_fields)
            raise _unknown(key, known, where, address)
        spec = spec_of(model, key)
        sub = submodel(model, key)
        if spec is None and sub is not None and isinstance(value, dict):
            _check_section(value, sub, where, here)
        elif spec is not None:
            try:
                spec.parse(value)
            except ValueError as exc:
                raise InputError(f"{where}: {'.'.join(here)}: {exc}") from None


def _check_paths(data: Any, where: str) -> None:
    if not isinstance(data, dict):
        raise InputError(f"{where}: paths: expected sections named by path kind, [paths.KIND]")
    for kind, section in data.items():
        if kind not in PATH_KINDS:
            raise _unknown(kind, PATH_KINDS, where, ("paths",))
        if not isinstance(section, dict):
            raise InputError(f"{where}: paths.{kind}: expected a section ([paths.{kind}])")
        for key in ("name", "kind"):
            if key in section:
                raise InputError(f"{where}: paths.{kind}.{key}: names one path; not a default")
        _check_section(section, PATH_KINDS[kind], where, ("paths", kind))


def _folder(pricing: dict, source: Path) -> Path | None:
    unknown = [k for k in pricing if k not in PRICING_KEYS]
    if unknown:
        raise _unknown(unknown[0], PRICING_KEYS, source.name, ("pricing",))
    if "folder" not in pricing:
        return None
    folder = (source.parent / Path(str(pricing["folder"])).expanduser()).resolve()
    if not folder.is_dir():
        raise InputError(f"{source.name}: pricing.folder: {str(folder)!r} is not a folder")
    return folder


def _names(pricing: dict, key: str, where: str) -> tuple[str, ...] | None:
    value = pricing.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(f'{where}: pricing.{key}: expected a list of names, e.g. ["aws"]')
    return tuple(v.strip().lower() for v in value)


def _markets(pricing: dict, where: str, known: tuple[str, ...] | None) -> tuple[str, ...] | None:
    markets = _names(pricing, "markets", where)
    for m in markets or ():
        if known is not None and m not in known:
            close = difflib.get_close_matches(m, known, 1)
            hint = f"did you mean {close[0]!r}?" if close else f"choose from {', '.join(known)}"
            raise InputError(f"{where}: pricing.markets: unknown market {m!r}; {hint}")
    return markets


def shown(value: Any) -> str:
    """A value from the file as the assumption line shows it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    return str(value)


def _fill(data: dict, defaults: dict, model: type[BaseModel], address: tuple, used: list) -> None:
    """Fill the keys ``data`` lacks from ``defaults`` (recursing into sections), noting
    ``(address, value)`` for each value taken."""
    for key, value in defaults.items():
        here = (*address, key)
        missing = data.get(key) is None
        section = spec_of(model, key) is None and submodel(model, key) is not None
        if section and isinstance(value, dict) and (missing or isinstance(data[key], dict)):
            if missing:
                data[key] = {}
            _fill(data[key], value, submodel(model, key), here, used)
        elif missing:
            data[key] = copy.deepcopy(value)
            used.append((here, value))


def merge(data: dict, defaults: TeamDefaults) -> tuple[dict, list[str]]:
    """``data`` (a scenario as read) with the team's defaults filled in where it is
    silent, and one line per value taken: ``team.engineer_rate = 150 USD/hour``."""
    if not (defaults.sections or defaults.markets) or not isinstance(data, dict):
        return data, []
    out = copy.deepcopy(data)
    used: list = []
    top = {k: v for k, v in defaults.sections.items() if k != "paths"}
    _fill(out, top, Scenario, (), used)
    _markets_default(out, defaults, used)
    kinds = defaults.sections.get("paths", {})
    for i, path in enumerate(out.get("paths") or []):
        if isinstance(path, dict) and path.get("kind") in kinds:
            name = str(path.get("name", i))
            _fill(path, kinds[path["kind"]], PATH_KINDS[path["kind"]], ("paths", name), used)
    return out, [f"{'.'.join(a)} = {shown(v)}" for a, v in used]


def _markets_default(data: dict, defaults: TeamDefaults, used: list) -> None:
    """``[pricing] markets`` as the default of the scenario's ``market.gpu_markets``
    (where the scenario model has that field and the scenario leaves it out)."""
    market_model = submodel(Scenario, "market")
    if defaults.markets is None or market_model is None:
        return
    if "gpu_markets" not in market_model.model_fields:
        return
    market = data.get("market")
    if market is None:
        market = data["market"] = {}
    if isinstance(market, dict) and market.get("gpu_markets") is None:
        market["gpu_markets"] = list(defaults.markets)
        used.append((("market", "gpu_markets"), list(defaults.markets)))


def _named_providers(obj: Any, address: tuple) -> list[tuple[str, str]]:
    """Every provider a part of a scenario names (``provider`` fields, and the prefix
    of an ``offer`` such as ``aws:p5.48xlarge``), with the field's address."""
    out = []
    for key in type(obj).model_fields:
        value = getattr(obj, key)
        here = (*address, key)
        if isinstance(value, BaseModel):
            out += _named_providers(value, here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    out += _named_providers(item, (*here, getattr(item, "name", str(i))))
        elif key == "provider" and isinstance(value, str):
            out.append((".".join(here), value))
        elif key == "offer" and isinstance(value, str) and ":" in value:
            out.append((".".join(here), value.split(":", 1)[0]))
    return out


def check_providers(scenario: Scenario, defaults: TeamDefaults) -> None:
    """Refuse a provider the team file does not allow, where a path names one."""
    if defaults.providers is None:
        return
    for address, provider in _named_providers(scenario, ()):
        if provider.strip().lower() not in defaults.providers:
            raise InputError(
                f"provider {provider!r} is not allowed by {defaults.label} "
                f"(pricing.providers: {', '.join(defaults.providers)})",
                address,
            )


def source_name(path: str | Path, overrides=(), team: str | None = None) -> str:
    """How errors name a scenario: its file name, ``with --set`` when options changed
    it, ``and tunecost.toml's defaults`` when the team file ``team`` filled some in."""
    name = Path(path).name + (" with --set" if overrides else "")
    return name + (f" and {team}'s defaults" if team else "")


def load_with_defaults(
    path: str | Path, overrides=(), defaults: TeamDefaults | None = None
) -> tuple[Scenario, list[str]]:
    """Read a scenario file, apply ``--set`` overrides, fill in the team's defaults where
    both are silent, validate it and check its providers. Returns the scenario and one
    assumption line per value taken from a ``workload.from_log`` or the team file."""
    from tunecost.scenario.profile import expand_profile
    from tunecost.scenario.traffic_summary import expand_from_log

    defaults = defaults or TeamDefaults()
    data = apply_overrides(read_yaml(path), overrides)
    data, from_log = expand_from_log(data, Path(path).parent)
    data = expand_profile(data, Path(path).parent)
    data, used = merge(data, defaults)
    scenario = parse_scenario(data, source_name(path, overrides, defaults.label if used else None))
    check_providers(scenario, defaults)
    return scenario, from_log + [f"{line} (from {defaults.label})" for line in used]
