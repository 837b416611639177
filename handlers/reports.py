"""/baocao: a roll-up on demand (#5, K1-K4), in a linked group or in private.

Admins get any node they administer (in a group: the node the group is linked to);
secretaries and deputies get their own cell. The period is a button (this or last month,
a quarter, a year) or a typed month ("10/2026"); the text comes at once, the chart, the
workbook and the committee's report in Word (#14) on a button. A group only ever gets cells and counts (S2).

ReportOf (rp:n:<node>) choose the period · ReportText (rp:p:<node>:<period>) the text ·
ReportFile (rp:f:<node>:<period>:png|xlsx|docx|people). Typed month: flow "report", step "month".
Who may have which report where: bot/services/reporting.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from telegram import InputFile

from bot.domain.dates import parse_month
from bot.domain.summary import Period
from bot.render.callbacks import Callback, Month, Nudge
from bot.render.summary_text import period_title, report_texts
from bot.services import orgs, reporting
from bot.services.memory import release
from bot.services.report import Report, build
from bot.services.reporting import PEOPLE_MAX_CELLS

from .base import Button, Turn, esc, inline

if TYPE_CHECKING:
    from storage.models import Org

FLOW = "report"
BIG_REPORT = 500  # cells: after a report this big, memory goes back to the system


@dataclasses.dataclass(frozen=True)
class ReportOf(Callback):
    prefix: ClassVar[str] = "rp:n"
    org: int


@dataclasses.dataclass(frozen=True)
class ReportText(Callback):
    prefix: ClassVar[str] = "rp:p"
    org: int
    period: str  # Period.key


class FileKind(StrEnum):
    CHART = "png"
    WORKBOOK = "xlsx"
    DOCUMENT = "docx"  # the committee's report in the Party's form (#14): cells only (S2)
    PEOPLE = "people"  # the per-person sheet (private chats only, S2)


@dataclasses.dataclass(frozen=True)
class ReportFile(Callback):
    prefix: ClassVar[str] = "rp:f"
    org: int
    period: str
    kind: FileKind


async def report_node(turn: Turn, org_id: int) -> Org:
    """The node, if the caller may have its report here (ids in callbacks can be forged)."""
    group = None if turn.is_private else turn.chat_id
    return await reporting.report_node(turn.session, turn.access, org_id, group_chat=group)


async def start(turn: Turn) -> None:
    """/baocao: pick the node (when there are several), then the period."""
    _ = turn._
    if not turn.is_private:
        linked = await orgs.linked_org(turn.session, turn.chat_id)
        if linked is None:
            await turn.reply(_("This group is not linked to an organisation in chibo."))
            return
        if not reporting.may_report_in_group(turn.access, linked):
            await turn.reply(_("Only the admins of {org} may ask for its report.").format(
                org=esc(linked.name)))  # fmt: skip
            return
        await ask_period(turn, linked)
        return
    nodes = await reporting.report_nodes(turn.session, turn.access)
    if not nodes:
        await turn.reply(_("Reports are for the upper committee's admins and cell secretaries."))
        return
    if len(nodes) == 1:
        await ask_period(turn, nodes[0])
        return
    await turn.reply(
        _("Report of which organisation?"),
        inline([[(n.name, ReportOf(n.id).pack())] for n in nodes]),
    )


async def picked_node(turn: Turn, data: ReportOf) -> None:
    await ask_period(turn, await report_node(turn, data.org))


def period_buttons(turn: Turn, node: Org) -> list[list[Button]]:
    today = turn.today
    last = today.replace(day=1) - timedelta(days=1)
    this_q = Period.quarter_of((today.year, today.month))
    last_q = Period.quarter_of(((this_q.first_day - timedelta(days=1)).year,
                                (this_q.first_day - timedelta(days=1)).month))  # fmt: skip
    t = turn.t

    def button(period: Period) -> Button:
        return (period_title(t, period), ReportText(node.id, period.key).pack())

    return [
        [
            button(Period(today.year, month=today.month)),
            button(Period(last.year, month=last.month)),
        ],
        [button(last_q), button(this_q)],
        [button(Period(today.year - 1)), button(Period(today.year))],
    ]


async def ask_period(turn: Turn, node: Org) -> None:
    _ = turn._
    if turn.is_private:  # typed text is read in private chats only
        await turn.start_flow(FLOW, "month", node_id=node.id)
        text = _("📊 Report of <b>{org}</b>: which period? Or type a month, e.g. 10/2026.")
    else:
        text = _("📊 Report of <b>{org}</b>: which period?")
    await turn.reply(text.format(org=esc(node.name)), inline(period_buttons(turn, node)))


async def month_text(turn: Turn) -> None:
    """A typed month in the report flow."""
    state = await turn.flow_for(FLOW)
    node = await report_node(turn, int(state.data["node_id"]))
    ym = parse_month(turn.text, today=turn.today)
    if ym is None or date(ym[0], ym[1], 1) > turn.today:
        await turn.reply(
            turn._(
                "I could not read “{text}” as a past month. Please type it like 10/2026."
            ).format(text=esc(turn.text[:40])),
            inline(period_buttons(turn, node)),
        )
        return
    await turn.finish_flow()
    await send_text(turn, node, Period.of_month(ym))


async def picked_period(turn: Turn, data: ReportText) -> None:
    node = await report_node(turn, data.org)
    await send_text(turn, node, reporting.period(data.period, turn.today))


async def _build(turn: Turn, node: Org, period: Period, *, chart: bool = False) -> Report:
    """The report of one screen or file; the chart's 12 months are read only for the chart
    (#16)."""
    return await build(
        turn.session, node, period, turn.today, turn.ctx.settings.timezone, with_trend=chart
    )


async def send_text(turn: Turn, node: Org, period: Period) -> None:
    _ = turn._
    report = await _build(turn, node, period)
    if not report.cells:
        await turn.reply(_("There are no cells under {org} yet.").format(org=esc(node.name)))
        return
    texts = report_texts(report, turn.t)
    buttons = [
        [
            (_("📈 Chart"), ReportFile(node.id, period.key, FileKind.CHART).pack()),
            (_("📥 Excel"), ReportFile(node.id, period.key, FileKind.WORKBOOK).pack()),
            (_("📄 Report (Word)"), ReportFile(node.id, period.key, FileKind.DOCUMENT).pack()),
        ]
    ]
    if turn.is_private:  # names and absences: never in a group (S2)
        buttons.append(
            [
                (
                    _("👥 Members' attendance (Excel)"),
                    ReportFile(node.id, period.key, FileKind.PEOPLE).pack(),
                )
            ]
        )
    nudge = nudge_button(turn, node, report)
    if nudge is not None:
        buttons.insert(0, [nudge])
    for i, text in enumerate(texts):
        await turn.reply(text, inline(buttons) if i == len(texts) - 1 else None)
    _after(report)


def nudge_button(turn: Turn, node: Org, report: Report) -> Button | None:
    """#15: 📣 on the committee's report of a month that is over with cells that have not
    reported, for its admins in private: the digest's button (Nudge, handlers.digest), so the
    same authorization, outbox and once-per-cell-and-month claims."""
    if not turn.is_private or not reporting.may_nudge_from(turn.access, node, report):
        return None
    first = report.period.first_day
    return (
        turn._("📣 Remind the cells that have not reported"),
        Nudge(node.id, Month(first.year, first.month, 1)).pack(),
    )


def _after(report: Report) -> None:
    """A province's report is tens of MB of objects: once it is sent and dropped (after this
    handler returns), give the memory back."""
    if len(report.cells) >= BIG_REPORT:
        asyncio.get_running_loop().call_soon(release)


async def send_file(turn: Turn, data: ReportFile) -> None:
    """The chart, the workbook, the committee's report or the per-person sheet; each built
    from one Report, with the same authorization as the text."""
    node = await report_node(turn, data.org)
    period = reporting.period(data.period, turn.today)
    what = data.kind
    if what == FileKind.PEOPLE:
        await send_people(turn, node, period)
        return
    report = await _build(turn, node, period, chart=what == FileKind.CHART)
    await turn.answer()
    bot = turn.ctx.bot
    # matplotlib and openpyxl are imported when a file is first asked for, not at start: a
    # bot that never draws one stays about 50 MB smaller (#6: memory).
    if what == FileKind.CHART:
        from bot.render.charts import chart_caption, compliance_chart

        await bot.send_photo(
            turn.chat_id, compliance_chart(report, turn.t), caption=chart_caption(report, turn.t)
        )
    else:
        if what == FileKind.DOCUMENT:
            from bot.render.committee_report import committee_report

            issuer = await reporting.issuer(turn.session, node)
            content, suffix = committee_report(report, issuer), "docx"
        else:
            from bot.render.workbook import report_workbook

            content, suffix = report_workbook(report, turn.t), "xlsx"
        name = f"bao-cao-{period.key}-{node.id}.{suffix}"
        await bot.send_document(
            turn.chat_id,
            InputFile(content, filename=name),
            caption=turn._("{org}, {period}").format(
                org=esc(node.name), period=period_title(turn.t, period)
            ),
        )
    _after(report)


async def send_people(turn: Turn, node: Org, period: Period) -> None:
    """The per-person sheet: private chats only (S2), a commune's size at most."""
    _ = turn._
    sheet = await reporting.people_sheet(
        turn.session, node, period, today=turn.today, private=turn.is_private
    )
    if sheet is None:
        await turn.say(
            _(
                "The members' sheet is made for at most {n} cells; please choose a smaller unit."
            ).format(n=PEOPLE_MAX_CELLS)
        )
        return
    data = sheet.data
    from bot.render.person_sheet import person_workbook

    content = person_workbook(
        node_name=node.name,
        period=period,
        today=turn.today,
        cells={c.id: c.name for c in sheet.cells},
        members=[(m.id, m.cell_id, m.full_name, list(m.statuses)) for m in data.members],
        meetings=[(m.id, m.cell_id, m.held_on, m.kind) for m in data.meetings if m.held_on],
        marks=data.marks,
        profile=sheet.profile,
        tr=turn.t,
    )
    await turn.answer()
    await turn.ctx.bot.send_document(
        turn.chat_id,
        InputFile(content, filename=f"dang-vien-{period.key}-{node.id}.xlsx"),
        caption=_("{org}, {period}: members' attendance. Confidential.").format(
            org=esc(node.name), period=period_title(turn.t, period)
        ),
    )
