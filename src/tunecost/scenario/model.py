"""The scenario: one workload, its market, and the paths (ways of building it) to price.

A pydantic model, frozen and strict: unknown keys are errors, every quantity is parsed
with its unit by the field types of :mod:`tunecost.scenario.fields`, and each default is
documented on its field (sources in :mod:`tunecost.scenario.defaults`).
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from tunecost.errors import InputError
from tunecost.scenario.adapters import Adapters, SelfhostAdapters
from tunecost.scenario.base import Strict
from tunecost.scenario.billing import APIBilling, Grader, Prices, check_prices
from tunecost.scenario.defaults import (
    ENGINEER_RATE_USD_PER_HOUR,
    FINETUNE_EPOCHS,
    HOURS_PER_FTE_MONTH,
)
from tunecost.scenario.deployment_scaling import DeploymentScaling
from tunecost.scenario.fields import (
    USD,
    Epochs,
    Examples,
    Factor,
    Fraction,
    FTEHours,
    Hours,
    HoursPerMonth,
    Month,
    Months,
    PositiveTokens,
    PriceFactor,
    Rate,
    Requests,
    RequestTokens,
    Retrain,
    RunHours,
    Share,
    Tokens,
    USDPerExample,
    USDPerHour,
    USDPerMonth,
)
from tunecost.scenario.profile import check_profile
from tunecost.scenario.selfhosting import GPUChoice, Ops, Serving, Training  # noqa: F401
from tunecost.vocabulary import (
    API_TUNING_METHODS,
    GPU_MARKET_NAMES,
    SELFHOST_TUNING_METHODS,
)

MAX_MONTHS = 240


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
    input_tokens: RequestTokens = Field(
        description="Prompt tokens per request (prompted), in the reference tokenizer's "
        "tokens, or in words or characters."
    )
    output_tokens: RequestTokens = Field(description="Output tokens per request.")
    tokenizer: str | None = Field(
        None,
        description="The tokenizer the token counts are stated in (pricing/tokenizers.csv); "
        "default: the baseline path's model's.",
    )
    from_log: str | None = Field(
        None,
        description="A request log (CSV or JSONL, a LiteLLM log, an OpenAI usage export) "
        "that fills requests, growth, tokens and peak_to_average the file leaves out; "
        "see docs/workload-logs.md.",
    )
    profile: Annotated[str | list[float] | None, AfterValidator(check_profile)] = Field(
        None,
        description="Traffic over the week: flat, business-hours, diurnal (definitions), "
        "azure-code-2024, azure-conversation-2024 (measured), 168 hourly numbers or a CSV "
        "of hourly counts; sets peak_to_average (docs/method.md).",
    )
    peak_to_average: Factor = Field(
        3.0,
        description="Peak-hour traffic over the average (3 is an assumption, printed "
        "as one; measure it from your traffic).",
    )


class Market(Strict):
    api_price_change: Rate = Field((0.0, 12.0), description="Trend of API token prices.")
    gpu_price_change: Rate = Field((0.0, 12.0), description="Trend of GPU rental prices.")
    new_base_model_every: Months | None = Field(
        None,
        description="Months between better base models; default: the median gap between "
        "releases of each path's model family (pricing/model_releases.csv), printed as an "
        "assumption.",
    )
    api_price_factor: PriceFactor = Field(
        1.0,
        description="API token and training prices as a multiple of the price book's "
        "(a negotiated discount, or a range to test how much prices matter).",
    )
    gpu_price_factor: PriceFactor = Field(
        1.0, description="GPU prices (from the book or given) as a multiple of themselves."
    )
    gpu_markets: list[Literal[GPU_MARKET_NAMES]] | None = Field(
        None,
        description="Where the book's GPU offers may come from, for every path that does "
        "not say: hyperscaler, cloud, marketplace; default hyperscaler and cloud.",
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
    validation_share: Share = Field(
        0.0, description="Validation tokens as a share of the training file's (may exceed 1)."
    )
    validation_tokens: Tokens | None = Field(
        None, description="Validation tokens as a count (instead of validation_share)."
    )
    evaluations: int | None = Field(
        None,
        ge=0,
        description="Evaluations of the validation set per run, for providers that bill "
        "each; default one per epoch.",
    )


def plain_name(value: str) -> str:
    """A name is text: control characters (C0, DEL, C1: ESC, NUL, ...) are refused."""
    bad = CONTROL.search(value) if isinstance(value, str) else None
    if bad:
        raise ValueError(f"control character U+{ord(bad.group()):04X} in a name; remove it")
    return value


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class PathBase(Strict):
    name: str = Field(min_length=1, max_length=80, description="Unique name of the path.")
    _plain_name = field_validator("name")(plain_name)
    input_tokens: RequestTokens | None = Field(
        None,
        description="Prompt tokens per request on this path (a fine-tuned model needs "
        "a shorter prompt); default the workload's. In the reference tokenizer's tokens.",
    )
    output_tokens: RequestTokens | None = Field(None, description="Default the workload's.")
    token_ratio: Factor | None = Field(
        None,
        description="Tokens of this path's model per reference token; default from the "
        "tokenizers' tokens per word (pricing/tokenizers.csv).",
    )
    engineering: Engineering = Field(Engineering(), description="Engineer-hours.")
    evaluation: Evaluation = Field(Evaluation(), description="Cost of each release's eval.")
    monitoring: USDPerMonth = Field(0.0, description="Monitoring tools, USD per month.")
    deprecated: Month | None = Field(
        None, description="Month the base model is retired, forcing a migration."
    )
    prices: Prices | None = Field(None, description="Prices replacing the book's; see below.")

    @model_validator(mode="after")
    def _usable_prices(self):
        check_prices(self.kind, self.prices)
        return self


class PromptAPI(APIBilling, PathBase):
    kind: Literal["prompt-api"] = Field(description="The path kind.")
    model: str = Field(description="API model id from the price book.")
    follow_new_models: bool = Field(
        True, description="Re-evaluate and migrate the prompt when a better base model arrives."
    )


class FinetuneAPI(Adapters, DeploymentScaling, APIBilling, PathBase):
    kind: Literal["finetune-api"]
    model: str = Field(description="Model id the provider fine-tunes and serves.")
    base_model: str | None = Field(
        None, description="Open-weight id from models.csv, for providers that price by model size."
    )
    method: Literal[API_TUNING_METHODS] = Field(
        "lora", description="lora or full (where prices differ), or rft (billed by the hour)."
    )
    data: Data = Field(description="Training data; see below.")
    runs: int = Field(1, ge=1, description="Training runs in the first campaign.")
    retrain_runs: int = Field(1, ge=1, description="Runs per retrain.")
    retrain: Retrain = Field("on-new-base-model", description="When to retrain.")
    training_hours: RunHours | None = Field(
        None, description="Hours of one run, for a provider that bills training by the hour."
    )
    grader: Grader | None = Field(None, description="Grader model of a reinforcement fine-tune.")
    hosting: Literal["serverless", "dedicated", "none"] | None = Field(
        None,
        description="How the fine-tune is served; default: the provider's policy "
        "(providers.csv, printed as an assumption).",
    )
    deployment: str | None = Field(
        None,
        description="The provider's deployment to rent for dedicated hosting, e.g. "
        "hardware:1x-h100-80gb, or Azure provisioned throughput ptu:global, "
        "ptu:data-zone, ptu:regional; default: the cheapest that holds the model.",
    )
    spare_deployments: int = Field(0, ge=0, description="Deployments kept beyond the peak's.")


class PromptSelfhost(PathBase):
    kind: Literal["prompt-selfhost"]
    model: str = Field(description="Open-weight model id from models.csv.")
    serving: Serving = Field(description="GPUs and latency targets; see below.")
    ops: Ops = Field(Ops(), description="Operations load.")
    follow_new_models: bool = Field(True, description="Move to better base models.")


class FinetuneSelfhost(SelfhostAdapters, PathBase):
    kind: Literal["finetune-selfhost"]
    base_model: str = Field(description="Open-weight model id from models.csv.")
    method: Literal[SELFHOST_TUNING_METHODS] = Field("lora", description="Fine-tuning method.")
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
    _plain_name = field_validator("name")(plain_name)
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
        dupes = _duplicates(names)
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

    def path(self, name: str, field: str = "baseline") -> AnyPath:
        """The path called ``name``, or an error naming ``field`` with close names."""
        for p in self.paths:
            if p.name == name:
                return p
        names = [p.name for p in self.paths]
        close = difflib.get_close_matches(name, names, 1)
        hint = f"did you mean {close[0]!r}?" if close else f"paths: {', '.join(names)}"
        raise InputError(f"no path named {name!r}; {hint}", field)


def name_key(name: str) -> str:
    """How path names are compared for uniqueness: case and surrounding spaces ignored,
    since ``p1`` and ``P1 `` print as the same row."""
    return name.strip().casefold()


def _duplicates(names: list[str]) -> list[str]:
    """Names that clash with another under :func:`name_key`: exact repeats once each,
    near-repeats (``p1`` and ``p1 ``) quoted so the difference shows."""
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(name_key(n), []).append(n)
    out = []
    for _, group in sorted(groups.items()):
        if len(group) > 1:
            distinct = list(dict.fromkeys(group))
            out += distinct if len(distinct) == 1 else [repr(n) for n in distinct]
    return out
