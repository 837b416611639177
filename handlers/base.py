"""What every handler shares: one transaction per update, the caller, their language.

A handler is `async def step(turn: Turn) -> None` wrapped by `@handler`. The wrapper
opens the update's transaction (STYLE 5), records the caller, resolves their language
(STYLE 8) and turns the expected refusals into polite answers, rolling back anything
the step had written.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.domain.access import Access
from bot.render.callbacks import Callback
from bot.render.callbacks import Stale as Stale  # raised by every handler module
from bot.render.i18n import Translator, resolve_locale, translator
from bot.services import flows, people
from bot.services.refusals import Refused as Refused  # raised by every handler module
from handlers.context import BotContext
from handlers.markup import Answer as Answer  # re-exported: the handler modules import
from handlers.markup import Button as Button  # these from handlers.base
from handlers.markup import Markup
from handlers.markup import choice_pattern as choice_pattern
from handlers.markup import esc as esc
from handlers.markup import inline as inline

if TYPE_CHECKING:
    from storage.models import FlowState, User

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """One update being handled: who, in which language, inside which transaction."""

    update: Update
    ctx: BotContext
    session: AsyncSession
    user: User | None
    access: Access
    t: Translator
    _answered: bool = field(default=False, init=False)
    _flow: FlowState | None = field(default=None, init=False)
    _flow_loaded: bool = field(default=False, init=False)
    _after_commit: list[Callable[[], Awaitable[Any]]] = field(default_factory=list, init=False)

    # --- who and where ---------------------------------------------------------
    @property
    def user_id(self) -> int:
        assert self.update.effective_user is not None
        return self.update.effective_user.id

    @property
    def chat_id(self) -> int:
        assert self.update.effective_chat is not None
        return self.update.effective_chat.id

    @property
    def is_private(self) -> bool:
        chat = self.update.effective_chat
        return chat is not None and chat.type == "private"

    @property
    def now(self) -> datetime:
        return self.ctx.bot_data.now()

    @property
    def today(self) -> date:
        return self.ctx.bot_data.today()

    @property
    def text(self) -> str:
        msg = self.update.effective_message
        return (msg.text or "") if msg else ""

    @property
    def profile(self) -> people.Profile:
        return _profile(self.update)

    async def remember(self) -> User:
        """The caller's users row, made now if they had none: for a step that keeps
        something of a stranger (an accepted invite, a chosen language)."""
        if self.user is None:
            self.user = await people.remember(self.session, self.user_id, self.profile)
        return self.user

    # --- language --------------------------------------------------------------
    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def n_(self, singular: str, plural: str, n: int) -> str:
        return self.t.ngettext(singular, plural, n)

    # --- flow state ------------------------------------------------------------
    async def flow(self) -> FlowState | None:
        if not self._flow_loaded:
            self._flow = await flows.current(self.session, self.user_id, self.chat_id)
            self._flow_loaded = True
        return self._flow

    async def start_flow(self, flow: str, step: str, **data: Any) -> FlowState:
        self._flow = await flows.start(self.session, self.user_id, self.chat_id, flow, step, data)
        self._flow_loaded = True
        return self._flow

    async def advance(self, flow: str, step: str, **changes: Any) -> FlowState:
        """Move the caller's `flow` to `step`, keeping what was entered (merged with changes)."""
        state = await self.flow_for(flow)
        await flows.advance(self.session, state, step, **changes)
        return state

    async def finish_flow(self) -> None:
        # Read first: most callers (/start, a menu button) have no flow, and a DELETE of
        # nothing still takes SQLite's write lock (and is a write for a stranger, #12).
        if await self.flow() is not None:
            await flows.finish(self.session, self.user_id, self.chat_id)
        self._flow, self._flow_loaded = None, True

    async def flow_for(self, flow: str, token: str | None = None) -> FlowState:
        """The caller's current flow, which must be `flow` (and carry `token`): else Stale."""
        return flows.expect(await self.flow(), flow, token)

    # --- answering -------------------------------------------------------------
    async def reply(self, text: str, markup: Markup = None) -> Message:
        return await self.ctx.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Edit the message a button was pressed on; otherwise send a new one."""
        query = self.update.callback_query
        # Only a text message can be edited into a screen (not a file's caption, not an
        # inaccessible one): otherwise the screen comes as a new message.
        if query is not None and isinstance(query.message, Message) and query.message.text:
            try:
                await self.ctx.bot.edit_message_text(
                    text,
                    chat_id=self.chat_id,
                    message_id=query.message.message_id,
                    reply_markup=markup,
                )
                return
            except BadRequest as exc:
                if "not modified" in exc.message:
                    return
                if "not found" not in exc.message and "can't be edited" not in exc.message:
                    raise
        await self.reply(text, markup)

    def after_commit(self, confirm: Callable[[], Awaitable[Any]]) -> None:
        """Run `confirm` once the update's writes have committed (in a transaction of its
        own, for the screens it reads): a message that says "saved" is never sent for writes
        the database then lost. If the commit fails, the error handler tells the user and the
        old screen, with its buttons, stays."""
        self._after_commit.append(confirm)

    def show_after_commit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        self.after_commit(functools.partial(self.show, text, markup))

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        query = self.update.callback_query
        if query is not None and not self._answered:
            self._answered = True
            await query.answer(text, show_alert=alert)

    async def say(self, text: str) -> None:
        """A short notice: an alert on a button press, a message otherwise."""
        if self.update.callback_query is not None:
            await self.answer(text, alert=True)
        else:
            await self.reply(text)

    @contextlib.asynccontextmanager
    async def aside(self) -> AsyncIterator[None]:
        """Wait for something slow that needs no database (a file parsed in a child process)
        without holding one of the update workers (bot.app.processor.ChatOrderedProcessor.aside)."""
        processor = self.ctx.application.update_processor
        step_aside = getattr(processor, "aside", None)
        if step_aside is None:
            yield
            return
        async with step_aside():
            yield

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise Refused


Step = Callable[[Turn], Awaitable[None]]


C = TypeVar("C", bound=Callback)


def button(kind: type[C], step: Callable[[Turn, C], Awaitable[None]]) -> Step:
    """A step that receives the pressed button's parsed data (bot.render.callbacks): data
    that does not parse is Stale, answered politely before anything is read."""

    @functools.wraps(step)
    async def run(turn: Turn) -> None:
        query = turn.update.callback_query
        await step(turn, kind.parse((query.data or "") if query is not None else ""))

    return run


def _profile(update: Update) -> people.Profile:
    tg_user = update.effective_user
    assert tg_user is not None
    return people.Profile(
        tg_user.first_name, tg_user.last_name, tg_user.username, tg_user.language_code
    )


async def open_turn(update: Update, ctx: BotContext, session: AsyncSession) -> Turn:
    """Refresh the caller's row if we know them (#12: a stranger's update writes nothing)
    and resolve their language and roles."""
    tg_user = update.effective_user
    data = ctx.bot_data
    if tg_user is None or tg_user.is_bot:
        return Turn(update, ctx, session, None, Access(0), translator(data.settings.default_locale))
    user, access = await people.identify(session, tg_user.id, _profile(update))
    if user is not None and user.locale:
        data.locales[tg_user.id] = user.locale  # for handlers/flood.py, which reads no database
    chosen = user.locale if user else None
    locale = resolve_locale(chosen, tg_user.language_code, data.settings.default_locale)
    return Turn(update, ctx, session, user, access, translator(locale))


def private_only(step: Step) -> Step:
    """A step for private chats: in a group it is refused before it reads anything (S2:
    the screens behind most buttons name members; forged data must not post them there)."""

    @functools.wraps(step)
    async def run(turn: Turn) -> None:
        turn.require(turn.is_private)
        await step(turn)

    return run


def handler(step: Step) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Run `step` in one transaction; Refused and Stale become polite answers."""

    @functools.wraps(step)
    async def run(update: Update, ctx: BotContext) -> None:
        refusal: Exception | None = None
        async with ctx.bot_data.sessions() as session:
            turn: Turn | None = None
            try:
                async with session.begin():
                    turn = await open_turn(update, ctx, session)
                    await step(turn)
            except (Refused, Stale) as exc:
                refusal = exc  # the transaction is rolled back: nothing half-written
            if turn is None:
                return
            if refusal is not None:
                await _refuse(turn, refusal)
            elif turn._after_commit:
                async with session.begin():
                    for confirm in turn._after_commit:
                        await confirm()
            await turn.answer()  # a button press always gets its spinner stopped

    return run


async def _refuse(turn: Turn, exc: Exception) -> None:
    _ = turn._
    if isinstance(exc, Stale):
        text = _("This message is out of date. Please use the newest one, or open the menu again.")
    else:
        text = _("Sorry, you cannot do that here.")
        log.info(
            "refused %s for user %s",
            (turn.update.callback_query and "callback") or "message",
            turn.user_id,
        )
    await turn.say(text)
