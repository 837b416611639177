"""Bulk loading of rows given with their ids: the demo province of `chibo demo-data` (#6;
made by bot/demo, loaded by bot/services/demo.py).

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

from .models import Base, Meeting, Member, MemberStatusChange, Org, ZeroReport

# (table, its columns, the rows in that order), parents before children.
Table = tuple[str, Sequence[str], Sequence[tuple[Any, ...]]]

BATCH = 5000  # rows per executemany on SQLite


async def org_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Org)) or 0)


async def top_ids(session: AsyncSession) -> dict[str, int]:
    """The largest id of each table with ids that the demo fills (0 when empty)."""
    tables = {
        "orgs": Org.id,
        "members": Member.id,
        "member_statuses": MemberStatusChange.id,
        "meetings": Meeting.id,
        "zero_reports": ZeroReport.id,
    }
    return {
        name: int(await session.scalar(select(func.max(column))) or 0)
        for name, column in tables.items()
    }


def _plain(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """COPY takes no Python-side types: enums as their values, JSON as text."""
    return [
        tuple(
            v.value if hasattr(v, "value") else json.dumps(v) if isinstance(v, dict) else v
            for v in row
        )
        for row in rows
    ]


async def load(session: AsyncSession, tables: Sequence[Table]) -> None:
    """Insert every row in the session's transaction; on PostgreSQL, move the sequences of the
    tables with ids past the new ones."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        for name, columns, rows in tables:
            if rows:
                await driver.copy_records_to_table(name, records=_plain(rows), columns=columns)
        for name in _with_ids(tables):
            await conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            )
    else:
        for name, columns, rows in tables:
            table = Base.metadata.tables[name]
            for i in range(0, len(rows), BATCH):
                chunk = rows[i : i + BATCH]
                await conn.execute(
                    table.insert(), [dict(zip(columns, r, strict=True)) for r in chunk]
                )


def _with_ids(tables: Sequence[Table]) -> list[str]:
    return [name for name, columns, _rows in tables if "id" in columns]


async def analyze(session: AsyncSession, tables: Sequence[Table]) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL; SQLite's ANALYZE too)."""
    conn = await session.connection()
    for name, _columns, _rows in tables:
        await conn.execute(text(f"ANALYZE {name}"))
