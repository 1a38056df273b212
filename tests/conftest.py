"""Shared fixtures: no price-book folder from the environment unless a test sets one, no
team defaults file (tunecost.toml) unless a test writes one, and tables at full width
unless a test sets COLUMNS."""

import pytest


@pytest.fixture(autouse=True)
def default_price_book(monkeypatch):
    from tunecost.pricebook import ENV_VAR

    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture(autouse=True)
def no_team_defaults(monkeypatch):
    from tunecost.scenario.team_defaults import ENV_VAR

    monkeypatch.setenv(ENV_VAR, "off")


@pytest.fixture(autouse=True)
def full_width_tables(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
