"""SQLAlchemy 2 models. Every schema change comes with an Alembic migration.

Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain.model import CellType, MemberStatus, OrgKind, Role

from .types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


# Stable constraint names: Alembic (and SQLite batch mode) needs them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[Any], name: str) -> Enum:
    # Stored as plain strings (no native PG enum): adding a value needs no ALTER TYPE.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), int: Integer()}


class Org(Base):
    """O2: a node of the organisation tree (province → commune → grassroots → cell)."""

    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind, "org_kind"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)  # L5 folded
    # Materialised path "/1/5/23/": a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    cell_type: Mapped[CellType | None] = mapped_column(_enum(CellType, "cell_type"))
    # M7: day 1-28, or -1 for the last day of the month; None inherits from the parent.
    meeting_day: Mapped[int | None] = mapped_column(SmallInteger)
    meeting_time: Mapped[time | None] = mapped_column(Time)
    founded_on: Mapped[date | None] = mapped_column(Date)
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    parent: Mapped[Org | None] = relationship(remote_side=[id], lazy="raise")

    @property
    def is_cell(self) -> bool:
        return self.kind == OrgKind.CELL

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class User(Base):
    """A Telegram user who has talked to the bot. In a private chat, chat id == user id."""

    __tablename__ = "users"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))  # chosen with /language
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    unreachable_since: Mapped[datetime | None]  # the user blocked the bot

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.telegram_id)


class RoleAssignment(Base):
    """A role held by a user at a node. Revoked, never deleted (S4)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        Index(
            "uq_role_assignments_active",
            "user_id",
            "org_id",
            "role",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.telegram_id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)


class Invite(Base):
    """A one-time deep-link code: a role at a node, or linking a group to a node.

    Only a hash of the code is stored, so a leaked database yields no usable link.
    """

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10))  # "role" | "group"
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    role: Mapped[Role | None] = mapped_column(_enum(Role, "role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # None: the CLI
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)


class Member(Base):
    """A party member on a cell's roster. S1: name and status history only."""

    __tablename__ = "members"
    __table_args__ = (Index("ix_members_cell_name_key", "cell_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    full_name: Mapped[str] = mapped_column(String(120))  # as entered (NFC, L5)
    name_key: Mapped[str] = mapped_column(String(120))  # L5 folded, for duplicates/search
    sort_key: Mapped[str] = mapped_column(String(400))  # L4 collation key
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger)

    statuses: Mapped[list[MemberStatusChange]] = relationship(
        back_populates="member", order_by="MemberStatusChange.id", lazy="raise"
    )


class MemberStatusChange(Base):
    """R1: one entry of a member's status history.

    The status on a day is the entry with the latest (effective_from, id) among those
    that have started and not ended (effective_until is inclusive, None = open).
    """

    __tablename__ = "member_statuses"
    __table_args__ = (Index("ix_member_statuses_member_from", "member_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[MemberStatus] = mapped_column(_enum(MemberStatus, "member_status"))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)

    member: Mapped[Member] = relationship(back_populates="statuses", lazy="raise")


class AuditEntry(Base):
    """S4: who changed what, when, with the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_org_at", "org_id", "at"),
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)  # None: CLI or system
    source: Mapped[str] = mapped_column(String(10), default="bot")  # bot | cli | system
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None]
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


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


class Meeting(Base):
    """A cell meeting (M1-M9) — a draft while the secretary is entering it, then saved.

    Attendance marks are rows of meeting_attendance; members without a row were present.
    `version` grows with every change so buttons of older screens can be recognised.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_cell_held_on", "cell_id", "held_on"),
        Index("ix_meetings_state_held_on", "state", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    state: Mapped[str] = mapped_column(String(10), default="draft")  # draft | saved | deleted
    kind: Mapped[str] = mapped_column(String(16))  # bot.domain.meetings.MeetingType value
    held_on: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    minutes: Mapped[int | None] = mapped_column(SmallInteger)
    topic: Mapped[str | None] = mapped_column(String(200))
    grade: Mapped[str | None] = mapped_column(String(12))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    upper_attendee: Mapped[str | None] = mapped_column(String(200))  # "name – post"
    # R1/R2: the tally of a saved meeting, judged by each member's status on the day and kept
    # in step by storage.tallies whenever the marks or a status history change, so the
    # roll-ups (K1-K4) are plain SQL sums over meetings. NULL on drafts.
    eligible: Mapped[int | None] = mapped_column(SmallInteger)
    present: Mapped[int | None] = mapped_column(SmallInteger)
    excused: Mapped[int | None] = mapped_column(SmallInteger)
    unexcused: Mapped[int | None] = mapped_column(SmallInteger)
    # A correction is entered as a draft copy of the saved meeting; saving it writes the
    # changes back onto this meeting (same id, audited before/after) and drops the copy.
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MeetingMark(Base):
    """R3: an absence (excused with a reason, or unexcused), or a voluntary attendance of an
    exempted / elsewhere member (R2: never in the rate). Absent rows mean present."""

    __tablename__ = "meeting_attendance"
    # A member's marks (R5/R6 in the yearly roll-up, the member's history): migration 0006.
    __table_args__ = (Index("ix_meeting_attendance_member_id", "member_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    mark: Mapped[str] = mapped_column(String(12))  # excused | unexcused | voluntary
    reason: Mapped[str | None] = mapped_column(String(200))


class MeetingGuest(Base):
    """A guest member from another cell or a visitor, listed apart (R1, R2)."""

    __tablename__ = "meeting_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(200))


class ZeroReport(Base):
    """M8: "this month the cell did not meet", with a reason; not the same as not reporting."""

    __tablename__ = "zero_reports"
    __table_args__ = (
        Index(
            "uq_zero_reports_cell_month_active",
            "cell_id",
            "year",
            "month",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    reason: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


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


class MeetingMove(Base):
    """M7: this month's meeting moved to another day of the same month (the reminders
    follow it). One per cell and month; moving again updates it."""

    __tablename__ = "meeting_moves"
    __table_args__ = (
        UniqueConstraint("cell_id", "year", "month", name="uq_meeting_moves_cell_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    day: Mapped[date] = mapped_column(Date)
    moved_by: Mapped[int | None] = mapped_column(BigInteger)
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)
