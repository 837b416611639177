"""Building members from roster rows: name checks, duplicates, R1 status history, warnings.

Used by bot.intake.roster_import, which documents the problem codes. Pure. Rule IDs refer to
../shared/DOMAIN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain.model import LEAVING_STATUSES, TEMPORARY_STATUSES, MemberStatus
from bot.domain.names import person_name_problem
from bot.domain.text import fold, sort_key
from bot.domain.words import Problem, RowProblem
from bot.intake.roster_status import StatusEvent

S = MemberStatus


@dataclass(frozen=True)
class StatusSpan:
    """R1: a status from `start`; `end` is inclusive, None = open.

    Spans are not cut at the next one: as in storage (bot.domain.roster.status_on) the span
    that started last wins, so when a dated exemption ends the member is again what the
    earlier span says.
    """

    status: MemberStatus
    start: date
    end: date | None = None


class HistoryError(Exception):
    """The row contradicts itself; `problem` says how."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def fmt_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")  # L2


def one_year_after(day: date) -> date:
    """R1: the end of the 12-month probation (29/02 → 28/02)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def build_history(
    admitted: date | None,
    official: date | None,
    events: list[StatusEvent],
    *,
    today: date,
) -> tuple[list[StatusSpan], list[Problem], bool]:
    """(spans in chronological order, warnings, status assumed?) for one member.

    R1: admission starts the probation, the official date ends it; "Chính thức"/"Dự bị"
    words confirm or stand in for those dates; other statuses (exempted, sent elsewhere,
    guest, suspended, left) start on their "từ" date, or today with a warning. A row
    that says nothing at all gives "official from today", flagged as assumed.
    Raises HistoryError for contradictions.
    """
    base = [e for e in events if e.status in (S.OFFICIAL, S.PROBATIONARY)]
    others = [e for e in events if e.status not in (S.OFFICIAL, S.PROBATIONARY)]
    # "Dự bị từ 03/02/2026" / "chính thức từ …" in the notes stand for the date columns.
    admitted = admitted or next((e.start for e in base if e.status is S.PROBATIONARY), None)
    official = official or next((e.start for e in base if e.status is S.OFFICIAL), None)
    says_probationary = any(e.status is S.PROBATIONARY and e.start is None for e in base)
    says_official = any(e.status is S.OFFICIAL and e.start is None for e in base)
    if says_probationary and (official is not None or says_official):
        shown = fmt_date(official) if official else "?"
        raise HistoryError(Problem("status_conflict", {"official": shown}))
    if admitted and official and official < admitted:
        params = {"official": fmt_date(official), "admitted": fmt_date(admitted)}
        raise HistoryError(Problem("official_before_admission", params))

    spans: list[StatusSpan] = []
    if admitted:
        spans.append(StatusSpan(S.PROBATIONARY, admitted))
    if official:
        spans.append(StatusSpan(S.OFFICIAL, official))
    elif says_official:
        # "Chính thức" without the date: R1 probation lasts 12 months from admission.
        spans.append(
            StatusSpan(S.OFFICIAL, min(one_year_after(admitted), today) if admitted else today)
        )
    elif says_probationary and not admitted:
        spans.append(StatusSpan(S.PROBATIONARY, today))

    warnings: list[Problem] = []
    extra: list[StatusSpan] = []
    for e in others:
        start = e.start
        if start is None:
            start = today
            if e.status is S.EXEMPTED:
                warnings.append(Problem("exempt_no_date", {"date": fmt_date(today)}))
            else:
                warnings.append(
                    Problem("status_no_date", {"status": e.status.value, "date": fmt_date(today)})
                )
        if admitted and start < admitted:
            params = {
                "status": e.status.value,
                "date": fmt_date(start),
                "admitted": fmt_date(admitted),
            }
            raise HistoryError(Problem("status_before_admission", params))
        end = e.end if e.status in TEMPORARY_STATUSES else None
        if end is not None and end < start:
            raise HistoryError(
                Problem("end_before_start", {"start": fmt_date(start), "end": fmt_date(end)})
            )
        extra.append(StatusSpan(e.status, start, end))

    assumed = False
    if not spans and (not extra or any(s.end for s in extra if s.status is not S.GUEST)):
        # Nothing says what the member is (or a dated exemption needs something to
        # return to): official, from the earliest date known.
        spans.append(StatusSpan(S.OFFICIAL, min([s.start for s in extra] + [today])))
        assumed = True

    left = any(s.status in LEAVING_STATUSES for s in extra)
    if admitted and not official and not says_official and not left:
        due = one_year_after(admitted)
        if today > due:
            warnings.append(
                Problem("probation_overdue", {"admitted": fmt_date(admitted), "due": fmt_date(due)})
            )
    # Stable sort: on the same day the base status comes first, so the later entry
    # (an exemption starting the day of admission) wins as it does in storage.
    return sorted(spans + extra, key=lambda s: s.start), warnings, assumed


@dataclass
class ParsedMember:
    """A member ready to be added: the name as written (NFC, L5) and a status history
    (R1) in chronological order. `status_assumed`: nothing in the row said what the
    member is, so the history is "official from today" and the preview should say so."""

    row: int
    full_name: str
    statuses: list[StatusSpan]
    warnings: list[Problem] = field(default_factory=list)
    status_assumed: bool = False


@dataclass
class ParseResult:
    members: list[ParsedMember]
    rejected: list[RowProblem]
    header_row: int | None  # 1-based; None for pasted text
    source_kind: str  # "csv", "xlsx", "xls" or "text"
    encoding: str | None = None  # #15: "tcvn3"/"vni" when the file was turned into Unicode


# One rule for names in a file and names typed in the bot (#12); bot.intake.roster_import checks a
# row's name first with it.
name_problem = person_name_problem


@dataclass
class Collector:
    """Accepted members, rejected rows and the duplicate index of one import."""

    today: date
    members: list[ParsedMember] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    exact: dict[str, ParsedMember] = field(default_factory=dict)  # sort_key → first
    folded: dict[str, ParsedMember] = field(default_factory=dict)  # fold → first

    def add(
        self,
        row: int,
        raw: str,
        name: str,
        events: list[StatusEvent],
        *,
        admitted: date | None = None,
        official: date | None = None,
        born: date | int | None = None,
        warnings: list[Problem] | None = None,
    ) -> None:
        """Validate one member and keep it, or record why it was rejected."""
        try:
            problem = name_problem(name)
            if problem is not None:
                raise HistoryError(problem)
            # Duplicates: the same letters and tones (case and tone-mark placement
            # ignored, L5) is the same person. Names that fold equal but differ in
            # diacritics ("Tâm"/"Tám") are often two people: kept, with a warning.
            first = self.exact.get(sort_key(name))
            if first is not None:
                params = {"name": first.full_name, "first_row": str(first.row)}
                raise HistoryError(Problem("duplicate_in_file", params))
            spans, found, assumed = build_history(admitted, official, events, today=self.today)
        except HistoryError as exc:
            self.rejected.append(RowProblem(row, raw, exc.problem))
            return
        notes = list(warnings or [])
        if admitted is not None and born is not None:
            notes.extend(_age_warnings(admitted, born))
        notes.extend(found)
        similar = self.folded.get(fold(name))
        if similar is not None:
            params = {"name": similar.full_name, "row": str(similar.row)}
            notes.append(Problem("similar_name_in_file", params))
        member = ParsedMember(row, name, spans, notes, assumed)
        self.members.append(member)
        self.exact[sort_key(name)] = member
        self.folded.setdefault(fold(name), member)

    def result(self, header_row: int | None, kind: str, encoding: str | None = None) -> ParseResult:
        return ParseResult(self.members, self.rejected, header_row, kind, encoding)


def _age_warnings(admitted: date, born: date | int) -> list[Problem]:
    """Admission under 18 or before birth: kept with a warning (the sample files have
    such rows; they are typing mistakes the secretary should look at).

    With only a birth year the age is the difference of years, which can be one too
    high: a difference under 18 is certainly under 18, so nothing is flagged wrongly.
    """
    if isinstance(born, int):
        shown, before, age = str(born), admitted.year < born, admitted.year - born
    else:
        shown, before = fmt_date(born), admitted < born
        age = admitted.year - born.year - ((admitted.month, admitted.day) < (born.month, born.day))
    params = {"admitted": fmt_date(admitted), "born": shown}
    if before:
        return [Problem("admitted_before_birth", params)]
    if age < 18:
        return [Problem("admitted_under_18", {**params, "age": str(age)})]
    return []
