"""Scenario files: YAML read safely, validated with pydantic, quantities parsed with units.

A scenario describes one workload and the paths (ways of building it) to price. Every
quantity is a string with a unit (``300k requests/month``, ``4 %/month``,
``90 USD/hour``); a bare number is accepted only where the unit is unambiguous (tokens
per request, counts of examples). Unknown keys are errors with a "did you mean". Each
default is documented on its field; the ones that are judgement calls rather than
published figures are listed by :func:`assumptions` and printed with every comparison.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tunecost.distributions import Dist, parse_dist
from tunecost.errors import InputError, UnitError

MAX_MONTHS = 240
MAX_FILE_BYTES = 1_000_000

ENGINEER_RATE_USD_PER_HOUR = 90.0
"""Loaded cost of an engineer-hour: the US median wage of software developers, $63.59
an hour in May 2023 (BLS Occupational Outlook Handbook, 15-1252: $132,270 a year), over
the 70.4% share of wages in private-industry employer costs (BLS Employer Costs for
Employee Compensation, June 2024): 63.59 / 0.704 = $90.3."""

HOURS_PER_FTE_MONTH = 2080 / 12
"""Working hours of one full-time equivalent per month: 40 h x 52 weeks / 12 = 173.3 h
(the 2,080-hour work year US employers and OPM use for hourly rates)."""

NEW_BASE_MODEL_EVERY_MONTHS = 5.5
"""Months between base models worth moving to. Release gaps of the two families in the
price and model tables: OpenAI GPT-4 (2023-03), GPT-4 Turbo (2023-11), GPT-4o (2024-05),
GPT-4.1 (2025-04), GPT-5 (2025-08): 8, 6, 11, 4 months; Meta Llama 2 (2023-07), 3
(2024-04), 3.1 (2024-07), 3.3 (2024-12), 4 (2025-04): 9, 3, 5, 4 months; median 5.5."""

FINETUNE_EPOCHS = 3.0
"""Epochs of a fine-tuning run: Stanford Alpaca and Vicuna both trained 3 epochs
(tatsu-lab/stanford_alpaca README; LMSYS Vicuna blog, 2023)."""


# ---- quantities ---------------------------------------------------------------------
def _quantity(
    unit: str,
    example: str,
    *,
    bare: bool = False,
    positive: bool = False,
    allow_negative: bool = False,
    maximum: float | None = None,
    ranges: bool = True,
):
    """A float field parsed with units; with ``ranges``, a mapping gives a distribution
    (see :mod:`tunecost.distributions`) whose parameters are checked the same way."""

    def scalar(value: Any, *, spread: bool = False) -> float:
        from tunecost.units import parse_quantity

        try:
            return parse_quantity(
                value,
                unit,
                field="",
                example=example,
                bare=bare,
                positive=positive and not spread,
                allow_negative=allow_negative and not spread,
                maximum=None if spread else maximum,
            )
        except UnitError as exc:
            raise ValueError(str(exc).lstrip(": ")) from None

    def parse(value: Any) -> float | Dist:
        if not isinstance(value, str | int | float | dict) or isinstance(value, bool):
            raise ValueError(f"expected a value like {example!r}, got a {type(value).__name__}")
        if isinstance(value, dict):
            if not ranges:
                raise ValueError("a range is not supported here; give one value")
            lower = -np.inf if allow_negative else 0.0
            return parse_dist(
                value,
                scalar,
                lambda v: scalar(v, spread=True),
                lower=lower,
                upper=np.inf if maximum is None else maximum,
            )
        return scalar(value)

    # for the generated reference and for sensitivity swings
    parse.example, parse.unit, parse.ranges = example, unit, ranges
    parse.bounds = (-np.inf if allow_negative else 0.0, np.inf if maximum is None else maximum)
    return Annotated[float | Dist, BeforeValidator(parse)]


# Upper bounds refuse values that are surely typos (a billion tokens per request, an
# engineer at 1M USD/hour) rather than plan for them.
Requests = _quantity("request/month", "300k requests/month", maximum=1e11)
PositiveTokens = _quantity("token", "1800", bare=True, positive=True, maximum=1e7)
Examples = _quantity("dimensionless", "4000", bare=True, maximum=1e9)
Epochs = _quantity("dimensionless", "3", bare=True, maximum=100.0)
Fraction = _quantity("dimensionless", "0.5 or 50%", bare=True, maximum=1.0)
PositiveFraction = _quantity("dimensionless", "0.4", bare=True, positive=True, maximum=1.0)
USDPerHour = _quantity("USD/hour", "90 USD/hour", bare=True, maximum=1e4)
USD = _quantity("USD", "500 USD", bare=True, maximum=1e8)
USDPerMonth = _quantity("USD/month", "400 USD/month", maximum=1e8)
USDPerExample = _quantity("USD/example", "0.60 USD/example", bare=True, maximum=1e4)
Hours = _quantity("hour", "40 engineer_hour", bare=True, maximum=1e5)
HoursPerMonth = _quantity("hour/month", "6 engineer_hour/month", maximum=1e5)
FTEHours = _quantity("hour/month", "173 hour/month", bare=True, positive=True, maximum=744.0)
FTE = _quantity("dimensionless", "0.2 FTE", bare=True, maximum=1000.0)
Months = _quantity("month", "6 months", positive=True, maximum=240.0)
Seconds = _quantity("s", "50 ms", positive=True, maximum=3600.0, ranges=False)
PriceFactor = _quantity("dimensionless", "0.8", bare=True, positive=True, maximum=100.0)
Factor = _quantity("dimensionless", "3", bare=True, positive=True, maximum=1000.0)

_RATE_RE = re.compile(
    r"^\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(%|percent)?\s*(?:/|per)\s*"
    r"(day|week|month|quarter|year)s?\s*$",
    re.I,
)
_PERIOD_MONTHS = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "quarter": 3.0, "year": 12.0}


def _rate(value: Any) -> tuple[float, float]:
    """``"4 %/month"`` -> (0.04, 1); ``"-25 %/year"`` -> (-0.25, 12): a compound rate and
    the period it is stated over, in months. The period is kept so that -25 %/year means
    prices x 0.75 after 12 months, exactly. A mapping gives a distribution over the rate;
    all its values must be stated over the same period."""
    if isinstance(value, dict):
        periods = {_rate(v)[1] for k, v in value.items() if k not in ("dist", "sigma")}
        if len(periods) > 1:
            raise ValueError("state every value of the range over the same period, e.g. %/month")
        period = periods.pop() if periods else 1.0
        dist = parse_dist(
            value,
            lambda v: _rate(v)[0],
            lambda v: abs(_rate(v)[0]),
            lower=-0.999999,
            upper=2**period - 1,
        )
        return dist, period
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        return 0.0, 1.0
    m = _RATE_RE.match(str(value))
    if not m:
        raise ValueError(
            f"cannot read {value!r} as a rate; expected e.g. '4 %/month' or '-25 %/year'"
        )
    number = float(m.group(1)) / (100.0 if m.group(2) else 1.0)
    period = _PERIOD_MONTHS[m.group(3).lower()]
    if number <= -1:
        raise ValueError(f"{value!r} would make the value zero or negative")
    if (1 + number) ** (1 / period) > 2:
        raise ValueError(f"{value!r} is more than doubling every month; check the unit")
    return number, period


Rate = Annotated[tuple[float | Dist, float], BeforeValidator(_rate)]


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*", str(value))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{value!r} is not a month; write YYYY-MM, e.g. 2027-01")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


Month = Annotated[dt.date, BeforeValidator(_month)]


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, arbitrary_types_allowed=True
    )


# ---- scenario sections -----------------------------------------------------------------
class Team(Strict):
    engineer_rate: USDPerHour = Field(
        ENGINEER_RATE_USD_PER_HOUR, description="Loaded cost of an engineer-hour."
    )

    @field_validator("engineer_rate", mode="before")
    @classmethod
    def _per_hour(cls, v):
        texts = v.values() if isinstance(v, dict) else [v]
        if any(re.search(r"/\s*(month|year|week|day)", str(t)) for t in texts):
            raise ValueError(
                f"{v!r}: give the rate per engineer-hour, e.g. '90 USD/hour'; a monthly salary "
                "covers about 173 working hours, not the 730 hours of a calendar month"
            )
        return v

    hours_per_fte_month: FTEHours = Field(
        HOURS_PER_FTE_MONTH, description="Hours one FTE works in a month."
    )


class Workload(Strict):
    requests: Requests = Field(description="Requests per month in the first month.")
    growth: Rate = Field((0.0, 1.0), description="Compound traffic growth, e.g. 4 %/month.")
    input_tokens: PositiveTokens = Field(description="Prompt tokens per request (prompted).")
    output_tokens: PositiveTokens = Field(description="Output tokens per request.")
    peak_to_average: Factor = Field(
        3.0,
        description="Peak-hour traffic over the average (3 is an assumption, printed "
        "as one; measure it from your traffic).",
    )


class Market(Strict):
    api_price_change: Rate = Field((0.0, 12.0), description="Trend of API token prices.")
    gpu_price_change: Rate = Field((0.0, 12.0), description="Trend of GPU rental prices.")
    new_base_model_every: Months = Field(
        NEW_BASE_MODEL_EVERY_MONTHS, description="Months between better base models."
    )
    api_price_factor: PriceFactor = Field(
        1.0,
        description="API token and training prices as a multiple of the price book's "
        "(a negotiated discount, or a range to test how much prices matter).",
    )
    gpu_price_factor: PriceFactor = Field(
        1.0, description="GPU prices (from the book or given) as a multiple of themselves."
    )


class Engineering(Strict):
    build: Hours | None = Field(None, description="Engineer-hours to build, in month 1.")
    upkeep: HoursPerMonth | None = Field(None, description="Engineer-hours per month after.")
    per_release: Hours | None = Field(None, description="Engineer-hours per new release.")


class Evaluation(Strict):
    per_release: USD = Field(0.0, description="Eval spend per release (API calls, raters).")
    hours: Hours | None = Field(None, description="Engineer-hours per release evaluation.")


class Data(Strict):
    examples: Examples = Field(description="Training examples.")
    tokens_per_example: PositiveTokens = Field(description="Mean tokens per example.")
    epochs: Epochs = Field(FINETUNE_EPOCHS, description="Passes over the examples.")
    labelling: USDPerExample = Field(0.0, description="Cost to collect and label one example.")
    collection_hours: Hours = Field(0.0, description="Engineer-hours to build the data set.")
    refresh_share: Fraction = Field(0.0, description="Share of examples relabelled per retrain.")
    validation_share: Fraction = Field(
        0.0, description="Validation tokens billed, as a share of training tokens."
    )

    @field_validator("examples", "epochs")
    @classmethod
    def _positive(cls, v: float | Dist) -> float | Dist:
        low = v.span[0] if isinstance(v, Dist) else v
        if low <= 0:
            raise ValueError("must be greater than zero (a range must start above zero)")
        return v


class GPUChoice(Strict):
    gpu: str = Field(description="GPU id or alias, e.g. h100, l40s.")
    gpus: int | None = Field(None, ge=1, description="GPUs per job or replica.")
    provider: str | None = Field(None, description="Price from this provider's cheapest offer.")
    offer: str | None = Field(None, description="Price from this instance, e.g. aws:p5.48xlarge.")
    tier: Literal["on-demand", "spot", "reserved-1y"] = Field(
        "on-demand", description="Which price."
    )
    usd_per_gpu_hour: USDPerHour | None = None


class Training(GPUChoice):
    runs: int = Field(1, ge=1, description="Runs in the first tuning campaign.")
    retrain_runs: int = Field(1, ge=1, description="Runs per retrain.")
    mfu: PositiveFraction | None = Field(
        None, description="Default per method and GPU (docs/method.md)."
    )


class Serving(GPUChoice):
    precision: Literal["bf16", "fp16", "fp8", "fp4", "int4"] = Field(
        "bf16", description="Weight format."
    )
    tpot_slo: Seconds | None = Field(None, description="Time-per-output-token target.")
    ttft_slo: Seconds | None = Field(None, description="Time-to-first-token target.")
    min_replicas: int = Field(1, ge=0, description="0 allows scale to zero.")
    max_batch: int | None = Field(None, ge=1, description="Engine's max sequences.")


class Ops(Strict):
    oncall: FTE = Field(0.0, description="On-call and serving operations, in FTE.")


_RETRAIN_RE = re.compile(r"^\s*every\s+(\d+(?:\.\d+)?)\s*months?\s*$", re.I)


def _retrain(value: Any) -> str | float:
    text = str(value).strip().lower()
    if text in ("on-new-base-model", "never"):
        return text
    m = _RETRAIN_RE.match(text)
    if m and float(m.group(1)) > 0:
        return float(m.group(1))
    raise ValueError(f"{value!r}: write 'on-new-base-model', 'never' or 'every N months'")


Retrain = Annotated[str | float, BeforeValidator(_retrain)]


class PathBase(Strict):
    name: str = Field(min_length=1, max_length=80, description="Unique name of the path.")
    input_tokens: PositiveTokens | None = Field(
        None,
        description="Prompt tokens per request on this path (a fine-tuned model needs "
        "a shorter prompt); default the workload's.",
    )
    output_tokens: PositiveTokens | None = Field(None, description="Default the workload's.")
    engineering: Engineering = Field(Engineering(), description="Engineer-hours.")
    evaluation: Evaluation = Field(Evaluation(), description="Cost of each release's eval.")
    monitoring: USDPerMonth = Field(0.0, description="Monitoring tools, USD per month.")
    deprecated: Month | None = Field(
        None, description="Month the base model is retired, forcing a migration."
    )


class PromptAPI(PathBase):
    kind: Literal["prompt-api"] = Field(description="The path kind.")
    model: str = Field(description="API model id from the price book.")
    provider: str | None = Field(None, description="Needed when several providers sell the model.")
    cached_input_share: Fraction = Field(
        0.0, description="Share of input tokens read from the provider's prompt cache."
    )
    batch_share: Fraction = Field(0.0, description="Share of requests sent via batch APIs.")
    follow_new_models: bool = Field(
        True, description="Re-evaluate and migrate the prompt when a better base model arrives."
    )


class FinetuneAPI(PathBase):
    kind: Literal["finetune-api"]
    model: str = Field(description="Model id the provider fine-tunes and serves.")
    provider: str | None = Field(None, description="Needed when several providers sell the model.")
    base_model: str | None = Field(
        None, description="Open-weight id from models.csv, for providers that price by model size."
    )
    method: Literal["lora", "full"] = Field("lora", description="Where prices differ.")
    data: Data = Field(description="Training data; see below.")
    runs: int = Field(1, ge=1, description="Training runs in the first campaign.")
    retrain_runs: int = Field(1, ge=1, description="Runs per retrain.")
    retrain: Retrain = Field("on-new-base-model", description="When to retrain.")
    cached_input_share: Fraction = Field(0.0, description="Share of input tokens cached.")


class PromptSelfhost(PathBase):
    kind: Literal["prompt-selfhost"]
    model: str = Field(description="Open-weight model id from models.csv.")
    serving: Serving = Field(description="GPUs and latency targets; see below.")
    ops: Ops = Field(Ops(), description="Operations load.")
    follow_new_models: bool = Field(True, description="Move to better base models.")


class FinetuneSelfhost(PathBase):
    kind: Literal["finetune-selfhost"]
    base_model: str = Field(description="Open-weight model id from models.csv.")
    method: Literal["full", "lora", "qlora"] = Field("lora", description="Fine-tuning method.")
    data: Data = Field(description="Training data; see below.")
    training: Training = Field(description="Training GPUs and runs; see below.")
    serving: Serving = Field(description="GPUs and latency targets; see below.")
    ops: Ops = Field(Ops(), description="Operations load.")
    retrain: Retrain = Field("on-new-base-model", description="When to retrain.")


PATH_KINDS = {
    "prompt-api": PromptAPI,
    "finetune-api": FinetuneAPI,
    "prompt-selfhost": PromptSelfhost,
    "finetune-selfhost": FinetuneSelfhost,
}
AnyPath = PromptAPI | FinetuneAPI | PromptSelfhost | FinetuneSelfhost


class Scenario(Strict):
    name: str = Field(min_length=1, max_length=120, description="Shown in titles.")
    description: str = Field("", description="What the feature does, in words.")
    start: Month = Field(description="First month of the plan, YYYY-MM.")
    months: int = Field(36, ge=1, le=MAX_MONTHS, description="Horizon in months.")
    baseline: str | None = Field(
        None, description="Path the others are compared with; default the first."
    )
    team: Team = Field(Team(), description="Who builds and runs it.")
    workload: Workload = Field(description="Traffic and tokens per request.")
    market: Market = Field(Market(), description="Price trends and base-model cadence.")
    paths: list[Annotated[AnyPath, Field(discriminator="kind")]] = Field(
        min_length=1, description="The ways of building the feature; see below."
    )

    @model_validator(mode="after")
    def _names(self) -> Scenario:
        names = [p.name for p in self.paths]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"path names must be unique; repeated: {', '.join(dupes)}")
        for p in self.paths:
            if p.deprecated is not None and p.deprecated < self.start:
                raise ValueError(
                    f"paths {p.name!r}: deprecated {p.deprecated:%Y-%m} is before "
                    f"the plan starts ({self.start:%Y-%m}); pick a current model"
                )
        if self.baseline is not None and self.baseline not in names:
            close = difflib.get_close_matches(self.baseline, names, 1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; paths: {', '.join(names)}"
            raise ValueError(f"baseline {self.baseline!r} is not a path{hint}")
        return self

    def path(self, name: str, field: str = "--baseline") -> AnyPath:
        for p in self.paths:
            if p.name == name:
                return p
        names = [p.name for p in self.paths]
        close = difflib.get_close_matches(name, names, 1)
        hint = f"did you mean {close[0]!r}?" if close else f"paths: {', '.join(names)}"
        raise InputError(f"no path named {name!r}; {hint}", field)


# ---- engineering defaults (judgement, not measurement) ----------------------------------
ENGINEERING_DEFAULTS = {
    "prompt-api": (40.0, 8.0, 16.0),
    "finetune-api": (120.0, 16.0, 40.0),
    "prompt-selfhost": (160.0, 24.0, 24.0),
    "finetune-selfhost": (240.0, 32.0, 60.0),
}
"""(build hours, upkeep hours per month, hours per release) when a path does not say.
No published benchmark measures these; they encode the design's ordering (prompting is
cheapest to build and keep; fine-tuning adds data and training work; self-hosting adds
serving work) and are printed as assumptions with every comparison. Set your own."""

EVALUATION_HOURS_DEFAULT = 8.0
"""Engineer-hours to evaluate one release when a path does not say (an assumption,
printed with every comparison)."""


def engineering_hours(path: AnyPath) -> tuple[float, float, float]:
    """(build, upkeep per month, per release) engineer-hours for ``path``."""
    d = ENGINEERING_DEFAULTS[path.kind]
    e = path.engineering
    return (
        d[0] if e.build is None else e.build,
        d[1] if e.upkeep is None else e.upkeep,
        d[2] if e.per_release is None else e.per_release,
    )


def evaluation_hours(path: AnyPath) -> float:
    return EVALUATION_HOURS_DEFAULT if path.evaluation.hours is None else path.evaluation.hours


def assumptions(scenario: Scenario) -> list[str]:
    """The judgement-call defaults this scenario relies on, one line each."""
    out = []
    for p in scenario.paths:
        e = p.engineering
        d = ENGINEERING_DEFAULTS[p.kind]
        missing = [
            (label, val)
            for label, val, given in (
                ("build", d[0], e.build),
                ("upkeep/month", d[1], e.upkeep),
                ("per release", d[2], e.per_release),
            )
            if given is None
        ]
        if missing:
            out.append(
                f"{p.name}: default engineering hours "
                + ", ".join(f"{label} {val:g} h" for label, val in missing)
            )
        zero = [
            name
            for name, given in (
                ("monitoring", p.monitoring),
                ("evaluation spend", p.evaluation.per_release),
            )
            if not given
        ]
        if zero:
            out.append(f"{p.name}: no {' or '.join(zero)} cost given (counted as 0)")
        if p.evaluation.hours is None:
            out.append(
                f"{p.name}: default {EVALUATION_HOURS_DEFAULT:g} engineer-hours per evaluation"
            )
    if "peak_to_average" not in scenario.workload.model_fields_set and any(
        p.kind.endswith("selfhost") for p in scenario.paths
    ):
        out.append("workload: default peak_to_average 3")
    return out


# ---- loading -------------------------------------------------------------------------
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
        field = getattr(model, "model_fields", {}).get(part)
        node = node.get(part, {}) if isinstance(node, dict) else {}
        if field is None:
            return []
        ann = field.annotation
        if part == "paths":
            model = AnyPath
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        else:
            args = [
                a
                for a in getattr(ann, "__args__", ())
                if isinstance(a, type) and issubclass(a, BaseModel)
            ]
            model = args[0] if args else None
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
        raise InputError(f"{p} is a folder; give a scenario file", "SCENARIO")
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file", "SCENARIO") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror})", "SCENARIO") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{name} is larger than {MAX_FILE_BYTES:,} bytes", "SCENARIO")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text", "SCENARIO") from None
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
    data = read_yaml(path)
    data = apply_overrides(data, overrides)
    source = Path(path).name + (" with --set" if overrides else "")
    return parse_scenario(data, source)


def apply_overrides(data: dict, overrides: list[str] | tuple[str, ...]) -> dict:
    """Apply ``--set a.b=value`` overrides; ``paths.NAME.field`` addresses a path by name
    (or by index: ``paths.0.field``). Values are parsed as YAML scalars."""
    import copy

    data = copy.deepcopy(data)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f'{item!r}: write key=value, e.g. workload.requests="2M requests/month"', "--set"
            )
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        parts = key.strip().split(".")
        node: Any = data
        for i, part in enumerate(parts[:-1]):
            if isinstance(node, list):
                node = _list_item(node, part, ".".join(parts[: i + 1]))
            else:
                if not isinstance(node, dict):
                    raise InputError(f"{key}: {'.'.join(parts[:i])} is not a section", "--set")
                node = node.setdefault(part, {})
        last = parts[-1]
        if isinstance(node, list):
            raise InputError(f"{key}: name a field of the path, e.g. {key}.model", "--set")
        if not isinstance(node, dict):
            raise InputError(f"{key}: {'.'.join(parts[:-1])} is not a section", "--set")
        node[last] = value
    return data


def _list_item(items: list, part: str, where: str) -> Any:
    if part.isdigit() and int(part) < len(items):
        return items[int(part)]
    for item in items:
        if isinstance(item, dict) and item.get("name") == part:
            return item
    names = [str(i.get("name")) for i in items if isinstance(i, dict)]
    close = difflib.get_close_matches(part, names, 1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; paths: {', '.join(names)}"
    raise InputError(f"{where}: no path named {part!r}{hint}", "--set")
