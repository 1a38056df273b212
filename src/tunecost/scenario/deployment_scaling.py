"""A provider's dedicated deployment that follows the traffic (``finetune-api`` paths).

Where the provider's page says its deployments autoscale (``providers.csv``:
``deployment_autoscaling``), ``autoscale: true`` lets the deployments follow the hourly
demand of ``workload.profile`` between ``min_deployments`` and ``max_deployments``,
billed in the provider's step with its scale-down and scale-to-zero windows; every
default is the provider's own (printed as an assumption).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from tunecost.scenario.base import Strict


class DeploymentScaling(Strict):
    """Autoscaling of a fine-tune's dedicated deployments, where the provider offers it."""

    autoscale: bool = Field(
        False,
        description="Deployments follow the hourly demand of workload.profile, where the "
        "provider autoscales them (Fireworks, Together); off: the peak hour sizes every hour.",
    )
    min_deployments: int | None = Field(
        None,
        ge=0,
        description="Fewest deployments when autoscaling; 0 scales to zero where the "
        "provider allows it; default the provider's (Fireworks 0, Together 1).",
    )
    max_deployments: int | None = Field(
        None, ge=1, description="Most deployments when autoscaling; default as many as needed."
    )
    scale_up_delay: float = Field(
        0.0,
        ge=0.0,
        description="Minutes a new deployment is billed before it serves; default 0 "
        "(Fireworks bills from when the server accepts requests).",
    )

    @model_validator(mode="after")
    def _deployment_bounds(self):
        unused = [k for k in ("min_deployments", "max_deployments") if getattr(self, k) is not None]
        if unused and not self.autoscale:
            raise ValueError(
                f"{unused[0]} applies with autoscale: true; add it or remove {unused[0]}"
            )
        low = self.min_deployments or 0
        if self.max_deployments is not None and self.max_deployments < low:
            raise ValueError(
                f"max_deployments {self.max_deployments} is below min_deployments {low}"
            )
        return self
