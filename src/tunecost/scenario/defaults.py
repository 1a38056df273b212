"""Defaults a scenario may leave out, their sources, and the judgement calls among them.

Defaults with a published source name it in their docstring; the ones that are judgement
calls rather than measurements (engineering hours, hours per evaluation, the peak-to-
average factor) are listed by :func:`assumptions` and printed with every comparison.
"""

from __future__ import annotations

from typing import Any

from tunecost.scenario.profile import profile_line

ENGINEER_RATE_USD_PER_HOUR = 90.0
"""Loaded cost of an engineer-hour: the US median wage of software developers, $63.59
an hour in May 2023 (BLS Occupational Outlook Handbook, 15-1252: $132,270 a year), over
the 70.4% share of wages in private-industry employer costs (BLS Employer Costs for
Employee Compensation, June 2024): 63.59 / 0.704 = $90.3."""

HOURS_PER_FTE_MONTH = 2080 / 12
"""Working hours of one full-time equivalent per month: 40 h x 52 weeks / 12 = 173.3 h
(the 2,080-hour work year US employers and OPM use for hourly rates)."""

NEW_BASE_MODEL_EVERY_MONTHS = 5.5
"""Months between base models worth moving to, for a path whose model family has fewer
than three releases in ``pricing/model_releases.csv`` (otherwise the family's own
median gap is used). Release gaps of the two families in the price and model tables:
OpenAI GPT-4 (2023-03), GPT-4 Turbo (2023-11), GPT-4o (2024-05), GPT-4.1 (2025-04),
GPT-5 (2025-08): 8, 6, 11, 4 months; Meta Llama 2 (2023-07), 3 (2024-04), 3.1 (2024-07),
3.3 (2024-12), 4 (2025-04): 9, 3, 5, 4 months; median 5.5."""

FINETUNE_EPOCHS = 3.0
"""Epochs of a fine-tuning run: Stanford Alpaca and Vicuna both trained 3 epochs
(tatsu-lab/stanford_alpaca README; LMSYS Vicuna blog, 2023)."""


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


def engineering_hours(path: Any) -> tuple[float, float, float]:
    """(build, upkeep per month, per release) engineer-hours for ``path``."""
    d = ENGINEERING_DEFAULTS[path.kind]
    e = path.engineering
    return (
        d[0] if e.build is None else e.build,
        d[1] if e.upkeep is None else e.upkeep,
        d[2] if e.per_release is None else e.per_release,
    )


def evaluation_hours(path: Any) -> float:
    return EVALUATION_HOURS_DEFAULT if path.evaluation.hours is None else path.evaluation.hours


def assumptions(scenario: Any) -> list[str]:
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
    w = scenario.workload
    selfhost = any(p.kind.endswith("selfhost") for p in scenario.paths)
    if w.profile is not None and selfhost:
        out.append(profile_line(w))
    elif "peak_to_average" not in w.model_fields_set and selfhost:
        out.append("workload: default peak_to_average 3")
    return out


MLPERF_CONF = (
    "https://github.com/mlcommons/inference/blob/001712e9daf80386e0dda43f97b8f36981d792c4/"
    "loadgen/mlperf.conf"
)
SERVING_TPOT_SLO = 0.1
"""Seconds per output token a self-hosted path (or a provider's GPU deployment) is sized
to when it gives no ``tpot_slo``: MLPerf Inference's server-scenario target for Llama 3.1
8B (``llama3_1-8b.Server.tpot_latency = 100`` ms, loadgen/mlperf.conf; Llama 2 70B: 200
ms; the "interactive" variants are tighter, 30-40 ms). Without a target the estimator
would run at the largest batch that fits, 0.5-1 s per token: no chat user waits that."""
SERVING_TTFT_SLO = 2.0
"""Seconds to the first token, likewise: MLPerf's server-scenario target for Llama 3.1 8B
and Llama 2 70B (``ttft_latency = 2000`` ms, loadgen/mlperf.conf)."""

GPU_MARKETS = ("hyperscaler", "cloud")
"""Where the book's GPU offers are taken from unless a path or ``market.gpu_markets``
allows ``marketplace``: peer marketplaces list the lowest prices from hosts of varying
reliability, which a production service does not usually run on."""

SPARE_REPLICAS = 1
"""Serving replicas a self-hosted path keeps beyond the peak hour's need while it has
traffic (``serving.spare_replicas``; 0 allowed), printed as an assumption. Google's SRE
book sizes a serving job at N + 2 tasks, N for the peak, one for a task down during an
update and one for a failure during it, and settles for N + 1 in a small region (3
tasks for the peak, 4 run) where the saving is worth a small risk of overload ("The
Production Environment at Google, from the Viewpoint of an SRE", the Shakespeare
example, https://sre.google/sre-book/production-environment/). A self-hosted model is a
small fleet of a few replicas, so the default is the small region's N + 1."""
