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


async def test_0007_adds_the_committees_grade_to_existing_meetings(engine: AsyncEngine) -> None:
    """Migration 0007 (M9): a meeting saved before it keeps its own grade and starts
    unconfirmed; the downgrade drops the new columns and nothing else."""
    from datetime import UTC, date, datetime

    import sqlalchemy as sa
    from alembic import command

    from bot.domain.model import OrgKind
    from storage import orgs
    from storage.db import make_sessionmaker
    from storage.migrate import alembic_config
    from storage.models import Meeting
    from storage.types import UTCDateTime

    async with make_sessionmaker(engine).begin() as s:
        cell = await orgs.create(
            s, name="Chi bộ Khu phố 5", kind=OrgKind.CELL, parent=None, actor_id=None
        )
        cell_id = cell.id

    def to(revision: str, down: bool = False) -> object:
        def run(conn: Connection) -> None:
            (command.downgrade if down else command.upgrade)(alembic_config(conn), revision)

        return run

    def meeting_columns(conn: Connection) -> set[str]:
        return {c["name"] for c in inspect(conn).get_columns("meetings")}

    new = {"confirmed_grade", "confirmed_of", "confirmed_by", "confirmed_at", "grade_note"}
    async with engine.begin() as conn:
        await conn.run_sync(to("0006", down=True))  # type: ignore[arg-type]
        assert not new & await conn.run_sync(meeting_columns)
        now = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
        meetings = sa.table(
            "meetings",
            sa.column("cell_id"), sa.column("state"), sa.column("kind"),
            sa.column("held_on", sa.Date()), sa.column("grade"), sa.column("score"),
            sa.column("version"), sa.column("created_at", UTCDateTime()),
            sa.column("updated_at", UTCDateTime()),
        )  # fmt: skip
        await conn.execute(
            meetings.insert().values(
                cell_id=cell_id,
                state="saved",
                kind="regular",
                held_on=date(2026, 10, 3),
                grade="kha",
                score=85,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
    await upgrade(engine)
    assert await current_revision(engine) == head_revision()
    async with make_sessionmaker(engine).begin() as s:
        m = await s.scalar(sa.select(Meeting).where(Meeting.cell_id == cell_id))
        assert m is not None and (m.grade, m.score) == ("kha", 85)
        assert (m.confirmed_grade, m.confirmed_of, m.confirmed_by, m.confirmed_at) == (None,) * 4
        assert m.grade_note is None
    async with engine.connect() as conn:
        assert new <= await conn.run_sync(meeting_columns)
