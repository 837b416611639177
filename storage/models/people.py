"""Organisations, people and who may do what: orgs, users, roles, invites, members and their
status changes, and the audit log (S4).

Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, SmallInteger, String, Time, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain.model import CellType, MemberStatus, OrgKind, Role

from .base import Base, str_enum, utcnow


class Org(Base):
    """O2: a node of the organisation tree (province → commune → grassroots → cell)."""

    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)  # L5 folded
    # Materialised path "/1/5/23/": a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    cell_type: Mapped[CellType | None] = mapped_column(str_enum(CellType, "cell_type"))
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
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
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
    role: Mapped[Role | None] = mapped_column(str_enum(Role, "role"))
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
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus, "member_status"))
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
