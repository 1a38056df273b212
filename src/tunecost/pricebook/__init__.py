"""What things cost and what hardware and models are: the price book.

One :class:`PriceBook` per folder of dated, sourced CSV tables (API and fine-tuning
prices, GPU offers, GPU specifications, open-weight model architectures); the schemas
the tables follow; validation; and importers that turn catalogues into rows.
"""

from tunecost.pricebook.book import PriceBook, open_book
from tunecost.pricebook.folder import ENV_VAR, find_pricing_dir
from tunecost.pricebook.gpus import GPU
from tunecost.pricebook.models import Architecture, generic_architecture
from tunecost.pricebook.prices import GPUOffer, Price, in_effect, unit_factor
from tunecost.pricebook.validate import validate

__all__ = [
    "ENV_VAR",
    "GPU",
    "Architecture",
    "GPUOffer",
    "Price",
    "PriceBook",
    "find_pricing_dir",
    "generic_architecture",
    "in_effect",
    "open_book",
    "unit_factor",
    "validate",
]
