"""Attendance at a meeting (R1-R6): who counts, the tally, the flags, the summary line,
and the per-member yearly counters behind the R5/R6 warnings.

Pure functions over plain data. Rates are exact Fractions: R4 compares them, and only
the summary line rounds for display. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from bot.domain.meeting_rules import MeetingType, RuleProfile
from bot.domain.model import ELIGIBLE_STATUSES, MemberStatus
from bot.domain.roster import StatusEntry, status_on
from bot.domain.words import Words


class Attendance(StrEnum):
    """R3: a member's mark at a meeting; stored by value in meeting_attendance.mark."""

    PRESENT = "present"
    EXCUSED = "excused"  # vắng có lý do (with a free-text reason)
    UNEXCUSED = "unexcused"  # vắng không có lý do


_NEXT_MARK = {
    Attendance.PRESENT: Attendance.EXCUSED,
    Attendance.EXCUSED: Attendance.UNEXCUSED,
    Attendance.UNEXCUSED: Attendance.PRESENT,
}


def next_mark(a: Attendance) -> Attendance:
    """The attendance screen's tap cycle: present → excused → unexcused → present."""
    return _NEXT_MARK[a]


@dataclass(frozen=True)
class RosterSplit:
    """R1: the cell's members on a meeting day, by how they count. Lists keep input order."""

    eligible: list[int]  # official and probationary: the denominator (R2)
    exempted: list[int]  # may attend voluntarily, never counted
    elsewhere: list[int]  # sent temporarily to another cell, named in the minutes
    guests: list[int]  # guest members from another cell, listed separately


def split_roster(members: Iterable[tuple[int, Sequence[StatusEntry]]], day: date) -> RosterSplit:
    """R1: sort members by their status *on the meeting day*, so a status changed later
    never rewrites an old meeting. Suspended members, those who have left and those who
    had not joined yet are in no list."""
    split = RosterSplit([], [], [], [])
    seen: set[int] = set()
    for member_id, history in members:
        if member_id in seen:
            # Counting someone twice would silently skew the rate (R2).
            raise ValueError(f"member {member_id} appears twice")
        seen.add(member_id)
        status = status_on(history, day)
        if status in ELIGIBLE_STATUSES:
            split.eligible.append(member_id)
        elif status == MemberStatus.EXEMPTED:
            split.exempted.append(member_id)
        elif status == MemberStatus.TEMP_ELSEWHERE:
            split.elsewhere.append(member_id)
        elif status == MemberStatus.GUEST:
            split.guests.append(member_id)
    return split


@dataclass(frozen=True)
class Tally:
    """The counts of one meeting. present + excused + unexcused == eligible always."""

    eligible: int
    present: int
    excused: int
    unexcused: int
    exempted: int
    exempted_present: int  # exempted or sent-elsewhere members who came anyway
    elsewhere: int
    guests_present: int

    def __post_init__(self) -> None:
        counts = (
            self.eligible,
            self.present,
            self.excused,
            self.unexcused,
            self.exempted,
            self.exempted_present,
            self.elsewhere,
            self.guests_present,
        )
        if min(counts) < 0:
            raise ValueError("counts cannot be negative")
        if self.present + self.excused + self.unexcused != self.eligible:
            raise ValueError("every eligible member is present, excused or unexcused (R3)")
        if self.exempted_present > self.exempted + self.elsewhere:
            raise ValueError("more voluntary attendees than exempted and sent-elsewhere members")

    @property
    def rate(self) -> Fraction | None:
        """R2: present eligible / eligible, exact; None when nobody was eligible. Nobody
        outside the eligible set is in it, so it never exceeds 1."""
        if self.eligible == 0:
            return None
        return Fraction(self.present, self.eligible)


def tally(
    split: RosterSplit, marks: Mapping[int, Attendance], voluntary: Iterable[int] = ()
) -> Tally:
    """Count a meeting. Eligible members without a mark are present: the screen starts
    from "✅ all present" and the secretary only taps the absent.

    Marks for anyone outside the eligible set are ignored (R2). `voluntary` names the
    non-eligible members who attended: exempted and sent-elsewhere ones go to
    exempted_present, guest members to guests_present; neither enters the rate.
    """
    counts = dict.fromkeys(Attendance, 0)
    for member_id in split.eligible:
        counts[marks.get(member_id, Attendance.PRESENT)] += 1
    came = set(voluntary)
    return Tally(
        eligible=len(split.eligible),
        present=counts[Attendance.PRESENT],
        excused=counts[Attendance.EXCUSED],
        unexcused=counts[Attendance.UNEXCUSED],
        exempted=len(split.exempted),
        exempted_present=len(came & {*split.exempted, *split.elsewhere}),
        elsewhere=len(split.elsewhere),
        guests_present=len(came & set(split.guests)),
    )


