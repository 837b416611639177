"""The roster import preview, shared by pasted lists and files.

The parsed rows are kept in the flow state (the database), so the preview survives a
restart; the plan is recomputed against the roster when shown and when confirmed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.model import MemberStatus
from bot.domain.roster import ImportPlan, NewSpan, plan_import
from bot.intake.roster_import import ParseResult, Problem
from bot.render import labels
from storage import members
from storage.models import FlowState

from .base import Turn, esc, inline

# Keep the preview well under Telegram's 4096 characters; the counts are always exact.
MAX_LISTED = 25
PREVIEW_BUDGET = 3800


def stored_import(source: str, result: ParseResult) -> dict[str, Any]:
    """A JSON-able copy of a parse result, for the flow state."""
    return {
        "source": source,
        "members": [
            {
                "row": m.row,
                "name": m.full_name,
                "spans": [
                    [s.status.value, s.start.isoformat(), s.end.isoformat() if s.end else None]
                    for s in m.statuses
                ],
                "warnings": [[w.code, w.params] for w in m.warnings],
            }
            for m in result.members
        ],
        "rejected": [[r.row, r.raw, r.reason.code, r.reason.params] for r in result.rejected],
    }


def _spans(raw: list[list[Any]]) -> list[NewSpan]:
    return [
        NewSpan(MemberStatus(s), date.fromisoformat(a), date.fromisoformat(b) if b else None)
        for s, a, b in raw
    ]


async def _plan(turn: Turn, cell_id: int, data: dict[str, Any]) -> ImportPlan:
    existing = await members.existing_index(turn.session, cell_id)
    parsed = [(m["name"], _spans(m["spans"])) for m in data["members"]]
    return plan_import({k: (i, h) for k, (i, h) in existing.items()}, parsed)


def problem_text(turn: Turn, problem: Problem) -> str:
    return labels.problem_text(turn._, problem)


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


def preview_text(turn: Turn, data: dict[str, Any], plan: ImportPlan, limit: int) -> str:
    _ = turn._
    rejected = data["rejected"]
    warned = [m for m in data["members"] if m["warnings"]]
    lines = [
        _("<b>Preview: {source}</b>").format(source=esc(str(data["source"]))),
        _("New: {new} · Updated: {updated} · Unchanged: {same} · Rejected: {rejected}").format(
            new=len(plan.new),
            updated=len(plan.updated),
            same=len(plan.unchanged),
            rejected=len(rejected),
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
            "• "
            + _("row {row}").format(row=row)
            + f": {esc(problem_text(turn, Problem(code, params)))}"
            for row, _raw, code, params in rejected
        ],
    )
    section(
        _("Please check:"),
        [
            "• "
            + _("row {row}").format(row=m["row"])
            + f" {esc(m['name'])}: "
            + "; ".join(esc(problem_text(turn, Problem(c, p))) for c, p in m["warnings"])
            for m in warned
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
    plan = await _plan(turn, int(state.data["cell_id"]), state.data)
    limit = MAX_LISTED
    text = preview_text(turn, state.data, plan, limit)
    while len(text) > PREVIEW_BUDGET and limit > 0:  # counts stay exact; lists get shorter
        limit = max(limit - 5, 0)
        text = preview_text(turn, state.data, plan, limit)
    if plan.is_empty:
        await turn.reply(text, inline([[(_("✖️ Close"), f"imp:no:{state.token}")]]))
        return
    total = len(plan.new) + len(plan.updated)
    rows = [
        [
            (_("✅ Save ({n})").format(n=total), f"imp:ok:{state.token}"),
            (_("✖️ Cancel"), f"imp:no:{state.token}"),
        ]
    ]
    await turn.reply(text, inline(rows))


async def apply_stored(turn: Turn, cell_id: int, data: dict[str, Any]) -> tuple[int, int]:
    plan = await _plan(turn, cell_id, data)
    return await members.apply_import(turn.session, cell_id, plan, actor_id=turn.user_id)
