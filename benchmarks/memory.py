"""Memory benchmark (#6): the bot's resident memory while serving a 10,000-cell province.

    python -m benchmarks.memory [--database URL] [--cells 10000] [--members-per-cell 30]
                                [--months 12] [--secretaries 200]

The province is built with ``chibo demo-data`` (the same as ``python -m benchmarks.reports``
builds) in a PostgreSQL database of its own, ``chibo_bench_memory`` beside TEST_DATABASE_URL,
when that database holds no organisation, and kept for the next run. A secretary (a Telegram
user with the role) is added to every cell and an admin to the province, once; what a run
writes (meetings, messages, flows) is deleted at the start of the next.

Each measurement runs in a fresh Python process, which prints its resident memory (VmRSS)
and its peak (VmHWM, from /proc/self/status) after each phase:

chibo (the real application, ``bot.app.factory.build_application``, on the fake Bot API in the same
process, so the fake's memory counts against chibo):
  1. started: built, initialised, the database checked (as ``chibo run`` is before polling);
  2. the reminder tick on 03/12 at 08:05 (every cell due that day, the admin's digest of the
     cells that did not report, the R5/R6 warnings), then on 05/12 at 08:05 (every
     secretary's recap of November) — thousands of messages claimed and sent;
  3. the province's yearly report asked for by its admin in private (/baocao): the text,
     the 📈 chart and the 📥 Excel workbook of 10,000 cells;
  4. N secretaries logging a meeting each (10 taps: menu, type, date, two absences, save).

Baseline, in the same run: a bare PTB Application (no database; one handler that echoes
every message) answering as many updates, in a process of its own.

Target (#6): chibo's peak under 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BENCH_USERS = 8_000_000_000  # Telegram ids of the benchmark's secretaries: this + cell id
ADMIN_ID = BENCH_USERS - 1
TARGET_MB = 200


def rss() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    fields: dict[str, float] = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def default_url() -> str:
    from benchmarks.reports import default_url as reports_url

    return make_url(reports_url()).set(database="chibo_bench_memory").render_as_string(False)


# --- the province and its people -------------------------------------------------------------


async def prepare(url: str, cells: int, members_per_cell: int, months: int) -> int:
    """Build the province if needed, give every cell a secretary and the province an admin
    (once), and forget what earlier runs of this benchmark wrote. Returns the cell count."""
    from benchmarks.reports import ensure_database
    from bot.demo.province import Spec
    from bot.domain.model import OrgKind, Role
    from bot.services.demo import populate
    from storage import demo
    from storage.db import make_engine, make_sessionmaker
    from storage.migrate import upgrade
    from storage.models import Org, RoleAssignment, User

    await ensure_database(url)
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine).begin() as session:
            if not await demo.org_count(session):
                started = time.perf_counter()
                print(f"building the province: {cells} cells × {members_per_cell} members × "
                      f"{months} months …", flush=True)  # fmt: skip
                await populate(session, Spec(cells, members_per_cell, months))
                print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
        async with engine.begin() as conn:
            # What earlier runs wrote: the meetings logged, the messages claimed, the flows.
            for statement in (
                "DELETE FROM meeting_attendance WHERE meeting_id IN "
                "(SELECT id FROM meetings WHERE created_by >= :base)",
                "DELETE FROM meeting_guests WHERE meeting_id IN "
                "(SELECT id FROM meetings WHERE created_by >= :base)",
                "DELETE FROM meetings WHERE created_by >= :base",
                "DELETE FROM audit_log WHERE actor_id >= :base",
                "DELETE FROM flow_states WHERE user_id >= :base",
                "DELETE FROM deliveries",
            ):
                await conn.execute(text(statement), {"base": ADMIN_ID})
        async with make_sessionmaker(engine).begin() as session:
            cell_ids = list(
                await session.scalars(
                    select(Org.id).where(Org.kind == OrgKind.CELL, Org.archived_at.is_(None))
                )
            )
            root = await session.scalar(select(Org.id).where(Org.parent_id.is_(None)))
            have = await session.scalar(
                select(func.count()).select_from(User).where(User.telegram_id >= ADMIN_ID)
            )
            if not have:
                now = datetime.now(VN)
                session.add(User(telegram_id=ADMIN_ID, first_name="Quản trị", created_at=now,
                                 last_seen_at=now, language_code="vi"))  # fmt: skip
                session.add_all(
                    User(
                        telegram_id=BENCH_USERS + c,
                        first_name=f"Bí thư {c}",
                        created_at=now,
                        last_seen_at=now,
                        language_code="vi",
                    )
                    for c in cell_ids
                )
                await session.flush()
                session.add(RoleAssignment(user_id=ADMIN_ID, org_id=root, role=Role.ADMIN))
                session.add_all(
                    RoleAssignment(user_id=BENCH_USERS + c, org_id=c, role=Role.SECRETARY)
                    for c in cell_ids
                )
        return len(cell_ids)
    finally:
        await engine.dispose()


# --- the measured processes -------------------------------------------------------------------


def forgetful_fake(clock: Any) -> Any:
    """The fake Bot API, checking every call as usual, but keeping no history for chats that
    nobody in the benchmark reads (Telegram keeps those on its servers, not in the bot's
    process): what stays in memory is chibo's."""
    from tests.fakeapi import FakeTelegram

    class Forgetful(FakeTelegram):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.watched: set[int] = set()

        async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
            answer = await super().do_request(url, method, *args, **kwargs)
            call = self.calls.pop()
            chat_id = call.params.get("chat_id")
            chat = self._chats.get(int(chat_id)) if str(chat_id).lstrip("-").isdigit() else None
            if chat is not None and chat.id not in self.watched:
                chat.messages.clear()
            self._files.clear()
            return answer

    # The seeded secretaries stand for people who started the bot long ago, and the ticks'
    # thousands of messages go out unpaced (no limiter either, in serve_chibo): this measures
    # memory, not Telegram's pacing. So the fake is lenient about both.
    fake = Forgetful(date_clock=lambda: clock().timestamp(), strict_chats=False)
    fake.no_rate_limits()
    return fake


