"""Replicas and training jobs placed on the instances a provider rents, billed whole.

A replica (or job) of ``g`` GPUs runs inside one instance of at least ``g`` GPUs of its
type: tensor parallelism stays inside one instance. An instance of ``c`` GPUs holds
``floor(c / g)`` replicas, so replicas may share an instance; a replica or job larger
than 8 GPUs spans whole instances of 8 or more (``ceil(g / c)`` each), as the book's
offer rule says (:meth:`tunecost.pricebook.book.PriceBook.gpu_offers`). Of the shapes on
offer, the one whose whole instances cost least is billed per instance-hour, chosen for
each month and each row of a sweep or Monte Carlo run on its own (an elementwise
minimum, as :mod:`tunecost.costing.finetune_hosting` chooses deployments).

A price given per GPU-hour is one GPU per unit: a replica of ``g`` GPUs is ``g`` units,
never rounded up to a larger instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tunecost.pricebook.prices import GPUOffer


@dataclass(frozen=True)
class Shape:
    """An instance one can rent: its name, its GPUs and its USD per GPU-hour (a number,
    or an array over the plan's months), and the book's offer if it came from one."""

    name: str
    gpus: int
    usd_per_gpu_hour: np.ndarray | float
    offer: GPUOffer | None = None

    @property
    def usd_per_instance_hour(self) -> np.ndarray:
        return np.asarray(self.usd_per_gpu_hour, float) * self.gpus

    def holds(self, gpus_per_unit: int) -> int:
        """Replicas of ``gpus_per_unit`` GPUs one instance holds (0: it spans instances)."""
        return self.gpus // gpus_per_unit


def instances_for(units, gpus_per_unit: int, gpus_per_instance: int) -> np.ndarray:
    """Instances of ``gpus_per_instance`` GPUs that hold ``units`` replicas (or jobs) of
    ``gpus_per_unit`` GPUs: ``ceil(units / floor(c / g))``, or ``units x ceil(g / c)``
    when a unit is larger than the instance. Works on arrays."""
    units = np.asarray(units, float)
    if gpus_per_unit <= gpus_per_instance:
        # + 0.0: ceil(-1e-9) is -0.0, which a ledger would print as -0
        return np.ceil(units / (gpus_per_instance // gpus_per_unit) - 1e-9) + 0.0
    return units * math.ceil(gpus_per_unit / gpus_per_instance)


@dataclass(frozen=True)
class Placement:
    """The cheapest instances for each month (and row): how many, of which shape, at
    what price, and what they cost over the hours given."""

    shapes: tuple[Shape, ...]  # the shapes chosen somewhere, in the order offered
    instances: np.ndarray
    gpus_per_instance: np.ndarray
    usd_per_instance_hour: np.ndarray
    usd: np.ndarray

    @property
    def gpu_hours_per_hour(self) -> np.ndarray:
        """GPUs rented (whole instances) in each month."""
        return self.instances * self.gpus_per_instance

    @property
    def name(self) -> str:
        return " or ".join(s.name for s in self.shapes)


def cheapest(units, gpus_per_unit: int, shapes: list[Shape], hours) -> Placement:
    """The shape whose whole instances holding ``units`` replicas of ``gpus_per_unit``
    GPUs cost least over ``hours`` (per month), chosen elementwise over every axis of
    ``units`` and the shapes' price arrays; ties go to the shape offered first."""
    if not shapes:
        raise ValueError("no instance shape to place replicas on")
    counts = [instances_for(units, gpus_per_unit, s.gpus) for s in shapes]
    rates = [s.usd_per_instance_hour for s in shapes]
    hours = np.asarray(hours, float)
    costs = [n * r * hours for n, r in zip(counts, rates, strict=True)]
    shape = np.broadcast_shapes(*(np.shape(c) for c in costs))

    def stack(xs) -> np.ndarray:
        return np.stack([np.broadcast_to(np.asarray(x, float), shape) for x in xs])

    pick = np.argmin(stack(costs), axis=0)

    def chosen(xs) -> np.ndarray:
        return np.take_along_axis(stack(xs), pick[None, ...], axis=0)[0]

    instances = chosen(counts)
    used = pick[instances > 0] if np.any(instances > 0) else np.ravel(pick)
    picked = tuple(shapes[k] for k in sorted({int(k) for k in np.unique(used)}))
    return Placement(
        shapes=picked,
        instances=instances,
        gpus_per_instance=chosen([s.gpus for s in shapes]),
        usd_per_instance_hour=chosen(rates),
        usd=chosen(costs),
    )


def serve_record(record: dict, placed: Placement, spares: int) -> dict:
    """``tunecost serve``'s record with its replicas (``spares`` more while there is
    traffic) on whole instances: ``instance``, ``instances``, ``gpus_per_instance``,
    ``usd_per_instance_hour``; the GPUs rented, the price per GPU of the chosen instance,
    utilisation over every replica paid for, and the monthly cost (the placement's
    ``usd``, over the month's hours it was placed for)."""
    out = {**record, "spare_replicas": None}
    g = out["gpus_per_replica"]
    c, per_hour = int(placed.gpus_per_instance), float(placed.usd_per_instance_hour)
    (shape,) = placed.shapes
    out.update(
        instance=shape.name if shape.offer is None else _instance(shape.offer),
        instances=int(placed.instances),
        gpus_per_instance=c,
        usd_per_instance_hour=per_hour,
        usd_per_gpu_hour=per_hour / c,
        price_source=shape.name,
    )
    per_replica = out["slo_output_tokens_per_s"]
    # a replica's share of full instances: the price over the replicas one holds
    share = per_hour / (c // g) if g <= c else per_hour * math.ceil(g / c)
    out["usd_per_million_output_tokens_at_full_load"] = share / (per_replica * 3600.0) * 1e6
    if out.get("replicas") is None:
        return out
    paid = out["replicas"] + (spares if out["requests_per_month"] > 0 else 0)
    out["spare_replicas"] = paid - out["replicas"]
    out["gpus_total"] = int(placed.instances) * c
    out["utilization"] = (out["utilization"] or 0.0) * out["replicas"] / paid if paid else 0.0
    out["monthly_cost_usd"] = float(placed.usd)
    tokens_m = out["requests_per_month"] * out["output_tokens"] / 1e6
    out["usd_per_million_output_tokens"] = out["monthly_cost_usd"] / tokens_m if tokens_m else None
    return out


def _instance(offer: GPUOffer) -> str:
    return f"{offer.provider} {offer.instance}"
