"""The refusals a use case raises, for every face to turn into its own polite answer.

`Refused`: the acting person may not act on what they named (ids in a button or a URL can
be forged). `Stale`: what they acted on has changed or gone since their screen was made.
Nothing the use case wrote stands after either: the face rolls the unit of work back.
"""

from __future__ import annotations

from bot.render.callbacks import Stale as Stale


class Refused(Exception):
    """The acting person may not do that."""
