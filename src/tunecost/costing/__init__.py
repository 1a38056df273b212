"""Scenario + price book + compute -> monthly cost arrays per path and category.

:mod:`.timeline` (traffic, price trends, releases), :mod:`.context` (what pricing needs
and returns), the API paths (:mod:`.api_paths`), the self-hosted paths
(:mod:`.selfhost`, with the one GPU-price route in :mod:`.gpu_price` and serving
capacity in :mod:`.capacity`), and the one evaluator (:mod:`.evaluate`).
"""
