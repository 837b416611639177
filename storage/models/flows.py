"""What is under way: where a person is in a conversation, and the messages the bot owes.

Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class FlowState(Base):
    """Where a person is in a conversation, and what they have entered so far.

    Kept in the database, in the same transaction as the update, so a restart in the
    middle of a flow loses nothing. `token` changes whenever a flow starts, so buttons
    on older messages can be recognised as out of date.
    """

    __tablename__ = "flow_states"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    flow: Mapped[str] = mapped_column(String(30))
    step: Mapped[str] = mapped_column(String(30))
    token: Mapped[str] = mapped_column(String(12))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Delivery(Base):
    """#4: a message the scheduler decided to send, claimed under a unique key *before* it is
    sent, so a restart, a second instance or a tick run twice never sends it twice.

    key: "<kind>:<cell or node>:<period>", see bot.domain.reminders.Due.key.
    state: claimed → sent | blocked (Forbidden) | failed (after retries) | stale.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("chat_id", "key", name="uq_deliveries_chat_key"),
        Index("ix_deliveries_state_claimed_at", "state", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    state: Mapped[str] = mapped_column(String(10), default="claimed")
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(200))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The rendered message (text, buttons), so a retry after a network error resends it.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MeetingUpward(Base):
    """M6 (#14): the version of a saved meeting last reported to the upper committee's
    admins in their daily line (bot/services/upward.py). A saved meeting without a row, or
    with a newer version (corrected, deleted), is still to report."""

    __tablename__ = "meeting_upward"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    version: Mapped[int]
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
