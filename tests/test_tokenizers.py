"""Token counts in each model's own tokens: the reference tokenizer, words and characters,
token_ratio, and the table behind them (pricing/tokenizers.csv)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tunecost import compare
from tunecost.errors import InputError
from tunecost.pricebook import open_book
from tunecost.scenario import parse_scenario

# Tokens per word measured on the same two Project Gutenberg books (tokenizers.csv).
O200K, LLAMA2, MISTRAL_V1, CL100K = 1.2337, 1.3871, 1.3575, 1.2391
O200K_CHARS = 4.4697
PRICED = {"input": "1 USD/1M tokens", "output": "1 USD/1M tokens"}
NO_LABOUR = {
    "engineering": {"build": 0, "upkeep": "0 hour/month", "per_release": 0},
    "evaluation": {"hours": 0},
}


def _path(name, model, provider="openai", **extra):
    return {
        "name": name,
        "kind": "prompt-api",
        "provider": provider,
        "model": model,
        "prices": PRICED,
        **NO_LABOUR,
        **extra,
    }


def _run(paths, **workload):
    w = {"requests": "1M requests/month", "input_tokens": 1000, "output_tokens": 100, **workload}
    scenario = {
        "name": "t",
        "start": "2027-01",
        "months": 2,
        "workload": w,
        "market": {"new_base_model_every": "12 months"},
        "paths": paths,
    }
    return compare(parse_scenario(scenario))


def _inference(result, path):
    led = result.ledger
    return led[(led.path == path) & (led.category == "inference")].usd.to_numpy()


def test_the_table_has_the_measured_ratios():
    tokenizers = open_book().tokenizers
    assert tokenizers.get("o200k").tokens_per_word == O200K
    assert tokenizers.get("LLAMA2").tokens_per_word == LLAMA2
    assert tokenizers.get("o200k").chars_per_token == O200K_CHARS
    assert len(tokenizers.rows) == 12


def test_a_model_with_another_tokenizer_bills_more_tokens_for_the_same_text():
    # Baseline gpt-4o-mini (o200k); mistral-small-2402 uses the 32k SentencePiece
    # vocabulary: 1M x (1000 + 100) x 1.3575/1.2337 tokens at $1/M = $1,210.38
    result = _run(
        [_path("base", "gpt-4o-mini"), _path("mistral", "mistral-small-2402", provider="mistral")]
    )
    np.testing.assert_allclose(_inference(result, "base"), [1100.0] * 2, rtol=1e-12)
    np.testing.assert_allclose(
        _inference(result, "mistral"), [1100.0 * MISTRAL_V1 / O200K] * 2, rtol=1e-12
    )
    assert pytest.approx(1210.38, abs=0.01) == 1100.0 * MISTRAL_V1 / O200K
    assert any("mistral: 1.100 mistral-v1 tokens per o200k token" in a for a in result.assumptions)


def test_the_workload_can_name_its_tokenizer():
    # Counts stated in Llama 2 tokens: gpt-4o-mini bills 1.2337/1.3871 of them.
    result = _run([_path("base", "gpt-4o-mini")], tokenizer="llama2")
    np.testing.assert_allclose(_inference(result, "base"), [1100.0 * O200K / LLAMA2] * 2)


def test_token_ratio_overrides_the_table():
    result = _run(
        [
            _path("base", "gpt-4o-mini"),
            _path("m", "mistral-small-2402", provider="mistral", token_ratio=1.5),
        ]
    )
    np.testing.assert_allclose(_inference(result, "m"), [1650.0] * 2, rtol=1e-12)


def test_words_and_characters_become_each_models_tokens():
    # 750 words x 1.2337 tokens/word = 925.275 tokens; 4,469.7 characters / 4.4697 = 1,000
    result = _run(
        [_path("base", "gpt-4o-mini")], input_tokens="750 words", output_tokens="4,469.7 characters"
    )
    np.testing.assert_allclose(_inference(result, "base"), [925.275 + 1000.0] * 2, rtol=1e-12)


def test_a_model_without_a_published_tokenizer_is_taken_as_the_reference():
    # Claude 3 and later: no tokenizer published; counts are used as stated.
    result = _run(
        [_path("base", "gpt-4o-mini"), _path("claude", "claude-haiku-4-5", provider="anthropic")]
    )
    np.testing.assert_allclose(_inference(result, "claude"), [1100.0] * 2, rtol=1e-12)


def test_a_provider_variant_id_finds_its_base_models_tokenizer():
    from tunecost.costing.context import Context
    from tunecost.costing.tokens import model_tokenizer

    scenario = parse_scenario(
        {
            "name": "t",
            "start": "2027-01",
            "workload": {"requests": "1 request/month", "input_tokens": 1, "output_tokens": 1},
            "paths": [_path("base", "gpt-4o-mini")],
        }
    )
    ctx = Context(scenario, np.ones(1), open_book())
    assert model_tokenizer(ctx, ["llama-3.1-8b-instruct-turbo"]).tokenizer == "llama3"
    assert model_tokenizer(ctx, ["gpt-4.1-mini-2025-04-14"]).tokenizer == "o200k"
    assert model_tokenizer(ctx, ["no-such-model"]) is None


@settings(max_examples=25, deadline=None)
@given(st.floats(1, 1e6))
def test_stated_words_scale_linearly(words):
    result = _run(
        [_path("base", "gpt-4o-mini")], input_tokens=f"{words:.3f} words", output_tokens=1
    )
    expected = (round(words, 3) * O200K + 1) * 1e6 / 1e6
    np.testing.assert_allclose(_inference(result, "base"), [expected] * 2, rtol=1e-9)


@pytest.mark.parametrize(
    ("workload", "fragment"),
    [
        ({"tokenizer": "gpt5"}, "unknown tokenizer 'gpt5'"),
        ({"input_tokens": "0 words"}, "above zero"),
        ({"input_tokens": "12 sentences"}, "input_tokens"),
    ],
)
def test_bad_tokenizer_input_names_the_field(workload, fragment):
    with pytest.raises((InputError, ValueError), match=fragment):
        _run([_path("base", "gpt-4o-mini")], **workload)


def test_every_release_tokenizer_is_in_the_table():
    book = open_book()
    known = {t.lower() for t in book.tokenizers.rows}
    used = {r.tokenizer.lower() for r in book.releases.rows if r.tokenizer}
    assert used <= known and len(used) >= 10


# tokenizers.csv id -> its label in the measurement record (tools/token_ratios.py)
MEASURED_AS = {
    "o200k": "o200k_base",
    "cl100k": "cl100k_base",
    "llama2": "llama2",
    "llama3": "llama3",
    "llama4": "llama4",
    "mistral-v1": "mistral_v1",
    "tekken": "mistral_tekken",
    "gemma3": "gemma3",
    "qwen": "qwen",
    "qwen3.6": "qwen3_6",
    "claude-legacy": "claude_legacy",
}


@pytest.mark.parametrize(("tokenizer", "label"), sorted(MEASURED_AS.items()))
def test_ratios_are_the_pooled_counts_of_both_books(tokenizer, label):
    # tests/data/measured_token_counts.csv: words, characters and tokens per book, as
    # tools/token_ratios.py counted them; the table keeps the pooled ratio to 4 places.
    import csv
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "measured_token_counts.csv").read_text()
    rows = [r for r in csv.DictReader(text.splitlines()) if r["tokenizer"] == label]
    assert len(rows) == 2
    words, chars, toks = (sum(int(r[k]) for r in rows) for k in ("words", "chars", "tokens"))
    row = open_book().tokenizers.get(tokenizer)
    assert row.tokens_per_word == pytest.approx(toks / words, abs=5e-5)
    assert row.chars_per_token == pytest.approx(chars / toks, abs=5e-4)
