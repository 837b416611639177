"""PostgreSQL stopped in the middle of a flow (#6): the user is told politely, nothing is
half-written, and the flow goes on once the database is back.

The server is a private one (tests/auxil/pgcluster.py), really stopped with `pg_ctl stop -m
immediate` (every connection cut, open transactions lost) and started again; the pooled
connections the engine holds are dead afterwards, which pool_pre_ping (storage.db) handles.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.services.scheduler import tick
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import AuditEntry, Delivery, FlowState, Meeting, MeetingMark, Member

from .auxil import pgcluster
from .auxil.botenv import VN, BotEnv, Clock, start_env, stop_env
from .auxil.flows import cell_with_members, log_meeting
from .auxil.pgcluster import PrivateCluster
from .fakeapi import TgUser

DOWN = "cơ sở dữ liệu hiện không phản hồi"  # handlers/errors.py, in Vietnamese
HUNG_AFTER = 2.0  # seconds; the bot itself waits bot.app.factory.DB_TIMEOUT_SECONDS


@pytest.fixture
async def cluster() -> AsyncIterator[PrivateCluster]:
    server = PrivateCluster()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
async def pg_env(cluster: PrivateCluster, clock: Clock) -> AsyncIterator[BotEnv]:
    engine = make_engine(cluster.url, timeout=HUNG_AFTER)  # as build_application does
    await upgrade(engine)
    env = await start_env(engine, clock)
    yield env
    if not cluster.running():
        cluster.start()
    await stop_env(env)


def _db_errors(env: BotEnv) -> list[BaseException]:
    """The errors the handlers raised while the database was down; all of them DB errors."""
    seen = list(env.errors)
    env.errors.clear()
    assert seen, "the outage went unnoticed"
    assert all(isinstance(e, DBAPIError | OSError) for e in seen), seen
    return seen


def _shown(user: TgUser, message_id: int) -> str:
    """What a message (edited in place by the flow) shows now."""
    msg = user.chat.find(message_id)
    assert msg is not None
    return msg.text


async def _rows(env: BotEnv) -> dict[str, Any]:
    async with env.db() as s:
        return {
            "meetings": [
                (m.id, m.state, m.held_on, m.kind) for m in await s.scalars(select(Meeting))
            ],
            "marks": sorted(
                (m.meeting_id, m.member_id, m.mark, m.reason)
                for m in await s.scalars(select(MeetingMark))
            ),
            "flows": [
                (f.user_id, f.flow, f.step, f.data) for f in await s.scalars(select(FlowState))
            ],
            "saves": len(
                list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.save")))
            ),
        }


@pytest.mark.parametrize("database", ["postgresql"])
async def test_database_stopped_mid_flow(
    database: str, cluster: PrivateCluster, pg_env: BotEnv
) -> None:
    env = pg_env
    sec, _tree, ids = await cell_with_members(env, 6)
    await sec.tap("📝 Ghi sinh hoạt")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    await sec.press("✅ Nguyễn Văn An")
    await sec.press("🟡 Vắng có lý do: ốm")
    before = await _rows(env)
    ((meeting_id, state, held_on, _kind),) = before["meetings"]
    assert state == "draft" and held_on == date(2026, 11, 21)
    assert before["marks"] == [(meeting_id, ids["Nguyễn Văn An"], "excused", "ốm")]
    screen = sec.chat.last_bot_message
    sent_before = len(sec.chat.bot_messages())

    cluster.stop()  # the plug is pulled
    await sec.press("✅ Nguyễn Văn Bình", in_message=screen.message_id)
    assert sec.last_alert and DOWN in sec.last_alert  # a callback tap: an alert
    assert sec.last_answer is not None and sec.last_answer.show_alert
    await sec.tap("📝 Ghi sinh hoạt")  # a message: a message
    assert DOWN in sec.chat.last_bot_message.text
    assert "Bước này chưa được lưu" in sec.chat.last_bot_message.text
    await sec.send("hello")
    assert DOWN in sec.chat.last_bot_message.text
    # The screen with the buttons was not touched: only the polite notices were sent.
    assert _shown(sec, screen.message_id) == screen.text
    assert len(sec.chat.bot_messages()) == sent_before + 2
    _db_errors(env)

    cluster.start()  # the database is back; the engine's pooled connections are dead
    assert await _rows(env) == before  # nothing from the outage half-written
    await sec.press("✅ Nguyễn Văn Bình", in_message=screen.message_id)  # same screen, goes on
    await sec.press("❌ Vắng không có lý do", in_message=screen.message_id)
    await sec.press("➡️ Tiếp tục")
    assert "vắng có lý do 1 · vắng không có lý do 1" in _shown(sec, screen.message_id)
    await sec.press("💾 Lưu")
    assert "Đã lưu" in _shown(sec, screen.message_id)
    after = await _rows(env)
    assert after["meetings"] == [(meeting_id, "saved", date(2026, 11, 21), "regular")]
    assert after["marks"] == [
        (meeting_id, ids["Nguyễn Văn An"], "excused", "ốm"),
        (meeting_id, ids["Nguyễn Văn Bình"], "unexcused", None),
    ]
    assert after["flows"] == [] or all(f[1] != "meeting" for f in after["flows"])
    assert after["saves"] == 1
    assert not env.errors


@contextmanager
def dies_at_commit(cluster: PrivateCluster, action: str) -> Iterator[None]:
    """Stop the server between the writes of the transaction that audits `action` and its
    COMMIT: the writes reached the server, the commit never does."""
    writing: list[Session] = []

    def flushed(session: Session, _context: object) -> None:
        if any(isinstance(o, AuditEntry) and o.action == action for o in session.new):
            writing.append(session)

    def pull_the_plug(session: Session) -> None:
        if session in writing:
            cluster.stop()

    event.listen(Session, "after_flush", flushed)
    event.listen(Session, "before_commit", pull_the_plug)
    try:
        yield
    finally:
        event.remove(Session, "after_flush", flushed)
        event.remove(Session, "before_commit", pull_the_plug)
    assert writing and not cluster.running()


@pytest.mark.parametrize("database", ["postgresql"])
async def test_database_dies_while_saving(
    database: str, cluster: PrivateCluster, pg_env: BotEnv
) -> None:
    """The server is killed between the save's writes and its COMMIT: none of them stay."""
    env = pg_env
    sec, _tree, ids = await cell_with_members(env, 4)
    await log_meeting(sec, menu=True, excused=["Nguyễn Văn An"], save=False)
    before = await _rows(env)
    ((meeting_id, _state, _day, _kind),) = before["meetings"]
    confirm = sec.chat.last_bot_message

    with dies_at_commit(cluster, "meeting.save"):
        await sec.press("💾 Lưu")
    assert sec.last_alert and DOWN in sec.last_alert
    # The confirmation screen was not replaced by "Saved": the save can be pressed again.
    assert _shown(sec, confirm.message_id) == confirm.text and "💾 Lưu" in confirm.labels
    _db_errors(env)
    cluster.start()
    assert await _rows(env) == before  # the meeting is still a draft, its marks as they were
    await sec.press("💾 Lưu", in_message=confirm.message_id)  # pressed again: saved once
    after = await _rows(env)
    assert [m[1] for m in after["meetings"]] == ["saved"] and after["saves"] == 1
    assert (
        after["marks"] == before["marks"] == [(meeting_id, ids["Nguyễn Văn An"], "excused", None)]
    )
    assert "Đã lưu" in _shown(sec, confirm.message_id)
    assert not env.errors


