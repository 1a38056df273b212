"""Importers (importers.py): LiteLLM's price JSON and SkyPilot's vms.csv, on small
hand-written fixtures in tests/data/fixtures/, and files of the wrong kind."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tunecost.errors import InputError
from tunecost.pricebook.importers import (
    OFFER_COLUMNS,
    PRICE_COLUMNS,
    import_litellm,
    import_skypilot,
)

FIXTURES = Path(__file__).parent / "data" / "fixtures"
LITELLM = FIXTURES / "litellm_small.json"
SKY_AWS = FIXTURES / "skypilot_aws_small.csv"
SKY_GCP = FIXTURES / "skypilot_gcp_small.csv"
DAY = dt.date(2026, 11, 1)

LITELLM_EXPECTS = "LiteLLM's model_prices_and_context_window.json"
SKYPILOT_EXPECTS = "a SkyPilot catalogue vms.csv"


def _by_key(rows: list[dict]) -> dict:
    return {(r["provider"], r["model"], r["kind"], r["context_over_tokens"]): r for r in rows}


def _offers(rows: list[dict]) -> dict:
    return {(r["instance"], r["region"]): r for r in rows}


# ---- LiteLLM -----------------------------------------------------------------------------


@pytest.fixture
def litellm_rows() -> dict:
    return _by_key(import_litellm(LITELLM, retrieved=DAY))


def test_litellm_prices_are_converted_to_usd_per_million_tokens(litellm_rows):
    # 1.5e-07 USD/token = 0.15 USD/1M tokens, without float noise
    assert litellm_rows[("openai", "gpt-4o-mini", "input", None)]["price"] == 0.15
    assert litellm_rows[("openai", "gpt-4o-mini", "output", None)]["price"] == 0.6
    assert litellm_rows[("openai", "gpt-4o-mini", "cached_input", None)]["price"] == 0.075
    assert litellm_rows[("openai", "gpt-4o-mini", "batch_input", None)]["price"] == 0.075
    assert litellm_rows[("openai", "gpt-4o-mini", "batch_output", None)]["price"] == 0.3
    assert litellm_rows[("anthropic", "claude-sonnet-4-5", "cache_write", None)]["price"] == 3.75
    assert litellm_rows[("anthropic", "claude-sonnet-4-5", "cached_input", None)]["price"] == 0.3
    assert all(r["unit"] == "USD/1M tokens" for r in litellm_rows.values())


def test_litellm_long_context_fields_become_tiers(litellm_rows):
    assert litellm_rows[("google", "gemini-2.5-pro", "input", None)]["price"] == 1.25
    assert litellm_rows[("google", "gemini-2.5-pro", "input", 200_000)]["price"] == 2.5
    assert litellm_rows[("google", "gemini-2.5-pro", "output", 200_000)]["price"] == 15.0
    assert litellm_rows[("anthropic", "claude-sonnet-4-5", "input", 200_000)]["price"] == 6.0
    assert litellm_rows[("anthropic", "claude-sonnet-4-5", "output", 200_000)]["price"] == 22.5
    tiers = {k[3] for k in litellm_rows}
    assert tiers == {None, 200_000}


def test_litellm_ft_entries_become_ft_kinds_of_the_base_model(litellm_rows):
    ft = {k: r["price"] for k, r in litellm_rows.items() if k[1] == "gpt-4o-mini-2024-07-18"}
    assert ft == {
        ("openai", "gpt-4o-mini-2024-07-18", "ft_input", None): 0.3,
        ("openai", "gpt-4o-mini-2024-07-18", "ft_output", None): 1.2,
        ("openai", "gpt-4o-mini-2024-07-18", "ft_cached_input", None): 0.15,
    }  # no batch prices for fine-tuned entries, and no "ft:" in the model name
    assert not any(k[1].startswith("ft:") for k in litellm_rows)


def test_litellm_skips_sample_spec_and_non_text_modes(litellm_rows):
    models = {k[1] for k in litellm_rows}
    assert models == {
        "gpt-4o-mini",
        "gpt-4o-mini-2024-07-18",
        "gemini-2.5-pro",
        "claude-sonnet-4-5",
    }
    assert len(litellm_rows) == 19


def test_litellm_maps_providers_and_strips_their_prefix(litellm_rows):
    assert {k[0] for k in litellm_rows} == {"openai", "google", "anthropic"}
    assert ("google", "gemini-2.5-pro", "input", None) in litellm_rows  # not gemini/...


def test_litellm_rows_carry_dates_source_and_the_entry_name():
    rows = import_litellm(LITELLM, retrieved=DAY, source_url="https://example.com/prices.json")
    assert {r["effective_from"] for r in rows} == {"2026-11-01"}
    assert {r["retrieved"] for r in rows} == {"2026-11-01"}
    assert {r["source_url"] for r in rows} == {"https://example.com/prices.json"}
    gem = _by_key(rows)[("google", "gemini-2.5-pro", "input", 200_000)]
    assert gem["notes"] == "imported from LiteLLM entry 'gemini/gemini-2.5-pro'"
    assert set(rows[0]) == set(PRICE_COLUMNS)


def test_litellm_defaults_to_today_and_the_file_name():
    rows = import_litellm(LITELLM)
    assert {r["retrieved"] for r in rows} == {dt.date.today().isoformat()}
    assert {r["source_url"] for r in rows} == {"file:litellm_small.json"}


def test_litellm_provider_filter():
    rows = import_litellm(LITELLM, retrieved=DAY, providers=("anthropic",))
    assert {r["model"] for r in rows} == {"claude-sonnet-4-5"}
    assert len(rows) == 6
    with pytest.raises(InputError, match=r"no text-model prices found for provider\(s\) mistral"):
        import_litellm(LITELLM, providers=("mistral",))


# ---- SkyPilot ----------------------------------------------------------------------------


@pytest.fixture
def aws():
    rows, notes = import_skypilot(SKY_AWS, provider="aws", retrieved=DAY)
    return _offers(rows), notes


def test_skypilot_divides_instance_prices_by_gpu_count(aws):
    rows, _ = aws
    p5 = rows[("p5.48xlarge", "us-east-1")]
    assert p5["gpu"] == "h100-sxm"
    assert p5["gpu_count"] == 8
    assert p5["on_demand_usd_per_gpu_hour"] == 12.29  # 98.32 USD/h / 8 GPUs
    assert rows[("g6.xlarge", "us-east-1")]["on_demand_usd_per_gpu_hour"] == 0.8048
    assert rows[("g6.xlarge", "us-east-1")]["gpu"] == "l4"


def test_skypilot_spot_is_the_lowest_zone_of_the_region(aws):
    rows, _ = aws
    # zones use1-az2 (31.20) and use1-az4 (17.6288): 17.6288 / 8 GPUs
    assert rows[("p5.48xlarge", "us-east-1")]["spot_usd_per_gpu_hour"] == 2.2036
    # one row per region, not per zone
    assert rows[("p5.48xlarge", "us-west-2")]["on_demand_usd_per_gpu_hour"] == 13.75
    assert rows[("p5.48xlarge", "us-west-2")]["spot_usd_per_gpu_hour"] == 5.5
    assert rows[("p5.48xlarge", "us-east-1")]["reserved_1y_usd_per_gpu_hour"] is None


def test_skypilot_skips_fractional_gpus_and_unknown_accelerators_and_reports_them(aws):
    rows, notes = aws
    assert ("g6f.large", "us-east-1") not in rows  # 0.125 of an L4
    assert ("g4ad.xlarge", "us-east-1") not in rows  # Radeon Pro V520
    assert ("m5.large", "us-east-1") not in rows  # no GPU at all
    assert notes == [
        "skipped accelerators not in gpus.csv: Radeon Pro V520",
        "skipped 1 fractional-GPU rows",
    ]


def test_skypilot_rows_have_the_offer_columns_and_dates(aws):
    rows, _ = aws
    for r in rows.values():
        assert list(r) == list(OFFER_COLUMNS)
        assert r["provider"] == "aws"
        assert r["effective_from"] == r["retrieved"] == "2026-11-01"
        assert r["source_url"] == "file:skypilot_aws_small.csv"


def test_skypilot_a100_means_the_40gb_part(aws):
    # SkyPilot names the 40 GB A100 "A100" and the 80 GB one "A100-80GB"; p4d.24xlarge has
    # 8 x A100 40 GB (the GpuInfo column says 40960 MiB), and the shipped gpu_offers.csv
    # records aws p4d.24xlarge as a100-40gb.
    rows, _ = aws
    p4d = rows[("p4d.24xlarge", "us-east-1")]
    assert p4d["gpu"] == "a100-40gb"
    assert p4d["on_demand_usd_per_gpu_hour"] == pytest.approx(32.7726 / 8)


def test_skypilot_reads_gcp_column_order_by_name():
    rows, notes = import_skypilot(SKY_GCP, provider="GCP", retrieved=DAY)
    offers = _offers(rows)
    assert set(offers) == {
        ("L4 x1 (GPU only)", "us-central1"),
        ("g2-standard-4", "us-central1"),
        ("a3-highgpu-8g", "us-central1"),
        ("a3-highgpu-8g", "europe-west4"),
    }
    a3 = offers[("a3-highgpu-8g", "us-central1")]
    assert (a3["gpu"], a3["gpu_count"]) == ("h100-sxm", 8)
    assert a3["on_demand_usd_per_gpu_hour"] == 11.03125  # 88.25 / 8
    assert a3["spot_usd_per_gpu_hour"] == 2.2  # 17.6 / 8
    gpu_only = offers[("L4 x1 (GPU only)", "us-central1")]
    assert gpu_only["on_demand_usd_per_gpu_hour"] == 0.56
    assert gpu_only["spot_usd_per_gpu_hour"] == 0.2  # lower of the two zones
    assert {r["provider"] for r in rows} == {"gcp"}
    assert notes == ["skipped accelerators not in gpus.csv: K80"]


def test_skypilot_region_filter():
    rows, _ = import_skypilot(SKY_GCP, provider="gcp", regions=("europe-west4",))
    assert [(r["instance"], r["region"]) for r in rows] == [("a3-highgpu-8g", "europe-west4")]
    with pytest.raises(InputError, match=r"no GPU instance prices found in region\(s\) mars-1"):
        import_skypilot(SKY_GCP, provider="gcp", regions=("mars-1",))


def test_skypilot_provider_defaults_to_the_folder_name(tmp_path):
    folder = tmp_path / "aws"
    folder.mkdir()
    shutil.copy(SKY_AWS, folder / "vms.csv")
    rows, _ = import_skypilot(folder / "vms.csv")
    assert {r["provider"] for r in rows} == {"aws"}
    assert {r["source_url"] for r in rows} == {"file:vms.csv"}


# ---- files of the wrong kind -------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_litellm_given_a_csv_says_it_expected_litellm_json():
    with pytest.raises(InputError) as info:
        import_litellm(SKY_AWS)
    assert info.value.field == "path"
    assert "is not JSON (line 1)" in str(info.value)
    assert f"expected {LITELLM_EXPECTS}" in str(info.value)


def test_litellm_given_json_without_model_prices_says_what_it_expected(tmp_path):
    path = _write(tmp_path, "other.json", b'{"models": [{"name": "x", "price": 1}]}')
    with pytest.raises(InputError) as info:
        import_litellm(path)
    assert "has no model entries with input_cost_per_token" in str(info.value)
    assert f"expected {LITELLM_EXPECTS}" in str(info.value)


def test_skypilot_given_json_says_it_expected_a_vms_csv():
    with pytest.raises(InputError) as info:
        import_skypilot(LITELLM, provider="aws")
    msg = str(info.value)
    assert info.value.field == "path"
    assert "lacks column(s) InstanceType, AcceleratorName, AcceleratorCount, Price, Region" in msg
    assert f"expected {SKYPILOT_EXPECTS}" in msg


@pytest.mark.parametrize(
    ("importer", "expects"),
    [(import_litellm, LITELLM_EXPECTS), (import_skypilot, SKYPILOT_EXPECTS)],
)
def test_an_empty_file_says_what_was_expected(tmp_path, importer, expects):
    path = _write(tmp_path, "empty.csv", b"")
    with pytest.raises(InputError) as info:
        importer(path)
    assert f"expected {expects}" in str(info.value)


@pytest.mark.parametrize(
    ("importer", "expects"),
    [(import_litellm, LITELLM_EXPECTS), (import_skypilot, SKYPILOT_EXPECTS)],
)
def test_a_folder_says_what_was_expected(tmp_path, importer, expects):
    with pytest.raises(InputError) as info:
        importer(tmp_path)
    assert str(info.value) == f"path: {tmp_path} is a folder; expected {expects}"


@pytest.mark.parametrize(
    ("importer", "expects"),
    [(import_litellm, LITELLM_EXPECTS), (import_skypilot, SKYPILOT_EXPECTS)],
)
def test_a_non_utf8_file_says_what_was_expected(tmp_path, importer, expects):
    path = _write(tmp_path, "latin1.csv", "InstanceType,Région\nprix,1\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        importer(path)
    assert str(info.value) == f"path: {path} is not UTF-8 text; expected {expects}"


@pytest.mark.parametrize("importer", [import_litellm, import_skypilot])
def test_a_missing_file_is_named(tmp_path, importer):
    with pytest.raises(InputError, match="no such file"):
        importer(tmp_path / "nope.json")
