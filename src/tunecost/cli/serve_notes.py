"""The notes ``tunecost serve`` prints under a mixture of experts: how its experts were
laid out, and what their width costs in prefill."""

from __future__ import annotations


def experts_notes(est, expert_parallel, book) -> list[str]:
    """The layout note (when the user left it to the engine) and, for a fine-grained
    mixture, the prefill share its small experts were charged."""
    arch = book.architecture(est.model)
    if not arch.num_experts:
        return []
    return _layout_note(est, expert_parallel) + _width_note(arch)


def _layout_note(est, expert_parallel) -> list[str]:
    one_gpu = est.gpus_per_replica == 1
    if expert_parallel and one_gpu:
        return ["experts: one GPU holds them all; --expert-parallel changes nothing on one"]
    if expert_parallel is not None or one_gpu:
        return []
    if "EP" in (est.layout or ""):
        return [
            f"experts: spread over the GPUs, {est.engine}'s default; --no-expert-parallel "
            "for tensor parallelism"
        ]
    return [
        f"experts: tensor-parallel, {est.engine}'s default; --expert-parallel for "
        "data-parallel attention with the experts spread (vLLM --data-parallel-size N "
        "--enable-expert-parallel)"
    ]


def _width_note(arch) -> list[str]:
    from tunecost.compute.moe import is_fine_grained
    from tunecost.compute.roofline import FINE_EXPERT_MATMUL_SHARE

    if not is_fine_grained(arch):
        return []
    return [
        f"experts: fine-grained ({arch.intermediate_size:,} wide, hidden "
        f"{arch.hidden_size:,}): prompts run the routed experts at "
        f"{FINE_EXPERT_MATMUL_SHARE:g} of the GPU's achievable matmul rate, a fused MoE "
        "layer's measured share (VeOmni PR #460, H100)"
    ]
