"""The ledger: one row per month, path and cost category, in USD.

Every other view (totals, cumulative cost, break-even, CSV, JSON, charts, the report) is
computed from it. Columns: ``month`` (1..N), ``date`` (first day of the month), ``path``,
``category``, ``usd``, and the driver that explains the row: ``quantity``, ``unit``,
``unit_price_usd`` (usd / quantity) and ``note``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tunecost.analysis.breakeven import breakeven_month
from tunecost.costing import timeline
from tunecost.costing.context import Cost
from tunecost.scenario.model import Scenario
from tunecost.vocabulary import CATEGORIES

if TYPE_CHECKING:
    import pandas as pd

LEDGER_COLUMNS = [
    "month",
    "date",
    "path",
    "category",
    "usd",
    "quantity",
    "unit",
    "unit_price_usd",
    "note",
]


def build_ledger(
    scenario: Scenario, costs: dict[str, dict[str, Cost]], *, amortise: bool = False
) -> pd.DataFrame:
    """The ledger of one plan from each path's costs by category (built as whole
    columns, one frame, rather than a frame per path and category). It is cash; with
    ``amortise``, bought hardware is its straight-line depreciation instead (a view)."""
    import pandas as pd

    n = scenario.months
    dates = timeline.month_dates(scenario.start, n)
    parts = [
        (name, cat, cats[cat]) for name, cats in costs.items() for cat in CATEGORIES if cat in cats
    ]
    usd = np.concatenate([np.asarray(c.usd_as(amortise), float).reshape(n) for _, _, c in parts])
    qty = np.concatenate([np.asarray(c.quantity, float).reshape(n) for _, _, c in parts])
    with np.errstate(divide="ignore", invalid="ignore"):
        unit_price = np.where(qty > 0, usd / np.where(qty > 0, qty, 1.0), np.nan)
    columns = {
        "month": np.tile(np.arange(1, n + 1), len(parts)),
        "date": dates * len(parts),
        "path": [name for name, _, _ in parts for _ in range(n)],
        "category": [cat for _, cat, _ in parts for _ in range(n)],
        "usd": usd,
        "quantity": qty,
        "unit": [c.unit for _, _, c in parts for _ in range(n)],
        "unit_price_usd": unit_price,
        "note": [c.note for _, _, c in parts for _ in range(n)],
    }
    return pd.DataFrame(columns)[LEDGER_COLUMNS]


def monthly_by_path(ledger: pd.DataFrame) -> pd.DataFrame:
    """USD per month: one row per date, one column per path in ledger order."""
    paths = list(dict.fromkeys(ledger["path"]))
    return ledger.pivot_table(index="date", columns="path", values="usd", aggfunc="sum", sort=True)[
        paths
    ]


def breakeven_by_path(ledger: pd.DataFrame, baseline: str) -> dict[str, int | None]:
    """Break-even month of every path against ``baseline``, from the ledger."""
    monthly = monthly_by_path(ledger)
    base = monthly[baseline].to_numpy()
    return {
        name: None if name == baseline else breakeven_month(monthly[name].to_numpy(), base)
        for name in monthly.columns
    }
