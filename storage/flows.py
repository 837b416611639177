"""Conversation state kept in the database (a restart in mid-flow loses nothing)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from .models import FlowState, utcnow


async def get(session: AsyncSession, user_id: int, chat_id: int) -> FlowState | None:
    return await session.get(FlowState, (user_id, chat_id))


async def start(
    session: AsyncSession, user_id: int, chat_id: int, flow: str, step: str, data: dict[str, Any]
) -> FlowState:
    """Begin a flow, replacing any other one; a fresh token makes older buttons stale."""
    state = await session.get(FlowState, (user_id, chat_id))
    token = secrets.token_hex(4)
    if state is None:
        state = FlowState(
            user_id=user_id, chat_id=chat_id, flow=flow, step=step, token=token, data=data
        )
        session.add(state)
    else:
        state.flow, state.step, state.token, state.data = flow, step, token, data
        state.updated_at = utcnow()
    await session.flush()
    return state


async def advance(session: AsyncSession, state: FlowState, step: str, **changes: Any) -> None:
    """Move to `step`, merging `changes` into the entered data (a new dict: JSON columns
    only notice assignment)."""
    state.step = step
    state.data = {**state.data, **changes}
    state.updated_at = utcnow()
    await session.flush()


async def finish(session: AsyncSession, user_id: int, chat_id: int) -> None:
    await session.execute(
        delete(FlowState).where(FlowState.user_id == user_id, FlowState.chat_id == chat_id)
    )
