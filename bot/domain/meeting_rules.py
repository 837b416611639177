"""Meeting rules (M1-M9): meeting types, grades, the rule profile, dates and months.

Pure functions over plain data, no Telegram and no database. Attendance (R1-R6) is in
bot/domain/attendance.py; bot/domain/meetings.py imports both for callers. Rule IDs refer to
../shared/DOMAIN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any


class MeetingType(StrEnum):
    """M1/M3/M4: what a session was; stored by value in meetings.kind."""

    REGULAR = "regular"  # thường kỳ
    THEMATIC = "thematic"  # chuyên đề
    COMBINED = "combined"  # thường kỳ + chuyên đề in one session (M4)
    EXTRAORDINARY = "extraordinary"  # bất thường


# M1/M3/M4: a combined session is the month's regular meeting; an extraordinary one never.
# The one statement of the rule: storage's queries select these stored values (meetings.kind).
REGULAR_TYPES = (MeetingType.REGULAR, MeetingType.COMBINED)
REGULAR_KINDS = tuple(t.value for t in REGULAR_TYPES)
# M4: the quarter's thematic meeting, alone or in one session with the regular one.
THEMATIC_TYPES = (MeetingType.THEMATIC, MeetingType.COMBINED)
THEMATIC_KINDS = tuple(t.value for t in THEMATIC_TYPES)


def counts_as_regular(t: MeetingType) -> bool:
    """M1/M3/M4: does a session of this type count as the month's regular meeting?"""
    return t in REGULAR_TYPES


def counts_as_thematic(t: MeetingType) -> bool:
    """M4: the quarter's thematic meeting may be held alone or after the regular one."""
    return t in THEMATIC_TYPES


def needs_regular_check(t: MeetingType) -> bool:
    """M1/M3: only sessions that count as the month's regular meeting are limited to one a
    month; thematic and extraordinary meetings may be held as often as needed."""
    return counts_as_regular(t)


def month_of(day: date) -> tuple[int, int]:
    """The (year, month) a meeting belongs to; `day` is already a local date (L1)."""
    return (day.year, day.month)


@dataclass(frozen=True)
class ZeroReport:
    """M8: "không sinh hoạt": the cell reports that it did not meet in a month, and why.

    A record of its own, so "did not meet" is never confused with "not reported yet" (K1).
    """

    year: int
    month: int
    reason: str

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1-12, not {self.month}")
        if not self.reason.strip():
            raise ValueError("a zero report needs a reason (M8)")


class Grade(StrEnum):
    """M9: the self-assessed quality of a meeting; stored by value in meetings.grade."""

    TOT = "tot"  # Tốt
    KHA = "kha"  # Khá
    TRUNG_BINH = "trung_binh"  # Trung bình
    KEM = "kem"  # Kém


@dataclass(frozen=True)
class GradeScale:
    """M9: the lowest score of each grade. Provinces weigh criteria differently, so the
    thresholds are data a profile may override, not constants in the code."""

    tot: int = 90
    kha: int = 70
    trung_binh: int = 50

    def __post_init__(self) -> None:
        if not 0 < self.trung_binh < self.kha < self.tot <= 100:
            raise ValueError("grade thresholds must rise: 0 < trung_binh < kha < tot <= 100")


DEFAULT_GRADE_SCALE = GradeScale()


