"""From ideal to billed GPU-hours: interruptions, restarts and checkpoints (goodput),
and the speed-up of FP8 training.

A run on ``G`` GPUs is interrupted at a rate proportional to ``G``; each interruption
costs a restart and the work since the last checkpoint. With ``lambda`` interruptions
per GPU-hour and ``tau`` hours lost per interruption, the share of paid time that
trains (goodput) is

    goodput(G) = 1 / (1 + lambda G tau),

and billed GPU-hours = ideal GPU-hours / goodput. Pure functions.

References
----------
.. [11] Llama Team, "The Llama 3 Herd of Models", arXiv:2407.21783 (2024), sec. 3.3.4:
   during a 54-day snapshot of 405B pre-training on 16,384 H100 GPUs there were 466
   job interruptions, 419 of them unexpected, and "higher than 90% effective training
   time".
"""

from __future__ import annotations

INTERRUPTIONS_PER_GPU_HOUR = 419 / (16_384 * 54 * 24)
"""Unexpected interruptions per GPU-hour [11]: 419 in 54 days on 16,384 GPUs, 1.97e-5."""

HOURS_LOST_PER_INTERRUPTION = 0.344
"""Hours of the whole job lost per interruption (restart plus work since the last
checkpoint), the value for which Llama 3's run has 90% goodput [11]:
``1 / (1 + 1.97e-5 x 16,384 x tau) = 0.90`` gives ``tau = 0.344`` h, 21 minutes. 90%
is the lower end of "higher than 90%", taken because model-card GPU-hours count the
whole job."""

FP8_TRAINING_SPEEDUP = 1.5
"""Training speed of FP8 mixed precision over BF16 at the same MFU basis: DeepSeek-V3
pre-trained 37B active parameters on 14.8T tokens in 2.664M H800 GPU-hours with FP8
(arXiv:2412.19437, table 1 and sec. 3.3), 35% of the BF16 peak against the 23% the
mixture-of-experts default gives BF16 runs on the same class of GPU, 1.5x; Meta's
Llama 4 Behemoth reached 390 TFLOP/s per H100 in FP8 (Llama 4 blog, 2025-04-05), 1.7x
that default. The lower figure is taken."""


def default_goodput(gpus: float) -> float:
    """Share of billed GPU time that trains a run on ``gpus`` GPUs:
    ``1 / (1 + lambda G tau)`` with ``lambda`` and ``tau`` from Llama 3 [11]; 0.90 at
    16,384 GPUs, 0.986 at 2,048, 0.9999 at 8."""
    return 1.0 / (1.0 + INTERRUPTIONS_PER_GPU_HOUR * gpus * HOURS_LOST_PER_INTERRUPTION)


def training_peak(gpu, precision: str) -> float:
    """FLOP/s the MFU defaults apply to: the BF16 (FP16 on Volta/Turing) dense peak,
    times ``FP8_TRAINING_SPEEDUP`` for FP8 training."""
    peak = gpu.peak_flops("bf16")
    return peak * FP8_TRAINING_SPEEDUP if precision == "fp8" else peak
