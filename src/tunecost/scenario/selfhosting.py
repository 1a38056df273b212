"""GPUs, training jobs and serving fleets of the self-hosted paths.

Sections of :class:`tunecost.scenario.model.FinetuneSelfhost` and ``PromptSelfhost``;
every default is documented on its field (sources in :mod:`tunecost.scenario.defaults`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tunecost.scenario.base import Strict
from tunecost.scenario.defaults import SPARE_REPLICAS
from tunecost.scenario.fields import FTE, PositiveFraction, Scale, Seconds, USDPerHour
from tunecost.scenario.profile import Autoscaling
from tunecost.scenario.purchase import Buy
from tunecost.vocabulary import GPU_MARKET_NAMES, PRECISIONS, SERVING_ENGINES, TIERS


class GPUChoice(Strict):
    gpu: str = Field(description="GPU id or alias, e.g. h100, l40s.")
    gpus: int | None = Field(None, ge=1, description="GPUs per job or replica.")
    provider: str | None = Field(None, description="Price from this provider's cheapest offer.")
    offer: str | None = Field(None, description="Price from this instance, e.g. aws:p5.48xlarge.")
    tier: Literal[TIERS] = Field("on-demand", description="Which price.")
    usd_per_gpu_hour: USDPerHour | None = Field(
        None, description="Your own price per GPU-hour (a negotiated or reserved rate)."
    )
    markets: list[Literal[GPU_MARKET_NAMES]] | None = Field(
        None,
        description="Where the book's offer may come from; default market.gpu_markets "
        "(hyperscaler and cloud; add marketplace to allow peer marketplaces).",
    )


class Training(GPUChoice):
    runs: int = Field(1, ge=1, description="Runs in the first tuning campaign.")
    retrain_runs: int = Field(1, ge=1, description="Runs per retrain.")
    mfu: PositiveFraction | None = Field(
        None, description="Default per method and GPU (docs/method.md)."
    )
    buy: Buy | None = Field(None, description="Buy the training GPUs instead of renting them.")


class Serving(GPUChoice, Autoscaling):
    precision: Literal[PRECISIONS] = Field("bf16", description="Weight format.")
    tpot_slo: Seconds | None = Field(
        None, description="Time-per-output-token target; default 0.1 s (MLPerf server)."
    )
    ttft_slo: Seconds | None = Field(
        None, description="Time-to-first-token target; default 2 s (MLPerf server)."
    )
    min_replicas: int = Field(1, ge=0, description="0 allows scale to zero.")
    spare_replicas: int = Field(
        SPARE_REPLICAS,
        ge=0,
        description="Replicas kept beyond the peak's while there is traffic, billed every "
        "hour of the month; default 1 (N + 1, Google SRE book), 0 allowed.",
    )
    max_batch: int | None = Field(None, ge=1, description="Engine's max sequences.")
    throughput_scale: Scale = Field(
        1.0,
        description="A replica's measured throughput over the estimate, 0.1 to 10: e.g. 0.8 "
        "from a benchmark of your own, or a range such as {dist: lognormal, median: 0.93, "
        "sigma: 0.25}; default 1 (as estimated). compare prints the spread of published "
        "runs of the engine and model family as such a range (docs/accuracy.md).",
    )
    engine: Literal[SERVING_ENGINES] = Field(
        "vllm", description="Serving engine: vllm (default), sglang, trtllm or lmdeploy."
    )
    pp: int | None = Field(None, ge=1, description="Pipeline stages per replica; default chosen.")
    expert_parallel: bool | None = Field(
        None,
        description="Mixtures of experts: data-parallel attention with experts spread over "
        "the GPUs (true) or tensor-parallel (false); default the engine's (trtllm: true).",
    )
    buy: Buy | None = Field(None, description="Buy the serving GPUs instead of renting them.")

    @model_validator(mode="after")
    def _bought_fleet_is_fixed(self) -> Serving:
        if self.buy is not None and self.autoscale:
            raise ValueError("bought GPUs are a fixed fleet sized for the peak: drop autoscale")
        return self


class Ops(Strict):
    oncall: FTE = Field(0.0, description="On-call and serving operations, in FTE.")
