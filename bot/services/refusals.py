"""What a use case raises instead of acting, for any face to answer politely.

`Refused`: the acting person may not do this (forged ids included); nothing is changed.
`Stale`: the request belongs to an older screen or flow (bot.render.callbacks.Stale).
"""

from __future__ import annotations

from bot.domain.words import Problem
from bot.render.callbacks import Stale as Stale


class Refused(Exception):
    """The caller may not act on what they asked for (nothing is changed, nothing shown)."""


class BadName(Exception):
    """A typed name that cannot be a person's or a unit's name (#12, bot.domain.names):
    `problem` says why, for the face to word (person_name_refusal, org_name_refusal)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem
