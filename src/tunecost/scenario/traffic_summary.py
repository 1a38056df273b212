"""What a traffic log says about a workload: volume, growth, tokens and shape in time.

Figures (``summarise``), for ``N`` requests whose timestamps fall in clock hours of the
chosen time zone (UTC by default; wall-clock time, so around a daylight-saving change one
hour is missing or doubled):

- ``span_hours`` [h]: the clock hours from the first request's hour to the last request's
  hour, both counted (a usage export: from the first bucket's start to the last one's end).
- ``requests_per_month`` [requests/month] = ``N x 730 / span_hours``, the log's rate
  scaled to the 730-hour billing month of :data:`tunecost.units.HOURS_PER_MONTH`.
- ``growth`` [fraction per month]: compound monthly growth ``exp(b) - 1``, where ``b`` is
  the least-squares slope of ``ln(requests per hour in month m)`` on ``m`` over the
  calendar months the log covers whole (each month's count over its hours, so February is
  not a dip); None, and said so in ``notes``, when fewer than 2 whole months are covered.
- ``peak_to_average`` [1]: the busiest clock hour's requests over the mean hourly
  requests ``N / span_hours`` (hours without requests count as zero).
- ``hourly_profile`` [1]: for each weekday (Monday first) and hour 0-23, the mean
  requests in that clock hour over the weeks of the log, divided by the mean of those
  (up to 168) cells, so the profile averages 1; a cell the log never covers is None.
- ``input_tokens`` and ``output_tokens`` [tokens/request]: ``mean`` = total tokens / N;
  ``p50``, ``p90``, ``p99`` by nearest rank (the ``ceil(p x N / 100)``-th smallest
  request, an actual request's count, unchanged if every request were repeated); ``max``.

A usage export made of buckets (OpenAI) gives sums per bucket: the means are exact, the
percentiles unknown (None), and with buckets wider than an hour the peak and the profile
are unknown too (None); each gap is stated in ``notes``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from tunecost.errors import InputError
from tunecost.scenario.traffic_log import TrafficLog, read_log
from tunecost.units import HOURS_PER_MONTH

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERCENTILES = (50, 90, 99)
MIN_GROWTH_MONTHS = 2
NOISY_BELOW = 10
"""Mean requests per hour under which the busiest hour is mostly Poisson noise."""


def _wall_clock(times, timezone: str | None):
    """UTC times as naive wall-clock times in ``timezone`` (None: UTC)."""
    if timezone:
        try:
            times = times.tz_convert(timezone)
        except Exception:  # pytz/zoneinfo raise different errors for an unknown zone
            msg = f"unknown time zone {timezone!r}; e.g. Europe/Berlin"
            raise InputError(msg, "timezone") from None
    return times.tz_localize(None)


def slot_counts(log: TrafficLog, timezone: str | None = None):
    """Requests per slot (a clock hour, or a day for buckets wider than an hour) over the
    whole span, zeros included, as a pandas Series indexed by the slot's start."""
    import pandas as pd

    freq = "h" if log.bucket_s <= 3600 else "D"
    slots = _wall_clock(log.times, timezone).floor(freq)
    last = slots.max()
    if log.end is not None:
        last = (_wall_clock(pd.DatetimeIndex([log.end]), timezone)[0] - pd.Timedelta(1)).floor(freq)
    counts = pd.Series(log.requests, index=slots).groupby(level=0).sum()
    return counts.reindex(pd.date_range(slots.min(), last, freq=freq), fill_value=0)


