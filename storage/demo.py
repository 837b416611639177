"""Bulk loading of the demo province (bot/demo/province.py) for `chibo demo-data` (#6).

The rows come with their ids, so the tables are filled in one pass each: COPY through
asyncpg on PostgreSQL (hundreds of thousands of rows a second), batched executemany on
SQLite; then the PostgreSQL sequences are moved past the new ids and the tables analysed,
so the planner knows their size before the first report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo.province import (
    MARK_COLUMNS,
    MEETING_COLUMNS,
    MEMBER_COLUMNS,
    ORG_COLUMNS,
    PROVINCE,
    STATUS_COLUMNS,
    ZERO_COLUMNS,
    Bases,
    Demo,
    Spec,
    build,
)

from . import audit
from .models import Base, Meeting, Member, MemberStatusChange, Org, ZeroReport

BATCH = 5000  # rows per executemany on SQLite


async def org_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Org)) or 0)


async def bases(session: AsyncSession) -> Bases:
    """The largest id of each table the demo fills."""

    async def top(column: Any) -> int:
        return int(await session.scalar(select(func.max(column))) or 0)

    return Bases(
        orgs=await top(Org.id),
        members=await top(Member.id),
        statuses=await top(MemberStatusChange.id),
        meetings=await top(Meeting.id),
        zero_reports=await top(ZeroReport.id),
    )


def _tables(demo: Demo) -> list[tuple[str, Sequence[str], list[tuple[Any, ...]]]]:
    # Parents before children: the foreign keys are checked as the rows arrive on SQLite.
    return [
        ("orgs", ORG_COLUMNS, demo.orgs),
        ("members", MEMBER_COLUMNS, demo.members),
        ("member_statuses", STATUS_COLUMNS, demo.statuses),
        ("meetings", MEETING_COLUMNS, demo.meetings),
        ("meeting_attendance", MARK_COLUMNS, demo.marks),
        ("zero_reports", ZERO_COLUMNS, demo.zero_reports),
    ]


def _plain(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """COPY takes no Python-side types: enums as their values, JSON as text."""
    return [
        tuple(
            v.value if hasattr(v, "value") else json.dumps(v) if isinstance(v, dict) else v
            for v in row
        )
        for row in rows
    ]


async def load(session: AsyncSession, demo: Demo) -> None:
    """Insert every row of `demo` in the session's transaction, with one audit entry."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        for name, columns, rows in _tables(demo):
            if rows:
                await driver.copy_records_to_table(name, records=_plain(rows), columns=columns)
        for name in ("orgs", "members", "member_statuses", "meetings", "zero_reports"):
            await conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            )
    else:
        for name, columns, rows in _tables(demo):
            table = Base.metadata.tables[name]
            for i in range(0, len(rows), BATCH):
                chunk = rows[i : i + BATCH]
                await conn.execute(
                    table.insert(), [dict(zip(columns, r, strict=True)) for r in chunk]
                )
    province = demo.orgs[0]
    await audit.record(
        session,
        actor_id=None,
        action="demo.create",
        entity="org",
        entity_id=province[0],
        org_id=province[0],
        after={
            "name": demo.province,
            "cells": demo.cells,
            "members": len(demo.members),
            "meetings": len(demo.meetings),
        },
        source="cli",
    )


async def analyze(session: AsyncSession) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL; SQLite's ANALYZE too)."""
    conn = await session.connection()
    for name, _columns, _rows in _tables(Demo("")):
        await conn.execute(text(f"ANALYZE {name}"))


class OrgsExist(Exception):
    """The database already holds organisations and no --append was given."""


async def populate(session: AsyncSession, spec: Spec, *, append: bool = False) -> Demo:
    """Generate and load a province in the session's transaction. Refuses a database that
    holds organisations already unless `append`, which adds the province beside them."""
    existing = await org_count(session)
    if existing and not append:
        raise OrgsExist
    start = await bases(session)
    name = PROVINCE if not existing else f"{PROVINCE} ({start.orgs + 1})"
    demo = build(spec, start, name)
    await load(session, demo)
    await analyze(session)
    return demo
