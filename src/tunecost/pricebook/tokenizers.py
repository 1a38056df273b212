"""How many tokens a model's tokenizer makes of English text: ``pricing/tokenizers.csv``.

Each row gives tokens per word and characters per token, measured on the same two
Project Gutenberg books for every tokenizer, so the ratio of two rows is how many more
tokens one model bills than another for the same prompt. ``model_releases.csv`` names
each model's tokenizer (empty where the provider publishes none, e.g. Claude 3 and later).
"""

from __future__ import annotations

from dataclasses import dataclass

from tunecost.errors import InputError


@dataclass(frozen=True)
class Tokenizer:
    """One tokenizer's counts on the reference corpus."""

    tokenizer: str
    name: str
    tokens_per_word: float
    chars_per_token: float
    source_url: str


class TokenizerTable:
    """The rows of ``tokenizers.csv`` by id."""

    def __init__(self, rows):
        self.rows = {
            r["tokenizer"].lower(): Tokenizer(
                r["tokenizer"],
                r["name"],
                r["tokens_per_word"],
                r["chars_per_token"],
                r["source_url"],
            )
            for r in rows
        }

    def get(self, name: str, field: str = "tokenizer") -> Tokenizer:
        """The tokenizer ``name`` (case-insensitive), or an error listing the known ones."""
        try:
            return self.rows[name.strip().lower()]
        except KeyError:
            known = ", ".join(sorted(t.tokenizer for t in self.rows.values()))
            raise InputError(f"unknown tokenizer {name!r}; known: {known}", field=field) from None
