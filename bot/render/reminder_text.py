"""The words of each reminder (#4) in the recipient's language, with its buttons.

#15: each says what is due and by when, and names the committee the cell reports to.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.domain.holidays import holiday_name, nearest_working_days
from bot.domain.meeting_rules import RuleProfile, correction_deadline
from bot.domain.reminders import Due, Kind
from bot.domain.summary import REPORT_WITHIN_DAYS
from bot.render.callbacks import Month, MoveMeeting, MoveMeetingTo, PickCell, ZeroStart
from bot.render.i18n import Translator, roman

Buttons = list[list[tuple[str, str]]]


def _move(tr: Translator, cell_id: int, day: date) -> list[tuple[str, str]]:
    return [(tr.gettext("📅 Move the meeting"), MoveMeeting(cell_id, Month.of(day)).pack())]


def _log(tr: Translator, cell_id: int) -> list[tuple[str, str]]:
    return [
        (tr.gettext("📝 Log the meeting"), PickCell(cell_id).pack()),
        (tr.gettext("🚫 Did not meet"), ZeroStart(cell_id).pack()),
    ]


def report_by(meeting_day: date, today: date, profile: RuleProfile) -> date:
    """#15: the day a meeting's result should be logged by: M6's REPORT_WITHIN_DAYS after
    it while that is still ahead, else the profile's correction deadline (the month's report
    closes then)."""
    m6 = meeting_day + timedelta(days=REPORT_WITHIN_DAYS)
    return m6 if m6 >= today else max(correction_deadline(meeting_day, profile), today)


def render(
    item: Due,
    *,
    cell_id: int,
    cell: str,
    at: time,
    tr: Translator,
    today: date,
    committee: str = "",
    profile: RuleProfile | None = None,
) -> tuple[str, Buttons]:
    """(HTML text, button rows). `cell` and `committee` (the name of the committee the cell
    reports to; empty: "the upper committee") are already HTML-escaped."""
    _ = tr.gettext
    d = item.about
    fields = {
        "cell": cell,
        "date": tr.date(d),
        "time": tr.time(at),
        "month": tr.month(d.year, d.month),
        "committee": committee or _("the upper committee"),
    }
    if item.kind == Kind.BEFORE:
        text = _(
            "📅 <b>{cell}</b>: the monthly meeting is on {date} at {time}. Please notify the "
            "members and the member of {committee} in charge of the cell."
        ).format(**fields)
        rows: Buttons = []
        holiday = holiday_name(d, tr.locale)
        if holiday is not None:  # L7: it must still be held within the month (M7)
            options = nearest_working_days(d, not_before=today)
            text += "\n" + _(
                "⚠️ {date} is {holiday}. The meeting must still be held in {month}."
            ).format(**fields, holiday=holiday)
            if options:
                text += " " + _("The nearest working days:")
                rows.append([(tr.date(o), MoveMeetingTo(cell_id, o).pack()) for o in options])
        return text, [*rows, _move(tr, cell_id, d)]
    if item.kind == Kind.DOCUMENTS:
        # M6: the documents go onto the official app at least one day before the meeting.
        by = d - timedelta(days=1)
        if by <= today:
            text = _(
                "📎 <b>{cell}</b>: the meeting is on {date} at {time}. Please post the documents "
                "on Sổ tay đảng viên điện tử today at the latest."
            ).format(**fields)
        else:
            text = _(
                "📎 <b>{cell}</b>: the meeting is on {date} at {time}. Please post the documents "
                "on Sổ tay đảng viên điện tử by {by} at the latest."
            ).format(**fields, by=tr.date(by))
        return text, [_move(tr, cell_id, d)]
    if item.kind == Kind.DAY:
        text = _("🔔 <b>{cell}</b>: the meeting is today, {date}, at {time}.").format(**fields)
        return text, [_move(tr, cell_id, d)]
    if item.kind == Kind.AFTER:
        by = report_by(d, today, profile or RuleProfile())
        text = _(
            "📝 <b>{cell}</b>: the result of the meeting of {date} is not logged yet. Please "
            "log it by {by} at the latest, to report to {committee}."
        ).format(**fields, by=tr.date(by))
        # Not held after all? It can still move to a later day of its month (M7).
        moves = [_move(tr, cell_id, d)] if d.month == today.month else []
        return text, [_log(tr, cell_id), *moves]
    if item.kind == Kind.MONTH_25:
        text = _(
            "📝 <b>{cell}</b>: {month} has no regular meeting logged yet. Please log it, or "
            "report to {committee} that the cell did not meet."
        ).format(**fields)
        return text, [_log(tr, cell_id), _move(tr, cell_id, d)]
    if item.kind == Kind.MONTH_LAST:
        text = _(
            "⏰ <b>{cell}</b>: today is the last day of {month}, and there is neither a regular "
            "meeting nor a “did not meet” report yet. Please log the meeting, or report to "
            "{committee} that the cell did not meet."
        ).format(**fields)
        return text, [_log(tr, cell_id)]
    quarter = (d.month - 1) // 3 + 1
    if item.kind == Kind.THEMATIC:
        text = _(
            "📘 <b>{cell}</b>: no thematic meeting yet in quarter {quarter}/{year}. At least "
            "one a quarter is required, by {date}."
        ).format(**fields, quarter=roman(quarter), year=d.year)
        return text, [[(tr.gettext("📝 Log the meeting"), PickCell(cell_id).pack())]]
    text = _(
        "📘 <b>{cell}</b>: quarter {quarter}/{year} ends on {date} and no thematic meeting is "
        "logged."
    ).format(**fields, quarter=roman(quarter), year=d.year)
    return text, [[(tr.gettext("📝 Log the meeting"), PickCell(cell_id).pack())]]
