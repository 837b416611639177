"""The demo province's rows (#6), table by table with their ids, as bot/demo/province.py makes
them and storage/demo.py loads them in bulk (the columns in storage.models' order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.model import OrgKind

YearMonth = tuple[int, int]
Row = tuple[Any, ...]
Table = tuple[str, Sequence[str], list[Row]]

ORG_COLUMNS = (
    "id", "parent_id", "kind", "name", "name_key", "path", "cell_type", "meeting_day",
    "meeting_time", "founded_on", "settings", "created_at",
)  # fmt: skip
MEMBER_COLUMNS = ("id", "cell_id", "full_name", "name_key", "sort_key", "created_at")
STATUS_COLUMNS = ("id", "member_id", "status", "effective_from", "effective_until", "recorded_at")
MEETING_COLUMNS = (
    "id", "cell_id", "state", "kind", "held_on", "start_time", "minutes", "topic", "grade",
    "score", "eligible", "present", "excused", "unexcused", "version", "created_at",
    "saved_at", "updated_at",
)  # fmt: skip
MARK_COLUMNS = ("meeting_id", "member_id", "mark", "reason")
ZERO_COLUMNS = ("id", "cell_id", "year", "month", "reason", "created_at")


@dataclass(frozen=True)
class Spec:
    cells: int
    members_per_cell: int
    months: int
    seed: int = 1
    today: date = field(default_factory=date.today)


@dataclass
class Bases:
    """The largest ids already in each table (0 in an empty database)."""

    orgs: int = 0
    members: int = 0
    statuses: int = 0
    meetings: int = 0
    zero_reports: int = 0


@dataclass
class Demo:
    """The rows, table by table, in the column order of the *_COLUMNS tuples."""

    province: str
    communes: int = 0
    orgs: list[Row] = field(default_factory=list)
    members: list[Row] = field(default_factory=list)
    statuses: list[Row] = field(default_factory=list)
    meetings: list[Row] = field(default_factory=list)
    marks: list[Row] = field(default_factory=list)
    zero_reports: list[Row] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return sum(1 for r in self.orgs if r[2] == OrgKind.CELL)

    def tables(self) -> list[Table]:
        """(table, columns, rows), parents before children: SQLite checks the foreign keys as
        the rows arrive."""
        return [
            ("orgs", ORG_COLUMNS, self.orgs),
            ("members", MEMBER_COLUMNS, self.members),
            ("member_statuses", STATUS_COLUMNS, self.statuses),
            ("meetings", MEETING_COLUMNS, self.meetings),
            ("meeting_attendance", MARK_COLUMNS, self.marks),
            ("zero_reports", ZERO_COLUMNS, self.zero_reports),
        ]