@pytest.mark.filterwarnings("ignore:Tasks created via:telegram.warnings.PTBUserWarning")
@pytest.mark.parametrize("database", ["postgresql"])
async def test_the_tick_survives_an_outage_and_catches_up(
    database: str, cluster: PrivateCluster, pg_env: BotEnv
) -> None:
    env = pg_env
    await cell_with_members(env, 2)
    env.fake.clear_calls()
    env.clock.set(datetime(2026, 11, 1, 8, 5, tzinfo=VN))
    job = env.app.job_queue.get_jobs_by_name("reminders")[0]  # type: ignore[union-attr]
    cluster.stop()
    await job.run(env.app)  # the job queue's own path: the error goes to the error handler
    _db_errors(env)
    assert not env.fake.calls_of("sendMessage")
    assert env.app.job_queue is not None and env.app.job_queue.get_jobs_by_name("reminders")
    cluster.start()
    env.clock.advance(minutes=1)
    report = await tick(env.app.bot_data, env.app.bot)
    assert report.claimed > 0 and env.fake.calls_of("sendMessage")
    assert await env.count(Delivery) == report.claimed


@pytest.mark.parametrize("database", ["postgresql"])
async def test_a_restart_between_two_taps_goes_unnoticed(
    database: str, cluster: PrivateCluster, pg_env: BotEnv
) -> None:
    """The server restarts while nobody writes (maintenance at night): the engine's pooled
    connections are all dead, yet the next tap works (pool_pre_ping, storage.db)."""
    env = pg_env
    sec, _tree, ids = await cell_with_members(env, 3)
    await sec.tap("📝 Ghi sinh hoạt")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    cluster.stop()
    cluster.start()
    await sec.press("✅ Nguyễn Văn An")
    await sec.press("🟡 Vắng có lý do: ốm")
    assert "🟡 Nguyễn Văn An" in sec.chat.last_bot_message.labels
    assert not env.errors
    async with env.db() as s:
        marks = [(m.member_id, m.mark) for m in await s.scalars(select(MeetingMark))]
    assert marks == [(ids["Nguyễn Văn An"], "excused")]


