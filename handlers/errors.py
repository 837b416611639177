"""STYLE 12: one error handler. The user gets a polite sentence in their language; the log
gets the traceback (never the token: see bot.app.logs)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, OperationalError
from telegram import Update

from bot.render.i18n import resolve_locale, translator
from handlers.context import BotContext

log = logging.getLogger("chibo.errors")


async def on_error(update: object, ctx: BotContext) -> None:
    log.error("error while handling an update", exc_info=ctx.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    t = translator(
        resolve_locale(None, user.language_code if user else None, ctx.settings.default_locale)
    )
    if isinstance(ctx.error, OperationalError | DBAPIError | OSError):
        text = t.gettext(
            "Sorry, the database is not answering right now. Nothing was saved from this step; "
            "please try again in a few minutes."
        )
    else:
        text = t.gettext(
            "Sorry, something went wrong on my side. Nothing was saved from this step; please try "
            "again, or /cancel to start over."
        )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        else:
            await ctx.bot.send_message(update.effective_chat.id, text)
    except Exception:  # the error handler must never raise
        log.warning("could not tell the user about the error", exc_info=True)
