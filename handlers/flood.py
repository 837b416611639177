"""What a person over their update budget is told (#12; the budget is bot/services/throttle.py).

Called by the update processor for an update it dropped, with no transaction and no
database: the language is the one the person chose (remembered in memory by base.open_turn),
else their Telegram language, else the default.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.render.i18n import N_, resolve_locale, translator
from bot.services.throttle import Verdict
from handlers.context import BotData

TOO_FAST = N_("You are going too fast. Please wait a few seconds, then try again.")


async def tell(
    app: Application[Any, Any, Any, Any, Any, Any], update: Update, verdict: Verdict
) -> None:
    """A button press gets a short toast (or, after it, an empty answer that stops its
    spinner); a private message gets one message. Nothing is posted to a group."""
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return
    query = update.callback_query
    if verdict is Verdict.ANSWER:
        if query is not None:
            await query.answer()
        return
    data: BotData = app.bot_data
    locale = resolve_locale(
        data.locales.get(user.id), user.language_code, data.settings.default_locale
    )
    text = translator(locale).gettext(TOO_FAST)
    if query is not None:
        await query.answer(text)
    elif chat is not None and chat.type == chat.PRIVATE:
        await app.bot.send_message(chat.id, text)
