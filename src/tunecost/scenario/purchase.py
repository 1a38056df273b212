"""Buying the GPUs of a self-hosted path instead of renting them: ``serving.buy`` and
``training.buy``.

Every default is stated here with its source; the costing of a purchase (cash,
depreciation, electricity) is :mod:`tunecost.costing.purchase`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from tunecost.errors import UnitError
from tunecost.scenario.base import Strict
from tunecost.scenario.distributions import Dist
from tunecost.scenario.fields import USD, FieldSpec, PositiveFraction, quantity
from tunecost.units import parse_quantity

UTILISATION = 0.75
"""Average draw of a GPU (or server) in service as a share of its rated power: Epoch AI's
``server_TDP_fraction`` for NVIDIA GPUs (github.com/epoch-research/training-cost-trends,
energy.py at commit 2663ad6), from Barroso, Hölzle & Ranganathan, "The Datacenter as a
Computer", 3rd ed. (2018), p. 133 (a new data centre's servers average 75 % of peak),
consistent with Epoch's own H100 measurement (700 W, the TDP, at 70 % FLOP/s use)."""

PUE = 1.56
"""Power usage effectiveness (facility power over IT power): the average that data-centre
operators reported for their largest site in the Uptime Institute Global Data Center
Survey 2024, as Statista publishes it:
https://www.statista.com/statistics/1229367/data-center-average-annual-pue-worldwide/
(retrieved 2026-11-30; 1.58 in 2023, 1.55-1.59 since 2020, Uptime Intelligence). A
desk-side workstation has no cooling plant: set ``pue: 1`` for one."""

BUSINESS_DAY_HOURS = 8.0
"""Hours a machine on ``hours: business`` runs each weekday: the 8-hour day of the
40-hour work week (US Fair Labor Standards Act: overtime is due for hours over 40 in a
workweek; US Department of Labor, "Wages and Hours Worked: Overtime",
https://webarchive.library.unt.edu/eot2008/20090509035450/http:/www.dol.gov/compliance/topics/wages-overtime-pay.htm),
over the weekdays (Monday to Friday) of each calendar month, 20 to 23 (261 a year, 21.75
a month on average); public holidays are not taken out. The "8 hours per business day"
of on-premises use in issue 13."""

HOURS = ("all", "business")
"""When bought hardware runs: every hour of the month, or business hours only."""


class ResidualUSD(float):
    """A residual value given in USD per unit bought (``500 USD``), not as a share."""

    def __repr__(self) -> str:
        return f"{float(self):g} USD"


@dataclass(frozen=True)
class _ResidualSpec(FieldSpec):
    """A share of the price (``0.2``, ``20%``) or an amount (``500 USD``)."""

    def parse(self, value: Any) -> Any:
        if isinstance(value, str) and "usd" in value.lower():
            try:
                usd = parse_quantity(value, "USD", field="", example="500 USD", maximum=1e8)
            except UnitError as exc:
                raise ValueError(str(exc).lstrip(": ")) from None
            return ResidualUSD(usd)
        return super().parse(value)


_RESIDUAL = _ResidualSpec(
    "quantity", "dimensionless", "0.2, 20% or 500 USD", bare=True, maximum=1.0, ranges=False
)
Residual = Annotated[float | ResidualUSD, BeforeValidator(_RESIDUAL.parse), _RESIDUAL]
Lifetime = quantity("month", "36 months", positive=True, maximum=240.0, ranges=False)
Watts = quantity("W", "575 W", bare=True, positive=True, maximum=1e6)
USDPerKWh = quantity("USD/kWh", "0.15 USD/kWh", bare=True, maximum=10.0)
USDPerKWMonth = quantity("USD/kW/month", "150 USD/kW/month", bare=True, maximum=1e4)
PUEFactor = quantity("dimensionless", "1.56", bare=True, positive=True, minimum=1.0, maximum=5.0)


class Buy(Strict):
    """GPUs bought, not rented: the purchase, its life and what it costs to run."""

    item: str | None = Field(
        None,
        description="What is bought, an id of pricing/hardware_prices.csv (a card, or a "
        "server such as dgx-h100); default: the GPU's card (else its smallest server).",
    )
    price: USD | None = Field(
        None,
        description="USD per unit bought (one card, or one server when item names one); "
        "default: the item's newest price in hardware_prices.csv at the plan's start.",
    )
    lifetime: Lifetime = Field(
        description="Months the hardware is depreciated over and kept: sold at its "
        "residual value at the end, and replaced if the plan still needs it."
    )
    residual: Residual = Field(
        0.0, description="Value at the end of the lifetime: a share of the price or USD."
    )
    power: Watts | None = Field(
        None,
        description="Average draw of one unit in service; default: rated power (gpus.csv "
        "tdp_w per card, system_power_w of a server) x utilisation.",
    )
    utilisation: PositiveFraction | None = Field(
        None, description="Average draw over rated power; default 0.75 (Epoch AI, Barroso)."
    )
    pue: PUEFactor = Field(
        PUE, description="Facility power over IT power; default 1.56 (Uptime Institute 2024)."
    )
    electricity: USDPerKWh = Field(description="What a kWh costs where the hardware runs.")
    colocation: USDPerKWMonth = Field(
        0.0, description="Rack space and cooling, per kW of the units' draw per month."
    )
    hours: Literal[HOURS] = Field(
        "all",
        description="When the hardware runs: all (every hour) or business (8 h each "
        "weekday); the fleet is sized for the peak either way.",
    )

    @model_validator(mode="after")
    def _pue_at_least_one(self) -> Buy:
        low = self.pue.span[0] if isinstance(self.pue, Dist) else self.pue
        if low < 1:
            raise ValueError(
                f"pue {low:g} is below 1: facility power includes the IT power; "
                "write 1 for no overhead"
            )
        return self
