"""``train``'s job placed on whole instances (the cost line of its record).

One job of ``g`` GPUs runs its runs one after another on the cheapest instance(s)
holding ``g`` GPUs, as ``compare`` bills self-hosted training
(:mod:`tunecost.costing.selfhost`): ``USD = instances x USD per instance-hour x
wall-clock hours``, where wall-clock = billed GPU-hours / ``g`` (all runs).
"""

from __future__ import annotations

from tunecost.cli.instance_price import instance_name, place

INSTANCE_KEYS = (
    "instance",
    "instances",
    "gpus_per_instance",
    "usd_per_instance_hour",
    "paid_gpu_hours",
)
"""Record fields the instance placement adds (None when the estimate has no price)."""


def train_on_instances(est, book, prices: tuple) -> tuple[dict, str, list[str]]:
    """The training estimate priced from the instance(s) its job rents: the record,
    where its price came from and notes on GPUs paid for beyond the job's."""
    record = {**est.to_dict(), **dict.fromkeys(INSTANCE_KEYS)}
    placed, why = place(book, est.gpu, est.gpus, 1, prices, est.wall_clock_hours)
    if placed is None:
        return record, why, []
    (shape,) = placed.shapes
    instances, per_gpu = int(placed.instances), int(placed.gpus_per_instance)
    per_hour = float(placed.usd_per_instance_hour)
    record.update(
        instance=instance_name(shape),
        instances=instances,
        gpus_per_instance=per_gpu,
        usd_per_instance_hour=per_hour,
        usd_per_gpu_hour=per_hour / per_gpu,
        # every GPU of the instances, for the job's wall-clock: cost = this x price
        paid_gpu_hours=instances * per_gpu * est.wall_clock_hours,
        cost_usd=float(placed.usd),
        price_source=shape.name,
    )
    notes = []
    idle = instances * per_gpu - est.gpus
    if idle > 0:
        notes.append(
            f"billed: {instances} x {per_gpu}-GPU {record['instance']} for the "
            f"{est.wall_clock_hours:,.4g} h wall-clock, {idle} GPU(s) idle beside the "
            f"job's {est.gpus}; --gpus {instances * per_gpu} would use them"
        )
    return record, shape.name, notes
