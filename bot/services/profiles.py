"""The rule profile of a node, read from the tree (R4, M5, M9; built by bot/domain/orgtree.py),
and the organisation settings it comes from, changed with every node beneath checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import GRADE_KEYS, PROFILE_KEYS, RuleProfile, grade_thresholds
from bot.domain.orgtree import effective_settings
from bot.domain.orgtree import rule_profile as profile_of
from bot.domain.reminders import ReminderSettings
from storage import audit, orgs
from storage.models import Org

REMINDERS_KEY = "reminders"  # bot/domain/reminders.py's settings, a JSON object
SETTING_KEYS = frozenset({*PROFILE_KEYS, REMINDERS_KEY})


async def rule_profile(
    session: AsyncSession, org: Org, chain: list[Org] | None = None
) -> RuleProfile:
    """The profile `org` is judged by. `chain` is `orgs.ancestors(session, org)` when the
    caller has read it already."""
    if chain is None:
        chain = await orgs.ancestors(session, org)
    return profile_of(org, chain)


@dataclass
class BadSetting(Exception):
    """A settings change refused: `problem` is "unknown" (no such key), "grades" (M9's
    thresholds do not fall within 1-100; `thresholds` are those the node would get) or
    "value" (`reason`, in English, from the domain's check), at the node named `where`."""

    problem: str
    key: str
    where: str
    reason: str = ""
    thresholds: tuple[object, object, object] | None = None


async def change_settings(
    session: AsyncSession,
    org: Org,
    values: dict[str, Any],
    unset: list[str],
    *,
    actor_id: int | None,
    source: str = "bot",
) -> dict[str, Any]:
    """Set and remove keys of `org`'s own settings; the result must hold for the node and
    every node beneath, which inherit it (an upper committee's M9 thresholds over a cell's
    own, say). Refused with BadSetting; audited before and after (S4). Returns the node's
    own settings."""
    for key in [*values, *unset]:
        if key not in SETTING_KEYS:
            raise BadSetting("unknown", key, org.name)
    before = dict(org.settings or {})
    after = {k: v for k, v in {**before, **values}.items() if k not in unset}
    chain = await orgs.ancestors(session, org)
    by_id: dict[int, Org] = {o.id: o for o in chain}
    by_id.update({o.id: o for o in await orgs.subtree(session, org)})
    own = {o.id: (after if o.id == org.id else (o.settings or {})) for o in by_id.values()}
    for node in by_id.values():
        if not node.path.startswith(org.path):
            continue  # an ancestor: not changed
        merged: dict[str, Any] = {}
        for ident in node.ancestor_ids:
            merged.update(own.get(ident, {}))
        _check(merged, sorted({*values, *unset}), node.name)
    org.settings = after  # a new dict: JSON columns see assignment, not mutation
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="org.settings",
        entity="org",
        entity_id=org.id,
        org_id=org.id,
        before=before,
        after=after,
        source=source,
    )
    return after


def _check(merged: dict[str, Any], changed: list[str], where: str) -> None:
    try:
        RuleProfile.from_settings(merged)
    except ValueError as exc:
        if any(k in GRADE_KEYS for k in changed) and _grades_wrong(merged):
            raise BadSetting(
                "grades", "grade_tot", where, thresholds=grade_thresholds(merged)
            ) from None
        key = next((k for k in changed if k in str(exc)), changed[0] if changed else "")
        raise BadSetting("value", key, where, reason=str(exc)) from None
    try:
        ReminderSettings.from_settings(merged.get(REMINDERS_KEY) or {})
    except (ValueError, TypeError, AttributeError) as exc:
        raise BadSetting("value", REMINDERS_KEY, where, reason=str(exc)) from None


def _grades_wrong(merged: dict[str, Any]) -> bool:
    """M9: the thresholds alone are wrong (whole numbers that do not fall within 1-100)."""
    values = grade_thresholds(merged)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return False  # a type error: said as the value's own problem
    tot, kha, tb = values
    return not 0 < tb < kha < tot <= 100  # type: ignore[operator]


def effective(org: Org, chain: list[Org]) -> dict[str, Any]:
    """The settings `org` works with: its own over its ancestors'."""
    return effective_settings(org, chain)
