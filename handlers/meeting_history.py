"""📚 The meeting history (issue #3): the cell's year, and one member's attendance record.

mh:y:<cell>:<year>    the cell's meetings month by month (M1, M3, M4, M8), with rates (R2)
mh:m:<member>:<year>  one member's record (R1-R3) with the R5/R6 status, private chats only (S2)
Figures come from bot.domain.history; the meeting buttons (mt:open:<meeting>) open the meeting card.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import ClassVar

from bot.domain.history import (
    CellYear,
    MarkedMeeting,
    MemberMeeting,
    MemberYear,
    MonthStatus,
    Presence,
    QuarterStatus,
    YearMeeting,
    cell_year,
    member_year,
    stored_tally,
)
from bot.domain.meetings import MeetingType, RuleProfile, Tally, ZeroReport
from bot.render import labels
from bot.render.callbacks import Callback
from bot.render.i18n import N_
from storage import history, members, orgs, zero_reports
from storage.models import Member, Org

from .base import Button, Stale, Turn, esc, inline
from .meeting.buttons import OpenMeeting
from .meeting.common import TYPE_LABELS, log_cell
from .roster import roster_member

MAX_MEETING_BUTTONS = 40  # the latest ones; Telegram allows ~100 buttons a message
TEXT_BUDGET = 3900  # UTF-16 units, under Telegram's 4096 with room for the last lines
REASON_CHARS = 60
FIRST_YEAR = 1930  # the Party's founding: no cell has meetings before it

MONTH_ICON = {
    MonthStatus.HELD: "✅",
    MonthStatus.ZERO_REPORT: "🚫",
    MonthStatus.NOT_REPORTED: "⏳",
}
QUARTER_TEXT = {
    QuarterStatus.MISSING: N_("⚠️ Q{quarter} · no thematic meeting"),
    QuarterStatus.OPEN: N_("⏳ Q{quarter} · no thematic meeting yet"),
}
PRESENCE_ICON = {
    Presence.PRESENT: "✅",
    Presence.EXCUSED: "🟡",
    Presence.UNEXCUSED: "❌",
    Presence.VOLUNTARY: "☑️",
    Presence.NOT_COUNTED: "▫️",
}


@dataclasses.dataclass(frozen=True)
class CellYearView(Callback):
    """📚 The cell's meetings of a year."""

    prefix: ClassVar[str] = "mh:y"
    cell: int
    year: int


@dataclasses.dataclass(frozen=True)
class MemberYearView(Callback):
    """📋 One member's attendance record of a year."""

    prefix: ClassVar[str] = "mh:m"
    member: int
    year: int


def _units(text: str) -> int:
    """Telegram measures a message in UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def _year(turn: Turn, year: int) -> int:
    if not FIRST_YEAR <= year <= turn.today.year:
        raise Stale  # navigation never goes past this year: the data is forged or old
    return year


def _day(day: date) -> str:
    return f"{day:%d/%m}"  # L2, the year is in the title


def _rate(turn: Turn, t: Tally) -> str:
    counts = f"{turn.t.number(t.present)}/{turn.t.number(t.eligible)}"
    return counts if t.rate is None else f"{counts} ({turn.t.percent(t.rate)})"


def _kind(turn: Turn, kind: MeetingType) -> str:
    return turn._(TYPE_LABELS[kind])


async def _year_nav(
    turn: Turn, cell: Org, year: int, data: Callable[[int], Callback]
) -> list[Button]:
    """« year-1 back to the first year with data, year+1 » up to this year."""
    first = await history.first_year(turn.session, cell.id)
    nav: list[Button] = []
    if first is not None and year - 1 >= first:
        nav.append((f"« {year - 1}", data(year - 1).pack()))
    if year + 1 <= turn.today.year:
        nav.append((f"{year + 1} »", data(year + 1).pack()))
    return nav


# --- The cell's year ---------------------------------------------------------------------


async def cell_year_view(turn: Turn, data: CellYearView) -> None:
    """📚 the cell's meetings of a year."""
    turn.require(turn.is_private)
    cell = await log_cell(turn, data.cell)
    year = _year(turn, data.year)
    roster = [(m.id, m.statuses) for m in await members.list_members(turn.session, cell.id)]
    held = [
        YearMeeting(m.id, m.held_on, MeetingType(m.kind), stored_tally(roster, m.held_on, marks))
        for m, marks in await history.year_with_marks(turn.session, cell.id, year)
        if m.held_on is not None
    ]
    zero = [
        ZeroReport(z.year, z.month, z.reason)
        for z in await zero_reports.for_year(turn.session, cell.id, year)
    ]
    summary = cell_year(year, held, zero, turn.today)
    rows = _meeting_buttons(turn, summary.meetings)
    rows.append(await _year_nav(turn, cell, year, lambda y: CellYearView(cell.id, y)))
    await turn.show(_year_text(turn, cell, summary), inline(rows))


