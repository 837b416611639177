"""The roster import preview, shared by pasted lists and files.

The parsed rows are kept in the flow state (the database), so the preview survives a
restart; the plan is recomputed against the roster when shown and when confirmed
(bot.services.roster.preview and commit).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

from bot.domain.roster import NewSpan
from bot.render import labels
from bot.render.callbacks import Callback
from bot.render.i18n import N_
from bot.services import roster

from .base import Answer, Turn, choice_pattern, esc, inline
from .markup import back, cancel
from .roster import AddBack, AddStep

if TYPE_CHECKING:
    from storage.models import FlowState

# Keep the preview well under Telegram's 4096 characters; the counts are always exact.
MAX_LISTED = 25
PREVIEW_BUDGET = 3800


@dataclasses.dataclass(frozen=True)
class SaveImport(Callback):
    """✅ Save / ✖️ Cancel under a preview (imp:ok:<token>, imp:no:<token>)."""

    prefix: ClassVar[str] = "imp"
    answer: Answer
    token: str

    @classmethod
    def pattern(cls) -> str:
        return choice_pattern(cls.prefix, Answer)


def _span_text(turn: Turn, spans: list[NewSpan]) -> str:
    _ = turn._
    if not spans:
        return ""
    last = spans[-1]
    text = _("{status} from {date}").format(
        status=_(labels.STATUS_SHORT[last.status]), date=turn.t.date(last.start)
    )
    if last.end:
        text += " " + _("until {date}").format(date=turn.t.date(last.end))
    return text


# #15: what the preview says when a file's text was turned from a legacy font encoding.
ENCODING_NOTES = {
    "tcvn3": N_("The file uses the TCVN3 (ABC) encoding; it was converted to Unicode."),
    "vni": N_("The file uses the VNI encoding; it was converted to Unicode."),
}


def preview_text(turn: Turn, preview: roster.Preview, limit: int) -> str:
    _ = turn._
    plan = preview.plan
    lines = [
        _("<b>Preview: {source}</b>").format(source=esc(preview.source)),
        *([_(ENCODING_NOTES[preview.encoding])] if preview.encoding in ENCODING_NOTES else []),
        _("New: {new} · Updated: {updated} · Unchanged: {same} · Rejected: {rejected}").format(
            new=len(plan.new),
            updated=len(plan.updated),
            same=len(plan.unchanged),
            rejected=len(preview.rejected),
        ),
    ]

    def section(title: str, items: list[str]) -> None:
        if not items:
            return
        lines.extend(["", f"<b>{title}</b>", *items[:limit]])
        if len(items) > limit:
            lines.append(_("… and {n} more").format(n=len(items) - limit))

    section(_("New members:"), [f"• {esc(n)} — {_span_text(turn, s)}" for n, s in plan.new])
    section(_("Updated:"), [f"• {esc(n)} — {_span_text(turn, s)}" for _i, n, s in plan.updated])
    section(
        _("Rejected (not saved):"),
        [
            "• " + _("row {row}").format(row=row) + f": {esc(labels.problem_text(_, problem))}"
            for row, problem in preview.rejected
        ],
    )
    section(
        _("Please check:"),
        [
            "• "
            + _("row {row}").format(row=row)
            + f" · {esc(name)}: "
            + "; ".join(esc(labels.problem_text(_, p)) for p in problems)
            for row, name, problems in preview.warned
        ],
    )
    lines.append("")
    if plan.is_empty:
        lines.append(_("There is nothing to save."))
    else:
        lines.append(_("Nothing has been saved yet. Press Save to write this to the roster."))
    return "\n".join(lines)


async def render_preview(turn: Turn, state: FlowState) -> None:
    _ = turn._
    preview = await roster.preview(
        turn.session, turn.access, int(state.data["cell_id"]), state.data
    )
    plan = preview.plan
    limit = MAX_LISTED
    text = preview_text(turn, preview, limit)
    while len(text) > PREVIEW_BUDGET and limit > 0:  # counts stay exact; lists get shorter
        limit = max(limit - 5, 0)
        text = preview_text(turn, preview, limit)
    go_back = back(_, AddBack(state.token, AddStep.PREVIEW).pack())  # #15: to the prompt
    if plan.is_empty:
        await turn.reply(
            text,
            inline([[go_back, (_("✖️ Close"), SaveImport(Answer.NO, state.token).pack())]]),
        )
        return
    total = len(plan.new) + len(plan.updated)
    rows = [
        [
            (_("✅ Save ({n})").format(n=total), SaveImport(Answer.OK, state.token).pack()),
            cancel(_, SaveImport(Answer.NO, state.token).pack()),
        ],
        [go_back],
    ]
    await turn.reply(text, inline(rows))
