"""Azure OpenAI provisioned throughput: a deployment of PTUs sized for the peak minute.

A ``finetune-api`` path on ``azure-openai`` with ``deployment: ptu:global``,
``ptu:data-zone`` or ``ptu:regional`` is served on provisioned throughput units, as
Microsoft's onboarding guide sizes and bills them [1]_:

- converted input TPM = input tokens/min x (1 - cached share) + output tokens/min x
  ``w`` (an output token counts as ``w`` input tokens; cached tokens use no capacity);
- PTUs = that / (input TPM per PTU), rounded up to the deployment type's increment and
  at least its minimum (``pricing/provisioned_throughput.csv``, per model and type);
- "an hourly rate ($/PTU/hr) on the number of PTUs that have been deployed", for every
  hour the deployment exists (the calendar month's hours), instead of token billing
  and of a fine-tune's hosting fee.

The tokens per minute are those of the peak hour's average minute:
``R / (730 x 60) x peak_to_average`` requests a minute, each ``in`` and ``out`` tokens.
Worked check from the guide: 1,000 requests a minute of 100 input and 50 output tokens
on gpt-5.2 (3,400 TPM per PTU, ``w`` = 8) is 100,000 + 8 x 50,000 = 500,000 converted
TPM = 147.06 PTU, 150 when rounded up to the regional increment of 50.

References
----------
.. [1] Microsoft Learn, "Understanding costs associated with provisioned throughput
   units (PTU)", https://learn.microsoft.com/azure/foundry/openai/how-to/provisioned-throughput-onboarding
   (ms.date 2026-04-07, read in MicrosoftDocs/azure-ai-docs @040c385).
"""

from __future__ import annotations

import re

import numpy as np

from tunecost.costing import timeline
from tunecost.costing.context import Cost, fmt
from tunecost.errors import InputError
from tunecost.scenario.profile import peak_factor
from tunecost.units import HOURS_PER_MONTH

PTU = re.compile(r"^ptu:(global|data-zone|regional)$")
TABLE = "provisioned_throughput.csv"


def converted_tpm(requests_per_min, in_tok, out_tok, cached_share, output_weight):
    """Input tokens per minute a PTU deployment must carry: ``rpm x (in x (1 - c) +
    out x w)``. [tokens/min]"""
    return requests_per_min * (in_tok * (1.0 - cached_share) + out_tok * output_weight)


def ptus_needed(tpm, tpm_per_ptu: float, minimum: int, increment: int):
    """PTUs for ``tpm`` converted input tokens a minute: ``tpm / per PTU`` rounded up to
    a multiple of ``increment``, at least ``minimum`` (0 without traffic). [PTU]"""
    tpm = np.asarray(tpm, float)
    need = np.ceil(tpm / tpm_per_ptu / increment - 1e-9) * increment
    return np.where(tpm > 0, np.maximum(need, minimum), 0.0)


def peak_requests_per_min(requests_per_month, peak_factor):
    """Requests a minute in the peak hour: ``R / (730 x 60) x peak``. [requests/min]"""
    return np.asarray(requests_per_month, float) / (HOURS_PER_MONTH * 60.0) * peak_factor


def ptu_spec(book, provider: str, model: str, deployment: str) -> dict:
    """The row of ``provisioned_throughput.csv`` for ``model`` on ``deployment``
    (``global``, ``data-zone``, ``regional``); refuses a model it does not list."""
    rows = [r for r in book.table(TABLE) if r["provider"] == provider]
    for r in rows:
        if r["model"].lower() == model.lower() and r["deployment"] == deployment:
            return r
    have = sorted({r["model"] for r in rows if r["deployment"] == deployment})
    raise InputError(
        f"{provider} lists no {deployment} provisioned throughput for {model}"
        + (f" (it does for {', '.join(have)})" if have else "")
        + "; pick one of those or another deployment",
        "deployment",
    )


def provisioned_hosting(path, ctx, provider: str, fee, tokens_shares) -> Cost:
    """The hosting Cost of a PTU deployment: PTUs for each month's peak minute x the
    book's USD per PTU-hour (``fee``, per month) x the calendar month's hours."""
    in_tok, out_tok, cached = tokens_shares
    deployment = path.deployment
    kind = PTU.match(deployment).group(1)
    spec = ptu_spec(ctx.book, provider, path.base_model or path.model, kind)
    rpm = peak_requests_per_min(ctx.traffic, peak_factor(ctx.scenario.workload))
    tpm = converted_tpm(rpm, in_tok, out_tok, cached, spec["output_token_weight"])
    ptus = ptus_needed(tpm, spec["input_tpm_per_ptu"], spec["min_ptu"], spec["increment"])
    hours = timeline.month_hours(ctx.as_of, ctx.months)
    ctx.assumptions.append(
        f"{path.name}: {kind} provisioned throughput sized for the peak hour's average "
        f"minute, {spec['input_tpm_per_ptu']:,.0f} input tokens/min per PTU, an output token "
        f"counted as {spec['output_token_weight']:g}, at least {spec['min_ptu']} PTU in steps "
        f"of {spec['increment']} ({spec['source_url']}); no tokens billed"
    )
    return Cost(
        ptus * fee * hours,
        ctx.full(ptus * hours),
        "PTU-hour",
        f"{fmt(ptus)} PTU of {deployment} every hour of the month",
    )