def token_stats(tokens, requests) -> dict[str, float | None]:
    """Mean (total over requests), nearest-rank p50/p90/p99 and max, in tokens/request;
    for bucketed sums (a request count above 1 in a row) only the mean is known."""
    import numpy as np

    n = float(requests.sum())
    out: dict[str, float | None] = {"mean": float(tokens.sum()) / n}
    if (requests != 1).any():
        return out | {f"p{p}": None for p in PERCENTILES} | {"max": None}
    ordered = np.sort(tokens)
    for p in PERCENTILES:
        out[f"p{p}"] = float(ordered[-(-p * len(ordered) // 100) - 1])
    return out | {"max": float(ordered[-1])}


def monthly_growth(counts) -> tuple[float | None, int]:
    """Compound growth per month fitted to the whole calendar months of ``counts`` (see
    the module docstring) and how many whole months there were."""
    import numpy as np

    months = counts.index.to_period("M")
    per = counts.groupby(months).agg(["sum", "size"])
    slots_in = per.index.days_in_month * (24 if counts.index.freqstr == "h" else 1)
    whole = per[per["size"].to_numpy() == np.asarray(slots_in)]
    if len(whole) < MIN_GROWTH_MONTHS or (whole["sum"] <= 0).any():
        return None, len(whole)
    rate = whole["sum"].to_numpy(float) / whole["size"].to_numpy(float)
    slope = np.polyfit(np.arange(len(rate)), np.log(rate), 1)[0]
    return float(math.expm1(slope)), len(whole)


def hourly_profile(counts) -> dict[str, list[float | None]]:
    """Mean requests per (weekday, clock hour), normalised to average 1 over the cells
    the log covers; None for a cell it never covers."""
    idx = counts.index
    means = counts.groupby([idx.day_of_week, idx.hour]).mean()
    level = float(means.mean())
    cells = {k: (float(v) / level if level > 0 else None) for k, v in means.items()}
    return {day: [cells.get((d, h)) for h in range(24)] for d, day in enumerate(WEEKDAYS)}


def summarise(log: TrafficLog, timezone: str | None = None) -> dict[str, Any]:
    """The figures of the module docstring for one log, as a JSON-ready dict."""
    counts = slot_counts(log, timezone)
    n = int(log.requests.sum())
    hourly = counts.index.freqstr == "h"
    if log.end is None:
        span = float(len(counts))
    else:
        span = (log.end - log.times.min()).total_seconds() / 3600
    mean_hour = n / span
    growth, months = monthly_growth(counts)
    notes = _notes(log, counts, growth, months, hourly)
    return {
        "log": log.name,
        "format": log.log_format,
        "timezone": timezone or "UTC",
        "requests": n,
        "start": counts.index[0].isoformat(),
        "end": (counts.index[-1] + counts.index.freq).isoformat(),
        "span_hours": span,
        "requests_per_month": n * HOURS_PER_MONTH / span,
        "growth": growth,
        "whole_months": months,
        "mean_requests_per_hour": mean_hour,
        "peak_requests_per_hour": float(counts.max()) if hourly else None,
        "peak_hour": counts.idxmax().isoformat() if hourly else None,
        "peak_to_average": float(counts.max()) / mean_hour if hourly else None,
        "input_tokens": token_stats(log.input_tokens, log.requests),
        "output_tokens": token_stats(log.output_tokens, log.requests),
        "hourly_profile": hourly_profile(counts) if hourly else None,
        "notes": notes,
    }


def _notes(log: TrafficLog, counts, growth, months: int, hourly: bool) -> list[str]:
    notes = []
    if growth is None and months >= MIN_GROWTH_MONTHS:
        notes.append("growth: not measured; a whole month of the log has no requests")
    elif growth is None:
        notes.append(
            f"growth: not measured; the log covers {months} whole calendar month(s) and "
            f"{MIN_GROWTH_MONTHS} are needed"
        )
    if log.bucket_s:
        notes.append("token percentiles: unknown; usage buckets hold sums, not requests")
    if not hourly:
        notes.append(
            f"peak_to_average and hourly profile: unknown; buckets of "
            f"{log.bucket_s / 3600:g} h hide the hours (export with bucket_width=1h)"
        )
    elif float(log.requests.sum()) / len(counts) < NOISY_BELOW:
        notes.append(
            f"peak_to_average: the mean hour has under {NOISY_BELOW} requests, so the "
            "busiest hour is partly chance; a longer or busier log measures it better"
        )
    if hourly and len(counts) < 168:
        notes.append(
            f"hourly profile: the log covers {len(counts)} of the week's 168 hours; "
            "uncovered cells are empty"
        )
    return notes


def _number(value: float) -> str:
    return str(round(value)) if abs(value) >= 1000 else f"{value:.4g}"


def workload_fields(summary: dict) -> dict[str, Any]:
    """The scenario's ``workload`` values a log measures: ``requests``, ``growth`` (None
    when not measured), ``input_tokens`` and ``output_tokens`` (means) and
    ``peak_to_average`` (None when not measured), as a scenario file writes them."""
    growth = summary["growth"]
    p2a = summary["peak_to_average"]
    return {
        "requests": f"{_number(summary['requests_per_month'])} requests/month",
        "growth": None if growth is None else f"{100 * growth:.2f} %/month",
        "input_tokens": float(_number(summary["input_tokens"]["mean"])),
        "output_tokens": float(_number(summary["output_tokens"]["mean"])),
        "peak_to_average": None if p2a is None else float(f"{p2a:.4g}"),
    }


def yaml_block(summary: dict) -> str:
    """A ``workload:`` block for a scenario file, a comment where a figure is unknown."""
    fields = workload_fields(summary)
    head = (
        f"# from {summary['log']} ({summary['format']}): {summary['requests']:,} requests, "
        f"{summary['start'][:10]} to {summary['end'][:10]} ({summary['timezone']})"
    )
    lines = [head, "workload:"]
    for key, value in fields.items():
        shown = f"{value:g}" if isinstance(value, float) else value
        lines.append(f"  {key}: {shown}" if value is not None else f"  # {key}: not measured")
    return "\n".join(lines + [f"# {n}" for n in summary["notes"]]) + "\n"


def expand_from_log(data: Any, base: str | Path) -> tuple[Any, list[str]]:
    """Scenario data with ``workload.from_log`` (a log file, relative to ``base``, the
    scenario's folder) replaced by the fields the log measures, where the scenario does
    not give them; and one line per field taken, to print as an assumption."""
    workload = data.get("workload") if isinstance(data, dict) else None
    if not isinstance(workload, dict) or "from_log" not in workload:
        return data, []
    ref = workload["from_log"]
    where = "workload.from_log"
    if not isinstance(ref, str) or not ref.strip():
        raise InputError("give the log's file name, e.g. requests.csv", where, absolute=True)
    try:
        summary = summarise(read_log(Path(base) / ref))
    except InputError as exc:
        raise InputError(exc.message, where, absolute=True) from None
    filled = {k: v for k, v in workload.items() if k != "from_log"}
    lines = []
    for key, value in workload_fields(summary).items():
        if key in filled or value is None:
            continue
        if key.endswith("_tokens") and value <= 0:
            raise InputError(f"{ref} has no {key}; give workload.{key}", where, absolute=True)
        filled[key] = value
        lines.append(f"workload.{key}: {value} (from {ref}, {summary['requests']:,} requests)")
    lines += [f"{ref}: {note}" for note in summary["notes"] if note.startswith("growth")]
    return {**data, "workload": filled}, lines
