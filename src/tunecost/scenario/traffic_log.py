"""Reading real traffic: a request log or a provider's usage export, as rows in time.

Formats (``log_format``; detected from the header or keys when not given):

- ``generic``: CSV with a header row, JSON Lines, or a JSON array of objects, one request
  per row, with a timestamp (``timestamp``, or ``time``, ``created_at``, ``created``,
  ``start_time``, ``startTime``, ``date``, ``datetime``) and the request's token counts
  (``input_tokens`` or ``prompt_tokens``, ``promptTokens``, ``inputTokens``, ``tokens_in``;
  ``output_tokens`` or ``completion_tokens``, ``completionTokens``, ``outputTokens``,
  ``tokens_out``). Names are matched without regard to case.
- ``litellm``: LiteLLM proxy spend logs, one row per request, as exported from the
  ``LiteLLM_SpendLogs`` table or the proxy's ``/spend/logs`` endpoint (CSV, JSON or JSON
  Lines): ``startTime``, ``prompt_tokens``, ``completion_tokens`` (model
  ``LiteLLM_SpendLogs`` in
  https://github.com/BerriAI/litellm/blob/a953319778054b3a32dd2500f13f71dedeac09fe/schema.prisma).
  LiteLLM's ``StandardLoggingPayload`` (logging callbacks) uses the same three names, with
  ``startTime`` in Unix seconds; both are read.
- ``openai-usage``: OpenAI's Completions Usage API,
  ``GET /v1/organization/usage/completions``
  (https://platform.openai.com/docs/api-reference/usage/completions; worked example in
  https://github.com/openai/openai-cookbook/blob/a6bb84cc8692ac41bda4ebb13e7794bbb6334394/examples/completions_usage_api.ipynb):
  a page (``"object": "page"``) whose ``data`` are buckets with ``start_time`` and
  ``end_time`` (Unix seconds) and ``results``, each with ``num_model_requests``,
  ``input_tokens`` and ``output_tokens`` summed over the bucket. A file may hold one page,
  a JSON array of pages or buckets, or one page per line. These are aggregates: each
  result row stands for ``num_model_requests`` requests at the bucket's start, so token
  percentiles cannot be known, and buckets wider than an hour (the default
  ``bucket_width=1d``) hide the hourly shape.

Timestamps are ISO 8601 (an offset is honoured; without one UTC is assumed) or Unix
seconds (numbers above 1e11 are read as milliseconds). pandas is imported inside the
functions that need it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunecost.errors import InputError
from tunecost.scenario.user_files import read_text

LOG_FORMATS = ("generic", "litellm", "openai-usage")

FIELD = "log"
"""The parameter errors name (the command line shows it as ``LOG``)."""

TIME_NAMES = ("timestamp", "time", "created_at", "created", "start_time", "starttime")
TIME_NAMES += ("date", "datetime")
INPUT_NAMES = ("input_tokens", "prompt_tokens", "prompttokens", "inputtokens", "tokens_in")
OUTPUT_NAMES = ("output_tokens", "completion_tokens", "completiontokens", "outputtokens")
OUTPUT_NAMES += ("tokens_out",)
LITELLM = ("startTime", "prompt_tokens", "completion_tokens")
KEYS_FROM = 1000
"""JSON records whose keys are read to tell the format (later ones may lack some)."""
MILLISECONDS_ABOVE = 1e11
"""A Unix timestamp above this is in milliseconds (1e11 seconds is the year 5138)."""


@dataclass(frozen=True)
class TrafficLog:
    """Rows of traffic: ``times`` (a pandas ``DatetimeIndex`` in UTC), ``requests`` per
    row (1 for a request log, ``num_model_requests`` for a usage bucket), and the row's
    ``input_tokens`` and ``output_tokens`` (per request, or summed over a bucket) as
    numpy arrays. ``bucket_s`` is 0 for a request log, else the buckets' width in
    seconds; ``end`` is the last bucket's end (None for a request log)."""

    times: Any
    requests: Any
    input_tokens: Any
    output_tokens: Any
    log_format: str
    name: str
    bucket_s: float = 0.0
    end: Any = None


