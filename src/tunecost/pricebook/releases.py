"""When models arrive and when API models are retired: ``pricing/model_releases.csv``.

Each row is one model of a family a team would migrate along (``openai-gpt``,
``meta-llama``, ...) with its release date and, for API models, the deprecation and
shutdown dates its provider announced, each with its source. The family's history gives
the cadence at which a better base model arrives (:func:`median_gap_months`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from dataclasses import dataclass

DAYS_PER_MONTH = 365.25 / 12
"""Days in an average month, to turn gaps between release dates into months."""


@dataclass(frozen=True)
class Release:
    """One model's release and, for an API model, its announced retirement."""

    family: str
    model: str
    kind: str  # "api" or "open-weight"
    released: dt.date
    source_url: str
    organisation: str = ""
    provider: str = ""
    deprecated: dt.date | None = None
    shutdown: dt.date | None = None
    replacement: str = ""
    lifecycle_source_url: str = ""
    tokenizer: str = ""


@dataclass(frozen=True)
class Cadence:
    """How often a family releases a model: the median gap and the dates behind it."""

    family: str
    months: float
    dates: tuple[dt.date, ...]


def median_gap_months(dates) -> float | None:
    """Median gap between successive distinct release dates [months], or None with
    fewer than two. Models released the same day are one release."""
    distinct = sorted(set(dates))
    gaps = [(b - a).days / DAYS_PER_MONTH for a, b in itertools.pairwise(distinct)]
    return statistics.median(gaps) if gaps else None


class ReleaseTable:
    """The rows of ``model_releases.csv``, found by model id and by family."""

    def __init__(self, rows):
        self.rows = [_release(r) for r in rows]
        self._by_model = {r.model.lower(): r for r in self.rows}
        self._variants: dict[str, Release | None] = {}  # find_variant's answers, by id

    def find(self, model: str | None) -> Release | None:
        """The release of ``model`` (case-insensitive), or None."""
        return self._by_model.get(model.strip().lower()) if model else None

    def find_variant(self, model: str | None) -> Release | None:
        """The release of ``model``, else of the longest release id it extends with a
        ``-`` (a provider's variant: ``llama-3.1-8b-instruct-turbo`` is ``llama-3.1-8b``),
        or None."""
        if not model:
            return None
        key = model.strip().lower()
        if key not in self._variants:
            extended = [r for r in self.rows if key.startswith(r.model.lower() + "-")]
            self._variants[key] = self.find(key) or max(
                extended, key=lambda r: len(r.model), default=None
            )
        return self._variants[key]

    def cadence(self, family: str) -> Cadence | None:
        """The family's median gap between releases, or None with fewer than three
        releases (two gaps: one gap is not a cadence)."""
        dates = tuple(sorted({r.released for r in self.rows if r.family == family}))
        if len(dates) < 3:
            return None
        return Cadence(family, median_gap_months(dates), dates)


def _release(r: dict) -> Release:
    return Release(
        family=r["family"],
        model=r["model"],
        kind=r["kind"],
        released=r["released"],
        source_url=r["source_url"],
        organisation=r["organisation"] or "",
        provider=(r["provider"] or "").lower(),
        deprecated=r["deprecated"],
        shutdown=r["shutdown"],
        replacement=r["replacement"] or "",
        lifecycle_source_url=r["lifecycle_source_url"] or "",
        tokenizer=r.get("tokenizer") or "",
    )
