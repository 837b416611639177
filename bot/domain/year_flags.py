"""R5/R6 for many members at once (#4, #6): who is a candidate, who is still to be judged,
and how each is judged. bot/services/year_flags.py reads the rows (storage/yearly.py) and
asks these; bot.domain.member_history judges one member, the same rules as their attendance screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from bot.domain.meeting_rules import REGULAR_KINDS, MeetingType, RuleProfile
from bot.domain.member_history import (
    MarkedMeeting,
    MemberYear,
    eligible_all_year,
    levels_all_year,
    member_year,
    year_levels,
)
from bot.domain.model import LEAVING_STATUSES
from bot.domain.roster import StatusEntry, status_on

Level = Literal["none", "warn", "flag"]
KINDS = {t.value: t for t in MeetingType}  # meetings.kind → MeetingType, without Enum's call


def thresholds(profiles: Iterable[RuleProfile]) -> tuple[int, int]:
    """(unexcused marks, excused marks) from which a member may reach R5's warning or R6 under
    one of these profiles: the candidates are the members with at least either."""
    ps = list(profiles)
    # R6: *more than* the limit.
    return min(p.removal_warn_months for p in ps), min(p.excused_streak for p in ps) + 1


def still_in_cell(history: Sequence[StatusEntry], today: date) -> bool:
    """A member who has left the cell by `today` leaves nothing for it to consider (R5, R6)."""
    now = status_on(history, today)
    return now is not None and now not in LEAVING_STATUSES


@dataclass(frozen=True)
class MemberRecord:
    """A member whose year reaches R5's warning or R6, judged by their cell's profile."""

    member_id: int
    full_name: str
    cell_id: int
    year: MemberYear


def record(
    year: int,
    person: Any,
    history: Sequence[StatusEntry],
    held: Iterable[MarkedMeeting],
    own: Mapping[int, tuple[str, str | None]],
    profile: RuleProfile,
) -> MemberRecord | None:
    """The member's year over the cell's meetings `held` (unmarked) with their own marks
    (meeting → (mark, reason)), when it reaches R5's warning or R6."""
    meetings = [
        replace(m, mark=own[m.id][0], reason=own[m.id][1]) if m.id in own else m for m in held
    ]
    judged = member_year(year, history, meetings, profile)
    if judged.r5 != "none" or judged.r6:
        return MemberRecord(person.id, person.full_name, person.cell_id, judged)
    return None


@dataclass
class Absences:
    """A candidate's excused and unexcused absences of the year at the cell's saved meetings:
    rows (member_id, cell_id, meeting_id, held_on, kind, place, mark), place being the
    meeting's among the cell's saved meetings of the year in (held_on, id) order, from 1;
    and the same sorted for R5 and R6."""

    cell_id: int
    rows: list[Any]
    unexcused_regular: list[date] = field(default_factory=list)  # their days (R5)
    excused_places: list[int] = field(default_factory=list)  # R6

    def own(self) -> list[MarkedMeeting]:
        return [
            MarkedMeeting(r.meeting_id, r.held_on, KINDS[r.kind], r.mark, None) for r in self.rows
        ]


def by_member(rows: Iterable[Any], cells: Mapping[int, object]) -> dict[int, Absences]:
    """The absence rows of the members of `cells`, grouped by member."""
    out: dict[int, Absences] = {}
    regular = frozenset(REGULAR_KINDS)
    for row in rows:
        member_id, cell_id, _meeting_id, held_on, kind, place, mark = row
        if cell_id not in cells or held_on is None:
            continue
        a = out.get(member_id)
        if a is None:
            a = out[member_id] = Absences(cell_id, [])
        a.rows.append(row)
        if mark == "excused":
            a.excused_places.append(place)
        elif kind in regular:  # R5: absences at the month's regular meeting
            a.unexcused_regular.append(held_on)
    return out


# How a member is judged: "steady" counted at every meeting of the year, so their own
# absences and places decide (levels_all_year); "own" cannot reach R6, their own absences
# decide R5; "meetings" over the cell's meetings, one by one.
How = Literal["steady", "own", "meetings"]


def how_judged(year: int, history: Sequence[StatusEntry], a: Absences, profile: RuleProfile) -> How:
    """For a member who counted at every meeting of the year, their absences and places are
    all the judgement needs: R5 counts the months of unexcused absences, and a run of excused
    absences (R6) is absences at consecutive places, since any meeting between was attended
    or missed without reason. For the others, R5 needs their own absences too, and R6 can be
    reached only with more excused absences than its limit (a run is at most all of them)."""
    if eligible_all_year(history, year):
        return "steady"
    return "own" if len(a.excused_places) <= profile.excused_streak else "meetings"


def levels(
    year: int,
    history: Sequence[StatusEntry],
    a: Absences,
    profile: RuleProfile,
    how: How,
    held: Iterable[MarkedMeeting],
) -> tuple[Level, bool]:
    """(R5 level, R6) as member_year would find them; `held` is the cell's meetings of the
    year (unmarked), read only for "meetings"."""
    if how == "steady":
        return levels_all_year(a.unexcused_regular, a.excused_places, profile)
    own = a.own()
    if how == "meetings":
        marks = {m.id: m.mark for m in own}
        return year_levels(year, history, held, marks, profile)
    return year_levels(year, history, own, {}, profile)
