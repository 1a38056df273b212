"""What GPUs cost to buy: ``pricing/hardware_prices.csv``, and a GPU's rated power.

Each row is one card (``kind`` card, ``gpus`` 1) or one server of ``gpus`` cards
(``kind`` server), its price in USD from ``effective_from`` on, and for a server its
maximum draw (``system_power_w``, from the vendor's datasheet). Like every table of the
book each row names its ``source_url`` and the day it was ``retrieved``; an item may
have several dated rows, and the newest in effect on a date is its price then.

A card's rated power is ``tdp_w`` in ``gpus.csv`` (the vendor's TDP or total board
power).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tunecost.errors import InputError, UnknownNameError
from tunecost.pricebook.prices import in_effect

TABLE = "hardware_prices.csv"


@dataclass(frozen=True)
class HardwarePrice:
    """One dated purchase price: an item (a card or a server of ``gpus`` cards of
    ``gpu``), USD per item, and for a server its maximum draw in W."""

    id: str
    name: str
    provider: str  # the vendor, so that the price appears beside the others it used
    form: str  # card or server
    gpu: str
    gpus: int
    price_usd: float
    system_power_w: float | None
    effective_from: dt.date
    retrieved: dt.date
    source_url: str
    table: str = TABLE
    region: None = None

    @property
    def model(self) -> str:
        """The item's id, as the list of prices used names an item."""
        return self.id

    @property
    def kind(self) -> str:
        return f"purchase ({self.form})"


class HardwareTable:
    """The rows of ``hardware_prices.csv``, found by item id or by GPU."""

    def __init__(self, rows, resolve):
        self.rows = [
            HardwarePrice(
                id=r["id"],
                name=r["name"],
                provider=r["vendor"].lower(),
                form=r["kind"],
                gpu=resolve(r["gpu"]) or r["gpu"],
                gpus=r["gpus"],
                price_usd=r["price_usd"],
                system_power_w=r.get("system_power_w"),
                effective_from=r["effective_from"],
                retrieved=r["retrieved"],
                source_url=r["source_url"],
            )
            for r in rows
        ]

    def ids(self) -> list[str]:
        return sorted({r.id for r in self.rows})

    def history(self, item: str) -> list[HardwarePrice]:
        """Every dated row of ``item``, oldest first."""
        return sorted((r for r in self.rows if r.id == item), key=lambda r: r.effective_from)

    def find(self, gpu_id: str, *, item: str | None, as_of: dt.date) -> HardwarePrice:
        """The row in effect on ``as_of`` of ``item`` (an id), or, without one, of the
        card of ``gpu_id`` (else its smallest server).

        Raises
        ------
        InputError
            Naming ``buy.item`` (an unknown id, or one of another GPU) or ``buy.price``
            (no row for the GPU, or none in effect yet on ``as_of``).
        """
        if item is not None:
            key = item.strip().lower()
            if key not in self.ids():
                raise UnknownNameError("hardware item", item, self.ids(), "buy.item")
            rows = self.history(key)
            if rows[0].gpu != gpu_id:
                raise InputError(f"{item} holds {rows[0].gpu} GPUs, not {gpu_id}", "buy.item")
        else:
            mine = [r for r in self.rows if r.gpu == gpu_id]
            if not mine:
                raise InputError(
                    f"{TABLE} has no purchase price for {gpu_id}; give buy.price (USD per "
                    "card) or buy.item",
                    "buy.price",
                )
            smallest = min(mine, key=lambda r: (r.gpus, r.id)).id
            rows = self.history(smallest)
        current = in_effect(rows, lambda r: r.id, as_of)  # one item: one row or none
        if not current:
            raise InputError(
                f"{TABLE} prices {rows[0].id} from {rows[0].effective_from} on, after the plan's "
                f"start {as_of}; give buy.price",
                "buy.price",
            )
        return current[0]


def hardware_table(book) -> HardwareTable:
    """The purchase prices of ``book`` (its ``hardware_prices.csv``)."""
    return HardwareTable(book.table(TABLE), book.gpus.resolve)


def rated_power_w(book, gpu_id: str) -> float | None:
    """``tdp_w`` of ``gpu_id`` in ``gpus.csv`` (W), or None where the table has none."""
    for row in book.table("gpus.csv"):
        if row["id"] == gpu_id:
            return row.get("tdp_w")
    return None
