"""Tokens per request on each path, in the tokens its own model bills.

The workload's token counts are stated in one reference tokenizer: ``workload.tokenizer``,
else that of the baseline path's model. A path whose model tokenizes English differently
bills ``count x tokens_per_word(path) / tokens_per_word(reference)`` tokens for the same
text (``token_ratio`` overrides the ratio); a count given in words is multiplied by the
path's tokens per word, one in characters divided by its characters per token. The ratios
are measured on the same two Project Gutenberg books for every tokenizer
(``pricing/tokenizers.csv``). A model whose tokenizer is not published (Claude 3 and
later) is taken to tokenize like the reference, and the assumption is printed.
"""

from __future__ import annotations

from tunecost.costing.context import Context
from tunecost.pricebook.tokenizers import Tokenizer
from tunecost.scenario.fields import TextAmount
from tunecost.scenario.model import AnyPath

FALLBACK_TOKENIZER = "cl100k"
"""Tokenizer for text given in words when neither the path's nor the reference model's
tokenizer is known: cl100k_base, GPT-4's, whose 1.239 tokens per word is the median of
the twelve measured (pricing/tokenizers.csv)."""


def _model_ids(path: AnyPath) -> list[str]:
    return [m for m in (getattr(path, "model", None), getattr(path, "base_model", None)) if m]


def model_tokenizer(ctx: Context, models: list[str]) -> Tokenizer | None:
    """The tokenizer of the first of ``models`` the release table names one for; a
    provider's variant id (``llama-3.1-8b-instruct-turbo``) falls back to the longest
    release id it starts with (``llama-3.1-8b``, :meth:`ReleaseTable.find_variant`)."""
    for model in models:
        row = ctx.book.releases.find_variant(model)
        if row is not None and row.tokenizer:
            return ctx.book.tokenizers.get(row.tokenizer)
    return None


def reference_tokenizer(ctx: Context) -> Tokenizer | None:
    """The tokenizer the workload's counts are stated in, or None if unknown."""
    s = ctx.scenario
    if s.workload.tokenizer:
        return ctx.book.tokenizers.get(s.workload.tokenizer, "workload.tokenizer")
    base = s.path(s.baseline) if s.baseline else s.paths[0]
    return model_tokenizer(ctx, _model_ids(base))


def _ratio(ctx: Context, label: str, models: list[str], given) -> float:
    """Tokens of the models' tokenizer per reference token (1 when either is unknown)."""
    if given is not None:
        return given
    ref, own = reference_tokenizer(ctx), model_tokenizer(ctx, models)
    if ref is None or own is None or own.tokenizer == ref.tokenizer:
        return 1.0
    ratio = own.tokens_per_word / ref.tokens_per_word
    ctx.assumptions.append(
        f"{label}: {ratio:.3f} {own.tokenizer} tokens per {ref.tokenizer} token "
        "(tokens per word of each, pricing/tokenizers.csv); set the path's token_ratio"
    )
    return ratio


def _from_text(ctx: Context, label: str, models: list[str], amount: TextAmount) -> float:
    tok = model_tokenizer(ctx, models) or reference_tokenizer(ctx)
    if tok is None:
        tok = ctx.book.tokenizers.get(FALLBACK_TOKENIZER)
        ctx.assumptions.append(
            f"{label}: its model's tokenizer is not published; words and characters "
            f"counted as {tok.tokenizer} tokens"
        )
    if amount.unit == "word":
        return float(amount) * tok.tokens_per_word
    return float(amount) / tok.chars_per_token


def convert(ctx: Context, label: str, models: list[str], counts, given_ratio=None) -> tuple:
    """``counts`` (reference tokens, or words or characters) in the tokens of the first
    of ``models`` with a known tokenizer."""
    stated = [c for c in counts if not isinstance(c, TextAmount)]
    ratio = _ratio(ctx, label, models, given_ratio) if stated else 1.0
    return tuple(
        _from_text(ctx, label, models, c) if isinstance(c, TextAmount) else c * ratio
        for c in counts
    )


def stated_tokens(path: AnyPath, ctx: Context) -> tuple:
    """(input, output) per request as the scenario states them: the path's, else the
    workload's."""
    w = ctx.scenario.workload
    return (
        w.input_tokens if path.input_tokens is None else path.input_tokens,
        w.output_tokens if path.output_tokens is None else path.output_tokens,
    )


def tokens(path: AnyPath, ctx: Context) -> tuple:
    """(input, output) tokens per request on ``path`` in its model's tokens."""
    return convert(ctx, path.name, _model_ids(path), stated_tokens(path, ctx), path.token_ratio)


def route_tokens(path: AnyPath, route, ctx: Context, tuned: bool) -> tuple:
    """(input, output) tokens of one route's request in its model's tokens (the path's
    own when the route is to the path's fine-tune)."""
    stated = stated_tokens(path, ctx)
    counts = tuple(
        s if r is None else r
        for s, r in zip(stated, (route.input_tokens, route.output_tokens), strict=True)
    )
    if tuned:
        return convert(ctx, path.name, _model_ids(path), counts, path.token_ratio)
    return convert(ctx, f"{path.name} route to {route.model}", [route.model], counts)
