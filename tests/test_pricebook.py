"""The price book (tunecost.pricebook): unit conversion, dates, tiers, GPU offers, staleness
warnings, the validator on the shipped book and on broken copies of it, and a schema test
over every shipped table."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tunecost.errors import InputError, PriceBookError, UnknownNameError
from tunecost.pricebook import (
    ENV_VAR,
    GPUOffer,
    Price,
    PriceBook,
    find_pricing_dir,
    in_effect,
    open_book,
    unit_factor,
    validate,
)
from tunecost.pricebook.reading import read_rows
from tunecost.pricebook.schemas import SCHEMAS

PRICING = Path(__file__).parents[1] / "pricing"
TODAY = dt.date.today()


# ---- helpers -----------------------------------------------------------------------------


def _price(
    model: str = "m-1",
    kind: str = "input",
    price: float = 1.0,
    *,
    provider: str = "acme",
    effective: dt.date = dt.date(2025, 1, 1),
    retrieved: dt.date = dt.date(2025, 1, 1),
    context_over_tokens: int | None = None,
    table: str = "api_models.csv",
) -> Price:
    return Price(
        table=table,
        provider=provider,
        model=model,
        kind=kind,
        unit="USD/1M tokens",
        price=price,
        usd=price * 1e-6,
        effective_from=effective,
        retrieved=retrieved,
        source_url=f"https://example.com/{provider}/pricing",
        context_over_tokens=context_over_tokens,
    )


def _offer(
    instance: str,
    on_demand: float | None,
    *,
    provider: str = "acme",
    gpu: str = "h100-sxm",
    gpu_count: int = 8,
    spot: float | None = None,
    region: str = "us-east-1",
    effective: dt.date = dt.date(2025, 1, 1),
    retrieved: dt.date = dt.date(2025, 1, 1),
) -> GPUOffer:
    return GPUOffer(
        provider=provider,
        instance=instance,
        gpu=gpu,
        gpu_count=gpu_count,
        on_demand=on_demand,
        spot=spot,
        reserved_1y=None,
        region=region,
        effective_from=effective,
        retrieved=retrieved,
        source_url=f"https://example.com/{provider}/gpus",
    )


def _book(prices=(), offers=()) -> PriceBook:
    providers = {p: {"provider": p} for p in ("acme", "beta", "gamma", "fluidstack")}
    return PriceBook(list(prices), list(offers), providers)


def _broken_copy(tmp_path: Path, table: str, edit: Callable[[list[list[str]]], None]) -> Path:
    """A copy of the shipped pricing/ folder with ``edit`` applied to the rows of ``table``
    (rows[0] is the header, so rows[i] is spreadsheet row i + 1)."""
    folder = tmp_path / "pricing"
    shutil.copytree(PRICING, folder)
    path = folder / table
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return folder


def _index(rows: list[list[str]], **match: str) -> int:
    """Index in ``rows`` of the first data row whose columns equal ``match``."""
    header = rows[0]
    for i, row in enumerate(rows[1:], start=1):
        if all(row[header.index(k)] == v for k, v in match.items()):
            return i
    raise AssertionError(f"no row with {match}")


def _set(rows: list[list[str]], i: int, column: str, value: str) -> None:
    rows[i][rows[0].index(column)] = value


# ---- unit_factor -------------------------------------------------------------------------


def test_unit_factor_per_million_tokens_is_1e_minus_6_per_token():
    assert unit_factor("USD/1M tokens", "input") == 1e-6
    assert unit_factor("USD/1M tokens", "ft_output") == 1e-6


def test_unit_factor_per_thousand_tokens_converts_with_pint():
    assert unit_factor("USD/1K tokens", "input") == pytest.approx(1e-3, rel=1e-12)
    assert unit_factor("USD/1K tokens", "output") == pytest.approx(1e-3, rel=1e-12)


def test_unit_factor_hourly_monthly_and_per_job_units():
    assert unit_factor("USD/hour", "hosting") == 1.0
    assert unit_factor("USD/month", "storage") == 1.0
    assert unit_factor("USD/job", "minimum_charge") == 1.0
    assert unit_factor("USD/day", "hosting") == pytest.approx(1 / 24)


@pytest.mark.parametrize(
    ("unit", "kind", "target"),
    [
        ("USD/hour", "input", "USD/token"),
        ("EUR/1M tokens", "output", "USD/token"),
        ("USD/1M tokens", "training_hour", "USD/hour"),
        ("bananas", "cached_input", "USD/token"),
    ],
)
def test_unit_factor_refuses_a_unit_that_does_not_convert_and_names_the_kind(unit, kind, target):
    with pytest.raises(ValueError) as info:
        unit_factor(unit, kind)
    msg = str(info.value)
    assert repr(unit) in msg
    assert f"kind {kind}" in msg
    assert target in msg


# ---- in_effect ---------------------------------------------------------------------------


def test_in_effect_picks_the_newest_row_on_or_before_the_date_and_ignores_future_rows():
    old = _price(price=1.0, effective=dt.date(2024, 1, 1))
    new = _price(price=2.0, effective=dt.date(2025, 6, 1))
    future = _price(price=3.0, effective=dt.date(2030, 1, 1))
    rows = [new, future, old]  # order in the table must not matter

    def key(p):
        return (p.provider, p.model, p.kind)

    assert in_effect(rows, key, dt.date(2026, 1, 1)) == [new]
    assert in_effect(rows, key, dt.date(2025, 6, 1)) == [new]  # on the date itself
    assert in_effect(rows, key, dt.date(2025, 5, 31)) == [old]
    assert in_effect(rows, key, dt.date(2023, 12, 31)) == []
    assert in_effect(rows, key, None) == [future]  # no date: newest of all


def test_in_effect_keeps_one_row_per_key():
    a = _price("m-1", price=1.0)
    b = _price("m-2", price=5.0)
    got = in_effect([a, b], lambda p: p.model, dt.date(2026, 1, 1))
    assert sorted(p.price for p in got) == [1.0, 5.0]


# ---- PriceBook.price ---------------------------------------------------------------------


def _tiered_book() -> PriceBook:
    return _book(
        [
            _price("gem", "input", 1.25),
            _price("gem", "input", 2.5, context_over_tokens=200_000),
            _price("gem", "output", 10.0),
            _price("gem", "output", 15.0, context_over_tokens=200_000),
        ]
    )


@pytest.mark.parametrize(
    ("context", "expected"),
    [(0, 1.25), (1_000, 1.25), (200_000, 1.25), (200_001, 2.5), (1_000_000, 2.5)],
)
def test_price_picks_the_long_context_tier_only_above_its_threshold(context, expected):
    p = _tiered_book().price("gem", "input", context_tokens=context)
    assert p.price == expected
    assert p.usd == pytest.approx(expected * 1e-6)


def test_price_picks_the_highest_tier_below_the_context():
    book = _book(
        [
            _price("gem", "input", 1.0),
            _price("gem", "input", 2.0, context_over_tokens=128_000),
            _price("gem", "input", 4.0, context_over_tokens=512_000),
        ]
    )
    assert book.price("gem", "input", context_tokens=300_000).price == 2.0
    assert book.price("gem", "input", context_tokens=600_000).price == 4.0


def test_price_uses_the_row_in_effect_on_the_date():
    book = _book(
        [
            _price("m-1", "input", 3.0, effective=dt.date(2024, 1, 1)),
            _price("m-1", "input", 2.0, effective=dt.date(2025, 1, 1)),
        ]
    )
    assert book.price("m-1", "input", as_of=dt.date(2024, 6, 1)).price == 3.0
    assert book.price("m-1", "input", as_of=dt.date(2025, 6, 1)).price == 2.0
    with pytest.raises(InputError, match=r"no input price for m-1 on 2023-06-01"):
        book.price("m-1", "input", as_of=dt.date(2023, 6, 1))


def test_price_refuses_a_model_sold_by_two_providers_unless_one_is_named():
    book = _book(
        [
            _price("shared", "input", 0.15, provider="acme"),
            _price("shared", "input", 0.20, provider="beta"),
        ]
    )
    with pytest.raises(InputError) as info:
        book.price("shared", "input")
    assert info.value.field == "provider"
    assert "acme, beta" in str(info.value)
    assert book.price("shared", "input", provider="beta").price == 0.20
    assert book.price("shared", "input", provider="ACME").price == 0.15


def test_price_refuses_a_kind_the_model_does_not_have():
    with pytest.raises(InputError) as info:
        _tiered_book().price("gem", "cache_write")
    assert "no cache_write price for gem" in str(info.value)
    assert info.value.field == "model"


def test_price_of_an_unknown_model_suggests_close_names_never_zero():
    with pytest.raises(UnknownNameError) as info:
        _tiered_book().price("gemm", "input")
    assert info.value.suggestions == ["gem"]
    assert "did you mean 'gem'" in str(info.value)


def test_price_with_an_unknown_provider_suggests_close_names():
    book = _book([_price("m-1", provider="acme")])
    with pytest.raises(UnknownNameError) as info:
        book.price("m-1", "input", provider="acmee")
    assert info.value.suggestions[0] == "acme"
    assert info.value.field == "provider"


def test_price_with_a_provider_that_does_not_sell_the_model():
    book = _book([_price("m-1", provider="acme")])
    with pytest.raises(InputError, match=r"beta has no prices for m-1; providers that do: acme"):
        book.price("m-1", "input", provider="beta")


# ---- PriceBook.gpu_offers ----------------------------------------------------------------


def _gpu_book() -> PriceBook:
    return _book(
        offers=[
            _offer("a.8x", 3.00, provider="acme", spot=1.50),
            _offer("b.1x", 2.50, provider="beta", gpu_count=1),
            _offer("g.8x", None, provider="gamma", spot=1.10),
            _offer("a.l4", 0.80, provider="acme", gpu="l4", gpu_count=1),
            _offer("b.8x.next", 1.00, provider="beta", effective=TODAY + dt.timedelta(days=30)),
        ]
    )


def test_gpu_offer_picks_the_cheapest_on_demand_offer_in_effect():
    o = _gpu_book().gpu_offers("h100-sxm", as_of=TODAY)[0]
    assert (o.provider, o.instance, o.price()) == ("beta", "b.1x", 2.50)  # not the future 1.00


def test_gpu_offer_honours_tier():
    o = _gpu_book().gpu_offers("h100-sxm", tier="spot", as_of=TODAY)[0]
    assert (o.provider, o.instance, o.price("spot")) == ("gamma", "g.8x", 1.10)


def test_gpu_offer_honours_provider():
    o = _gpu_book().gpu_offers("h100-sxm", provider="acme", as_of=TODAY)[0]
    assert (o.instance, o.on_demand) == ("a.8x", 3.00)


@pytest.mark.parametrize("offer", ["a.8x", "acme:a.8x", "ACME:A.8X"])
def test_gpu_offer_honours_offer(offer):
    o = _gpu_book().gpu_offers("h100-sxm", offer=offer)[0]
    assert (o.provider, o.instance, o.on_demand) == ("acme", "a.8x", 3.00)


def test_gpu_offer_future_offers_count_once_in_effect():
    book = _gpu_book()
    later = TODAY + dt.timedelta(days=31)
    o = book.gpu_offers("h100-sxm", as_of=later)[0]
    assert (o.instance, o.on_demand) == ("b.8x.next", 1.00)


def test_gpu_offer_newer_row_of_the_same_instance_replaces_the_older():
    book = _book(
        offers=[
            _offer("a.8x", 3.00, effective=dt.date(2025, 1, 1)),
            _offer("a.8x", 2.00, effective=dt.date(2026, 6, 1)),
        ]
    )
    assert book.gpu_offers("h100-sxm", as_of=dt.date(2026, 1, 1))[0].on_demand == 3.00
    assert book.gpu_offers("h100-sxm", as_of=dt.date(2026, 7, 1))[0].on_demand == 2.00


def test_gpu_offer_unknown_provider_suggests_close_names():
    with pytest.raises(UnknownNameError) as info:
        _gpu_book().gpu_offers("h100-sxm", provider="gama")[0]
    assert info.value.suggestions[0] == "gamma"
    assert "did you mean 'gamma'" in str(info.value)


def test_gpu_offer_unknown_offer_suggests_close_names():
    with pytest.raises(UnknownNameError) as info:
        _gpu_book().gpu_offers("h100-sxm", offer="a.8xx")[0]
    assert info.value.field == "offer"
    assert "a.8x" in info.value.suggestions


def test_gpu_offer_of_another_provider_is_unknown():
    with pytest.raises(UnknownNameError):
        _gpu_book().gpu_offers("h100-sxm", offer="beta:a.8x")[0]


def test_gpu_offer_for_another_gpu_is_refused():
    with pytest.raises(InputError, match=r"offer a.l4 has l4 GPUs, not h100-sxm"):
        _gpu_book().gpu_offers("h100-sxm", offer="a.l4")[0]


def test_gpu_offer_without_any_price_is_an_error_not_zero():
    with pytest.raises(InputError) as info:
        _gpu_book().gpu_offers("b200")[0]
    assert "no on-demand offer for b200" in str(info.value)
    assert "--usd-per-gpu-hour" in str(info.value)


def test_gpu_offer_names_who_sells_the_tier_when_the_provider_does_not():
    with pytest.raises(InputError) as info:
        _gpu_book().gpu_offers("h100-sxm", provider="beta", tier="spot")[0]
    assert "no spot offer for h100-sxm from beta; offered by acme, gamma" in str(info.value)


def test_gpu_offer_refuses_an_unknown_tier():
    with pytest.raises(InputError, match=r"unknown price tier 'cheapest'"):
        _gpu_book().gpu_offers("h100-sxm", tier="cheapest")[0]


@pytest.mark.parametrize("offer", ["H100_NVLINK_80GB::8", "fluidstack:H100_NVLINK_80GB::8"])
def test_gpu_offer_by_an_instance_name_that_contains_colons(offer):
    # The shipped gpu_offers.csv has fluidstack's instance "H100_NVLINK_80GB::8"
    # (SkyPilot's name for it); --offer must be able to name it.
    book = _book(offers=[_offer("H100_NVLINK_80GB::8", 2.99, provider="fluidstack")])
    o = book.gpu_offers("h100-sxm", offer=offer)[0]
    assert (o.provider, o.instance, o.on_demand) == ("fluidstack", "H100_NVLINK_80GB::8", 2.99)


# ---- stale_warnings ----------------------------------------------------------------------


def test_stale_warnings_fire_only_past_180_days():
    book = _book()
    p = _price(retrieved=dt.date(2026, 1, 1))
    assert book.stale_warnings([p], dt.date(2026, 1, 1) + dt.timedelta(days=180)) == []
    warnings = book.stale_warnings([p], dt.date(2026, 1, 1) + dt.timedelta(days=181))
    assert len(warnings) == 1
    w = warnings[0]
    assert w.startswith("api_models.csv: acme prices retrieved 2026-01-01, 181 days before")
    assert "https://example.com/acme/pricing" in w


def test_stale_warnings_name_the_gpu_table_for_offers_and_the_finetune_table():
    book = _book()
    o = _offer("a.8x", 3.0, provider="beta", retrieved=dt.date(2025, 1, 1))
    f = _price(
        "m-1",
        "training",
        5.0,
        provider="gamma",
        retrieved=dt.date(2025, 2, 1),
        table="finetune_prices.csv",
    )
    warnings = book.stale_warnings([o, f], dt.date(2026, 1, 1))
    assert warnings[0].startswith("gpu_offers.csv: beta prices retrieved 2025-01-01, 365 days")
    assert warnings[1].startswith("finetune_prices.csv: gamma prices retrieved 2025-02-01")


def test_stale_warnings_once_per_table_provider_and_date():
    book = _book()
    rows = [
        _price("m-1", "input", retrieved=dt.date(2025, 1, 1)),
        _price("m-1", "output", retrieved=dt.date(2025, 1, 1)),
    ]
    assert len(book.stale_warnings(rows, dt.date(2026, 1, 1))) == 1


# ---- the shipped book --------------------------------------------------------------------


def test_validate_the_shipped_book_is_clean():
    assert validate(PRICING) == []


def test_shipped_book_loads_and_prices_in_canonical_units():
    book = open_book()
    # the book in use (the checkout's, or the copy a wheel installed) is this repo's book
    assert book.directory.resolve() == find_pricing_dir().resolve()
    for name in ("api_models.csv", "gpu_offers.csv", "gpus.csv"):
        assert (book.directory / name).read_bytes() == (PRICING / name).read_bytes()
    p = book.price("gpt-4.1-mini", "input", as_of=TODAY)
    assert p.unit == "USD/1M tokens"
    assert p.usd == pytest.approx(p.price * 1e-6)
    assert p.source_url.startswith("http")
    # a model sold by several hosts needs a provider
    with pytest.raises(InputError, match="say which with a provider"):
        book.price("gpt-oss-120b", "input")


def test_a_per_thousand_tokens_row_loads_to_the_same_usd_per_token(tmp_path):
    def edit(rows):
        i = _index(rows, provider="openai", model="gpt-4.1-mini", kind="input")
        price = float(rows[i][rows[0].index("price")])
        _set(rows, i, "unit", "USD/1K tokens")
        _set(rows, i, "price", repr(price / 1000))

    folder = _broken_copy(tmp_path, "api_models.csv", edit)
    assert validate(folder) == []
    p = open_book(folder).price("gpt-4.1-mini", "input", provider="openai")
    assert p.unit == "USD/1K tokens"
    assert p.usd == pytest.approx(0.4e-6)


def test_another_folder_after_a_load_reads_the_new_folder(tmp_path):
    # one book per folder: the default book loaded first does not hide another folder's
    def edit(rows):
        _set(rows, _index(rows, model="gpt-4.1-mini", kind="input"), "price", "0.45")

    folder = _broken_copy(tmp_path, "api_models.csv", edit)
    assert open_book().price("gpt-4.1-mini", "input").price == 0.4
    assert open_book(folder).price("gpt-4.1-mini", "input").price == 0.45


# ---- where the tables are read from ------------------------------------------------------


def test_the_wheel_ships_the_pricing_folder_inside_the_package():
    pyproject = tomllib.loads((PRICING.parent / "pyproject.toml").read_text(encoding="utf-8"))
    force = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force["pricing"] == "tunecost/pricing"


def test_pricing_dir_uses_tables_shipped_inside_the_package(tmp_path, monkeypatch):
    # an installed wheel: site-packages/tunecost/pricing inside the package
    package = tmp_path / "site-packages" / "tunecost"
    shutil.copytree(PRICING, package / "pricing")
    assert find_pricing_dir(package_dir=package.resolve()) == (package / "pricing").resolve()


def test_pricing_dir_falls_back_to_the_checkout(monkeypatch):
    # an editable install: the package is the checkout's src/tunecost, no package copy
    package = PRICING.parent / "src" / "tunecost"
    assert find_pricing_dir(package_dir=package).resolve() == PRICING.resolve()


def test_pricing_dir_without_any_book_says_how_to_point_at_one(tmp_path, monkeypatch):
    package = tmp_path / "lib" / "site-packages" / "tunecost"
    package.mkdir(parents=True)
    with pytest.raises(PriceBookError, match=r"the price book is missing.*TUNECOST_PRICING_DIR"):
        find_pricing_dir(package_dir=package)


def test_pricing_dir_override_wins_over_the_environment(tmp_path, monkeypatch):
    env_dir, opt_dir = tmp_path / "env", tmp_path / "opt"
    env_dir.mkdir()
    opt_dir.mkdir()
    monkeypatch.setenv(ENV_VAR, str(env_dir))
    assert find_pricing_dir() == env_dir
    assert find_pricing_dir(opt_dir) == opt_dir


# ---- validate on broken copies: one class of problem each --------------------------------


def test_validate_reports_a_missing_column_with_file_and_column(tmp_path):
    def edit(rows):
        i = rows[0].index("price")
        for row in rows:
            del row[i]

    problems = validate(_broken_copy(tmp_path, "api_models.csv", edit))
    assert len(problems) == 1, problems
    assert problems[0].startswith("api_models.csv")
    assert "missing column" in problems[0]
    assert "price" in problems[0]


def test_validate_reports_a_missing_table(tmp_path):
    folder = tmp_path / "pricing"
    shutil.copytree(PRICING, folder)
    (folder / "finetune_prices.csv").unlink()
    assert validate(folder) == ["finetune_prices.csv: missing"]


def test_validate_reports_a_negative_price_with_file_row_and_column(tmp_path):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, model="gpt-4.1-mini", kind="output")
        _set(rows, i, "price", "-1.6")

    problems = validate(_broken_copy(tmp_path, "api_models.csv", edit))
    row = seen["i"] + 1
    assert problems == [f"api_models.csv, row {row}, column price: '-1.6' is negative"]


def test_validate_reports_a_negative_gpu_price_with_file_row_and_column(tmp_path):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, provider="aws", instance="p5.48xlarge")
        _set(rows, i, "spot_usd_per_gpu_hour", "-2.2")

    problems = validate(_broken_copy(tmp_path, "gpu_offers.csv", edit))
    row = seen["i"] + 1
    assert problems == [
        f"gpu_offers.csv, row {row}, column spot_usd_per_gpu_hour: '-2.2' is negative"
    ]


@pytest.mark.parametrize("bad", ["2025-04-31", "14/04/2025", "April 2025"])
def test_validate_reports_an_unparsable_date_with_file_row_and_column(tmp_path, bad):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, provider="openai", model="gpt-4.1", kind="training")
        _set(rows, i, "effective_from", bad)

    problems = validate(_broken_copy(tmp_path, "finetune_prices.csv", edit))
    row = seen["i"] + 1
    assert problems == [
        f"finetune_prices.csv, row {row}, column effective_from: {bad!r} is not a date (YYYY-MM-DD)"
    ]


@pytest.mark.parametrize(
    ("unit", "target"), [("EUR/1M tokens", "USD/token"), ("USD/hour", "USD/token")]
)
def test_validate_reports_a_unit_it_cannot_convert_with_file_row_and_column(tmp_path, unit, target):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, model="gpt-4.1-mini", kind="cached_input")
        _set(rows, i, "unit", unit)

    problems = validate(_broken_copy(tmp_path, "api_models.csv", edit))
    row = seen["i"] + 1
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"api_models.csv, row {row}, column unit: {unit!r}")
    assert f"does not convert to {target} (kind cached_input)" in problems[0]


def test_validate_reports_a_duplicate_price_row(tmp_path):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, model="gpt-4.1-mini", kind="output")
        rows.append(list(rows[i]))
        seen["n"] = len(rows)

    problems = validate(_broken_copy(tmp_path, "api_models.csv", edit))
    assert problems == [
        f"api_models.csv, row {seen['n']}: duplicate of row {seen['i'] + 1} (same provider, "
        "model, kind, tier and effective_from)"
    ]


def test_validate_reports_a_duplicate_gpu_offer(tmp_path):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, provider="lambda", instance="gpu_8x_h100_sxm5")
        rows.append(list(rows[i]))
        seen["n"] = len(rows)

    problems = validate(_broken_copy(tmp_path, "gpu_offers.csv", edit))
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"gpu_offers.csv, row {seen['n']}: duplicate of row {seen['i'] + 1}"
    )


def test_validate_reports_an_unknown_provider_with_file_row_and_column(tmp_path):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, model="gpt-4.1-mini", kind="input")
        _set(rows, i, "provider", "openia")

    problems = validate(_broken_copy(tmp_path, "api_models.csv", edit))
    row = seen["i"] + 1
    assert problems == [
        f"api_models.csv, row {row}, column provider: 'openia' is not in providers.csv"
    ]


def test_validate_reports_an_offer_whose_gpu_is_not_in_gpus_csv(tmp_path):
    seen = {}

    def edit(rows):
        seen["i"] = i = _index(rows, provider="aws", instance="p5.48xlarge")
        _set(rows, i, "gpu", "h100-sxm9")

    problems = validate(_broken_copy(tmp_path, "gpu_offers.csv", edit))
    row = seen["i"] + 1
    assert problems == [f"gpu_offers.csv, row {row}, column gpu: 'h100-sxm9' is not in gpus.csv"]


def test_validate_a_path_that_is_not_a_folder(tmp_path):
    missing = tmp_path / "nope"
    assert validate(missing) == [f"{missing}: not a folder"]


# ---- schema and coverage of every shipped table ------------------------------------------

# providers.csv is the registry of providers: its source column is pricing_url and its
# retrieved date is optional (schemas.py); every other table carries source_url + retrieved.
SOURCE_COLUMN = {name: "source_url" for name in SCHEMAS} | {"providers.csv": "pricing_url"}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_shipped_row_has_a_source_and_a_retrieved_date_not_in_the_future(name):
    rows, problems = read_rows(PRICING / name, SCHEMAS[name])
    assert problems == []
    assert len(rows) >= 5
    source = SOURCE_COLUMN[name]
    no_url = [r["_row"] for r in rows if not str(r.get(source) or "").startswith("http")]
    assert no_url == [], f"{name}: rows without an http(s) {source}: {no_url}"
    future = [r["_row"] for r in rows if r["retrieved"] is not None and r["retrieved"] > TODAY]
    assert future == [], f"{name}: rows retrieved in the future: {future}"
    if name != "providers.csv":
        undated = [r["_row"] for r in rows if not isinstance(r["retrieved"], dt.date)]
        assert undated == []


def test_api_models_has_at_least_40_models_across_7_providers():
    rows, _ = read_rows(PRICING / "api_models.csv", SCHEMAS["api_models.csv"])
    models = {(r["provider"], r["model"]) for r in rows}
    providers = {r["provider"] for r in rows}
    assert len({m for _, m in models}) >= 40
    assert len(providers) >= 7
    assert {"openai", "anthropic", "google", "mistral", "deepseek"} <= providers
    # every model has both an input and an output price
    kinds: dict = {}
    for r in rows:
        kinds.setdefault((r["provider"], r["model"]), set()).add(r["kind"])
    lacking = [m for m, k in kinds.items() if not {"input", "output"} <= k]
    assert lacking == []


def test_finetune_prices_cover_at_least_5_providers():
    rows, _ = read_rows(PRICING / "finetune_prices.csv", SCHEMAS["finetune_prices.csv"])
    assert len({r["provider"] for r in rows}) >= 5


def test_gpu_offers_cover_8_providers_and_the_required_gpus():
    rows, _ = read_rows(PRICING / "gpu_offers.csv", SCHEMAS["gpu_offers.csv"])
    assert len({r["provider"] for r in rows}) >= 8
    assert {"aws", "gcp", "azure"} <= {r["provider"] for r in rows}
    gpus = {open_book().gpus.resolve(r["gpu"]) for r in rows}
    assert {"a100-80gb", "h100-sxm", "h200", "l4", "l40s", "b200"} <= gpus


def test_no_offer_says_how_to_give_a_price_on_the_command_line_and_in_a_scenario():
    # the message reaches serve, train and compare alike: it names both ways
    with pytest.raises(InputError) as err:
        _gpu_book().gpu_offers("b200", as_of=TODAY)
    assert err.value.field == "gpu"
    assert "--usd-per-gpu-hour" in err.value.message
    assert "usd_per_gpu_hour in a scenario's serving or training block" in err.value.message