def read_log(path: str | Path, log_format: str | None = None) -> TrafficLog:
    """Read a request log or usage export; ``log_format`` one of :data:`LOG_FORMATS`, or
    None to detect it. Raises :class:`InputError` (field ``log``) in one line."""
    p = Path(path)
    if log_format is not None and log_format not in LOG_FORMATS:
        raise InputError(f"{log_format!r}: choose one of {', '.join(LOG_FORMATS)}", "log_format")
    text = _read_text(p)
    if text.lstrip()[:1] in ("{", "["):
        records = _json_records(text, p.name)
        usage = _is_usage(records) if log_format is None else log_format == "openai-usage"
        if usage:
            return _usage_log(records, p.name)
        keys = list(dict.fromkeys(k for r in records[:KEYS_FROM] for k in r))
        found = _columns(keys, p.name, log_format)
        frame = {c: [r.get(c) for r in records] for c in found[1:]}
    else:
        found = _columns(list(_csv_frame(text, p.name, nrows=0).columns), p.name, log_format)
        frame = _csv_frame(text, p.name, usecols=list(found[1:]))
    return _request_log(frame, p.name, found)


def _read_text(p: Path) -> str:
    text = read_text(p, "a log file", FIELD, encoding="utf-8-sig", max_bytes=None)
    if not text.strip():
        raise InputError(f"{p.name} is empty; a log needs one row per request", FIELD)
    return text


def _json_records(text: str, name: str) -> list[dict]:
    """The objects of a JSON file: an array, one object (its ``data`` list if it has
    one), or JSON Lines."""
    try:
        doc = json.loads(text)
        rows = doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError:
        rows = []
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{name} line {i}: not JSON ({exc.msg})", FIELD) from None
    out: list[dict] = []
    for row in rows:
        if not isinstance(row, dict):
            raise InputError(f"{name}: expected JSON objects, found {type(row).__name__}", FIELD)
        inner = row.get("data")
        out.extend(inner if isinstance(inner, list) and "results" not in row else [row])
    if not out:
        raise InputError(f"{name} is empty; a log needs one row per request", FIELD)
    return out


def _is_usage(records: list[dict]) -> bool:
    first = records[0]
    return isinstance(first, dict) and "results" in first and "start_time" in first


