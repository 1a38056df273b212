"""Where the price book's tables are: an override, the package, or the checkout.

The tables ship inside the wheel (``tunecost/pricing``); an editable install falls back
to the checkout's ``pricing/`` folder; a folder given explicitly (``--pricing-dir``) or
the ``TUNECOST_PRICING_DIR`` environment variable wins over both.
"""

from __future__ import annotations

import os
from pathlib import Path

from tunecost.errors import PriceBookError

ENV_VAR = "TUNECOST_PRICING_DIR"

PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The installed ``tunecost`` package (``src/tunecost`` in a checkout)."""


def find_pricing_dir(override: str | Path | None = None, package_dir: Path = PACKAGE_DIR) -> Path:
    """The folder the tables are read from: ``override``, then the environment variable,
    then the package's copy, then the checkout's ``pricing/`` beside ``src/``.

    Raises
    ------
    PriceBookError
        If an override or the environment variable names no folder, or no book is found.
    """
    candidates: list[tuple[str, Path]] = []
    if override is not None:
        candidates.append(("--pricing-dir", Path(override)))
    elif os.environ.get(ENV_VAR):
        candidates.append((ENV_VAR, Path(os.environ[ENV_VAR])))
    else:
        candidates.append(("package data", package_dir / "pricing"))
        candidates.append(("checkout", package_dir.parent.parent / "pricing"))
    for origin, path in candidates:
        if path.is_dir():
            return path
        if origin in ("--pricing-dir", ENV_VAR):
            raise PriceBookError(f"{origin}: {str(path)!r} is not a folder of price tables")
    raise PriceBookError(
        "the price book is missing: no tunecost/pricing in the package and no pricing/ "
        f"in the checkout; set {ENV_VAR} to a folder of price tables"
    )
