"""The command line: the group and its exit codes (:mod:`.app`), shared options
(:mod:`.options`), and one module per command family."""

from tunecost.cli.app import cli, main

__all__ = ["cli", "main"]
