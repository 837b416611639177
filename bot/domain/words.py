"""What the pure rules need to speak without importing a renderer (#13).

`N_` marks a string for extraction (tools/i18n.py knows it) and returns it untranslated;
`Problem` is a translatable message the rules and the importers return; `Words` is the part of
bot.render.i18n.Translator a rule's one-line text needs, so bot/domain imports nothing of the
project and bot/render hands in the real translator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated where shown)."""
    return message


@dataclass(frozen=True)
class Problem:
    """A translatable message: a code (documented in PROBLEM_CODES) and its parameters.

    The bot translates the code; parameters are already formatted for display (dates
    as dd/mm/yyyy, L2).
    """

    code: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowProblem:
    """A row that was not imported: its number in the file, its text, and why."""

    row: int
    raw: str
    reason: Problem


class Words(Protocol):
    """Translating and formatting in one language (bot.render.i18n.Translator is one)."""

    def gettext(self, message: str) -> str: ...

    def number(self, value: int) -> str: ...

    def percent(self, value: Fraction) -> str: ...
