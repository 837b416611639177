"""Draw the README's page images of the bot's Word documents from made-up data.

    python tools/doc_images.py            # every document below
    python tools/doc_images.py minutes    # only some

The minutes are built by the bot's own renderer from made-up data (no database, no Telegram);
the committee's report by the product's own commands: `chibo demo-data` fills a throwaway
SQLite database with a synthetic province and `chibo report --format docx` writes its first
commune's report for last month. Each document is then
converted by LibreOffice (`soffice --headless --convert-to pdf`, Debian's `libreoffice-writer`)
and its first page drawn by `pdftoppm -png -r 80` (`poppler-utils`) into
docs/images/<name>-page1.png. Times New Roman falls back to Liberation Serif where it is not
installed, as on a Debian machine. To add a document, add a function returning the .docx
bytes to DOCUMENTS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.meetings import Attendance, MeetingType  # noqa: E402
from bot.domain.model import MemberStatus  # noqa: E402
from bot.domain.roster import Entry  # noqa: E402
from bot.render.minutes import build_minutes  # noqa: E402
from bot.render.minutes_data import minutes_data  # noqa: E402

IMAGES = ROOT / "docs" / "images"
DPI = 80

_OFFICIAL = [
    "Nguyễn Văn An", "Nguyễn Văn Bình", "Lê Văn Cường", "Trần Thị Hòa", "Phan Văn Đức",
    "Hồ Thị Giang", "Vũ Văn Hùng", "Đặng Thị Kim", "Bùi Văn Long", "Đỗ Thị Mai",
    "Ngô Văn Nam", "Dương Thị Oanh", "Lý Văn Phúc",
]  # fmt: skip


def minutes() -> bytes:
    """A regular meeting of an 18-member cell under a Đảng bộ Khối phố (every status)."""
    old = Entry(MemberStatus.OFFICIAL, date(2000, 1, 1), None, 1)
    roster: list[tuple[int, str, list[Entry]]] = [(i, n, [old]) for i, n in enumerate(_OFFICIAL, 1)]
    roster += [
        (20, "Trịnh Văn Quang", [Entry(MemberStatus.PROBATIONARY, date(2026, 3, 1), None, 2)]),
        (21, "Mai Thị Sương", [Entry(MemberStatus.PROBATIONARY, date(2026, 3, 1), None, 3)]),
        (22, "Phạm Thị Dung", [old, Entry(MemberStatus.EXEMPTED, date(2024, 1, 1), None, 4)]),
        (23, "Cao Văn Tài", [old, Entry(MemberStatus.EXEMPTED, date(2024, 1, 1), None, 5)]),
        (24, "Hoàng Văn Em", [old, Entry(MemberStatus.TEMP_ELSEWHERE, date(2026, 9, 1), None, 6)]),
    ]
    data = minutes_data(
        chain=["Đảng bộ Khối phố 3", "Đảng ủy phường Hòa Minh", "Tỉnh ủy Minh Hòa"],
        cell="Chi bộ Khu phố 7",
        kind=MeetingType.REGULAR,
        day=date(2026, 11, 21),
        start=time(19, 30),
        length=120,
        roster=roster,
        marks={1: Attendance.EXCUSED, 2: Attendance.UNEXCUSED},
        reasons={1: "ốm"},
        voluntary={22},
        guests=[("Lê Văn Tám", "đảng viên Chi bộ Khu phố 3")],
        topic="Triển khai Nghị quyết Đại hội Đảng bộ phường",
        upper_attendee="Võ Thị Hạnh – Đảng ủy viên phụ trách chi bộ",
        secretaries=["Hòa Trần"],
        grade="tot",
        score=92,
    )
    return build_minutes(data)


def _chibo(database: str, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIBO_", "DATABASE_"))}
    env["DATABASE_URL"] = database
    subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, check=True)


def committee_report() -> bytes:
    """The first commune's report for last month (#14), of a 40-cell demo province."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "demo.db"
        url = f"sqlite+aiosqlite:///{db}"
        _chibo(url, "demo-data", "--cells", "40", "--members-per-cell", "12", "--months", "12")
        with sqlite3.connect(db) as conn:
            (commune,) = conn.execute(
                "SELECT name FROM orgs WHERE kind = 'commune' ORDER BY id LIMIT 1"
            ).fetchone()
        today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # L1, as chibo reads it
        last = today.replace(day=1) - timedelta(days=1)
        out = work / "report.docx"
        _chibo(url, "report", "--org", commune, "--period", f"{last:%Y-%m}", "--format", "docx",
               "--out", str(out))  # fmt: skip
        return out.read_bytes()


DOCUMENTS: dict[str, Callable[[], bytes]] = {
    "minutes": minutes,
    "committee-report": committee_report,
}


def page_image(name: str, content: bytes, out: Path) -> Path:
    """The first page of a .docx as docs/images/<name>-page1.png."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        raise SystemExit("needs soffice (libreoffice-writer) and pdftoppm (poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / f"{name}.docx"
        source.write_bytes(content)
        profile = (work / "profile").as_uri()  # no shared LibreOffice profile, no lock
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(work), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
             str(work / f"{name}.pdf"), str(work / name)],
            check=True, timeout=60,
        )  # fmt: skip
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{name}-page1.png"
        shutil.copyfile(work / f"{name}.png", target)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"documents to draw: {', '.join(DOCUMENTS)}")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(DOCUMENTS)
    if unknown:
        parser.error(f"unknown documents: {', '.join(sorted(unknown))}")
    for name in args.names or DOCUMENTS:
        target = page_image(name, DOCUMENTS[name](), IMAGES)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
