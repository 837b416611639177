"""Every Telegram handler, registered in one ordered list (STYLE 2).

Each entry wraps a step (`async def step(turn)`) with `base.handler`, which opens the
update's transaction. Nothing registers itself on import.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.render.callbacks import Callback, MoveMeeting, MoveMeetingTo, Nudge

from . import (
    calendar,
    digest,
    errors,
    grades,
    import_preview,
    invites,
    language,
    meeting_history,
    member_status,
    menu,
    onboarding,
    orgs,
    reminders,
    reports,
    roster,
    roster_add,
    router,
    schedule,
    zero_report,
)
from .base import button, handler, private_only
from .meeting import attendance, card, dates, details, people, save, start, summary
from .meeting import buttons as mt
from .meeting_history import CellYearView, MemberYearView
from .zero_report import (
    PickMonth,
    PickReason,
    Withdraw,
    WithdrawAnswer,
    ZeroAnswer,
    ZeroBack,
    ZeroStart,
)

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS


def callback(
    kind: type[Callback], step: Any, *, groups: bool = False
) -> CallbackQueryHandler[Any, Any]:
    """A button handler: the step receives the pressed button's parsed data (typed callback
    data, bot/render/callbacks.py). Private chats only unless `groups` (only the reports'
    buttons and the calendar's inert ones are ever posted in a group)."""
    return CallbackQueryHandler(
        handler(button(kind, step) if groups else private_only(button(kind, step))),
        pattern=kind.pattern(),
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    # Note: order matters. Deep links (/start <code>) before plain /start; commands before
    # the catch-all text router; group commands only in groups.
    return [
        # Onboarding and groups
        CommandHandler(
            "start",
            handler(onboarding.start_with_code),
            filters=PRIVATE & filters.Regex(r"^/start(@\w+)?\s+\S"),
        ),
        CommandHandler("start", handler(menu.start), filters=PRIVATE),
        CommandHandler(["link", "start"], handler(onboarding.link_group), filters=GROUPS),
        CommandHandler("unlink", handler(onboarding.unlink_group), filters=GROUPS),
        CommandHandler(menu.HELP_COMMANDS, handler(onboarding.group_help), filters=GROUPS),
        CommandHandler(["baocao", "report"], handler(reports.start)),  # private and groups
        ChatMemberHandler(handler(onboarding.bot_membership), ChatMemberHandler.MY_CHAT_MEMBER),
        # Private commands
        CommandHandler(menu.HELP_COMMANDS, handler(menu.help_command), filters=PRIVATE),
        CommandHandler(menu.CANCEL_COMMANDS, handler(menu.cancel), filters=PRIVATE),
        CommandHandler("language", handler(language.ask), filters=PRIVATE),
        CommandHandler("members", handler(roster.open_roster), filters=PRIVATE),
        CommandHandler("meeting", handler(start.start), filters=PRIVATE),
        CommandHandler("org", handler(orgs.open_orgs), filters=PRIVATE),
        # Buttons (callback data prefix:action:ids)
        callback(language.Language, language.choose),
        callback(roster.RosterList, roster.list_page),
        callback(roster.MemberCard, roster.member_card),
        callback(roster.RenameMember, roster.ask_rename),
        callback(roster.RenameBack, roster.rename_back_button),
        callback(roster.ChangeStatus, member_status.choose_status),
        callback(member_status.PickStatus, member_status.picked_status),
        callback(member_status.StatusDate, member_status.date_button),
        callback(member_status.SaveStatus, member_status.confirm),
        callback(roster.AddMembers, roster_add.start_add),
        callback(roster_add.AddStatus, roster_add.picked_status),
        callback(roster_add.AddToday, roster_add.today_button),
        callback(roster.AddBack, roster_add.go_back),
        callback(import_preview.SaveImport, roster_add.confirm_import),
        callback(orgs.OrgView, orgs.view),
        callback(orgs.AddCell, orgs.ask_new_cell),
        callback(orgs.PickCellType, orgs.picked_type),
        callback(orgs.RenameOrg, orgs.ask_rename),
        callback(orgs.OrgBack, orgs.go_back),
        callback(orgs.ChooseParent, orgs.choose_parent),
        callback(orgs.MoveTo, orgs.move_to),
        callback(mt.PickCell, start.picked_cell),
        callback(mt.TypeBack, start.type_back),
        callback(mt.NewMeeting, start.new_meeting),
        callback(mt.ResumeDraft, start.resume),
        callback(mt.PickDate, dates.date_button),
        callback(mt.Tap, attendance.tap),
        callback(mt.Mark, attendance.mark),
        callback(mt.AttendanceBack, dates.attendance_back),
        callback(mt.DateStepBack, start.date_step_back),
        callback(mt.MoreDetails, summary.more_details),
        callback(mt.AskCancel, summary.ask_cancel),
        callback(mt.CancelDraft, summary.cancel),
        callback(mt.AllPresent, attendance.all_present),
        callback(mt.Page, attendance.page),
        callback(mt.QuickReason, attendance.quick_reason),
        callback(mt.Voluntary, attendance.voluntary),
        callback(mt.ToConfirm, attendance.to_confirm),
        callback(mt.BackToAttendance, attendance.back),
        callback(mt.Save, save.save),
        callback(mt.ShowCalendar, dates.calendar),
        callback(mt.DateBack, dates.date_back),
        callback(mt.ChangeDate, dates.change_date),
        callback(mt.AsExtraordinary, dates.as_extraordinary),
        callback(mt.Confirm, details.back_to_confirm),
        callback(mt.AskTime, details.ask_time),
        callback(mt.Length, details.length_button),
        callback(mt.SetType, details.set_type),
        callback(mt.AskTopic, details.ask_topic),
        callback(mt.ClearTopic, details.clear_topic),
        callback(mt.AskGrade, details.ask_grade),
        callback(mt.SetGrade, details.grade_button),
        callback(mt.AskGuests, people.ask_guests),
        callback(mt.RemoveGuest, people.remove_guest),
        callback(mt.AskUpper, people.ask_upper),
        callback(mt.ClearUpper, people.clear_upper),
        callback(mt.OpenMeeting, card.open_card),
        callback(mt.Correct, card.start_correction),
        callback(mt.AskDelete, card.ask_delete),
        callback(mt.Delete, card.delete),
        callback(calendar.Nop, calendar.noop, groups=True),
        callback(MoveMeeting, reminders.choose_day),
        callback(MoveMeetingTo, reminders.move_to),
        callback(Nudge, digest.nudge),
        callback(reports.ReportOf, reports.picked_node, groups=True),
        callback(reports.ReportText, reports.picked_period, groups=True),
        callback(reports.ReportFile, reports.send_file, groups=True),
        callback(schedule.OpenSchedule, schedule.open_schedule),
        callback(schedule.SetSchedule, schedule.set_value),
        callback(schedule.TypeTime, schedule.ask_time),
        callback(orgs.InviteRoles, invites.choose_role),
        callback(invites.CreateInvite, invites.create),
        callback(orgs.GroupCode, invites.group_code),
        callback(orgs.OpenInvites, invites.open_list),
        callback(invites.Withdraw, invites.withdraw),
        callback(orgs.Holders, invites.holders),
        callback(invites.TakeBack, invites.revoke_role),
        callback(mt.Minutes, save.minutes_docx),
        callback(CellYearView, meeting_history.cell_year_view),
        callback(MemberYearView, meeting_history.member_year_view),
        callback(grades.GradeList, grades.list_month),
        callback(grades.GradeOpen, grades.open_meeting),
        callback(grades.GradeSet, grades.set_grade),
        callback(grades.GradeNote, grades.ask_note),
        callback(grades.NoteBack, grades.note_back),
        callback(ZeroStart, zero_report.start),
        callback(PickMonth, zero_report.month_button),
        callback(PickReason, zero_report.reason_button),
        callback(ZeroAnswer, zero_report.confirm),
        callback(Withdraw, zero_report.withdraw),
        callback(WithdrawAnswer, zero_report.withdraw_answer),
        callback(ZeroBack, zero_report.go_back),
        # Files and free text in private chats (last: the catch-all)
        MessageHandler(PRIVATE & filters.Document.ALL, handler(roster_add.document)),
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, handler(router.on_text)),
        MessageHandler(PRIVATE & filters.COMMAND, handler(menu.unknown_command)),
        # Any other button (old versions, forged data): a polite "out of date".
        CallbackQueryHandler(handler(menu.unknown_button)),
    ]


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handlers(handlers())
    app.add_error_handler(errors.on_error)
