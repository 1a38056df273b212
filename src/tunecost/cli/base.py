"""The command classes every tunecost command is built on.

A :class:`Command` records its parameters where the top group can read them, so an
input error naming a parameter (``gpus``) is shown as the option (``--gpus``).
"""

from __future__ import annotations

import click

PARAMS = "tunecost.params"


def shown_field(field: str | None, params) -> str | None:
    """How the command line names ``field``: its option (``--gpus``) or argument
    (``SCENARIO``) when it is a parameter of the command, else as the library says."""
    if not field:
        return field
    for p in params:
        if p.name == field:
            if isinstance(p, click.Argument):
                return p.human_readable_name
            return next((o for o in p.opts if o.startswith("--")), p.opts[0])
    return field


class Command(click.Command):
    """A command that tells the group which parameters it has (to name them in errors)."""

    def invoke(self, ctx: click.Context):
        ctx.meta[PARAMS] = self.params
        return super().invoke(ctx)


class Group(click.Group):
    """A group whose commands are :class:`Command` s (``pricing``, ``pricing import``)."""

    command_class = Command
    group_class = type  # subgroups are Groups too
