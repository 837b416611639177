"""Turn a logged meeting into the data of its minutes draft (R1-R3, L4, M9), pure.

The caller passes the roster in L4 order, the names of the organisations above the cell and
the display names of the cell's secretaries; this module decides who goes in which list,
what the header says and who is pre-filled as the chair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time

from bot.domain.meeting_rules import Grade
from bot.domain.meetings import Attendance, MeetingType, split_roster
from bot.domain.model import MemberStatus
from bot.domain.roster import StatusEntry, status_on
from bot.domain.text import fold, normalize
from bot.render.docx_page import locality, party_organisation
from bot.render.minutes import MinutesData, Person

UPPER_SEPARATOR = " – "  # how the meeting flow stores "name – post" (handlers/meeting/people)


def cell_title(name: str) -> str:
    """The cell as its documents name it: "Chi bộ Khu phố 5" ("Khu phố 5" gets "Chi bộ")."""
    name = " ".join(normalize(name).split())
    return name if fold(name).startswith("chi bo") else f"Chi bộ {name}"


def upper_person(stored: str | None) -> Person | None:
    """ "Trần Văn Hải – Đảng ủy viên phụ trách" as typed on the meeting (R1), or None."""
    name, _sep, post = normalize(stored or "").partition(UPPER_SEPARATOR)
    name = " ".join(name.split())
    return Person(name, " ".join(post.split()) or None) if name else None


def chair_of(secretaries: Sequence[str], roster_names: Sequence[str]) -> str | None:
    """The cell's secretary as the roster writes them, to pre-fill the chair: the one member
    whose name holds every word (L5-folded) of the one secretary's Telegram name ("Hòa Trần"
    finds "Trần Thị Hòa"). None when there is not exactly one secretary, the name has a
    single word, or the roster has no such member or several: a dotted line is then left."""
    if len(secretaries) != 1:
        return None
    words = fold(secretaries[0]).split()
    if len(words) < 2:
        return None
    found = [n for n in roster_names if _holds(fold(n).split(), words)]
    return normalize(found[0]) if len(found) == 1 else None


def _holds(name: list[str], words: list[str]) -> bool:
    rest = list(name)
    for word in words:
        if word not in rest:
            return False
        rest.remove(word)
    return True


def _grade(stored: str | None) -> Grade | None:
    try:
        return Grade(stored) if stored else None
    except ValueError:
        return None


def minutes_data(
    *,
    chain: Sequence[str],
    cell: str,
    kind: MeetingType,
    day: date,
    start: time | None,
    length: int | None,
    roster: Sequence[tuple[int, str, Sequence[StatusEntry]]],
    marks: Mapping[int, Attendance],
    reasons: Mapping[int, str],
    voluntary: set[int],
    guests: Sequence[tuple[str, str | None]],
    topic: str | None,
    upper_attendee: str | None = None,
    secretaries: Sequence[str] = (),
    grade: str | None = None,
    score: int | None = None,
) -> MinutesData:
    """`chain`: the names of the organisations above the cell, its parent first. `length`:
    the length as recorded, None when only the type's default was kept (M5)."""
    split = split_roster(((i, h) for i, _n, h in roster), day)
    names = {i: n for i, n, _h in roster}
    status = {i: status_on(h, day) for i, _n, h in roster}
    probationary = {i for i in split.eligible if status[i] == MemberStatus.PROBATIONARY}
    present = [i for i in split.eligible if marks.get(i, Attendance.PRESENT) == Attendance.PRESENT]

    # The secretary chairs the meeting they attended; an absent one was replaced by someone.
    chair = chair_of(secretaries, [names[i] for i in split.eligible])

    def person(i: int) -> Person:
        return Person(names[i], attended=i in voluntary)  # R2: came, never in the rate

    return MinutesData(
        organisation=party_organisation(chain[0]) if chain else None,
        cell=cell_title(cell),
        place=locality(chain),
        kind=kind,
        day=day,
        start=start,
        minutes=length,
        topic=topic,
        official=len(split.eligible) - len(probationary),
        probationary=len(probationary),
        present_official=sum(1 for i in present if i not in probationary),
        present_probationary=sum(1 for i in present if i in probationary),
        absent_excused=[
            Person(names[i], reasons.get(i))
            for i in split.eligible
            if marks.get(i) == Attendance.EXCUSED
        ],
        absent_unexcused=[
            Person(names[i]) for i in split.eligible if marks.get(i) == Attendance.UNEXCUSED
        ],
        exempted=[person(i) for i in split.exempted],
        elsewhere=[person(i) for i in split.elsewhere],
        suspended=sum(1 for s in status.values() if s == MemberStatus.SUSPENDED),
        guest_members=[person(i) for i in split.guests],
        guests=[Person(n, note) for n, note in guests],
        upper_attendee=upper_person(upper_attendee),
        chair=chair if chair in {names[i] for i in present} else None,
        grade=_grade(grade),
        score=score,
    )
