"""The rule profile of a node, read from the tree (R4, M5, M9; built by bot/domain/orgtree.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meeting_rules import RuleProfile
from bot.domain.orgtree import rule_profile as profile_of
from storage import orgs
from storage.models import Org


async def rule_profile(
    session: AsyncSession, org: Org, chain: list[Org] | None = None
) -> RuleProfile:
    """The profile `org` is judged by. `chain` is `orgs.ancestors(session, org)` when the
    caller has read it already."""
    if chain is None:
        chain = await orgs.ancestors(session, org)
    return profile_of(org, chain)
