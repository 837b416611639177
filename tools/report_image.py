"""Draw page 1 of the committee's report (#14) into docs/images/committee-report-page1.png.

    python tools/report_image.py

Only the product's own commands and Debian's packages: `chibo demo-data` fills a throwaway
SQLite database with a synthetic province, `chibo report --format docx` writes the report of
its first commune for last month, LibreOffice (`soffice --headless --convert-to pdf`) lays it
out and poppler's `pdftoppm` draws page 1 at 80 dpi (about 100 kB).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images" / "committee-report-page1.png"


def chibo(database: str, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIBO_", "DATABASE_"))}
    env["DATABASE_URL"] = database
    subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, check=True)


def main() -> int:
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install libreoffice-writer poppler-utils")
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "demo.db"
        url = f"sqlite+aiosqlite:///{db}"
        chibo(url, "demo-data", "--cells", "40", "--members-per-cell", "12", "--months", "12")
        with sqlite3.connect(db) as conn:
            (commune,) = conn.execute(
                "SELECT name FROM orgs WHERE kind = 'commune' ORDER BY id LIMIT 1"
            ).fetchone()
        today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # L1, as chibo reads it
        last = today.replace(day=1) - timedelta(days=1)
        docx = work / "report.docx"
        chibo(url, "report", "--org", commune, "--period", f"{last:%Y-%m}", "--format", "docx",
              "--out", str(docx))  # fmt: skip
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(docx)],
            check=True,
            capture_output=True,
            env={**os.environ, "HOME": str(work)},  # a profile of its own, not the user's
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
             str(work / "report.pdf"), str(work / "page")],
            check=True,
        )  # fmt: skip
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page.png", OUT)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
