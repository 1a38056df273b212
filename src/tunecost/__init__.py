"""tunecost: what each way of building an LLM feature costs over time.

The package imports nothing heavy at start-up; the API is loaded on first use::

    from tunecost import compare, estimate_training, estimate_serving

    result = compare("examples/support-assistant.yaml", draws=1000)
    result.ledger, result.totals, result.breakeven, result.monte_carlo, result.plot("cost.png")
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "compare",
    "estimate_serving",
    "estimate_training",
    "load_scenario",
    "serving_band",
    "training_band",
]


def __getattr__(name: str):
    if name in ("estimate_training", "estimate_serving"):
        from tunecost.compute import estimates

        return getattr(estimates, name)
    if name == "compare":
        from tunecost.analysis.compare import compare

        return compare
    if name in ("serving_band", "training_band"):
        from tunecost.compute import accuracy

        return getattr(accuracy, name)
    if name == "load_scenario":
        from tunecost.scenario.loading import load_scenario

        return load_scenario
    raise AttributeError(f"module 'tunecost' has no attribute {name!r}")
