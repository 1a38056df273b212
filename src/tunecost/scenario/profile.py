"""Traffic over the week (``workload.profile``) and autoscaling (``serving.autoscale``).

A profile is 168 hourly weights, Monday 00:00 first, in the traffic's local time,
normalised to mean 1: hour ``h`` carries ``w_h`` times the month's average rate, and
``peak_to_average = max(w) / mean(w) = max(w)``. It is a named shape, a list of 168 (or 24,
repeated each day) numbers, or a CSV of hourly request counts (:func:`read_profile_csv`).

Two named shapes are **measured**: one week (May 2024, hours in UTC) of the two Azure LLM
inference services of Microsoft's Azure LLM inference trace 2024 [1]_, hourly request
counts normalised to mean 1, read from the per-minute plots of the dataset's own analysis
notebook (the raw CSVs are not in its repository; ``tools/azure_profiles.py``, about 3 %
per hour against counts from the raw files):

- ``azure-code-2024``: a coding assistant. Peak to average 3.01 (Wednesday 19:00 UTC),
  weekdays 1.24 and weekends 0.40 on average: a US working day.
- ``azure-conversation-2024``: conversation. Peak to average 1.66 (Monday 14:00 UTC),
  weekdays 1.14, weekends 0.65.

The other named shapes are **definitions**, each stating its rule; the measured weeks are
what they are checked against (peak 2.99 against 3.01; 1.64 against 1.66):

- ``flat``: every hour the same, ``w_h = 1`` (peak to average 1).
- ``business-hours``: 09:00-18:00 Monday-Friday (45 of the 168 hours) carries
  ``BUSINESS_SHARE`` = 80 % of the week's requests, the other 123 hours share the rest
  evenly: ``w = 0.8 x 168 / 45 = 2.99`` in office hours, ``0.2 x 168 / 123 = 0.27``
  outside (peak to average 2.99, next to the long-standing default of 3).
- ``diurnal``: a daily cosine peaking at 14:00 with trough-to-peak ratio 1 : 3,
  ``1 + 0.5 cos(2 pi (h - 14) / 24)``, weekend days at ``WEEKEND_LEVEL`` = 0.7 of
  weekdays, then normalised to mean 1 (peak to average 1.64). The shape of a consumer
  service used around the clock with a busy afternoon.

References
----------
.. [1] Stojkovic, Zhang, Goiri, Torrellas, Choukse, "DynamoLLM: Designing LLM Inference
   Clusters for Performance and Energy Efficiency", HPCA 2025, arXiv:2408.00741; data:
   https://github.com/Azure/AzurePublicDataset/blob/master/AzureLLMInferenceDataset2024.md
   (CC BY 4.0), notebook ``analysis/AzureLLMInferenceDataset2024.ipynb`` cell 18 at commit
   b469a113cedca53ddc3bdea71a143dc4b7d8700c.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from tunecost.errors import InputError
from tunecost.scenario.base import Strict

WEEK_HOURS = 168
MEASURED = ("azure-code-2024", "azure-conversation-2024")
PROFILE_NAMES = ("flat", "business-hours", "diurnal", *MEASURED)
BUSINESS_SHARE = 0.8  # definition: share of the week's requests in office hours
WEEKEND_LEVEL = 0.7  # definition: a weekend day's level over a weekday's (diurnal)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def named_profile(name: str) -> np.ndarray:
    """The named 168-hour shape of the module docstring, mean 1. [1]"""
    day, hour = np.divmod(np.arange(WEEK_HOURS), 24)
    if name == "flat":
        w = np.ones(WEEK_HOURS)
    elif name == "business-hours":
        office = (day < 5) & (hour >= 9) & (hour < 18)
        inside = BUSINESS_SHARE * WEEK_HOURS / office.sum()
        outside = (1 - BUSINESS_SHARE) * WEEK_HOURS / (~office).sum()
        w = np.where(office, inside, outside)
    elif name in MEASURED:
        w = _measured(name)
    elif name == "diurnal":
        w = 1 + 0.5 * np.cos(2 * math.pi * (hour - 14) / 24)
        w = w * np.where(day >= 5, WEEKEND_LEVEL, 1.0)
    else:
        raise InputError(
            f"unknown profile {name!r}; use one of {', '.join(PROFILE_NAMES)}, a list of "
            "168 hourly numbers or a CSV of hourly request counts",
            "workload.profile",
            absolute=True,
        )
    return w / w.mean()


def _measured(name: str) -> np.ndarray:
    """A measured week shipped with tunecost (``profiles/<name>.csv``: hour_of_week,
    weight; Monday 00:00 UTC first). [1]"""
    text = (Path(__file__).parent / "profiles" / f"{name}.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    w = np.zeros(WEEK_HOURS)
    for r in rows:
        w[int(r["hour_of_week"])] = float(r["weight"])
    return w


def weights(values) -> np.ndarray:
    """168 hourly counts or weights (24 are one day, repeated) normalised to mean 1;
    negative, non-finite, all-zero or another length is an error."""
    where = "workload.profile"
    try:
        a = np.asarray(values, float).ravel()
    except (TypeError, ValueError):
        raise InputError("expected numbers (hourly request counts)", where, absolute=True) from None
    if a.size == 24:
        a = np.tile(a, 7)
    if a.size != WEEK_HOURS:
        raise InputError(
            f"expected 168 hourly values (Monday 00:00 first) or 24, not {a.size}",
            where,
            absolute=True,
        )
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError("hourly counts must be finite and not negative", where, absolute=True)
    if a.sum() <= 0:
        raise InputError("the profile has no traffic in any hour", where, absolute=True)
    return a / a.mean()


def profile_weights(profile: str | list[float]) -> np.ndarray:
    """A ``workload.profile`` value (a name or hourly numbers) as 168 weights, mean 1."""
    return named_profile(profile) if isinstance(profile, str) else weights(profile)


def profile_peak(profile: str | list[float]) -> float:
    """Peak-to-average of a profile: ``max(w) / mean(w)``. [1]"""
    return float(profile_weights(profile).max())


def read_profile_csv(path: str | Path) -> list[float]:
    """Hourly request counts from a CSV, as 168 numbers (Monday 00:00 first): one column
    of 168 (or 24) rows, header optional; or columns ``hour_of_week,requests`` (0 =
    Monday 00:00 to 167); or ``weekday,hour,requests`` (weekday a name or 0 = Monday); or
    ``timestamp,requests`` (ISO 8601, hourly), each weekday-hour the mean of the weeks the
    file covers. [requests/hour]"""
    where = "workload.profile"
    try:
        rows = [r for r in csv.reader(Path(path).read_text().splitlines()) if r]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", where, absolute=True) from None
    if rows and not _number(rows[0][-1]):
        rows = rows[1:]  # a header
    try:
        if all(len(r) == 1 for r in rows):
            return [float(r[0]) for r in rows]
        cells: dict[int, list[float]] = {}
        for r in rows:
            cells.setdefault(_cell(r), []).append(float(r[-1]))
    except ValueError as exc:
        raise InputError(f"{Path(path).name}: {exc}", where, absolute=True) from None
    if len(cells) != WEEK_HOURS:
        raise InputError(
            f"{Path(path).name} covers {len(cells)} of the week's 168 hours; give them all",
            where,
            absolute=True,
        )
    return [sum(cells[k]) / len(cells[k]) for k in range(WEEK_HOURS)]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _cell(row: list[str]) -> int:
    """The hour of the week (0 = Monday 00:00) a ``weekday,hour,n`` or ``timestamp,n``
    row is for."""
    import datetime as dt

    if len(row) == 2:
        first = row[0].strip()
        if first.isdigit():  # hour_of_week,requests: 0 = Monday 00:00 ... 167
            if int(first) >= WEEK_HOURS:
                raise ValueError(f"no hour of the week {first!r}; use 0 (Monday 00:00) to 167")
            return int(first)
        try:
            t = dt.datetime.fromisoformat(first)
        except ValueError:
            raise ValueError(
                f"{first!r} is neither an hour of the week (0-167) nor an ISO 8601 "
                "timestamp; use hour_of_week,requests or timestamp,requests"
            ) from None
        return t.weekday() * 24 + t.hour
    day = row[0].strip().lower()
    d = WEEKDAYS.index(day) if day in WEEKDAYS else int(day)
    h = int(row[1])
    if not (0 <= d < 7 and 0 <= h < 24):
        raise ValueError(f"no weekday {row[0]!r}, hour {row[1]!r}")
    return d * 24 + h


def expand_profile(data: Any, base: str | Path) -> Any:
    """Scenario data with a ``workload.profile`` naming a CSV file (relative to ``base``,
    the scenario's folder) replaced by its 168 hourly counts."""
    workload = data.get("workload") if isinstance(data, dict) else None
    ref = workload.get("profile") if isinstance(workload, dict) else None
    if not isinstance(ref, str) or not ref.lower().endswith(".csv"):
        return data
    counts = read_profile_csv(Path(base) / ref)
    return {**data, "workload": {**workload, "profile": counts}}


def check_profile(profile: Any) -> Any:
    """Validate a ``workload.profile`` value (a name or hourly numbers); returned as is."""
    if profile is not None:
        try:
            profile_weights(profile)
        except InputError as exc:
            raise ValueError(exc.message) from None
    return profile


class Autoscaling(Strict):
    """A serving fleet that follows the hourly demand of ``workload.profile``."""

    autoscale: bool = Field(
        False,
        description="Replicas follow the hourly demand of workload.profile between "
        "min_replicas and max_replicas; off: the peak hour sizes every hour.",
    )
    max_replicas: int | None = Field(
        None, ge=1, description="Most replicas when autoscaling; default: as many as needed."
    )
    scale_granularity: Literal["minute", "hour"] = Field(
        "hour",
        description="The provider's billing step: a replica started is billed whole "
        "minutes or whole hours (default hour, the coarser).",
    )
    scale_up_delay: float = Field(
        0.0,
        ge=0.0,
        description="Minutes a new replica is billed before it serves (start-up, and the "
        "cold start after scale to zero); default 0 (an assumption).",
    )
    scale_down_delay: float = Field(
        0.0,
        ge=0.0,
        description="Minutes a replica no longer needed is still billed before it is "
        "stopped (scale-down or scale-to-zero window, e.g. 60 on Hugging Face endpoints); "
        "at most one hour is counted; default 0.",
    )

    @model_validator(mode="after")
    def _replica_bounds(self):
        low = getattr(self, "min_replicas", 0)
        if self.max_replicas is not None and self.max_replicas < low:
            raise ValueError(f"max_replicas {self.max_replicas} is below min_replicas {low}")
        return self


def peak_factor(workload):
    """Peak hour over the average hour: the profile's ``max(w)`` when one is given (a
    ``peak_to_average`` given beside it is not used), else ``peak_to_average``. [1]"""
    if workload.profile is None:
        return workload.peak_to_average
    return profile_peak(workload.profile)


def profile_line(workload) -> str:
    """The assumption line for a profile: its name and the peak-to-average it sets."""
    p = workload.profile
    name = p if isinstance(p, str) else f"{len(p)} hourly values"
    ignored = "peak_to_average" in workload.model_fields_set
    return (
        f"workload: peak_to_average {profile_peak(p):.3g} from profile {name}"
        + (" (the peak_to_average given is not used)" if ignored else "")
        + (
            "; measured: one week of an Azure LLM service, May 2024 (docs/method.md)"
            if p in MEASURED
            else "; a named profile is a definition, not a measurement (docs/method.md)"
            if isinstance(p, str)
            else ""
        )
    )
