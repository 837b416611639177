"""A cell's roster (L4, R1, #12): who keeps it, adding and renaming members, status changes,
and the import of a pasted list or a file (preview, then commit).

The parsed rows of an import wait in the face's flow state as JSON (`stored_import`), so a
preview survives a restart; the plan is recomputed against the roster when shown and when
confirmed (`preview`, `commit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.access import Access
from bot.domain.model import MemberStatus
from bot.domain.names import person_name_problem
from bot.domain.roster import ImportPlan, NewSpan, plan_import
from bot.domain.text import vn_sorted
from bot.domain.words import Problem
from bot.intake import isolated
from bot.intake.roster_import import ParseResult as ParseResult  # the faces name it
from bot.intake.roster_import import RosterFileError as RosterFileError
from bot.intake.roster_import import parse_pasted
from storage import members, orgs
from storage.models import Member, Org

from .refusals import BadName, Refused, Stale

# The statuses a member is added with (the others come later, as changes: R1).
ADD_STATUSES = (
    MemberStatus.OFFICIAL,
    MemberStatus.PROBATIONARY,
    MemberStatus.EXEMPTED,
    MemberStatus.TEMP_ELSEWHERE,
    MemberStatus.GUEST,
)
MAX_FILE_BYTES = 2 * 1024 * 1024


async def roster_cell(session: AsyncSession, access: Access, cell_id: int) -> Org:
    """The cell, if the caller may keep its roster; otherwise Refused (ids can be forged)."""
    org = await orgs.get(session, cell_id)
    if org is None or not org.is_cell or not access.can_keep_roster(org.id, org.path):
        raise Refused
    return org


async def roster_member(
    session: AsyncSession, access: Access, member_id: int
) -> tuple[Member, Org]:
    """The member and their cell, if the caller may keep that cell's roster."""
    member = await members.get(session, member_id)
    if member is None:
        raise Refused
    return member, await roster_cell(session, access, member.cell_id)


async def roster_cells(session: AsyncSession, access: Access) -> list[Org]:
    """The cells whose roster the caller keeps through a cell role."""
    found = [await orgs.get(session, i) for i in access.cell_ids]
    return [
        c for c in found if c is not None and c.is_cell and access.can_keep_roster(c.id, c.path)
    ]


async def members_of(session: AsyncSession, cell: Org) -> list[Member]:
    return await members.list_members(session, cell.id)


def checked_name(name: str) -> str:
    """#12: the rule of the roster import (bot.domain.names) for every name typed; BadName."""
    problem = person_name_problem(name)
    if problem is not None:
        raise BadName(problem)
    return name


async def namesake(session: AsyncSession, cell: Org, name: str) -> Member | None:
    """A member of the cell with that name (L5: folded), if any; BadName for a bad name."""
    return await members.find_by_name(session, cell.id, checked_name(name))


async def rename(
    session: AsyncSession, access: Access, member_id: int, name: str
) -> tuple[Member, Member | None]:
    """Correct a member's name; (member, None), or (member, the namesake) and nothing written
    when another member of the cell has that name already."""
    member, cell = await roster_member(session, access, member_id)
    clash = await namesake(session, cell, name)
    if clash is not None and clash.id != member.id:
        return member, clash
    await members.rename(session, member, name, actor_id=access.user_id)
    return member, None


async def add_member(
    session: AsyncSession,
    access: Access,
    cell_id: int,
    name: str,
    status: MemberStatus,
    since: date,
) -> Org:
    cell = await roster_cell(session, access, cell_id)
    if status not in ADD_STATUSES:
        raise Stale
    await members.add_member(
        session,
        cell_id=cell.id,
        full_name=checked_name(name),
        spans=[NewSpan(status, since)],
        actor_id=access.user_id,
    )
    return cell


async def change_status(
    session: AsyncSession, access: Access, member_id: int, span: NewSpan
) -> Member:
    """R1: a new status from a date; the history is kept, nothing is deleted."""
    member, _cell = await roster_member(session, access, member_id)
    await members.add_status(session, member, span, actor_id=access.user_id)
    await session.refresh(member, ["statuses"])
    return member


# --- imports ------------------------------------------------------------------------------


def file_too_large(size: int | None) -> bool:
    return bool(size) and size is not None and size > MAX_FILE_BYTES


def parse_text(text: str, *, today: date) -> ParseResult:
    """A pasted list (RosterFileError if it cannot be read at all)."""
    return parse_pasted(text, today=today)


async def parse_file(name: str, data: bytes, *, today: date) -> ParseResult:
    """#12: a file parsed in a fresh process with a time limit (RosterFileError)."""
    return await isolated.parse_roster(name, data, today=today)


def stored_import(source: str, result: ParseResult) -> dict[str, Any]:
    """A JSON-able copy of a parse result, for the flow state."""
    return {
        "source": source,
        "encoding": result.encoding,  # #15: "tcvn3"/"vni" when the file was converted
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


@dataclass(frozen=True)
class Preview:
    """What confirming an import would do, and what was left out or looks doubtful."""

    source: str
    plan: ImportPlan  # new and updated members in L4 order
    rejected: list[tuple[int, Problem]]  # (row, why), in the file's order
    warned: list[tuple[int, str, list[Problem]]]  # (row, name, what to check), L4 order
    encoding: str | None = None  # #15: the legacy encoding the file was turned from


def _spans(raw: list[list[Any]]) -> list[NewSpan]:
    return [
        NewSpan(MemberStatus(s), date.fromisoformat(a), date.fromisoformat(b) if b else None)
        for s, a, b in raw
    ]


async def _plan(session: AsyncSession, cell_id: int, data: dict[str, Any]) -> ImportPlan:
    existing = await members.existing_index(session, cell_id)
    parsed = [(m["name"], _spans(m["spans"])) for m in data["members"]]
    return plan_import({k: (i, h) for k, (i, h) in existing.items()}, parsed)


async def preview(
    session: AsyncSession, access: Access, cell_id: int, data: dict[str, Any]
) -> Preview:
    cell = await roster_cell(session, access, cell_id)
    plan = await _plan(session, cell.id, data)
    # L4: people are listed given name first, in Vietnamese order (#15), as on the roster.
    plan.new = vn_sorted(plan.new, key=lambda item: item[0])
    plan.updated = vn_sorted(plan.updated, key=lambda item: item[1])
    return Preview(
        source=str(data["source"]),
        plan=plan,
        rejected=[(row, Problem(code, params)) for row, _raw, code, params in data["rejected"]],
        warned=vn_sorted(
            [
                (m["row"], m["name"], [Problem(c, p) for c, p in m["warnings"]])
                for m in data["members"]
                if m["warnings"]
            ],
            key=lambda item: item[1],
        ),
        encoding=data.get("encoding"),
    )


async def commit(
    session: AsyncSession, access: Access, cell_id: int, data: dict[str, Any]
) -> tuple[Org, int, int]:
    """Write a previewed import; (cell, added, updated)."""
    cell = await roster_cell(session, access, cell_id)
    plan = await _plan(session, cell.id, data)
    added, updated = await members.apply_import(session, cell.id, plan, actor_id=access.user_id)
    return cell, added, updated
