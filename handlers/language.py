"""/language: each person chooses Vietnamese or English (stored, STYLE 8).

Language ("lang:<code>"): a language picked.
"""

from __future__ import annotations

from bot.render.i18n import LANGUAGE_NAMES, translator
from bot.services import people

from .base import Turn, inline
from .menu import Language as Language  # defined there: the help screen carries it (#15)
from .menu import language_buttons, main_keyboard


async def ask(turn: Turn) -> None:
    """Offer the languages."""
    _ = turn._
    await turn.reply(_("Choose your language:"), inline([language_buttons()]))


async def choose(turn: Turn, data: Language) -> None:
    """Store the choice and answer in the new language."""
    locale = data.locale
    # A choice must be kept, so a stranger who makes one gets a users row (#12); an unknown
    # language is Stale, and the row rolls back with it.
    await people.choose_language(turn.session, await turn.remember(), locale)
    turn.ctx.bot_data.locales[turn.user_id] = locale
    turn.t = translator(locale)
    _ = turn._
    await turn.show(_("Language: {name}").format(name=LANGUAGE_NAMES[locale]))
    await turn.reply(
        _("From now on I will write to you in English."),
        main_keyboard(turn) if turn.access.is_known else None,
    )
