"""The Alembic migrations build exactly the schema the models describe (both backends)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base


async def test_database_is_at_head(engine: AsyncEngine) -> None:
    assert await current_revision(engine) == head_revision()
    await upgrade(engine)  # idempotent: running again changes nothing
    assert await current_revision(engine) == head_revision()


async def test_models_match_migrations(engine: AsyncEngine) -> None:
    def diff(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_timestamps_are_timezone_aware(engine: AsyncEngine) -> None:
    def columns(conn: Connection) -> dict[str, str]:
        return {c["name"]: repr(c["type"]) for c in inspect(conn).get_columns("audit_log")}

    async with engine.connect() as conn:
        cols = await conn.run_sync(columns)
    if engine.dialect.name == "postgresql":
        assert cols["at"] == "TIMESTAMP(timezone=True)"
        assert "BIGINT" in cols["actor_id"]
