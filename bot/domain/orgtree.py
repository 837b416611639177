"""Pure helpers about the organisation tree (O1-O3, M7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any, Protocol

from bot.domain.meeting_rules import RuleProfile


class MeetingDefaults(Protocol):
    meeting_day: int | None
    meeting_time: time | None


def effective_meeting(
    org: MeetingDefaults, chain: Sequence[MeetingDefaults], default_day: int, default_time: time
) -> tuple[int, time]:
    """M7: a cell's meeting day/time, inherited from the nearest ancestor that sets it.

    `chain` is the list of ancestors from the root down (storage.orgs.ancestors).
    """
    day: int | None = org.meeting_day
    at: time | None = org.meeting_time
    for node in reversed(chain):
        day = day if day is not None else node.meeting_day
        at = at if at is not None else node.meeting_time
    return (day if day is not None else default_day, at if at is not None else default_time)


def inherited_meeting(
    chain: Sequence[MeetingDefaults], default_day: int, default_time: time
) -> tuple[int, time]:
    """M7: what a node below `chain` (root first) gets when it sets no day or time itself."""
    if not chain:
        return default_day, default_time
    return effective_meeting(chain[-1], chain[:-1], default_day, default_time)


class HasSettings(Protocol):
    @property
    def settings(self) -> dict[str, Any] | None: ...


def effective_settings(org: HasSettings, chain: Sequence[HasSettings]) -> dict[str, Any]:
    """Org.settings merged down the tree: the root's values, overridden by each node below
    it, the cell's own last. An upper committee sets its cells' rule profile (R4, M5, the
    correction deadline) once; a cell may still override a key locally."""
    merged: dict[str, Any] = {}
    for node in [*chain, org]:
        merged.update(node.settings or {})
    return merged


def rule_profile(org: HasSettings, chain: Sequence[HasSettings]) -> RuleProfile:
    """The rule profile a cell is judged by: its settings over its ancestors' (R4, M5, M9)."""
    return RuleProfile.from_settings(effective_settings(org, chain))
