"""A starter scenario: a commented file with the four kinds of path, for ``tunecost
init``. The answers a user gives (traffic, tokens per request, the API model) fill it
in; every other value is a stated guess with a comment saying what to change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

SCHEMA_LINE = "# yaml-language-server: $schema={schema}\n"


@dataclass(frozen=True)
class Answers:
    """What ``tunecost init`` asks: names and sizes of the feature being priced."""

    name: str = "my-feature"
    requests: str = "300k requests/month"
    growth: str = "3 %/month"
    input_tokens: int = 1800
    output_tokens: int = 250
    model: str = "gpt-4.1-mini"
    provider: str = "openai"
    start: dt.date | None = None
    months: int = 36


TEMPLATE = """\
# {name}: what each way of building it costs over time.
# Written by `tunecost init`; run it:  tunecost compare {file}
# Every quantity carries its unit; docs/scenarios.md lists every field and its default,
# and `tunecost schema` prints the JSON Schema editors use to complete and check fields.
# Values marked "guess" are placeholders: replace them with your own numbers.
name: {name}
description: >
  What the feature does, in a sentence or two (shown in the report).
start: {start}              # first month of the plan (YYYY-MM)
months: {months}                  # horizon in months
team:
  engineer_rate: 90 USD/hour      # loaded cost of an engineer-hour (BLS median, see docs)
workload:
  requests: {requests}       # month-1 traffic
  growth: {growth}                 # compound growth per month
  input_tokens: {input_tokens}               # prompt tokens per request on the prompted paths
  output_tokens: {output_tokens}              # output tokens per request
  peak_to_average: 3              # guess: busiest hour over the average hour (sizes GPUs)
market:
  api_price_change: -20 %/year    # guess: API price cuts for the same model
  gpu_price_change: -15 %/year    # guess: GPU rental price trend
  new_base_model_every: 6 months  # guess: a better base model arrives this often
# A number you are unsure of can be a range,
#   requests: {{low: 150k requests/month, high: 900k requests/month}}
# and then `tunecost compare FILE --draws 10000` says how sure the answer is.
paths:
  - name: prompt-api              # the baseline: prompt a hosted model
    kind: prompt-api
    provider: {provider}
    model: {model}
    cached_input_share: 0.5       # guess: share of the prompt served from the provider's cache
    engineering:                  # guess: hours to build, per month after, per new model
      {{build: 40 engineer_hour, upkeep: 6 engineer_hour/month, per_release: 12 engineer_hour}}
    evaluation: {{per_release: 300 USD, hours: 8 engineer_hour}}
    monitoring: 200 USD/month

  - name: finetune-api            # fine-tune through a provider and use its endpoint
    kind: finetune-api
    provider: together
    model: llama-3.1-8b-instruct-turbo
    base_model: llama-3.1-8b      # prices training by the model's size band
    method: lora
    input_tokens: {tuned_tokens}             # guess: a tuned model needs a shorter prompt
    data:
      examples: 4000              # guess: labelled examples for the first tuning
      tokens_per_example: 700
      epochs: 3
      labelling: 0.60 USD/example # guess: cost to collect and label one example
      refresh_share: 0.25         # share relabelled at each retrain
    runs: 4                       # a small hyper-parameter search the first time
    retrain: on-new-base-model
    engineering:                  # guess: hours to build, per month after, per new model
      {{build: 120 engineer_hour, upkeep: 12 engineer_hour/month, per_release: 40 engineer_hour}}
    evaluation: {{per_release: 300 USD, hours: 16 engineer_hour}}
    monitoring: 200 USD/month

  - name: open-model-selfhost     # serve an open-weight model as is, on rented GPUs
    kind: prompt-selfhost
    model: llama-3.3-70b
    serving: {{gpu: h100, gpus: 2, precision: fp8, tpot_slo: 50 ms, ttft_slo: 2 s}}
    ops: {{oncall: 0.25 FTE}}       # on-call and operations for a service you run
    engineering:                  # guess: hours to build, per month after, per new model
      {{build: 160 engineer_hour, upkeep: 16 engineer_hour/month, per_release: 24 engineer_hour}}
    evaluation: {{per_release: 300 USD, hours: 8 engineer_hour}}
    monitoring: 400 USD/month

  - name: tuned-selfhost          # fine-tune an open-weight model and serve it yourself
    kind: finetune-selfhost
    base_model: llama-3.1-8b
    method: lora
    input_tokens: {tuned_tokens}
    data:
      examples: 4000              # guess: labelled examples for the first tuning
      tokens_per_example: 700
      epochs: 3
      labelling: 0.60 USD/example # guess: cost to collect and label one example
      refresh_share: 0.25         # share relabelled at each retrain
    training: {{gpu: h100, runs: 4}}
    serving: {{gpu: l40s, precision: fp8, tpot_slo: 50 ms, ttft_slo: 2 s}}
    retrain: on-new-base-model
    ops: {{oncall: 0.25 FTE}}
    engineering:                  # guess: hours to build, per month after, per new model
      {{build: 240 engineer_hour, upkeep: 24 engineer_hour/month, per_release: 60 engineer_hour}}
    evaluation: {{per_release: 300 USD, hours: 16 engineer_hour}}
    monitoring: 400 USD/month
"""


def next_month(today: dt.date | None = None) -> dt.date:
    """The first day of the month after ``today``: a plan starts next month."""
    today = today or dt.date.today()
    return dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when it is a simple name, else double-quoted (a
    name with a colon or a hash cannot break the file)."""
    text = " ".join(str(text).split())
    return text if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _./+-]*", text) else json.dumps(text)


def starter_text(answers: Answers, file: str = "FILE", schema: str | None = None) -> str:
    """The starter scenario as YAML text with comments; ``schema`` (a path or URL) adds
    the line that points editors at the JSON Schema."""
    a = answers
    start = a.start or next_month()
    text = TEMPLATE.format(
        name=scalar(a.name),
        file=file,
        start=f"{start:%Y-%m}",
        months=a.months,
        requests=a.requests,
        growth=a.growth,
        input_tokens=a.input_tokens,
        output_tokens=a.output_tokens,
        tuned_tokens=max(1, round(a.input_tokens * 0.2)),
        model=scalar(a.model),
        provider=scalar(a.provider),
    )
    return (SCHEMA_LINE.format(schema=schema) if schema else "") + text
