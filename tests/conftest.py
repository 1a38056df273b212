"""Shared fixtures: a fresh price-book cache around every test."""

import pytest


@pytest.fixture(autouse=True)
def fresh_price_book(monkeypatch):
    from tunecost import tables

    monkeypatch.delenv(tables.ENV_VAR, raising=False)
    tables.set_pricing_dir(None)
    yield
    tables.set_pricing_dir(None)
