"""When a path ships a release: a better base model arriving, or its model retired.

The cadence is the scenario's ``market.new_base_model_every`` when given; otherwise the
median gap between releases of the path's model family in the price book's release
history (``pricing/model_releases.csv``), printed as an assumption with the dates it came
from; a family with fewer than three releases falls back to
``scenario.defaults.NEW_BASE_MODEL_EVERY_MONTHS``. An API model's announced shutdown
inside the plan forces a migration in its month (unless the path gives ``deprecated``).
"""

from __future__ import annotations

from tunecost.costing import timeline
from tunecost.costing.context import Context
from tunecost.scenario.defaults import NEW_BASE_MODEL_EVERY_MONTHS
from tunecost.scenario.model import AnyPath

API_KINDS = ("prompt-api", "finetune-api")


def family_release(path: AnyPath, ctx: Context):
    """The release row of the path's model, else of its base model, or None."""
    table = ctx.book.releases
    return table.find(getattr(path, "model", None)) or table.find(getattr(path, "base_model", None))


def cadence(path: AnyPath, ctx: Context):
    """Months between better base models for ``path`` (a number or a column of draws)."""
    given = ctx.scenario.market.new_base_model_every
    if given is not None:
        return given
    row = family_release(path, ctx)
    found = ctx.book.releases.cadence(row.family) if row else None
    if found is None:
        ctx.assumptions.append(
            f"{path.name}: a better base model every {NEW_BASE_MODEL_EVERY_MONTHS:g} months "
            "(no release history for its model family; set market.new_base_model_every)"
        )
        return NEW_BASE_MODEL_EVERY_MONTHS
    dates = ", ".join(f"{d:%Y-%m}" for d in found.dates)
    ctx.assumptions.append(
        f"{path.name}: a better {found.family} model every {found.months:.1f} months, the "
        f"median gap between its releases ({dates}); set market.new_base_model_every"
    )
    return found.months


def retirement_month(path: AnyPath, ctx: Context) -> int | None:
    """Plan month in which the path must migrate because its model is retired: the
    path's ``deprecated`` month, else its API model's announced shutdown, or None."""
    if path.deprecated is not None:
        return timeline.month_of(path.deprecated, ctx.as_of)
    row = ctx.book.releases.find(path.model) if path.kind in API_KINDS else None
    if row is None or row.shutdown is None:
        return None
    month = timeline.month_of(row.shutdown, ctx.as_of)
    where = f"{path.model} shuts down on {row.shutdown} ({row.lifecycle_source_url})"
    if month < 1:
        ctx.notes.append(
            f"{path.name}: {where}, before the plan starts; its prices are for a model the "
            "provider no longer serves: pick its replacement"
            + (f" ({row.replacement})" if row.replacement else "")
        )
    elif month <= ctx.months:
        what = "migration and re-training" if path.kind == "finetune-api" else "migration"
        ctx.notes.append(f"{path.name}: {where}: {what} in month {month}")
    return month
