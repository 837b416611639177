"""📋 One member's attendance record of a year (R1-R3) with the R5/R6 status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain.meetings import RuleProfile
from bot.domain.member_history import MemberMeeting, MemberYear, Presence
from bot.render import labels
from bot.render.callbacks import MemberCard
from bot.services import history

from ..base import Turn, esc, inline
from ..markup import back
from ..meeting.common import refusals
from .common import MemberYearView, day, kind, year_nav

if TYPE_CHECKING:
    from storage.models import Member, Org

TEXT_BUDGET = 3900  # UTF-16 units, under Telegram's 4096 with room for the last lines
REASON_CHARS = 60

PRESENCE_ICON = {
    Presence.PRESENT: "✅",
    Presence.EXCUSED: "🟡",
    Presence.UNEXCUSED: "❌",
    Presence.VOLUNTARY: "☑️",
    Presence.NOT_COUNTED: "▫️",
}


def _units(text: str) -> int:
    """Telegram measures a message in UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


async def member_year_view(turn: Turn, data: MemberYearView) -> None:
    """📋 one member's attendance record (S2: private chats only)."""
    turn.require(turn.is_private)
    with refusals():
        got = await history.of_member(
            turn.session, turn.access, data.member, data.year, today=turn.today
        )
    member, cell, record, profile = got.member, got.cell, got.year, got.profile
    rows = [
        year_nav(turn, got.first_year, record.year, lambda y: MemberYearView(member.id, y)),
        [back(turn._, MemberCard(member.id).pack())],  # #15: one label
    ]
    await turn.show(_member_text(turn, member, cell, record, profile), inline(rows))


def _member_line(turn: Turn, m: MemberMeeting) -> str:
    _ = turn._
    line = f"{PRESENCE_ICON[m.presence]} {day(m.held_on)} · {kind(turn, m.kind)}"
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
