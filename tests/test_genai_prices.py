"""The genai-prices importer (pricebook/genai_prices.py) on a small cut of the real data.

``genai_prices_small.json`` holds providers and models copied from genai-prices'
``prices/new_data/v2/data.json`` (commit 47df840a5ab10bbcffb8e5ac01b9899032245d1b), plus
``gpt-4.1-mini`` and ``gemini-4-argon`` from the genai-prices 0.2.3 wheel's bundled data in
the same v2 shape (batch and service-tier price variants; a start_date after the
retrieval date). ``genai_prices_small.yml`` is two entries of that commit's
``prices/providers/anthropic.yml``.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest

from tunecost.errors import InputError
from tunecost.pricebook.genai_prices import PRICE_COLUMNS, import_genai_prices, provider_id
from tunecost.pricebook.reading import read_rows
from tunecost.pricebook.schemas import SCHEMAS

FIXTURES = Path(__file__).parent / "data" / "fixtures"
SMALL = FIXTURES / "genai_prices_small.json"
SMALL_YAML = FIXTURES / "genai_prices_small.yml"
DAY = dt.date(2026, 11, 1)
EXPECTS = "expected genai-prices' data"


def _prices(rows: list[dict]) -> dict:
    """{(provider, model, kind, tier, effective_from): price}."""
    return {
        (r["provider"], r["model"], r["kind"], r["context_over_tokens"], r["effective_from"]): r[
            "price"
        ]
        for r in rows
    }


@pytest.fixture(scope="module")
def small() -> tuple[list[dict], list[str]]:
    return import_genai_prices(SMALL, retrieved=DAY)


def test_rows_have_the_tables_columns_and_usd_per_million_tokens(small):
    rows, _ = small
    assert rows and all(tuple(r) == PRICE_COLUMNS for r in rows)
    assert PRICE_COLUMNS.index("announced") == PRICE_COLUMNS.index("effective_from") + 1
    assert {r["unit"] for r in rows} == {"USD/1M tokens"}
    assert {r["source_url"] for r in rows} == {"file:genai_prices_small.json"}
    assert {r["retrieved"] for r in rows} == {"2026-11-01"}


def test_a_dated_price_change_keeps_the_earlier_price_from_the_release_date(small):
    p = _prices(small[0])
    # o3: launch price from its snapshot id o3-2025-04-16, cut on 2025-06-10
    assert p[("openai", "o3", "input", None, "2025-04-16")] == 10.0
    assert p[("openai", "o3", "input", None, "2025-06-10")] == 2.0
    assert p[("openai", "o3", "output", None, "2025-04-16")] == 40.0
    assert p[("openai", "o3", "output", None, "2025-06-10")] == 8.0
    # the cached price did not change: no second row
    assert [k for k in p if k[:3] == ("openai", "o3", "cached_input")] == [
        ("openai", "o3", "cached_input", None, "2025-04-16")
    ]


def test_tiered_prices_become_context_tiers(small):
    p = _prices(small[0])
    assert p[("openai", "gpt-5.4", "input", None, "2026-03-05")] == 2.5
    assert p[("openai", "gpt-5.4", "input", 272_000, "2026-03-05")] == 5.0
    assert p[("openai", "gpt-5.4", "cached_input", 272_000, "2026-03-05")] == 0.5
    assert p[("openai", "gpt-5.4", "output", 272_000, "2026-03-05")] == 22.5
    assert p[("google", "gemini-2.5-pro", "output", 200_000, "2026-11-01")] == 15.0


def test_a_tier_dropped_by_a_later_price_ends_at_the_base_price(small):
    rows, _ = small
    p = _prices(rows)
    # Sonnet 4.6: the >200k surcharge until 2026-03-13, no surcharge from then on
    assert p[("anthropic", "claude-sonnet-4-6", "input", 200_000, "2026-03-12")] == 6.0
    assert p[("anthropic", "claude-sonnet-4-6", "input", 200_000, "2026-03-13")] == 3.0
    assert p[("anthropic", "claude-sonnet-4-6", "cache_write", 200_000, "2026-03-13")] == 3.75
    ended = [r for r in rows if r["effective_from"] == "2026-03-13"]
    assert len(ended) == 4 and all("tier ended" in r["notes"] for r in ended)


def test_cache_read_and_cache_write_prices(small):
    p = _prices(small[0])
    assert p[("anthropic", "claude-haiku-4-5", "cached_input", None, "2026-11-01")] == 0.1
    assert p[("anthropic", "claude-haiku-4-5", "cache_write", None, "2026-11-01")] == 1.25
    assert p[("xai", "grok-4-fast-non-reasoning", "cached_input", None, "2026-11-01")] == 0.05


def test_an_unknown_true_start_is_said_in_the_notes(small):
    rows, _ = small
    haiku = [r for r in rows if r["model"] == "claude-haiku-4-5"]
    assert all("true start unknown: effective_from = retrieved" in r["notes"] for r in haiku)
    sonnet = [r for r in rows if r["model"] == "claude-sonnet-4-6"]
    assert {r["effective_from"] for r in sonnet} == {"2026-03-12", "2026-03-13"}
    assert all("applied before 2026-03-13" in r["notes"] for r in sonnet[:1])
    o3 = [r for r in rows if r["model"] == "o3"]
    assert "release date" in o3[0]["notes"] and "unknown" not in o3[0]["notes"]


def test_batch_variants_become_batch_kinds_and_other_variants_are_counted(small):
    rows, notes = small
    p = _prices(rows)
    assert p[("openai", "gpt-4.1-mini", "batch_input", None, "2026-10-14")] == 0.2
    assert p[("openai", "gpt-4.1-mini", "batch_output", None, "2026-10-14")] == 0.8
    assert p[("openai", "gpt-4.1-mini", "input", None, "2025-04-14")] == 0.4
    assert "skipped 1 price variants for service_tier=priority" in "\n".join(notes)
    assert not any("service_tier=default" in n for n in notes)  # an empty variant


def test_a_future_start_date_is_announced(small):
    rows, _ = small
    argon = {(r["kind"], r["effective_from"]): r for r in rows if r["model"] == "gemini-4-argon"}
    assert argon[("input", "2026-12-01")]["price"] == 4.0
    assert argon[("input", "2026-12-01")]["announced"] == "yes"
    assert argon[("input", "2026-10-14")]["announced"] == ""
    assert argon[("batch_input", "2026-12-01")]["price"] == 2.0
    assert all(r["announced"] == "" for r in rows if r["effective_from"] <= "2026-11-01")


def test_what_cannot_be_expressed_is_skipped_and_counted(small):
    rows, notes = small
    text = "\n".join(notes)
    models = {r["model"] for r in rows}
    assert not {"gpt-4o-transcribe", "text-embedding-3-small", "ft:gpt-4o-mini"} & models
    assert "skipped 2 non-text models" in text and "openai/gpt-4o-transcribe" in text
    assert "skipped 1 fine-tuned model prices" in text
    assert "skipped 1 time-of-day prices" in text
    assert "cache_write_1h_mtok prices" in text and "web_searches_kcount prices" in text
    # DeepSeek's time-of-day price is dropped; the row says which price it kept
    chat = [r for r in rows if r["model"] == "deepseek-chat" and r["kind"] == "input"]
    assert [r["price"] for r in chat] == [0.135]
    assert "time-of-day prices are skipped" in chat[0]["notes"]


def test_provider_ids_are_mapped_and_filter_the_import():
    assert provider_id("x-ai") == "xai" and provider_id("aws") == "bedrock"
    assert provider_id("huggingface_nebius") == "huggingface-nebius"
    for wanted in ("xai", "x-ai", "XAI"):
        rows, _ = import_genai_prices(SMALL, providers=(wanted,), retrieved=DAY)
        assert {r["provider"] for r in rows} == {"xai"}
    with pytest.raises(InputError, match="no text-model prices found for provider"):
        import_genai_prices(SMALL, providers=("nobody",), retrieved=DAY)


def test_rows_parse_with_the_schema_and_have_no_duplicate_keys(small, tmp_path):
    rows, _ = small
    path = tmp_path / "api_models.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=PRICE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    read, problems = read_rows(path, SCHEMAS["api_models.csv"])
    assert problems == [] and len(read) == len(rows)
    assert len(_prices(rows)) == len(rows)


def test_a_provider_yaml_file_gives_the_same_prices_dated_by_prices_checked():
    rows, notes = import_genai_prices(SMALL_YAML, retrieved=DAY, source_url="https://x.test/a")
    p = _prices(rows)
    assert p[("anthropic", "claude-sonnet-4-6", "input", 200_000, "2026-03-12")] == 6.0
    assert p[("anthropic", "claude-sonnet-4-6", "input", 200_000, "2026-03-13")] == 3.0
    haiku = [r for r in rows if r["model"] == "claude-haiku-4-5"]
    assert {r["effective_from"] for r in haiku} == {"2026-07-29"}
    assert all("prices_checked" in r["notes"] for r in haiku)
    assert {r["source_url"] for r in rows} == {"https://x.test/a"}
    assert any("cache_write_1h_mtok" in n for n in notes)


# ---- the installed package ---------------------------------------------------------------


def _fake_package(monkeypatch) -> None:
    """A stand-in ``genai_prices.data`` of objects like the package's (attributes,
    Decimal prices, date constraints, ``or_`` clauses)."""
    ns = types.SimpleNamespace
    tiered = ns(base=Decimal("2"), tiers=[ns(start=128_000, price=Decimal("4"))])
    model = ns(
        id="m-1",
        match=ns(or_=[ns(equals="m-1"), ns(equals="m-1-2025-01-02")]),
        name="M 1",
        deprecated=None,
        prices=[
            ns(constraint=None, prices=ns(input_mtok=tiered, output_mtok=Decimal("8"))),
            ns(
                constraint=ns(start_date=dt.date(2025, 6, 1)),
                prices=ns(input_mtok=Decimal("1"), output_mtok=Decimal("4")),
            ),
        ],
        price_variants=None,
    )
    provider = ns(id="x-ai", name="X", pricing_urls=["https://x.test"], models=[model])
    package = types.ModuleType("genai_prices")
    package.data = types.ModuleType("genai_prices.data")
    package.data.providers = [provider]
    monkeypatch.setitem(sys.modules, "genai_prices", package)
    monkeypatch.setitem(sys.modules, "genai_prices.data", package.data)


def test_package_objects_are_read_like_the_json_file(monkeypatch):
    _fake_package(monkeypatch)
    rows, _ = import_genai_prices(retrieved=DAY)
    p = _prices(rows)
    assert p[("xai", "m-1", "input", None, "2025-01-02")] == 2.0
    assert p[("xai", "m-1", "input", 128_000, "2025-01-02")] == 4.0
    assert p[("xai", "m-1", "input", None, "2025-06-01")] == 1.0
    assert p[("xai", "m-1", "input", 128_000, "2025-06-01")] == 1.0  # the tier ended
    assert p[("xai", "m-1", "output", None, "2025-06-01")] == 4.0
    assert rows[0]["source_url"].startswith("https://pypi.org/project/genai-prices/")


def test_no_package_installed_is_a_clear_input_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "genai_prices", None)
    with pytest.raises(InputError, match="genai-prices is not installed") as err:
        import_genai_prices()
    assert err.value.field == "source"


def test_the_whole_installed_package_imports():
    pytest.importorskip("genai_prices")
    rows, notes = import_genai_prices(retrieved=DAY)
    providers = {r["provider"] for r in rows}
    assert {"openai", "anthropic", "google", "mistral", "deepseek", "xai"} <= providers
    assert len({(r["provider"], r["model"]) for r in rows}) >= 150
    assert len(_prices(rows)) == len(rows)
    assert any(r["context_over_tokens"] for r in rows)
    assert any(r["kind"] == "batch_input" for r in rows)
    assert any("non-text models" in n for n in notes)


# ---- bad input ---------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.json", b"\xff\xfe not text", "is not UTF-8 text; " + EXPECTS),
        ("data.json", '[{"id": "a", "models": [}', "is not JSON (line 1); " + EXPECTS),
        ("anthropic.yml", "id: [unclosed\n  models: x", "is not JSON or YAML (line"),
        ("data.json", '{"gpt-4o": {"input_cost_per_token": 1e-06}}', "is not a list of provid"),
        ("data.json", "[]", "is not a list of providers with models"),
        ("data.json", '[{"id": "a", "models": "none"}]', "is not a list of providers"),
        ("anthropic.yml", "- just\n- a list\n", "is not a list of providers with models"),
        ("data.json", '[{"id": "a", "models": [{"id": "tts", "prices": {}}]}]', "no text-model"),
    ],
    ids=["not-utf8", "bad-json", "bad-yaml", "litellm-json", "empty", "models-not-list",
         "yaml-list", "no-text-models"],
)  # fmt: skip
def test_bad_files_are_refused_in_one_line_naming_the_path(tmp_path, name, content, message):
    path = _write(tmp_path, name, content)
    with pytest.raises(InputError) as err:
        import_genai_prices(path)
    assert err.value.field == "source"
    assert message in err.value.message
    assert "\n" not in err.value.message


def test_a_missing_file_and_a_folder_are_refused(tmp_path):
    with pytest.raises(InputError, match="no such file") as err:
        import_genai_prices(tmp_path / "missing.json")
    assert err.value.field == "source"
    with pytest.raises(InputError, match="is a folder; expected genai-prices' data"):
        import_genai_prices(tmp_path)


def test_malformed_entries_inside_a_good_file_are_counted_not_guessed(tmp_path):
    data = (
        '[{"id": "openai", "models": ['
        '{"id": "ok", "prices": {"input_mtok": 1, "output_mtok": 2}},'
        '{"id": "neg", "prices": {"input_mtok": -1, "output_mtok": 2}},'
        '{"id": "when", "prices": [{"constraint": {"start_date": "soon"},'
        ' "prices": {"input_mtok": 3, "output_mtok": 4}}]},'
        '"not a model"]}]'
    )
    rows, notes = import_genai_prices(_write(tmp_path, "d.json", data), retrieved=DAY)
    assert {r["model"] for r in rows} == {"ok"}  # no half a model
    text = "\n".join(notes)
    assert "skipped 2 models without both an input and an output token price" in text
    assert "price values that are not a number" in text
    assert "constraint that cannot be read" in text
    assert "malformed model entries" in text
