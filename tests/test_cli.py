"""The `chibo` command, run as a real process against SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.invites import hash_code
from bot.domain.model import CellType, OrgKind, Role
from storage.db import make_sessionmaker
from storage.models import AuditEntry, Invite, Org, RoleAssignment

from .auxil.paths import ROOT


def chibo(
    engine: AsyncEngine, *args: str, token: str = "", **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "CHIBO_", "DATABASE_"))
    }
    env["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    env["TELEGRAM_BOT_USERNAME"] = "chibo_hoaminh_bot"
    if token:
        env["TELEGRAM_BOT_TOKEN"] = token
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_without_token_says_how_to_get_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["CHIBO_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "@BotFather" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


async def test_init_import_admin_and_invite(engine: AsyncEngine, samples: Path) -> None:
    done = chibo(engine, "init", "--name", "Đảng ủy phường Hòa Minh")
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip().splitlines()[-1]
    assert link.startswith("https://t.me/chibo_hoaminh_bot?start=")
    code = link.rsplit("=", 1)[1]

    done = chibo(engine, "org", "import", str(samples / "to-chuc-dang-bo-phuong-hoa-minh.csv"))
    assert done.returncode == 0, done.stderr
    assert "12" in done.stdout
    again = chibo(engine, "org", "import", str(samples / "to-chuc-dang-bo-phuong-hoa-minh.csv"))
    assert again.returncode == 0, again.stderr  # importing twice creates nothing new

    done = chibo(
        engine, "admin", "add", "424242", "--org", "Đảng uỷ phường Hoà Minh"
    )  # L5 spelling
    assert done.returncode == 0, done.stderr
    done = chibo(engine, "invite", "--org", "Chi bộ Khu phố 5", "--role", "secretary")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("https://t.me/chibo_hoaminh_bot?start=")
    done = chibo(engine, "admin", "add", "1", "--org", "Không có")
    assert done.returncode == 2 and "Traceback" not in done.stderr

    async with make_sessionmaker(engine).begin() as s:
        root = await s.scalar(select(Org).where(Org.parent_id.is_(None)))
        assert root is not None and root.kind == OrgKind.COMMUNE
        cells = list(await s.scalars(select(Org).where(Org.kind == OrgKind.CELL)))
        assert len(cells) == 12 and all(c.parent_id == root.id for c in cells)
        police = next(c for c in cells if c.name == "Chi bộ Công an phường")
        assert police.cell_type == CellType.ARMED_FORCES and police.meeting_day == 5
        invite = await s.scalar(select(Invite).where(Invite.code_hash == hash_code(code)))
        assert invite is not None and invite.role == Role.ADMIN and invite.org_id == root.id
        grant = await s.scalar(select(RoleAssignment).where(RoleAssignment.user_id == 424242))
        assert grant is not None and grant.org_id == root.id
        sources = set(await s.scalars(select(AuditEntry.source)))
        assert sources == {"cli"}  # S4: CLI changes are attributed to the CLI


async def test_report_text_workbook_and_chart(engine: AsyncEngine, tmp_path: Path) -> None:
    """`chibo report` (#5), offline against the database: the text on the screen, the
    workbook and the chart in files; bad periods and unknown organisations in one sentence."""
    from datetime import date, time

    from openpyxl import load_workbook

    from storage import meetings, orgs

    async with make_sessionmaker(engine).begin() as s:
        ward = await orgs.create(
            s, name="Đảng ủy phường Hòa Minh", kind=OrgKind.COMMUNE, parent=None, actor_id=None
        )
        for i in (1, 2, 3):
            cell = await orgs.create(
                s, name=f"Chi bộ Khu phố {i}", kind=OrgKind.CELL, parent=ward, actor_id=None,
                cell_type=CellType.RESIDENTIAL,
            )  # fmt: skip
            cell.founded_on = date(2026, 1, 1)  # #14: counted from then, not from today
            if i < 3:  # Khu phố 3 never reports
                m = await meetings.create_draft(
                    s, cell_id=cell.id, kind="regular", user_id=1, start=time(19, 30), minutes=90
                )
                m.held_on = date(2026, 10, 3)
                await meetings.save(s, m, actor_id=1)
    org = ("--org", "Đảng ủy phường Hòa Minh")
    done = chibo(engine, "report", *org, "--period", "2026-10")
    assert done.returncode == 0, done.stderr
    assert "Đã sinh hoạt thường kỳ: 2/3 (66,7%) chi bộ" in done.stdout
    assert "Chưa báo cáo: 1\n• Chi bộ Khu phố 3" in done.stdout
    xlsx = tmp_path / "bc.xlsx"
    done = chibo(
        engine, "report", *org, "--period", "2026-Q4", "--format", "xlsx", "--out", str(xlsx)
    )
    assert done.returncode == 0, done.stderr
    sheets = load_workbook(xlsx).worksheets
    assert len(sheets) == 2 and sheets[0]["A1"].value == "Đảng ủy phường Hòa Minh"
    png = tmp_path / "bc.png"
    done = chibo(engine, "report", *org, "--period", "2026", "--format", "png", "--out", str(png))
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for args, words in (
        (("--period", "2026-13"), "2026-13"),
        (("--period", "2099-01"), "chưa bắt đầu"),
        (("--period", "2026-10", "--format", "png"), "--out"),
    ):
        done = chibo(engine, "report", *org, *args)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    done = chibo(engine, "report", "--org", "Không có", "--period", "2026-10")
    assert done.returncode == 2 and "Traceback" not in done.stderr


async def test_org_import_start_dates_and_tracked_since(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """#14: `chibo org import` stores the start date column as the founding date; a cell
    without one counts from the month it was created, so last month's report does not
    call it "not reported", and this month's does."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # L1
    last = today.replace(day=1) - timedelta(days=1)
    sheet = tmp_path / "to-chuc.csv"
    sheet.write_text(
        "Tổ chức cấp trên,Tên chi bộ,Loại hình,Ngày sinh hoạt hằng tháng,Ngày thành lập\n"
        "Đảng ủy phường Hòa Minh,Chi bộ Khu phố 1,dân cư,3,01/01/2020\n"
        "Đảng ủy phường Hòa Minh,Chi bộ Khu phố 2,dân cư,3,\n",
        encoding="utf-8",
    )
    done = chibo(engine, "org", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    async with make_sessionmaker(engine).begin() as s:
        founded = dict(
            (await s.execute(select(Org.name, Org.founded_on).where(Org.kind == "cell"))).all()
        )
    assert founded == {"Chi bộ Khu phố 1": date(2020, 1, 1), "Chi bộ Khu phố 2": None}
    org = ("--org", "Đảng ủy phường Hòa Minh")
    done = chibo(engine, "report", *org, "--period", f"{last.year}-{last.month:02d}")
    assert done.returncode == 0, done.stderr
    assert "Chưa báo cáo: 1\n• Chi bộ Khu phố 1\n" in done.stdout  # not Khu phố 2
    done = chibo(engine, "report", *org, "--period", f"{today.year}-{today.month:02d}")
    assert "Chưa báo cáo: 2\n• Chi bộ Khu phố 1\n• Chi bộ Khu phố 2\n" in done.stdout
