"""Private text that is not a command: a menu button, a step of the current flow, or a hint.

Menu buttons always win (they are the way out of any flow); then the flow the person is
in, as stored in the database, gets the text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.render.i18n import all_translations

from . import (
    grades,
    language,
    member_status,
    menu,
    orgs,
    reports,
    roster,
    roster_add,
    schedule,
    zero_report,
)
from .base import Turn
from .meeting import start as meeting_start
from .meeting import text as meeting_text

TextStep = Callable[[Turn], Awaitable[None]]

# Which function receives typed text in each flow (flow name → step function).
FLOW_TEXT: dict[str, TextStep] = {
    "rename": roster.rename_text,
    "status": member_status.date_text,
    "addone": roster_add.addone_text,
    "paste": roster_add.paste_text,
    "orgadd": orgs.org_text,
    "orgrename": orgs.org_text,
    "meeting": meeting_text.on_text,
    "zero": zero_report.on_text,
    "schedule": schedule.time_text,
    "report": reports.month_text,
    "gradenote": grades.note_text,
}


def _menu_actions() -> dict[str, TextStep]:
    actions: dict[str, TextStep] = {}
    for label, step in (
        (menu.MENU_MEETING, meeting_start.start),
        (menu.MENU_ROSTER, roster.open_roster),
        (menu.MENU_ORGS, orgs.open_orgs),
        (menu.MENU_REPORTS, reports.start),
        (menu.MENU_LANGUAGE, language.ask),
        (menu.MENU_HELP, menu.help_command),
    ):
        for text in all_translations(label):
            actions[text] = step
    return actions


MENU_ACTIONS = _menu_actions()


async def on_text(turn: Turn) -> None:
    """Dispatch private text."""
    action = MENU_ACTIONS.get(turn.text.strip())
    if action is not None and turn.access.is_known:
        await turn.finish_flow()
        await action(turn)
        return
    state = await turn.flow()
    if state is not None and state.flow in FLOW_TEXT:
        await FLOW_TEXT[state.flow](turn)
        return
    if state is not None:
        await turn.reply(turn._("Please use the buttons above, or /cancel."))
        return
    await menu.hint(turn)
