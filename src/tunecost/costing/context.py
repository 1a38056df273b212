"""What every path's pricing needs besides its own fields, and what it returns.

A :class:`Context` holds the plan's months, traffic (with leading axes for a sweep of
volumes or Monte Carlo draws), price trends and the price book, and records the price
rows consulted. A :class:`Cost` is one category of one path: USD per month and the
quantity that drives it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from tunecost.costing import timeline
from tunecost.costing.price_series import price_series
from tunecost.errors import InputError
from tunecost.pricebook.book import PriceBook
from tunecost.scenario.model import Scenario


def fmt(x, spec: str = "g") -> str:
    """A number for a note; a column of Monte Carlo draws shows its range."""
    a = np.asarray(x, float)
    if a.ndim == 0 or a.size == 1:
        return format(float(a.reshape(-1)[0]) if a.ndim else float(a), spec)
    return f"{format(float(a.min()), spec)} to {format(float(a.max()), spec)}"


def span(x) -> str:
    """A count over the plan's months (and draws) for a note: one number when it never
    changes, else its range (:func:`fmt`)."""
    a = np.asarray(x, float)
    return fmt(a.min()) if a.min() == a.max() else fmt(a)


@dataclass
class Cost:
    """One category of one path: USD per month and the quantity that drives it; a
    purchase also carries its straight-line depreciation (``amortised``, USD per month),
    what ``compare --amortise`` shows in place of the cash."""

    usd: np.ndarray
    quantity: np.ndarray
    unit: str
    note: str = ""
    amortised: np.ndarray | None = None

    def usd_as(self, amortise: bool):
        """USD per month as shown: the depreciation of a purchase when ``amortise``
        (its cash otherwise, and always for what is not bought)."""
        return self.amortised if amortise and self.amortised is not None else self.usd


@dataclass
class Context:
    """The plan's months, traffic, price trends and the price book. ``used`` collects
    the price rows consulted, ``notes`` what the reader should know about them, and
    ``assumptions`` the defaults taken from the book's data (release cadences)."""

    scenario: Scenario
    traffic: np.ndarray  # requests per month, shape (..., N)
    book: PriceBook
    used: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    assumptions: list = field(default_factory=list)

    @property
    def months(self) -> int:
        return self.scenario.months

    @property
    def as_of(self) -> dt.date:
        return self.scenario.start

    @property
    def dates(self) -> list[dt.date]:
        return timeline.month_dates(self.scenario.start, self.scenario.months)

    @property
    def rate(self) -> float:
        return self.scenario.team.engineer_rate

    def first_month(self) -> np.ndarray:
        out = np.zeros(self.months)
        out[0] = 1.0
        return out

    def zeros(self) -> np.ndarray:
        return np.zeros(np.broadcast_shapes(self.traffic.shape, (self.months,)))

    def full(self, values) -> np.ndarray:
        return np.broadcast_to(np.asarray(values, float), self.zeros().shape).copy()

    def price(self, model, kind, *, provider=None, context_tokens=0):
        """The book's row for ``kind`` of ``model`` at the plan's start, recorded."""
        p = self.book.price(
            model, kind, provider=provider, as_of=self.as_of, context_tokens=context_tokens
        )
        self.used.append(p)
        return p

    def series(self, row, *, trend: bool = True) -> np.ndarray:
        """USD per month of the price ``row`` stands for: its dated history in the book,
        then the API price trend and level (``trend``), or flat after the last row."""
        m = self.scenario.market
        kw = {"trend": m.api_price_change, "factor": m.api_price_factor} if trend else {}
        values, used = price_series(self.book.history(row), self.dates, lambda r: r.usd, **kw)
        self.used += used[1:]  # the first is the start's row, recorded by price()
        return values

    def usd(self, model, kind, *, provider=None, context_tokens=0, trend=True):
        """USD per month of ``kind`` (canonical units) over the plan; with a column of
        context lengths (Monte Carlo), each draw gets the long-context tier its own
        prompt length falls in."""
        if np.ndim(context_tokens) == 0:
            row = self.price(model, kind, provider=provider, context_tokens=context_tokens)
            return self.series(row, trend=trend)
        out = self.series(self.price(model, kind, provider=provider), trend=trend)
        tiers = [
            p
            for p in self.book.model_prices(model, provider=provider, as_of=self.as_of)
            if p.kind == kind and p.context_over_tokens
        ]
        for p in sorted(tiers, key=lambda p: p.context_over_tokens):
            over = np.asarray(context_tokens) > p.context_over_tokens
            if over.any():
                self.used.append(p)
                out = np.where(over, self.series(p, trend=trend), out)
        return out

    def has_price(self, model, kind, provider=None) -> bool:
        try:
            rows = self.book.model_prices(model, provider=provider, as_of=self.as_of)
        except InputError:
            return False
        return any(r.kind == kind for r in rows)
