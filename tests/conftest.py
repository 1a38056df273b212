"""Shared fixtures: no price-book folder from the environment unless a test sets one."""

import pytest


@pytest.fixture(autouse=True)
def default_price_book(monkeypatch):
    from tunecost.pricebook import ENV_VAR

    monkeypatch.delenv(ENV_VAR, raising=False)
