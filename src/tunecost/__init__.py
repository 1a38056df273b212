"""tunecost: what each way of building an LLM feature costs over time.

The package imports nothing heavy at start-up; the estimators are loaded on first use::

    from tunecost import estimate_training, estimate_serving
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "estimate_serving", "estimate_training"]


def __getattr__(name: str):
    if name in ("estimate_training", "estimate_serving"):
        from tunecost import api

        return getattr(api, name)
    raise AttributeError(f"module 'tunecost' has no attribute {name!r}")