async def serve_chibo(url: str, secretaries: int) -> list[dict[str, Any]]:
    from bot.domain.model import OrgKind
    from bot.services.memory import tune_gc
    from bot.services.scheduler import tick
    from storage.db import make_engine
    from storage.models import Org
    from tests.botenv import Clock, start_env, stop_env

    phases: list[dict[str, Any]] = []

    def phase(name: str, **figures: Any) -> None:
        now, peak = rss()
        phases.append({"phase": name, "rss": now, "peak": peak, **figures})
        print(f"  {name}: {now:.0f} MB now, {peak:.0f} MB peak {figures or ''}", flush=True)

    clock = Clock(datetime(2026, 12, 3, 8, 5, tzinfo=VN))
    fake = forgetful_fake(clock)
    env = await start_env(make_engine(url), clock, fake, rate_limiter=None)  # see forgetful_fake
    app = env.app
    try:
        await app.start()  # the job queue's scheduler runs; its tick is called below instead
        assert app.job_queue is not None
        for job in app.job_queue.get_jobs_by_name("reminders"):
            job.schedule_removal()  # else it ticks too, 5 s in, and sends what is counted below
        tune_gc()  # as `chibo run` does once started (bot.services.memory)
        phase("started")
        sent = 0
        for day in (3, 5):
            clock.set(datetime(2026, 12, day, 8, 5, tzinfo=VN))
            report = await tick(app.bot_data, app.bot)
            sent += report.outcomes.get("sent", 0)
        phase("reminder ticks", messages=sent)

        admin = env.user(ADMIN_ID, "Quản trị")
        fake.watched.add(ADMIN_ID)
        await admin.command("baocao")
        year = admin.chat.last_bot_message.buttons[-1].text  # this year
        await admin.press(year)
        await admin.press("📈 Biểu đồ")
        await admin.press("📥 Excel")
        documents = [m for m in admin.chat.messages if m.document is not None]
        phase("province yearly report", messages=len(admin.chat.messages), xlsx=len(documents))

        async with env.db() as s:
            cells = list(
                await s.scalars(
                    select(Org.id)
                    .where(Org.kind == OrgKind.CELL)
                    .order_by(Org.id)
                    .limit(secretaries)
                )
            )
        clock.set(datetime(2026, 12, 10, 20, 0, tzinfo=VN))
        for cell in cells:
            sec = env.user(BENCH_USERS + cell, "Bí thư")
            fake.watched.add(sec.id)
            await sec.command("start")
            await sec.tap("📝 Ghi sinh hoạt")
            await sec.press("Thường kỳ")
            await sec.press("Hôm nay")
            # two absences: the first two members on the attendance screen
            marks = [b.text for b in sec.chat.last_bot_message.buttons if b.text.startswith("✅")]
            for label in marks[:2]:
                await sec.press(label)
            await sec.press("➡️ Tiếp tục")
            await sec.press("💾 Lưu")
        async with env.db() as s:
            from storage.models import Meeting

            saved = await s.scalar(
                select(func.count())
                .select_from(Meeting)
                .where(Meeting.created_by >= BENCH_USERS, Meeting.state == "saved")
            )
        phase("secretaries logging meetings", meetings=saved)
        if env.errors:
            raise RuntimeError(f"{len(env.errors)} errors while serving: {env.errors[0]!r}")
        if saved != len(cells):
            raise RuntimeError(f"{saved} meetings saved of {len(cells)}")
    finally:
        await app.stop()
        await stop_env(env)
    return phases