def _year_text(turn: Turn, cell: Org, y: CellYear) -> str:
    _ = turn._
    lines = [_("<b>Meetings of {year}</b> · {cell}").format(year=y.year, cell=esc(cell.name))]
    for m in y.months:
        if m.status == MonthStatus.FUTURE:
            continue
        head = f"{MONTH_ICON[m.status]} " + _("M{month}").format(month=m.month)
        if m.regular is not None:
            r = m.regular
            line = f"{head} · {_day(r.held_on)} · {_kind(turn, r.kind)} · {_rate(turn, r.tally)}"
        elif m.status == MonthStatus.ZERO_REPORT:
            line = f"{head} · " + _("did not meet: {reason}").format(reason=esc(m.reason or ""))
        else:
            line = f"{head} · " + _("not reported yet")
        if m.others:
            n = len(m.others)
            line += " · " + turn.n_("+{n} other meeting", "+{n} other meetings", n).format(n=n)
        lines.append(line)
    quarters = [q for q in y.quarters if q.status != QuarterStatus.FUTURE]
    if quarters:
        lines += ["", _("<b>Thematic meetings</b> (at least one a quarter)")]
    for q in quarters:
        if q.thematic:
            days = ", ".join(_day(m.held_on) for m in q.thematic)
            lines.append(_("✅ Q{quarter} · {days}").format(quarter=q.quarter, days=days))
        else:
            lines.append(_(QUARTER_TEXT[q.status]).format(quarter=q.quarter))
    lines += [
        "",
        _(
            "<b>Regular meetings</b>: {held}/{months} months · did not meet {zero} · not reported {missing}"
        ).format(
            held=y.regular_months,
            months=y.months_so_far,
            zero=y.zero_months,
            missing=y.not_reported,
        ),
    ]
    if y.mean_rate is not None:
        lines.append(
            _("Mean attendance at regular meetings: {rate}").format(
                rate=turn.t.percent(y.mean_rate)
            )
        )
    if len(y.meetings) > MAX_MEETING_BUTTONS:
        lines.append(_("The buttons open the latest {n} meetings.").format(n=MAX_MEETING_BUTTONS))
    return "\n".join(lines)


def _meeting_buttons(turn: Turn, meetings: Sequence[YearMeeting]) -> list[list[Button]]:
    """The latest meetings first, two a row; each opens the meeting card."""
    latest = list(reversed(meetings))[:MAX_MEETING_BUTTONS]
    buttons: list[Button] = []
    for m in latest:
        rate = f" {turn.t.percent(m.tally.rate)}" if m.tally.rate is not None else ""
        buttons.append((f"{_day(m.held_on)} {_kind(turn, m.kind)}{rate}", OpenMeeting(m.id).pack()))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


# --- One member's year -------------------------------------------------------------------


async def member_year_view(turn: Turn, data: MemberYearView) -> None:
    """📋 one member's attendance record (S2: private chats only)."""
    turn.require(turn.is_private)
    member, cell = await roster_member(turn, data.member)
    year = _year(turn, data.year)
    got = await history.member_year(turn.session, cell.id, member.id, year)
    profile = await orgs.rule_profile(turn.session, cell)
    record = member_year(
        year,
        member.statuses,
        [
            MarkedMeeting(
                m.id,
                m.held_on,
                MeetingType(m.kind),
                mark.mark if mark else None,
                mark.reason if mark else None,
            )
            for m, mark in got
            if m.held_on is not None
        ],
        profile,
    )
    rows = [
        await _year_nav(turn, cell, year, lambda y: MemberYearView(member.id, y)),
        [("« " + turn._("Back"), f"ros:m:{member.id}")],  # handlers/roster's member card
    ]
    await turn.show(_member_text(turn, member, cell, record, profile), inline(rows))


