"""Roster rules (R1, L4, L5): statuses on a date, and what an import would change.

Pure functions over plain data; storage/members.py feeds them rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from bot.domain.model import LEAVING_STATUSES, MemberStatus, is_eligible


class StatusEntry(Protocol):
    """One entry of a status history (storage.models.MemberStatusChange fits)."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> MemberStatus: ...
    @property
    def effective_from(self) -> date: ...
    @property
    def effective_until(self) -> date | None: ...


@dataclass(frozen=True)
class Entry:
    """A history entry that is not (yet) a database row."""

    status: MemberStatus
    effective_from: date
    effective_until: date | None = None
    id: int = 0


def status_on(history: Iterable[StatusEntry], day: date) -> MemberStatus | None:
    """R1: the status valid on `day`, or None if the member had not joined yet.

    The entry with the latest (effective_from, id) among those that have started and not
    ended wins, so a later correction overrides and an expired exemption falls away.
    """
    best: StatusEntry | None = None
    for e in history:
        if e.effective_from > day or (e.effective_until is not None and e.effective_until < day):
            continue
        if best is None or (e.effective_from, e.id) > (best.effective_from, best.id):
            best = e
    return best.status if best else None


def eligible_on(history: Iterable[StatusEntry], day: date) -> bool:
    """R1/R2: does the member count in the attendance denominator on `day`?"""
    return is_eligible(status_on(history, day))


def has_left(status: MemberStatus | None) -> bool:
    return status in LEAVING_STATUSES


@dataclass(frozen=True)
class NewSpan:
    status: MemberStatus
    start: date
    end: date | None = None


def missing_spans(history: Sequence[StatusEntry], spans: Iterable[NewSpan]) -> list[NewSpan]:
    """The spans of an imported history that would change what the roster says.

    A span is redundant when the member already has that status on its start date (and,
    for a span with an end, on its end date), so re-importing the same file changes
    nothing.
    """
    known: list[StatusEntry] = list(history)
    out: list[NewSpan] = []
    next_id = max((e.id for e in known), default=0) + 1
    for span in sorted(spans, key=lambda s: s.start):
        already = status_on(known, span.start) == span.status and (
            span.end is None or status_on(known, span.end) == span.status
        )
        if already:
            continue
        out.append(span)
        known.append(Entry(span.status, span.start, span.end, id=next_id))
        next_id += 1
    return out


@dataclass
class ImportPlan:
    """What confirming an import would write: new members, updated members, nothing else."""

    new: list[tuple[str, list[NewSpan]]] = field(default_factory=list)
    updated: list[tuple[int, str, list[NewSpan]]] = field(default_factory=list)  # member id
    unchanged: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.new and not self.updated


def plan_import(
    existing: dict[str, tuple[int, Sequence[StatusEntry]]],
    parsed: Iterable[tuple[str, Sequence[NewSpan]]],
) -> ImportPlan:
    """Compare parsed rows with the roster. `existing` maps the L5 folded name to
    (member id, history); `parsed` yields (full name, spans) with names already normalised.
    """
    from bot.domain.text import fold

    plan = ImportPlan()
    for full_name, spans in parsed:
        key = fold(full_name)
        if key in existing:
            member_id, history = existing[key]
            todo = missing_spans(history, spans)
            if todo:
                plan.updated.append((member_id, full_name, todo))
            else:
                plan.unchanged.append(full_name)
        else:
            plan.new.append((full_name, missing_spans([], spans)))
    return plan


@dataclass(frozen=True)
class RosterLine:
    member_id: int
    full_name: str
    status: MemberStatus | None
    since: date | None


def roster_on(
    members: Iterable[tuple[int, str, Sequence[StatusEntry]]], day: date
) -> tuple[list[RosterLine], list[RosterLine]]:
    """Split a roster (already in L4 order) into (current, left) as of `day`.

    Members whose first status starts later are listed as current: a secretary who adds
    someone "from next month" should still see them.
    """
    current: list[RosterLine] = []
    left: list[RosterLine] = []
    for member_id, name, history in members:
        status = status_on(history, day)
        since = _since(history, day)
        if status is None and history:
            first = min(history, key=lambda e: (e.effective_from, e.id))
            status, since = first.status, first.effective_from
        line = RosterLine(member_id, name, status, since)
        (left if has_left(status) else current).append(line)
    return current, left


def _since(history: Sequence[StatusEntry], day: date) -> date | None:
    applicable = [
        e
        for e in history
        if e.effective_from <= day and (e.effective_until is None or e.effective_until >= day)
    ]
    if not applicable:
        return None
    return max(applicable, key=lambda e: (e.effective_from, e.id)).effective_from


def status_counts(lines: Iterable[RosterLine]) -> dict[MemberStatus, int]:
    counts: dict[MemberStatus, int] = {}
    for line in lines:
        if line.status is not None:
            counts[line.status] = counts.get(line.status, 0) + 1
    return counts