def grade_for_score(score: int, scale: GradeScale = DEFAULT_GRADE_SCALE) -> Grade:
    """M9: Tốt ≥ 90, Khá 70 to < 90, Trung bình 50 to < 70, Kém < 50 (by default)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise ValueError(f"a score is a whole number from 0 to 100, not {score!r}")
    if score >= scale.tot:
        return Grade.TOT
    if score >= scale.kha:
        return Grade.KHA
    if score >= scale.trung_binh:
        return Grade.TRUNG_BINH
    return Grade.KEM


@dataclass(frozen=True)
class RuleProfile:
    """The thresholds a cell is judged by. Guides change (HD 12-2018 → HD 42) and localities
    differ, so every number here is a setting with today's national default."""

    # R4: HD 42 expects ≥ 90%; HD 12-2018 expected > 85% (threshold 17/20, not inclusive).
    attendance_threshold: Fraction = Fraction(9, 10)
    threshold_inclusive: bool = True
    # M5: HD 42; a small cell may set a shorter length locally.
    min_minutes: int = 90
    min_minutes_combined: int = 120
    # R4: HD 42 expects no unexcused absence at all.
    unexcused_allowed: bool = False
    # R5: warn the secretary at 2 months with an unexcused absence, flag at 3.
    removal_warn_months: int = 2
    removal_flag_months: int = 3
    # R6: flagged when excused more than this many times in a row.
    excused_streak: int = 3
    # Secretaries may correct a meeting until this day of the following month.
    correction_deadline_day: int = 5
    # M9: the lowest score of Tốt, Khá and Trung bình (below the last: Kém). Provinces weigh
    # the criteria differently, so the thresholds are settings, not code.
    grade_tot: int = DEFAULT_GRADE_SCALE.tot
    grade_kha: int = DEFAULT_GRADE_SCALE.kha
    grade_trung_binh: int = DEFAULT_GRADE_SCALE.trung_binh

    def __post_init__(self) -> None:
        t = self.attendance_threshold
        if not isinstance(t, Fraction) or not 0 < t <= 1:
            raise ValueError("attendance_threshold must be a Fraction in (0, 1]")
        if t == 1 and not self.threshold_inclusive:
            raise ValueError("a rate can never be above 100%: use an inclusive threshold")
        if not 1 <= self.min_minutes <= self.min_minutes_combined <= _MINUTES_PER_DAY:
            raise ValueError("need 1 <= min_minutes <= min_minutes_combined <= 1440")
        if not 1 <= self.removal_warn_months <= self.removal_flag_months <= 12:
            raise ValueError("need 1 <= removal_warn_months <= removal_flag_months <= 12")
        if not 0 <= self.excused_streak <= 100:
            raise ValueError("excused_streak must be 0-100")
        # 28 so that the day exists in every month, February included.
        if not 1 <= self.correction_deadline_day <= 28:
            raise ValueError("correction_deadline_day must be 1-28")
        if not 0 < self.grade_trung_binh < self.grade_kha < self.grade_tot <= 100:
            raise ValueError(
                "grade thresholds must fall from grade_tot to grade_trung_binh within 1-100: "
                f"{self.grade_tot} > {self.grade_kha} > {self.grade_trung_binh} does not"
            )

    @property
    def grade_scale(self) -> GradeScale:
        """M9: the thresholds a score is graded by."""
        return GradeScale(tot=self.grade_tot, kha=self.grade_kha, trung_binh=self.grade_trung_binh)

    def grade_for(self, score: int) -> Grade:
        """M9: the grade of a self-assessed score under this profile's thresholds."""
        return grade_for_score(score, self.grade_scale)

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> RuleProfile:
        """The profile with an organisation's overrides (Org.settings, JSON).

        Keys are the field names; other keys belong to other features and are ignored.
        The threshold may be written as a fraction "9/10", a decimal 0.9 or "0.9" (never
        as 90: is 1 then 1% or 100%?). Wrong types and ranges raise ValueError.
        """
        overrides: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in settings:
                continue
            value = settings[f.name]
            if f.name == "attendance_threshold":
                overrides[f.name] = _fraction(value)
            elif f.name in _BOOL_FIELDS:
                if not isinstance(value, bool):
                    raise ValueError(f"{f.name} must be true or false, not {value!r}")
                overrides[f.name] = value
            else:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{f.name} must be a whole number, not {value!r}")
                overrides[f.name] = value
        return cls(**overrides)


_MINUTES_PER_DAY = 24 * 60
_BOOL_FIELDS = frozenset({"threshold_inclusive", "unexcused_allowed"})


def _fraction(value: object) -> Fraction:
    # JSON has no fractions: go through the decimal text so that 0.9 is exactly 9/10,
    # not the binary float just below it (R4 compares exact fractions).
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"attendance_threshold must be a number or a fraction, not {value!r}")
    try:
        return Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"attendance_threshold is not a number: {value!r}") from exc


# Problem codes of validate_meeting_date; handlers map them to messages.
FUTURE = "future"
BEFORE_CELL = "before_cell"


def validate_meeting_date(day: date, *, today: date, cell_founded: date | None) -> str | None:
    """A problem code for an impossible meeting date, or None. All dates are local (L1):
    the caller converts "now" to Asia/Ho_Chi_Minh first, so 23:30 UTC is already tomorrow."""
    if day > today:
        return FUTURE  # meetings are logged after they are held
    if cell_founded is not None and day < cell_founded:
        return BEFORE_CELL
    return None


def correction_deadline(meeting_day: date, profile: RuleProfile) -> date:
    """The last day a secretary may correct a meeting: the profile's day (the 5th by
    default) of the month after the meeting; December's runs into January."""
    year, month0 = divmod(meeting_day.year * 12 + meeting_day.month, 12)  # month0: 0-11
    return date(year, month0 + 1, profile.correction_deadline_day)


def can_correct(meeting_day: date, today: date, *, is_admin: bool, profile: RuleProfile) -> bool:
    """Admins of the upper committee may always correct (they confirm the figures); a
    secretary until and including the deadline, after which the month's report is closed."""
    return is_admin or today <= correction_deadline(meeting_day, profile)


# The keys of Org.settings the rule profile reads (the CLI refuses others but "reminders").
PROFILE_KEYS = frozenset(f.name for f in fields(RuleProfile))
GRADE_KEYS = ("grade_tot", "grade_kha", "grade_trung_binh")  # M9, highest first


def grade_thresholds(settings: dict[str, Any]) -> tuple[object, object, object]:
    """M9: the (Tốt, Khá, Trung bình) thresholds merged settings give, defaults filled in:
    what to show when they are refused."""
    default = RuleProfile()
    tot, kha, tb = (settings.get(k, getattr(default, k)) for k in GRADE_KEYS)
    return tot, kha, tb
