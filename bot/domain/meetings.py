"""The pure rules for logging meetings (issue #3), in one import for handlers and reports.

bot/domain/meeting_rules.py holds meeting types, grades (M9), the rule profile and dates;
bot/domain/attendance.py holds the eligible set, the tally and flags (R1-R6).
"""

from __future__ import annotations

from bot.domain.attendance import (
    Attendance,
    Flag,
    RosterSplit,
    Tally,
    default_minutes,
    flags,
    longest_excused_streak,
    meets_threshold,
    min_minutes_for,
    next_mark,
    r5_level,
    r6_flag,
    split_roster,
    summary_line,
    tally,
    unexcused_months,
)
from bot.domain.meeting_rules import (
    BEFORE_CELL,
    DEFAULT_GRADE_SCALE,
    FUTURE,
    Grade,
    GradeScale,
    MeetingType,
    RuleProfile,
    ZeroReport,
    can_correct,
    correction_deadline,
    counts_as_regular,
    counts_as_thematic,
    grade_for_score,
    month_of,
    needs_regular_check,
    validate_meeting_date,
)

__all__ = [
    "BEFORE_CELL",
    "DEFAULT_GRADE_SCALE",
    "FUTURE",
    "Attendance",
    "Flag",
    "Grade",
    "GradeScale",
    "MeetingType",
    "RosterSplit",
    "RuleProfile",
    "Tally",
    "ZeroReport",
    "can_correct",
    "correction_deadline",
    "counts_as_regular",
    "counts_as_thematic",
    "default_minutes",
    "flags",
    "grade_for_score",
    "longest_excused_streak",
    "meets_threshold",
    "min_minutes_for",
    "month_of",
    "needs_regular_check",
    "next_mark",
    "r5_level",
    "r6_flag",
    "split_roster",
    "summary_line",
    "tally",
    "unexcused_months",
    "validate_meeting_date",
]