@pytest.mark.parametrize("database", ["postgresql"])
async def test_database_dies_while_adding_a_member(
    database: str, cluster: PrivateCluster, pg_env: BotEnv
) -> None:
    """ "Added" is said only once it is stored; the same buttons work after the restart."""
    env = pg_env
    sec, _tree, _ids = await cell_with_members(env, 2)
    await sec.tap("👥 Đảng viên")
    await sec.press("➕ Thêm một người")
    await sec.send("Lê Thị Ngọc Ánh")
    await sec.press("dự bị")
    dates = sec.chat.last_bot_message
    sent = len(sec.chat.bot_messages())
    with dies_at_commit(cluster, "member.add"):
        await sec.press("Hôm nay")
    assert sec.last_alert and DOWN in sec.last_alert
    assert len(sec.chat.bot_messages()) == sent  # no "Added comrade …"
    assert not any("Lê Thị Ngọc Ánh" in t for t in sec.chat.bot_texts()[sent - 1 :])
    _db_errors(env)
    cluster.start()
    async with env.db() as s:
        assert "Lê Thị Ngọc Ánh" not in set(await s.scalars(select(Member.full_name)))
    await sec.press("Hôm nay", in_message=dates.message_id)
    assert "Đã thêm đồng chí Lê Thị Ngọc Ánh" in sec.chat.bot_texts()[-2]
    async with env.db() as s:
        names = list(await s.scalars(select(Member.full_name)))
    assert names.count("Lê Thị Ngọc Ánh") == 1
    assert not env.errors


@pytest.mark.parametrize("database", ["postgresql"])
async def test_a_hung_database_costs_a_notice_not_the_bot(
    database: str, cluster: PrivateCluster, pg_env: BotEnv
) -> None:
    """The server hangs (frozen, or cut off: connections open, no answer): the tap is
    answered with the notice after the engine's timeout instead of waiting forever (and
    holding up every other update), and all is well once the server answers again."""
    env = pg_env
    sec, _tree, ids = await cell_with_members(env, 3)
    await sec.tap("📝 Ghi sinh hoạt")
    await sec.press("Thường kỳ")
    await sec.press("Hôm nay")
    screen = sec.chat.last_bot_message
    cluster.freeze()
    try:
        started = time.monotonic()
        await asyncio.wait_for(sec.press("✅ Nguyễn Văn An"), timeout=10 * HUNG_AFTER)
        waited = time.monotonic() - started
        assert sec.last_alert and DOWN in sec.last_alert
        await asyncio.wait_for(sec.send("/meeting"), timeout=10 * HUNG_AFTER)
        assert DOWN in sec.chat.last_bot_message.text
    finally:
        cluster.thaw()
    assert waited < 4 * HUNG_AFTER, waited
    _db_errors(env)
    await sec.press("✅ Nguyễn Văn An", in_message=screen.message_id)
    await sec.press("🟡 Vắng có lý do: ốm", in_message=screen.message_id)
    assert "🟡 Nguyễn Văn An" in sec.chat.find(screen.message_id).labels  # type: ignore[union-attr]
    async with env.db() as s:
        marks = [(m.member_id, m.mark) for m in await s.scalars(select(MeetingMark))]
    assert marks == [(ids["Nguyễn Văn An"], "excused")]
    assert not env.errors


@pytest.mark.parametrize("ci", ["", "true"])
def test_without_server_binaries_a_developer_skips_and_ci_fails(
    ci: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#12: the README's plain `pytest` on a machine without initdb/pg_ctl skips these tests
    with the reason; CI, where a skip would hide them, fails."""
    monkeypatch.setattr(pgcluster, "_bindir", lambda: None)
    monkeypatch.setenv("CI", ci)
    if ci:
        with pytest.raises(RuntimeError, match="initdb"):
            pgcluster.binaries_or_skip()
    else:
        with pytest.raises(pytest.skip.Exception, match="apt install postgresql"):
            pgcluster.binaries_or_skip()
