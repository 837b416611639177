"""What a screen is made of: escaped text, inline keyboards of (label, callback data)
buttons, and the ✅ / ✖️ answers of a confirmation. handlers.base re-exports these names.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.render.i18n import N_

# The two words of every step and confirmation (#15, glossary): "⬅️ Quay lại", "✖️ Hủy".
BACK = N_("⬅️ Back")
CANCEL = N_("✖️ Cancel")


class Answer(StrEnum):
    """✅ / ✖️ on a confirmation ("ms:ok:<token>", "ms:no:<token>")."""

    OK = "ok"
    NO = "no"


def choice_pattern(prefix: str, words: type[StrEnum]) -> str:
    """The pattern of a kind whose first field is one of a few words, routed as one
    ("^ms:(ok|no)(:|$)"): the authorization matrix knows the handlers by these keys."""
    return f"^{prefix}:({'|'.join(w.value for w in words)})(:|$)"


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None
Button = tuple[str, str]  # (label, callback data)


def back(gettext: Callable[[str], str], data: str) -> Button:
    """⬅️ Back one step: the same label on every screen (#15)."""
    return (gettext(BACK), data)


def cancel(gettext: Callable[[str], str], data: str) -> Button:
    """✖️ Cancel on a confirmation: the same label on every screen (#15)."""
    return (gettext(CANCEL), data)


def esc(text: str) -> str:
    """Escape user-entered text for Telegram HTML."""
    return html.escape(text, quote=False)


def inline(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in rows
            if row
        ]
    )
