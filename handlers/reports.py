"""/baocao: a roll-up on demand (#5, K1-K4), in a linked group or in private.

Admins get any node they administer (in a group: the node the group is linked to);
secretaries and deputies get their own cell. The period is a button (this or last month,
a quarter, a year) or a typed month ("10/2026"); the text comes at once, the chart and
the workbook on a button. A group only ever gets cells and counts (S2).

rp:n:<node> choose the period · rp:p:<node>:<period> the text · rp:f:<node>:<period>:png|xlsx
Typed month: flow "report", step "month". States: see reports.mmd.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from telegram import InputFile

from bot.domain.dates import parse_month
from bot.domain.model import ROSTER_ROLES
from bot.domain.summary import Period
from bot.render.summary_text import period_title, report_texts
from bot.services import profiles
from bot.services.memory import release
from bot.services.report import Report, build
from storage import orgs, reports
from storage.models import Org

from .base import Button, Refused, Stale, Turn, esc, inline

FLOW = "report"
PEOPLE_MAX_CELLS = 300  # the per-person sheet is for a commune, not a province
BIG_REPORT = 500  # cells: after a report this big, memory goes back to the system


def may_report(turn: Turn, org: Org) -> bool:
    """Admins of the node or above; a cell's secretary or deputy for their cell."""
    if turn.access.is_admin_of(org.path):
        return True
    return org.is_cell and turn.access.holds(org.id, ROSTER_ROLES)


async def report_node(turn: Turn, org_id: int) -> Org:
    """The node, if the caller may have its report here (ids in callbacks can be forged).
    In a group only the node the group is linked to, and only for its admins."""
    org = await orgs.get(turn.session, org_id)
    if org is None or not may_report(turn, org):
        raise Refused
    if not turn.is_private:
        linked = await orgs.by_group_chat(turn.session, turn.chat_id)
        if linked is None or linked.id != org.id or not turn.access.is_admin_of(org.path):
            raise Refused
    return org


async def start(turn: Turn) -> None:
    """/baocao: pick the node (when there are several), then the period."""
    _ = turn._
    if not turn.is_private:
        linked = await orgs.by_group_chat(turn.session, turn.chat_id)
        if linked is None:
            await turn.reply(_("This group is not linked to an organisation in chibo."))
            return
        if not turn.access.is_admin_of(linked.path):
            await turn.reply(_("Only the admins of {org} may ask for its report.").format(
                org=esc(linked.name)))  # fmt: skip
            return
        await ask_period(turn, linked)
        return
    nodes: list[Org] = []
    for grant in turn.access.grants:
        org = await orgs.get(turn.session, grant.org_id)
        if org is not None and may_report(turn, org) and org not in nodes:
            nodes.append(org)
    if not nodes:
        await turn.reply(_("Reports are for the upper committee's admins and cell secretaries."))
        return
    if len(nodes) == 1:
        await ask_period(turn, nodes[0])
        return
    await turn.reply(
        _("Report of which organisation?"), inline([[(n.name, f"rp:n:{n.id}")] for n in nodes])
    )


async def picked_node(turn: Turn) -> None:
    """rp:n:<node>"""
    await ask_period(turn, await report_node(turn, turn.int_arg(2)))


def period_buttons(turn: Turn, node: Org) -> list[list[Button]]:
    today = turn.today
    last = today.replace(day=1) - timedelta(days=1)
    this_q = Period.quarter_of((today.year, today.month))
    last_q = Period.quarter_of(((this_q.first_day - timedelta(days=1)).year,
                                (this_q.first_day - timedelta(days=1)).month))  # fmt: skip
    t = turn.t

    def button(period: Period) -> Button:
        return (period_title(t, period), f"rp:p:{node.id}:{period.key}")

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


def _period_arg(turn: Turn, index: int) -> Period:
    try:
        period = Period.parse(turn.arg(index))
    except ValueError:
        raise Stale from None
    if period.first_day > turn.today:
        raise Stale
    return period


async def picked_period(turn: Turn) -> None:
    """rp:p:<node>:<period>"""
    node = await report_node(turn, turn.int_arg(2))
    await send_text(turn, node, _period_arg(turn, 3))


async def _build(turn: Turn, node: Org, period: Period) -> Report:
    return await build(turn.session, node, period, turn.today)


async def send_text(turn: Turn, node: Org, period: Period) -> None:
    _ = turn._
    report = await _build(turn, node, period)
    if not report.cells:
        await turn.reply(_("There are no cells under {org} yet.").format(org=esc(node.name)))
        return
    texts = report_texts(report, turn.t)
    buttons = [
        [
            (_("📈 Chart"), f"rp:f:{node.id}:{period.key}:png"),
            (_("📥 Excel"), f"rp:f:{node.id}:{period.key}:xlsx"),
        ]
    ]
    if turn.is_private:  # names and absences: never in a group (S2)
        buttons.append(
            [(_("👥 Members' attendance (Excel)"), f"rp:f:{node.id}:{period.key}:people")]
        )
    for i, text in enumerate(texts):
        await turn.reply(text, inline(buttons) if i == len(texts) - 1 else None)
    _after(report)


def _after(report: Report) -> None:
    """A province's report is tens of MB of objects: once it is sent and dropped (after this
    handler returns), give the memory back."""
    if len(report.cells) >= BIG_REPORT:
        asyncio.get_running_loop().call_soon(release)


async def send_file(turn: Turn) -> None:
    """rp:f:<node>:<period>:png|xlsx"""
    node = await report_node(turn, turn.int_arg(2))
    period = _period_arg(turn, 3)
    what = turn.arg(4)
    if what not in ("png", "xlsx", "people"):
        raise Stale
    if what == "people":
        await send_people(turn, node, period)
        return
    report = await _build(turn, node, period)
    await turn.answer()
    bot = turn.ctx.bot
    # matplotlib and openpyxl are imported when a file is first asked for, not at start: a
    # bot that never draws one stays about 50 MB smaller (#6: memory).
    if what == "png":
        from bot.render.charts import chart_caption, compliance_chart

        await bot.send_photo(
            turn.chat_id, compliance_chart(report, turn.t), caption=chart_caption(report, turn.t)
        )
    else:
        from bot.render.workbook import report_workbook

        name = f"bao-cao-{period.key}-{node.id}.xlsx"
        await bot.send_document(
            turn.chat_id,
            InputFile(report_workbook(report, turn.t), filename=name),
            caption=turn._("{org}, {period}").format(
                org=esc(node.name), period=period_title(turn.t, period)
            ),
        )
    _after(report)


async def send_people(turn: Turn, node: Org, period: Period) -> None:
    """The per-person sheet: private chats only (S2), a commune's size at most."""
    _ = turn._
    if not turn.is_private:
        raise Refused
    cells = await reports.cells_under(turn.session, node)
    if len(cells) > PEOPLE_MAX_CELLS:
        await turn.say(
            _(
                "The members' sheet is made for at most {n} cells; please choose a smaller unit."
            ).format(n=PEOPLE_MAX_CELLS)
        )
        return
    data = await reports.people(
        turn.session, node, date(period.year, 1, 1), min(period.last_day, turn.today)
    )
    from bot.render.person_sheet import person_workbook

    content = person_workbook(
        node_name=node.name,
        period=period,
        today=turn.today,
        cells={c.id: c.name for c in cells},
        members=[(m.id, m.cell_id, m.full_name, list(m.statuses)) for m in data.members],
        meetings=[(m.id, m.cell_id, m.held_on, m.kind) for m in data.meetings if m.held_on],
        marks=data.marks,
        profile=await profiles.rule_profile(turn.session, node),
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
