"""Sending what the scheduler claimed (#4): through PTB's bot, and so through its
AIORateLimiter (30 messages a second overall, RetryAfter waited out and retried), with
bounded concurrency; every outcome is classified for the deliveries table.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from storage import deliveries
from storage.deliveries import Claim, claim_many

log = logging.getLogger(__name__)

CONCURRENCY = 64  # in flight at once; the rate limiter paces them


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    chat_id: int
    text: str  # the message, or a photo's caption
    buttons: Sequence[Sequence[tuple[str, str]]] = ()
    photo: bytes | None = None  # a PNG (the summaries' chart, #5)

    @property
    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "buttons": [list(map(list, row)) for row in self.buttons],
        }
        if self.photo is not None:  # kept for a retry; a chart is some tens of kB
            out["photo"] = base64.b64encode(self.photo).decode("ascii")
        return out

    @classmethod
    def from_payload(cls, delivery_id: int, chat_id: int, payload: dict[str, Any]) -> Outgoing:
        rows = [[(str(a), str(b)) for a, b in row] for row in payload.get("buttons", [])]
        photo = base64.b64decode(payload["photo"]) if payload.get("photo") else None
        return cls(delivery_id, chat_id, str(payload["text"]), rows, photo)


def won(drafts: Sequence[Outgoing], ids: Sequence[int | None]) -> list[Outgoing]:
    """The drafts whose claims this caller won (storage.deliveries.claim_many's answer, in the
    same order), each with its delivery id."""
    return [replace(d, delivery_id=i) for d, i in zip(drafts, ids, strict=True) if i is not None]


async def claim(
    session: AsyncSession, draft: Outgoing, key: str, kind: str, org_id: int | None
) -> Outgoing | None:
    """Claim one message in the caller's transaction: the draft with its delivery id, or None
    when its (chat, key) was claimed before (at most once, ever)."""
    claimed = await deliveries.claim(
        session, chat_id=draft.chat_id, key=key, kind=kind, org_id=org_id, payload=draft.payload
    )
    return None if claimed is None else replace(draft, delivery_id=claimed)


@dataclass
class Batch:
    """Messages to claim together in a transaction of their own (claim_apart)."""

    drafts: list[Outgoing] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def add(self, draft: Outgoing, key: str, kind: str, org_id: int | None) -> None:
        self.drafts.append(draft)
        self.claims.append(Claim(draft.chat_id, key, kind, org_id, draft.payload))

    async def claim(self, sessions: Any) -> list[Outgoing]:
        """The drafts this caller won, with their delivery ids."""
        return await claim_apart(sessions, self.drafts, self.claims) if self.claims else []


async def claim_apart(
    sessions: Any, drafts: Sequence[Outgoing], claims: Sequence[Claim]
) -> list[Outgoing]:
    """Claim a batch in a transaction of its own; the drafts won, with their delivery ids."""
    async with sessions() as session, session.begin():
        ids = await claim_many(session, claims)
    return won(drafts, ids)


@dataclass(frozen=True)
class Outcome:
    item: Outgoing
    state: str  # sent | blocked | unstarted | migrated | retry | failed
    message_id: int | None = None
    error: str | None = None
    new_chat_id: int | None = None


# Outcomes after which the recipient gets nothing more until they write to the bot again.
UNREACHABLE = frozenset({"blocked", "unstarted"})


def _markup(item: Outgoing) -> InlineKeyboardMarkup | None:
    if not item.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in item.buttons]
    )


async def send_one(bot: Bot, item: Outgoing) -> Outcome:
    try:
        if item.photo is not None:
            msg = await bot.send_photo(
                item.chat_id, item.photo, caption=item.text, reply_markup=_markup(item)
            )
        else:
            msg = await bot.send_message(item.chat_id, item.text, reply_markup=_markup(item))
    except Forbidden as exc:
        # Telegram tells a user who never opened the bot from one who blocked it (or a group
        # the bot left): "Forbidden: bot can't initiate conversation with a user".
        state = "unstarted" if "initiate conversation" in exc.message else "blocked"
        return Outcome(item, state, error=exc.message)
    except ChatMigrated as exc:
        return Outcome(item, "migrated", error=str(exc), new_chat_id=exc.new_chat_id)
    except TimedOut as exc:
        # The request may have reached Telegram: do not risk sending it twice.
        return Outcome(item, "failed", error=f"timed out: {exc.message}")
    except RetryAfter as exc:  # the limiter's retries ran out: the next tick tries again
        return Outcome(item, "retry", error=f"retry after {exc.retry_after}")
    except BadRequest as exc:
        return Outcome(item, "failed", error=exc.message)
    except NetworkError as exc:  # never reached Telegram: safe to try again
        return Outcome(item, "retry", error=exc.message)
    except TelegramError as exc:
        return Outcome(item, "failed", error=exc.message)
    return Outcome(item, "sent", message_id=msg.message_id)


async def send_all(bot: Bot, items: Sequence[Outgoing]) -> list[Outcome]:
    """Send everything, at most CONCURRENCY at once, in order of claim.

    CONCURRENCY workers take the items one by one from a shared iterator: one task per item
    (a gather over all of them) held a coroutine for each of a province's 28,000 messages
    at once, about 80 MB (#6: memory)."""
    outcomes: list[Outcome | None] = [None] * len(items)
    queue = iter(enumerate(items))

    async def worker() -> None:
        for index, item in queue:  # each item is taken by one worker
            outcome = await send_one(bot, item)
            if outcome.state != "sent":
                log.info("delivery %s: %s", item.delivery_id, outcome.state)
            outcomes[index] = outcome

    await asyncio.gather(*(worker() for _ in range(min(CONCURRENCY, len(items)))))
    return [o for o in outcomes if o is not None]


async def send_in_order(bot: Bot, items: Sequence[Outgoing]) -> list[Outcome]:
    """Messages that must arrive in order (a summary in parts, then its chart): one chat
    after another item by item, the chats concurrently. After a failure the chat's later
    items wait for the next tick (state "retry") rather than arrive out of order."""
    chats: dict[int, list[Outgoing]] = {}
    for item in items:
        chats.setdefault(item.chat_id, []).append(item)

    async def chat(queue: list[Outgoing]) -> list[Outcome]:
        done: list[Outcome] = []
        for item in queue:
            if done and done[-1].state != "sent":
                done.append(Outcome(item, "retry", error="waits for an earlier part"))
                continue
            done.append(await send_one(bot, item))
        return done

    results = await asyncio.gather(*(chat(q) for q in chats.values()))
    return [o for group in results for o in group]
