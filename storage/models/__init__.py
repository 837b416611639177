"""SQLAlchemy 2 models, by area. Every schema change comes with an Alembic migration.

One declarative Base (base.py); importing this package registers every table on its
metadata, which is what Alembic's env and the tests read.
"""

from .base import NAMING, Base, utcnow
from .flows import Delivery, FlowState, MeetingUpward
from .meetings import Meeting, MeetingGuest, MeetingMark, MeetingMove, ZeroReport
from .people import AuditEntry, Invite, Member, MemberStatusChange, Org, RoleAssignment, User

__all__ = [
    "NAMING",
    "AuditEntry",
    "Base",
    "Delivery",
    "FlowState",
    "Invite",
    "Meeting",
    "MeetingGuest",
    "MeetingMark",
    "MeetingMove",
    "MeetingUpward",
    "Member",
    "MemberStatusChange",
    "Org",
    "RoleAssignment",
    "User",
    "ZeroReport",
    "utcnow",
]
