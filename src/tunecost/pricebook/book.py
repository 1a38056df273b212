"""The price book: one object per folder of dated, sourced tables.

Every price row carries ``effective_from``, ``retrieved`` and ``source_url``. The price
used for a date is the newest row in effect on that date, so old and new prices live
side by side. A model, provider or GPU the book does not know is an error with
close-name suggestions, never a price of $0.

A :class:`PriceBook` reads each of its folder's tables the first time it is needed and
keeps it: ``tunecost train`` reads only ``gpus.csv`` and ``models.csv``.
:func:`open_book` gives the one book of a folder.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path

from tunecost.errors import InputError, PriceBookError, UnknownNameError
from tunecost.pricebook.folder import ENV_VAR, find_pricing_dir
from tunecost.pricebook.gpus import GPU, GPUTable
from tunecost.pricebook.models import Architecture, ArchitectureTable
from tunecost.pricebook.prices import GPUOffer, Price, in_effect, offer_rows, price_rows
from tunecost.pricebook.reading import read_table
from tunecost.pricebook.releases import ReleaseTable
from tunecost.pricebook.schemas import SCHEMAS
from tunecost.pricebook.tokenizers import TokenizerTable
from tunecost.vocabulary import TIERS, tier_column

STALE_AFTER_DAYS = 180
"""Prices retrieved longer ago than this before the date they are used for get a warning."""

PRICE_TABLES = ("api_models.csv", "finetune_prices.csv")

OFFER_TIERS = tuple(tier_column(t) for t in TIERS)
"""The price columns of a GPU offer: ``on_demand``, ``spot``, ``reserved_1y``."""

MAX_GPUS_PER_INSTANCE = 8
"""Jobs larger than this need instances of this size (a node of 8 GPUs)."""


class PriceBook:
    """The price, GPU and model tables of one folder.

    Tables given to the constructor are used as they are (tests build small books this
    way); the others are read from ``directory`` when first needed.
    """

    def __init__(
        self,
        prices: list[Price] | None = None,
        offers: list[GPUOffer] | None = None,
        providers: dict[str, dict] | None = None,
        directory: Path | None = None,
    ):
        self.directory = directory
        self._tables: dict[str, tuple[dict, ...]] = {}
        for name, given in (("prices", prices), ("offers", offers), ("providers", providers)):
            if given is not None:
                self.__dict__[name] = given  # fills the cached property

    def with_offers_from(self, providers) -> PriceBook:
        """This book with GPU offers from ``providers`` only (a team's allowed list), so
        an automatic offer choice never lands elsewhere; other tables are shared."""
        allowed = {p.strip().lower() for p in providers}
        book = PriceBook(
            offers=[o for o in self.offers if o.provider in allowed], directory=self.directory
        )
        book._tables = self._tables
        return book

    def table(self, name: str) -> tuple[dict, ...]:
        """The checked rows of the table ``name`` (e.g. ``models.csv``) as stored."""
        if name not in self._tables:
            if self.directory is None:
                raise PriceBookError(f"this price book has no folder to read {name} from")
            self._tables[name] = read_table(self.directory, name, SCHEMAS[name])
        return self._tables[name]

    def optional_table(self, name: str) -> tuple[dict, ...]:
        """The rows of ``name``, or none for a book built in memory without that table
        and without a folder to read it from."""
        if self.directory is None and name not in self._tables:
            return ()
        return self.table(name)

    @cached_property
    def prices(self) -> list[Price]:
        try:
            return [p for t in PRICE_TABLES for p in price_rows(t, list(self.table(t)))]
        except ValueError as exc:  # a unit that does not convert
            raise PriceBookError(f"{exc}; run `tunecost pricing validate`") from None

    @cached_property
    def _by_model(self) -> dict[str, list[Price]]:
        """Price rows by lower-case model id (look-ups scan one model, not the book)."""
        out: dict[str, list[Price]] = {}
        for p in self.prices:
            out.setdefault(p.model.lower(), []).append(p)
        return out

    @cached_property
    def offers(self) -> list[GPUOffer]:
        return offer_rows(list(self.table("gpu_offers.csv")), self.gpus.resolve)

    @cached_property
    def providers(self) -> dict[str, dict]:
        return {r["provider"].lower(): r for r in self.table("providers.csv")}

    @cached_property
    def gpus(self) -> GPUTable:
        """GPU specifications (``gpus.csv``)."""
        return GPUTable(self.table("gpus.csv"))

    @cached_property
    def architectures(self) -> ArchitectureTable:
        """Open-weight model architectures (``models.csv``)."""
        return ArchitectureTable(self.table("models.csv"))

    @cached_property
    def releases(self) -> ReleaseTable:
        """Model releases and retirements (``model_releases.csv``; none for a book built
        in memory without a folder)."""
        return ReleaseTable(self.optional_table("model_releases.csv"))

    @cached_property
    def tokenizers(self) -> TokenizerTable:
        """Tokens per word of each tokenizer (``tokenizers.csv``; none for a book built
        in memory without a folder)."""
        return TokenizerTable(self.optional_table("tokenizers.csv"))

    def gpu(self, name: str, field: str = "gpu") -> GPU:
        """A GPU by id or alias; see :meth:`GPUTable.get`."""
        return self.gpus.get(name, field)

    def architecture(self, name: str, field: str = "model") -> Architecture:
        """An open-weight model by id; see :meth:`ArchitectureTable.get`."""
        return self.architectures.get(name, field)

    # ---- API and fine-tuning prices -------------------------------------------------
    def models(self) -> list[str]:
        return sorted({p.model for p in self.prices})

    def check_provider(self, provider: str, field: str = "provider") -> str:
        """Return the provider id, or raise with close names."""
        known = (
            set(self.providers)
            | {p.provider for p in self.prices}
            | {o.provider for o in self.offers}
        )
        key = provider.strip().lower()
        if key not in known:
            raise UnknownNameError("provider", provider, sorted(known), field)
        return key

    def sellers(self, model: str) -> list[str]:
        """The providers the book has any price of ``model`` from (case-insensitive)."""
        return sorted({p.provider for p in self._by_model.get(model.lower(), [])})

    @cached_property
    def priced_by_size(self) -> frozenset[str]:
        """Providers the book prices only by model size (``band:`` rows, e.g. Ori): they
        tune any ``base_model`` in a band, so no row names the model itself."""
        return self.sizes_priced - {p.provider for p in self.prices if p.model[:5] != "band:"}

    @cached_property
    def sizes_priced(self) -> frozenset[str]:
        """Providers with any ``band:`` row: they tune a ``base_model`` by its size."""
        return frozenset(p.provider for p in self.prices if p.model.startswith("band:"))

    def model_prices(
        self,
        model: str,
        *,
        provider: str | None = None,
        as_of: dt.date | None = None,
        field: str = "model",
    ) -> list[Price]:
        """Prices in effect for ``model`` (every kind and tier), newest per key."""
        rows = self._by_model.get(model.strip().lower(), [])
        if not rows:
            raise UnknownNameError(
                "model",
                model,
                self.models(),
                field,
                "`tunecost pricing list --kind api` or `--kind finetune`",
            )
        if provider is not None:
            provider = self.check_provider(provider)
            rows = [p for p in rows if p.provider == provider]
            if not rows:
                have = sorted({p.provider for p in self._by_model[model.strip().lower()]})
                raise InputError(
                    f"{provider} has no prices for {model}; providers that do: {', '.join(have)}",
                    "provider",
                )
        return in_effect(rows, lambda p: (p.provider, p.kind, p.context_over_tokens), as_of)

    def price(
        self,
        model: str,
        kind: str,
        *,
        provider: str | None = None,
        as_of: dt.date | None = None,
        context_tokens: float = 0,
        field: str = "model",
    ) -> Price:
        """The price of ``kind`` for ``model`` in effect on ``as_of``.

        Long-context tiers (``context_over_tokens``) apply when ``context_tokens``
        exceeds their threshold. Raises if the model is unknown or has no such price.
        """
        rows = [
            p
            for p in self.model_prices(model, provider=provider, as_of=as_of, field=field)
            if p.kind == kind
        ]
        providers = {p.provider for p in rows}
        if len(providers) > 1:
            raise InputError(
                f"{model} is sold by {', '.join(sorted(providers))}; say which with a provider",
                "provider",
            )
        tiers = [
            p
            for p in rows
            if (p.context_over_tokens or 0) < max(context_tokens, 1)
            or p.context_over_tokens is None
        ]
        if not tiers:
            when = f" on {as_of}" if as_of else ""
            raise InputError(f"the price book has no {kind} price for {model}{when}", field)
        return max(tiers, key=lambda p: p.context_over_tokens or 0)

    def history(self, row: Price | GPUOffer) -> list:
        """Every dated row of the price ``row`` belongs to: the same provider, model,
        kind and tier (for an offer: provider, instance and region), oldest first."""
        if isinstance(row, GPUOffer):
            key = (row.provider, row.instance, row.region)
            same = [o for o in self.offers if (o.provider, o.instance, o.region) == key]
        else:
            key = (row.provider, row.kind, row.context_over_tokens)
            same = [
                p
                for p in self._by_model.get(row.model.lower(), [])
                if (p.provider, p.kind, p.context_over_tokens) == key
            ]
        return sorted(same, key=lambda r: r.effective_from)

    # ---- GPU offers --------------------------------------------------------------------
    def gpu_offers(
        self,
        gpu_id: str,
        *,
        provider: str | None = None,
        offer: str | None = None,
        tier: str = "on_demand",
        as_of: dt.date | None = None,
        min_gpus: int = 1,
        markets: tuple[str, ...] | None = None,
    ) -> list[GPUOffer]:
        """Every offer for ``gpu_id`` priced at ``tier`` and in effect on ``as_of``
        whose instances can host the job, cheapest per GPU first.

        ``provider`` limits the choice to one provider; ``offer`` names an instance
        (``p5.48xlarge`` or ``aws:p5.48xlarge``). ``min_gpus`` is the number of GPUs
        that must share one instance (a tensor-parallel replica, a training job); jobs
        larger than 8 GPUs need 8-GPU instances. Single-GPU rentals cannot host them.
        ``markets`` limits the choice to offers sold there (naming a provider or an
        offer chooses its market).

        Raises
        ------
        InputError
            Naming ``gpu`` (or ``provider``, ``offer``, ``tier``, ``markets``) when no
            offer fits, e.g. a replica larger than any instance of the GPU.
        """
        tier = tier_column(tier)
        if tier not in OFFER_TIERS:
            raise InputError(
                f"unknown price tier {tier!r}; choose one of {', '.join(OFFER_TIERS)}", "tier"
            )
        rows = in_effect(self.offers, lambda o: (o.provider, o.instance, o.region), as_of)
        if offer:
            rows = self._named_offers(rows, offer, gpu_id)
        if provider:
            provider = self.check_provider(provider)
            rows = [o for o in rows if o.provider == provider]
        priced = [o for o in rows if o.gpu == gpu_id and o.price(tier) is not None]
        need = min(max(int(min_gpus), 1), MAX_GPUS_PER_INSTANCE)
        big_enough = [o for o in priced if o.gpu_count >= need]
        if markets and not (provider or offer):
            allowed = [o for o in big_enough if o.market in markets]
            if big_enough and not allowed:
                sold = ", ".join(sorted({o.market for o in big_enough}))
                raise InputError(
                    f"{gpu_id} is offered only on {sold} "
                    f"markets in the price book, not {', '.join(markets)}; allow marketplace "
                    "(markets, market.gpu_markets or --market marketplace) or give a price",
                    "markets",
                )
            big_enough = allowed
        if not big_enough:
            raise self._no_offer(gpu_id, tier, provider, need, priced)
        return sorted(big_enough, key=lambda o: (o.price(tier), o.provider, o.instance))

    @staticmethod
    def _named_offers(rows: list[GPUOffer], offer: str, gpu_id: str) -> list[GPUOffer]:
        """The rows of the instance ``offer`` (``name`` or ``provider:name``)."""
        named = [o for o in rows if o.instance.lower() == offer.strip().lower()]
        if not named and ":" in offer:  # provider:instance (instances may contain ':')
            prov, _, inst = offer.partition(":")
            named = [
                o
                for o in rows
                if o.instance.lower() == inst.strip().lower() and o.provider == prov.strip().lower()
            ]
        if not named:
            raise UnknownNameError(
                "offer",
                offer,
                sorted({o.instance for o in rows}),
                "offer",
                "`tunecost pricing list --kind gpu`",
            )
        if all(o.gpu != gpu_id for o in named):
            raise InputError(f"offer {offer} has {named[0].gpu} GPUs, not {gpu_id}", "offer")
        return [o for o in named if o.gpu == gpu_id]

    def _no_offer(self, gpu_id, tier, provider, need, priced) -> InputError:
        """Why no offer can host ``need`` GPUs of ``gpu_id``, and what to do instead."""
        where = f" from {provider}" if provider else ""
        field = "provider" if provider else "gpu"
        if priced:
            return InputError(
                f"no {tier.replace('_', '-')} offer for {gpu_id}{where} has {need} GPUs in one "
                f"instance (largest: {max(o.gpu_count for o in priced)}); choose another "
                "provider or give a price",
                field,
            )
        sellers = sorted(
            {o.provider for o in self.offers if o.gpu == gpu_id and o.price(tier) is not None}
        )
        hint = (
            f"; offered by {', '.join(sellers)}"
            if sellers
            else "; give a GPU price (--usd-per-gpu-hour, or usd_per_gpu_hour in a scenario's "
            "serving or training block)"
        )
        return InputError(f"no {tier.replace('_', '-')} offer for {gpu_id}{where}{hint}", field)

    # ---- dates -----------------------------------------------------------------------
    def stale_warnings(self, used: Iterable[Price | GPUOffer], as_of: dt.date) -> list[str]:
        """One warning per (table, provider, retrieval date) older than 180 days."""
        out = []
        seen: set = set()
        for r in used:
            age = (as_of - r.retrieved).days
            table = getattr(r, "table", "gpu_offers.csv")  # a price or a purchase
            key = (table, r.provider, r.retrieved)
            if age > STALE_AFTER_DAYS and key not in seen:
                seen.add(key)
                out.append(
                    f"{table}: {r.provider} prices retrieved {r.retrieved}, {age} days "
                    f"before {as_of}; check them against {r.source_url}"
                )
        return out

    def oldest_retrieved(self) -> dt.date | None:
        dates = [p.retrieved for p in self.prices] + [o.retrieved for o in self.offers]
        return min(dates) if dates else None


@lru_cache(maxsize=16)
def _book_of(folder: Path) -> PriceBook:
    return PriceBook(directory=folder)


@lru_cache(maxsize=16)
def _book_for(directory: str | None, environment: str | None) -> PriceBook:
    return _book_of(find_pricing_dir(directory).resolve())


def open_book(directory: str | Path | None = None) -> PriceBook:
    """The price book of ``directory``, or of the folder :func:`find_pricing_dir` finds
    (``TUNECOST_PRICING_DIR``, the package, the checkout). One book per folder, so its
    tables are read once; the folder is looked for once per setting."""
    return _book_for(None if directory is None else str(directory), os.environ.get(ENV_VAR))