async def serve_bare(updates: int) -> list[dict[str, Any]]:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, TypeHandler

    from tests.botenv import TOKEN
    from tests.fakeapi import FakeTelegram

    phases: list[dict[str, Any]] = []
    fake = FakeTelegram(TOKEN, strict_chats=False)  # updates bypass it; as chibo's, unpaced
    fake.no_rate_limits()
    app = ApplicationBuilder().token(TOKEN).request(fake).get_updates_request(fake).build()

    async def echo(update: Update, ctx: Any) -> None:
        if update.effective_chat is not None and update.effective_message is not None:
            await ctx.bot.send_message(update.effective_chat.id, update.effective_message.text)

    app.add_handler(TypeHandler(Update, echo))
    async with app:
        now, peak = rss()
        phases.append({"phase": "started", "rss": now, "peak": peak})
        for i in range(updates):
            user = {"id": 1000 + i % 200, "is_bot": False, "first_name": "Lan"}
            payload = {
                "update_id": i + 1,
                "message": {"message_id": i + 1, "date": 0, "text": f"tin {i}", "from": user,
                            "chat": {"id": user["id"], "type": "private"}},
            }  # fmt: skip
            await app.process_update(Update.de_json(payload, app.bot))
        now, peak = rss()
        phases.append({"phase": f"{updates} updates echoed", "rss": now, "peak": peak})
    return phases


def child(kind: str, url: str, amount: int) -> list[dict[str, Any]]:
    """Run one measurement in a process of its own; its last line is the JSON of the phases."""
    args = [sys.executable, "-m", "benchmarks.memory", "--child", kind, "--database", url]
    args += ["--secretaries", str(amount)]
    done = subprocess.run(args, capture_output=True, text=True, env=os.environ, check=False)
    sys.stdout.write(done.stdout.rpartition("\n{")[0] + "\n" if "\n{" in done.stdout else "")
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"the {kind} process failed ({done.returncode})")
    return list(json.loads(done.stdout.strip().splitlines()[-1])["phases"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__)
    arg = parser.add_argument
    arg(
        "--database",
        default=None,
        help="PostgreSQL URL (default: chibo_bench_memory on the test server)",
    )
    arg("--cells", type=int, default=10_000)
    arg("--members-per-cell", type=int, default=30)
    arg("--months", type=int, default=12)
    arg("--secretaries", type=int, default=200, help="secretaries logging a meeting (200)")
    arg("--child", choices=["chibo", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = args.database or default_url()
    if make_url(url).get_backend_name() != "postgresql":
        parser.error("the province lives on PostgreSQL: give a postgresql+asyncpg:// URL")
    import warnings

    warnings.simplefilter("ignore")
    if args.child == "chibo":
        phases = asyncio.run(serve_chibo(url, args.secretaries))
        print(json.dumps({"phases": phases}))
        return 0
    if args.child == "bare":
        print(json.dumps({"phases": asyncio.run(serve_bare(args.secretaries * 10))}))
        return 0

    cells = asyncio.run(prepare(url, args.cells, args.members_per_cell, args.months))
    print(f"memory while serving a {cells}-cell province ({make_url(url).database}), "
          f"{datetime.now(VN):%d/%m/%Y}; each in a process of its own", flush=True)  # fmt: skip
    print("chibo:", flush=True)
    chibo = child("chibo", url, args.secretaries)
    print("bare PTB (echo):", flush=True)
    bare = child("bare", url, args.secretaries)
    peak = max(p["peak"] for p in chibo)
    bare_peak = max(p["peak"] for p in bare)
    print()
    print(f"{'phase':<34} {'RSS, MB':>8} {'peak, MB':>9}")
    for p in chibo:
        print(f"{'chibo: ' + p['phase']:<34} {p['rss']:>8.0f} {p['peak']:>9.0f}")
    for p in bare:
        print(f"{'bare PTB: ' + p['phase']:<34} {p['rss']:>8.0f} {p['peak']:>9.0f}")
    print()
    verdict = "under" if peak < TARGET_MB else "OVER"
    print(f"chibo's peak: {peak:.0f} MB ({verdict} the {TARGET_MB} MB target); "
          f"bare PTB's: {bare_peak:.0f} MB; chibo/bare {peak / bare_peak:.1f}×")  # fmt: skip
    return 0 if peak < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
