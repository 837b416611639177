"""`chibo demo-data` (#6): generate a synthetic province (bot/demo) and load it (storage/demo.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo.province import PROVINCE, Bases, Demo, Spec, build
from storage import audit, demo


class OrgsExist(Exception):
    """The database already holds organisations and no --append was given."""


async def populate(session: AsyncSession, spec: Spec, *, append: bool = False) -> Demo:
    """Generate and load a province in the session's transaction. Refuses a database that
    holds organisations already unless `append`, which adds the province beside them."""
    existing = await demo.org_count(session)
    if existing and not append:
        raise OrgsExist
    top = await demo.top_ids(session)
    start = Bases(
        orgs=top["orgs"],
        members=top["members"],
        statuses=top["member_statuses"],
        meetings=top["meetings"],
        zero_reports=top["zero_reports"],
    )
    name = PROVINCE if not existing else f"{PROVINCE} ({start.orgs + 1})"
    made = build(spec, start, name)
    tables = made.tables()
    await demo.load(session, tables)
    province = made.orgs[0]
    await audit.record(
        session,
        actor_id=None,
        action="demo.create",
        entity="org",
        entity_id=province[0],
        org_id=province[0],
        after={
            "name": made.province,
            "cells": made.cells,
            "members": len(made.members),
            "meetings": len(made.meetings),
        },
        source="cli",
    )
    await demo.analyze(session, tables)
    return made