def _member_line(turn: Turn, m: MemberMeeting) -> str:
    _ = turn._
    line = f"{PRESENCE_ICON[m.presence]} {_day(m.held_on)} · {_kind(turn, m.kind)}"
    if m.presence == Presence.EXCUSED:
        reason = m.reason or ""
        if len(reason) > REASON_CHARS:
            reason = reason[: REASON_CHARS - 1] + "…"
        line += " · " + (
            _("excused: {reason}").format(reason=esc(reason)) if reason else _("excused")
        )
    elif m.presence == Presence.UNEXCUSED:
        line += " · " + _("unexcused")
    elif not m.counted and m.status is not None:
        status = _(labels.STATUS_SHORT[m.status])
        line += " · " + (
            _("{status}, came anyway").format(status=status)
            if m.presence == Presence.VOLUNTARY
            else status
        )
    return line


def _member_text(turn: Turn, member: Member, cell: Org, r: MemberYear, profile: RuleProfile) -> str:
    _ = turn._
    head = [
        _("<b>{name}</b> · attendance in {year}").format(name=esc(member.full_name), year=r.year),
        esc(cell.name),
    ]
    if r.rate is not None:
        totals = [
            _("Present at {present} of {counted} meetings ({rate})").format(
                present=r.present, counted=len(r.counted), rate=turn.t.percent(r.rate)
            )
        ]
        if r.excused:
            totals.append(_("excused {n}").format(n=r.excused))
        if r.unexcused:
            totals.append(_("unexcused {n}").format(n=r.unexcused))
        head.append(" · ".join(totals))
    else:
        head.append(_("No meeting of this year counted for this comrade."))
    tail = ["", _r5_text(turn, r, profile), _r6_text(turn, r, profile)]
    if r.voluntary:
        came = turn.n_(
            "Came to {n} meeting while not counted.",
            "Came to {n} meetings while not counted.",
            r.voluntary,
        )
        tail.insert(1, came.format(n=r.voluntary))
    if r.outside:
        tail.insert(
            1,
            turn.n_(
                "{n} meeting before joining or after leaving the cell is not listed.",
                "{n} meetings before joining or after leaving the cell are not listed.",
                r.outside,
            ).format(n=r.outside),
        )
    counted = [_member_line(turn, m) for m in r.counted]
    apart = [_member_line(turn, m) for m in r.apart]
    return _fit(turn, head, counted, apart, tail)


def _fit(turn: Turn, head: list[str], counted: list[str], apart: list[str], tail: list[str]) -> str:
    """Keep the message within Telegram's limit: drop the earliest meeting lines and say how
    many (the totals and the R5/R6 lines are always whole)."""
    dropped = 0
    while True:
        body = list(counted)
        if apart:
            body += [*([""] if body else []), turn._("<b>Not counted in the rate</b>"), *apart]
        if dropped:
            more = turn.n_(
                "… {n} earlier meeting not shown", "… {n} earlier meetings not shown", dropped
            )
            body.insert(0, more.format(n=dropped))
        text = "\n".join([*head, *([""] if body else []), *body, *tail])
        if _units(text) <= TEXT_BUDGET or not (counted or apart):
            return text
        (counted if len(counted) >= len(apart) else apart).pop(0)
        dropped += 1


def _months(turn: Turn, months: Sequence[int]) -> str:
    return ", ".join(turn._("M{month}").format(month=m) for m in months)


def _r5_text(turn: Turn, r: MemberYear, profile: RuleProfile) -> str:
    """R5 in plain words: a warning at 2 months, a flag at 3; never "removed"."""
    n = len(r.unexcused_months)
    if n == 0:
        return turn._("✅ No month with an unexcused absence.")
    months = _months(turn, r.unexcused_months)
    if r.r5 == "flag":
        text = turn.n_(
            "🚩 {n} month with an unexcused absence ({months}): the cell must review the case.",
            "🚩 {n} months with an unexcused absence ({months}): the cell must review the case.",
            n,
        )
    elif r.r5 == "warn":
        text = turn.n_(
            "⚠️ {n} month with an unexcused absence ({months}): warning; at {limit} the cell must review the case.",
            "⚠️ {n} months with an unexcused absence ({months}): warning; at {limit} the cell must review the case.",
            n,
        )
    else:
        text = turn.n_(
            "ℹ️ {n} month with an unexcused absence ({months}).",
            "ℹ️ {n} months with an unexcused absence ({months}).",
            n,
        )
    return text.format(n=n, months=months, limit=profile.removal_flag_months)


def _r6_text(turn: Turn, r: MemberYear, profile: RuleProfile) -> str:
    if r.r6:
        return turn._(
            "🚩 Excused {n} times in a row (more than {limit}): a meeting-quality criterion is not met."
        ).format(n=r.excused_streak, limit=profile.excused_streak)
    return turn._("✅ Not excused more than {limit} times in a row.").format(
        limit=profile.excused_streak
    )
