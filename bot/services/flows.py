"""A face's conversation state, kept in the database (a restart in mid-flow loses nothing).

One flow per person and chat: `start` replaces any other one with a fresh token (older
buttons go stale), `advance` moves it a step keeping what was entered, `finish` ends it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import flows
from storage.models import FlowState

from .refusals import Stale


async def current(session: AsyncSession, user_id: int, chat_id: int) -> FlowState | None:
    return await flows.get(session, user_id, chat_id)


async def start(
    session: AsyncSession, user_id: int, chat_id: int, flow: str, step: str, data: dict[str, Any]
) -> FlowState:
    return await flows.start(session, user_id, chat_id, flow, step, data)


async def advance(session: AsyncSession, state: FlowState, step: str, **changes: Any) -> None:
    await flows.advance(session, state, step, **changes)


async def finish(session: AsyncSession, user_id: int, chat_id: int) -> None:
    await flows.finish(session, user_id, chat_id)


def expect(state: FlowState | None, flow: str, token: str | None = None) -> FlowState:
    """`state` if it is `flow` (and carries `token`); else Stale (an older screen's button)."""
    if state is None or state.flow != flow or (token is not None and state.token != token):
        raise Stale
    return state
