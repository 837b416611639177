"""Meetings (M1-M9), their marks and guests, zero reports and moved meetings.

Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


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
    grade: Mapped[str | None] = mapped_column(String(12))  # M9: the cell's own grade
    score: Mapped[int | None] = mapped_column(SmallInteger)
    # M9: the upper committee's grade (migration 0007), by an admin of an ancestor committee
    # (bot/services/grades.py). `confirmed_of` is the cell's own grade it was given over: a
    # correction that changes the own grade leaves the confirmation standing but marked for
    # a second look (grade IS DISTINCT FROM confirmed_of).
    confirmed_grade: Mapped[str | None] = mapped_column(String(12))
    confirmed_of: Mapped[str | None] = mapped_column(String(12))
    confirmed_by: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_at: Mapped[datetime | None]
    grade_note: Mapped[str | None] = mapped_column(String(200))
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
