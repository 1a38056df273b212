"""MLA's latent KV cache under tensor parallelism: every rank holds and reads all of it.

LMSYS, "SGLang v0.4" (2024-12-04): "DeepSeek models use MLA and only have one KV head.
If we use tensor parallelism on 8 GPUs, it will lead to duplicated KV cache". These
checks pin that copy in the two places it costs: batch capacity and decode bandwidth,
and its absence with data-parallel attention (TensorRT-LLM's MoE layout).
"""

from __future__ import annotations

import pytest

from tunecost.compute import engines, memory, replica
from tunecost.compute import roofline as rf
from tunecost.compute.layout import Layout
from tunecost.pricebook.book import open_book

TP8 = Layout(tp=8)
DP_ATTENTION = Layout(tp=8, expert_parallel=True)


@pytest.fixture(scope="module")
def book():
    return open_book()


def test_every_tp_rank_holds_the_whole_latent(book):
    ds = book.architecture("deepseek-r1")
    # 61 layers x (kv_lora_rank 512 + rope 64) x 2 bytes = 70,272 bytes per token
    per_token = 61 * 576 * 2
    seq = float(memory.kv_bytes_per_sequence(ds, 1000, "bf16"))
    assert seq == pytest.approx(1000 * per_token)
    # per GPU: the sequence's cache x copies / GPUs; TP8 keeps 8 copies on 8 GPUs
    assert seq * rf.kv_replication(ds, TP8) / 8 == pytest.approx(70_272_000)
    assert seq * rf.kv_replication(ds, DP_ATTENTION) / 8 == pytest.approx(8_784_000)


def test_decode_reads_the_whole_latent_on_every_rank(book):
    ds, h200 = book.architecture("deepseek-r1"), book.gpu("h200")
    kw = {"precision": "fp8", "kv_precision": "bf16"}

    def step(layout, context):
        return float(rf.decode_step_seconds(ds, h200, 32, context, layout=layout, **kw))

    # Only the attention term moves with the context; at batch 32 it waits on memory.
    # 32 sequences x 4,000 more tokens x 70,272 bytes = 8,994,816,000 bytes per GPU
    # under TP8, read at 4.8 TB/s x 0.60 = 2.88e12 bytes/s: 3.1232 ms.
    tp_delta = step(TP8, 5000) - step(TP8, 1000)
    assert tp_delta == pytest.approx(32 * 4000 * 70_272 / 2.88e12, rel=1e-6)
    # Data-parallel attention splits the batch's sequences over the 8 GPUs: 1/8 of it.
    dp_delta = step(DP_ATTENTION, 5000) - step(DP_ATTENTION, 1000)
    assert dp_delta == pytest.approx(tp_delta / 8, rel=1e-6)


def test_replicated_latent_bounds_the_batch(book):
    ds, h200 = book.architecture("deepseek-r1"), book.gpu("h200")
    formats, lengths = ("fp8", "bf16"), (3200.0, 800.0)
    plan = replica.plan_replica(ds, h200, engines.SGLANG, TP8, formats, lengths)
    # room = 0.88 x 8 x 141e9 - (671e9 FP8 weights + workspace 2 x 8192 x (4 x 7168
    #   + 2 x 2048) + 4 x 4096 x 129,280 = 2,654,994,432) = 318,985,005,568 bytes;
    # a sequence holds 3,200 + 800 / 2 = 3,600 tokens x 70,272 bytes x 8 copies
    #   = 2,023,833,600 bytes -> 157.6 -> 157 sequences
    assert plan.kv_bytes == pytest.approx(318_985_005_568)
    assert plan.kv_token_bytes == pytest.approx(70_272 * 8)
    assert plan.max_batch == 157
    # without the copies (data-parallel attention) the same GPUs hold > 5x as many
    dp = replica.plan_replica(ds, h200, engines.SGLANG, DP_ATTENTION, formats, lengths)
    assert dp.kv_token_bytes == pytest.approx(70_272)
    assert dp.max_batch > 5 * plan.max_batch