def _csv_frame(text: str, name: str, **options):
    import io

    import pandas as pd

    try:
        return pd.read_csv(io.StringIO(text), skipinitialspace=True, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise InputError(f"{name}: not a CSV file with a header row ({first})", FIELD) from None


def _pick(columns, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _columns(cols: list, name: str, log_format: str | None) -> tuple[str, str, str, str]:
    """The format and the timestamp, input and output token columns among ``cols``."""
    if log_format == "openai-usage":
        raise InputError(f"{name}: no usage buckets (start_time, results) found", FIELD)
    if log_format == "litellm" or (log_format is None and set(LITELLM) <= set(cols)):
        missing = [c for c in LITELLM if c not in cols]
        if missing:
            raise InputError(f"{name}: not a LiteLLM spend log (no {', '.join(missing)})", FIELD)
        return "litellm", *LITELLM
    time = _pick(cols, TIME_NAMES)
    if time is None:
        shown = ", ".join(str(c) for c in cols[:6]) or "none"
        raise InputError(
            f"{name}: no timestamp column (timestamp, time, created_at, startTime, ...); "
            f"columns: {shown}; see --log-format for the formats read",
            FIELD,
        )
    tokens = []
    for names, kind in ((INPUT_NAMES, "input_tokens"), (OUTPUT_NAMES, "output_tokens")):
        col = _pick(cols, names)
        if col is None:
            raise InputError(f"{name}: no {kind} column (or {names[1]})", FIELD)
        tokens.append(col)
    return "generic", time, tokens[0], tokens[1]


def _request_log(frame, name: str, found: tuple[str, str, str, str]) -> TrafficLog:
    import numpy as np

    fmt, time, inp, out = found
    n = len(frame[time])
    if n == 0:
        raise InputError(f"{name} has a header but no requests", FIELD)
    times = parse_times(frame[time], name, time)
    return TrafficLog(
        times=times,
        requests=np.ones(n, dtype=np.int64),
        input_tokens=_tokens(frame[inp], name, inp),
        output_tokens=_tokens(frame[out], name, out),
        log_format=fmt,
        name=name,
    )


def parse_times(values, name: str, column: str):
    """A column of ISO 8601 strings or Unix seconds (or milliseconds) as a UTC
    ``DatetimeIndex``; a missing or unreadable value is an error naming its row."""
    import pandas as pd

    series = pd.Series(values).reset_index(drop=True)
    missing = series.isna()
    if missing.all():
        raise InputError(f"{name}: the {column} column has no timestamps", FIELD)
    if missing.any():
        row = int(missing.to_numpy().argmax()) + 1
        raise InputError(f"{name} row {row}: no {column}", FIELD)
    if pd.api.types.is_numeric_dtype(series):
        return pd.DatetimeIndex(_unix(series))
    parsed = pd.to_datetime(series.astype(str), utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna()
    if bad.any():  # Unix seconds among ISO strings, or a value that is neither
        numbers = pd.to_numeric(series[bad], errors="coerce")
        if numbers.notna().any():
            parsed[numbers.index[numbers.notna()]] = _unix(numbers.dropna())
        bad = parsed.isna()
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise InputError(
            f"{name} row {row + 1}: {column} {str(series[row])!r} is not a date; write "
            "ISO 8601 (2025-01-31T14:05:00Z) or Unix seconds",
            FIELD,
        )
    return pd.DatetimeIndex(parsed)


def _unix(numbers):
    """Unix seconds (milliseconds above :data:`MILLISECONDS_ABOVE`) as UTC times."""
    import pandas as pd

    numbers = pd.to_numeric(numbers)
    unit = "ms" if float(numbers.abs().max()) > MILLISECONDS_ABOVE else "s"
    return pd.to_datetime(numbers, unit=unit, utc=True)


def _tokens(values, name: str, column: str):
    """A column of token counts as floats; missing, non-numeric or negative is an error."""
    import numpy as np
    import pandas as pd

    series = pd.Series(values).reset_index(drop=True)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers)
    if bad.any():
        row = int(bad.argmax())
        raise InputError(f"{name} row {row + 1}: {column} {series[row]!r} is not a number", FIELD)
    if (numbers < 0).any():
        row = int((numbers < 0).argmax())
        raise InputError(
            f"{name} row {row + 1}: {column} is {numbers[row]:g}; token counts cannot be negative",
            FIELD,
        )
    return numbers


def _usage_log(records: list[dict], name: str) -> TrafficLog:
    """OpenAI usage buckets: one row per result, its requests at the bucket's start."""
    import numpy as np
    import pandas as pd

    starts, ends, rows = [], [], []
    for b in records:
        if not isinstance(b, dict) or "start_time" not in b or "results" not in b:
            raise InputError(f"{name}: a usage bucket without start_time or results", FIELD)
        starts.append(b["start_time"])
        ends.append(b.get("end_time", b["start_time"]))
        for r in b["results"] or []:
            rows.append((b["start_time"], r.get("num_model_requests"), r.get("input_tokens")))
            rows[-1] += (r.get("output_tokens"),)
    if not rows:
        raise InputError(f"{name}: the usage buckets hold no results", FIELD)
    t, n, i, o = zip(*rows, strict=True)
    requests = _tokens(n, name, "num_model_requests")
    if requests.sum() <= 0:
        raise InputError(f"{name}: the usage buckets count no requests", FIELD)
    bounds = parse_times(list(starts) + list(ends), name, "start_time")
    widths = (bounds[len(starts) :] - bounds[: len(starts)]).total_seconds()
    return TrafficLog(
        times=parse_times(list(t), name, "start_time"),
        requests=requests.astype(np.int64),
        input_tokens=_tokens(i, name, "input_tokens"),
        output_tokens=_tokens(o, name, "output_tokens"),
        log_format="openai-usage",
        name=name,
        bucket_s=float(np.max(widths)) if len(widths) else 0.0,
        end=pd.Timestamp(bounds.max()),
    )
