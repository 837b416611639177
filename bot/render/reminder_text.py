"""The words of each reminder (#4) in the recipient's language, with its buttons."""

from __future__ import annotations

from datetime import date, time

from bot.domain.holidays import holiday_name, nearest_working_days
from bot.domain.reminders import Due, Kind
from bot.render.callbacks import Month, MoveMeeting, MoveMeetingTo, PickCell, ZeroStart
from bot.render.i18n import Translator

Buttons = list[list[tuple[str, str]]]


def _move(tr: Translator, cell_id: int, day: date) -> list[tuple[str, str]]:
    return [(tr.gettext("📅 Move the meeting"), MoveMeeting(cell_id, Month.of(day)).pack())]


def _log(tr: Translator, cell_id: int) -> list[tuple[str, str]]:
    return [
        (tr.gettext("📝 Log the meeting"), PickCell(cell_id).pack()),
        (tr.gettext("🚫 Did not meet"), ZeroStart(cell_id).pack()),
    ]


def render(
    item: Due, *, cell_id: int, cell: str, at: time, tr: Translator, today: date
) -> tuple[str, Buttons]:
    """(HTML text, button rows). `cell` is already HTML-escaped."""
    _ = tr.gettext
    d = item.about
    fields = {
        "cell": cell,
        "date": tr.date(d),
        "time": tr.time(at),
        "month": tr.month(d.year, d.month),
    }
    if item.kind == Kind.BEFORE:
        text = _(
            "📅 <b>{cell}</b>: the monthly meeting is on {date} at {time}. Please notify the "
            "members and the upper committee's member in charge."
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
        text = _(
            "📎 <b>{cell}</b>: the meeting is on {date} at {time}. The documents should be on "
            "the Sổ tay đảng viên app at least one day before."
        ).format(**fields)
        return text, [_move(tr, cell_id, d)]
    if item.kind == Kind.DAY:
        text = _("🔔 <b>{cell}</b>: the meeting is today, {date}, at {time}.").format(**fields)
        return text, [_move(tr, cell_id, d)]
    if item.kind == Kind.AFTER:
        text = _(
            "📝 <b>{cell}</b>: the meeting of {date} is not logged yet. It takes two minutes."
        ).format(**fields)
        # Not held after all? It can still move to a later day of its month (M7).
        moves = [_move(tr, cell_id, d)] if d.month == today.month else []
        return text, [_log(tr, cell_id), *moves]
    if item.kind == Kind.MONTH_25:
        text = _(
            "📝 <b>{cell}</b>: {month} has no regular meeting logged yet. Please log it, or "
            "report that the cell did not meet."
        ).format(**fields)
        return text, [_log(tr, cell_id), _move(tr, cell_id, d)]
    if item.kind == Kind.MONTH_LAST:
        text = _(
            "⏰ <b>{cell}</b>: today is the last day of {month}, and it has no regular meeting "
            "and no “did not meet” report."
        ).format(**fields)
        return text, [_log(tr, cell_id)]
    quarter = (d.month - 1) // 3 + 1
    if item.kind == Kind.THEMATIC:
        text = _(
            "📘 <b>{cell}</b>: no thematic meeting yet in quarter {quarter}/{year}. At least "
            "one a quarter is required, by {date}."
        ).format(**fields, quarter=quarter, year=d.year)
        return text, [[(tr.gettext("📝 Log the meeting"), PickCell(cell_id).pack())]]
    text = _(
        "📘 <b>{cell}</b>: quarter {quarter}/{year} ends on {date} and no thematic meeting is "
        "logged."
    ).format(**fields, quarter=quarter, year=d.year)
    return text, [[(tr.gettext("📝 Log the meeting"), PickCell(cell_id).pack())]]
