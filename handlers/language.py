"""/language: each person chooses Vietnamese or English (stored, STYLE 8)."""

from __future__ import annotations

from bot.render.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES, translator
from storage import users

from .base import Stale, Turn, inline
from .menu import main_keyboard


async def ask(turn: Turn) -> None:
    """Offer the languages."""
    _ = turn._
    buttons = [[(LANGUAGE_NAMES[loc], f"lang:{loc}") for loc in SUPPORTED_LOCALES]]
    await turn.reply(_("Choose your language:"), inline(buttons))


async def choose(turn: Turn) -> None:
    """lang:<code> — store the choice and answer in the new language."""
    locale = turn.arg(1)
    if locale not in SUPPORTED_LOCALES:
        raise Stale
    # A choice must be kept, so a stranger who makes one gets a users row (#12).
    await users.set_locale(turn.session, await turn.remember(), locale)
    turn.ctx.bot_data.locales[turn.user_id] = locale
    turn.t = translator(locale)
    _ = turn._
    await turn.show(_("Language: {name}").format(name=LANGUAGE_NAMES[locale]))
    await turn.reply(
        _("From now on I will write to you in English."),
        main_keyboard(turn) if turn.access.is_known else None,
    )