class Flag(StrEnum):
    """What the confirmation screen and the roll-ups (K1, K3) point out about a meeting."""

    BELOW_THRESHOLD = "below_threshold"  # R4
    UNEXCUSED_ABSENCE = "unexcused_absence"  # R4
    TOO_SHORT = "too_short"  # M5
    NO_ELIGIBLE = "no_eligible"  # nobody to count: the rate is undefined


def min_minutes_for(t: MeetingType, profile: RuleProfile) -> int | None:
    """M5: the minimum length of a session of this type, or None when there is none.

    HD 42 sets the length of regular and thematic meetings (120 when they share a
    session); an extraordinary meeting is called for one matter and may be short.
    """
    if t == MeetingType.COMBINED:
        return profile.min_minutes_combined
    if t == MeetingType.EXTRAORDINARY:
        return None
    return profile.min_minutes


def default_minutes(t: MeetingType, profile: RuleProfile) -> int:
    """M5: the length a new record of this type starts with: the rule's minimum (90, or 120
    combined); an extraordinary meeting, which has none, starts at the regular minimum."""
    return min_minutes_for(t, profile) or profile.min_minutes


def meets_threshold(rate: Fraction, profile: RuleProfile) -> bool:
    """R4 on the exact fraction: 2249/2500 shows as "90,0%" but is below 90%."""
    if profile.threshold_inclusive:
        return rate >= profile.attendance_threshold
    return rate > profile.attendance_threshold


def flags(t: Tally, meeting_type: MeetingType, minutes: int, profile: RuleProfile) -> list[Flag]:
    """The problems of one meeting, in a fixed order."""
    out: list[Flag] = []
    rate = t.rate
    if rate is None:
        out.append(Flag.NO_ELIGIBLE)
    elif not meets_threshold(rate, profile):
        out.append(Flag.BELOW_THRESHOLD)
    if t.unexcused and not profile.unexcused_allowed:
        out.append(Flag.UNEXCUSED_ABSENCE)
    minimum = min_minutes_for(meeting_type, profile)
    if minimum is not None and minutes < minimum:
        out.append(Flag.TOO_SHORT)
    return out


def summary_line(t: Tally, tr: Words) -> str:
    """The one-line tally of the confirmation screen, e.g. "Có mặt 17/19 (89,5%) · vắng có
    lý do 1 · vắng không lý do 1 · miễn sinh hoạt 2 · sinh hoạt nơi khác 1". Zero counts
    are left out."""
    counts = {"present": tr.number(t.present), "eligible": tr.number(t.eligible)}
    rate = t.rate
    if rate is None:
        parts = [tr.gettext("Present {present}/{eligible}").format(**counts)]
    else:
        # The percentage is display only; R4 was judged on the exact fraction.
        parts = [
            tr.gettext("Present {present}/{eligible} ({rate})").format(
                **counts, rate=tr.percent(rate)
            )
        ]
    # A label and a number, so no plural forms are needed in any language.
    if t.excused:
        parts.append(tr.gettext("excused {n}").format(n=tr.number(t.excused)))
    if t.unexcused:
        parts.append(tr.gettext("unexcused {n}").format(n=tr.number(t.unexcused)))
    if t.exempted:
        parts.append(tr.gettext("exempted {n}").format(n=tr.number(t.exempted)))
    if t.elsewhere:  # R1: sent temporarily to another cell, not in the denominator
        parts.append(tr.gettext("elsewhere {n}").format(n=tr.number(t.elsewhere)))
    return " · ".join(parts)


def unexcused_months(records: Iterable[tuple[date, Attendance]], year: int) -> set[int]:
    """R5: the months of `year` in which the member missed a meeting without reason.

    The caller passes marks of regular and combined meetings only: "ba tháng trong năm"
    counts months of a calendar year, consecutive or not.
    """
    return {day.month for day, mark in records if day.year == year and mark == Attendance.UNEXCUSED}


def longest_excused_streak(records_in_date_order: Iterable[tuple[date, Attendance]]) -> int:
    """R6: the longest run of consecutive excused absences. Presence or an unexcused
    absence breaks the run. Sorted here too (stably) so an unsorted query cannot
    hide a streak."""
    longest = run = 0
    for _, mark in sorted(records_in_date_order, key=lambda r: r[0]):
        run = run + 1 if mark == Attendance.EXCUSED else 0
        longest = max(longest, run)
    return longest


def r5_level(months: int, profile: RuleProfile) -> Literal["none", "warn", "flag"]:
    """R5: warn the secretary at 2 months, flag at 3. The bot never removes anyone."""
    if months >= profile.removal_flag_months:
        return "flag"
    if months >= profile.removal_warn_months:
        return "warn"
    return "none"


def r6_flag(streak: int, profile: RuleProfile) -> bool:
    """R6: excused *more than* 3 times in a row (by default)."""
    return streak > profile.excused_streak
