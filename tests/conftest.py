"""Shared fixtures: a fresh price-book cache around every test."""

import pytest


def _clear_caches():
    from tunecost import architectures, hardware, pricebook, tables

    tables.set_pricing_dir(None)
    tables.load_table.cache_clear()
    hardware._index.cache_clear()
    architectures._index.cache_clear()
    pricebook.load.cache_clear()


@pytest.fixture(autouse=True)
def fresh_price_book():
    _clear_caches()
    yield
    _clear_caches()
