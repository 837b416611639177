"""The committee's report in the Party's form (#14, K1-K4, HD 36-HD/VPTW), opened with
python-docx and read line by line: the header's two columns, the number, place and date, the
title, the figures in prose and in the table (the Report's own), the cells named, the
signature block, and no member's name anywhere (S2). On the synthetic ward of
tests/test_reports.py, from /baocao (the document the fake Bot API received) and from
`chibo report --format docx`, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from datetime import date
from fractions import Fraction
from pathlib import Path

from docx import Document
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import CellType, MemberStatus, OrgKind
from bot.domain.roster import NewSpan
from bot.render.committee_report import (
    Issuer,
    committee_report,
    party_organisation,
    place_of,
    symbol,
)
from bot.render.i18n import translator
from storage import members, orgs
from storage.db import make_sessionmaker

from .auxil.botenv import BotEnv
from .test_cli import chibo
from .test_flow_summaries import ADMIN, GROUP, NAMES, no_member_names_in_groups, setup
from .test_reports import (
    G1,
    G2,
    WARD,
    B,
    D,
    H,
    Sessions,
    member_names,
    report,
    ward,
)

PROVINCE = "Tỉnh ủy Minh Hòa"
ISSUER = Issuer(committee=WARD, parent=PROVINCE)


class Read:
    """A .docx as lines: the header's columns, the body's paragraphs, the tables' rows,
    the signature's columns."""

    def __init__(self, content: bytes) -> None:
        doc = Document(io.BytesIO(content))
        tables = doc.tables
        self.left, self.right = ([p.text for p in c.paragraphs] for c in tables[0].rows[0].cells)
        self.body = [p.text for p in doc.paragraphs]
        self.tables = [[[c.text for c in r.cells] for r in t.rows] for t in tables[1:-1]]
        self.sign_left, self.sign_right = (
            [p.text for p in c.paragraphs] for c in tables[-1].rows[0].cells
        )
        header = [p for c in tables[0].rows[0].cells for p in c.paragraphs]
        self.bold = {r.text for p in [*header, *doc.paragraphs] for r in p.runs if r.bold}
        self.all = "\n".join(
            [*self.left, *self.right, *self.body, *self.sign_left, *self.sign_right]
            + [c for t in self.tables for row in t for c in row]
        )


def no_member(text: str, names: list[str]) -> None:
    """S2: cells and counts only."""
    assert "Nguyễn Văn" not in text
    for name in names:
        assert name not in text, name


async def test_october_line_by_line(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026-10")
    doc = Read(committee_report(r, ISSUER))
    # The header (HD 36): the superior organisation over the issuing committee, "*", the
    # number left to the office; the Party's name and the place and date (L2).
    assert doc.left == ["ĐẢNG BỘ TỈNH MINH HÒA", "ĐẢNG ỦY PHƯỜNG HÒA MINH", "*", "Số …………-BC/ĐU"]
    assert doc.right == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hòa Minh, ngày 10 tháng 01 năm 2027"]
    assert {"ĐẢNG ỦY PHƯỜNG HÒA MINH", "ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO"} <= doc.bold
    body = doc.body
    i = body.index("BÁO CÁO")
    assert body[i + 1] == "kết quả sinh hoạt chi bộ tháng 10 năm 2026"
    assert "tính đến" not in body[i + 2]  # October is over
    m = r.month
    assert m is not None
    # The figures as prose: test_reports.test_october checks these numbers by construction.
    assert (m.cells, m.held, m.zero, m.unreported, m.below) == (7, 4, 1, [H, D], [B])
    prose = body[body.index("I. KẾT QUẢ SINH HOẠT CHI BỘ") + 1 :]
    assert prose[:11] == [
        "- Tổng số chi bộ phải sinh hoạt trong tháng: 7 chi bộ;",
        "- Số chi bộ đã sinh hoạt thường kỳ: 4/7 chi bộ, đạt 57,1%;",
        "- Số chi bộ báo cáo không sinh hoạt: 1/7 chi bộ, chiếm 14,3%;",
        "- Số chi bộ chưa báo cáo: 2/7 chi bộ, chiếm 28,6%;",
        "- Tỷ lệ đảng viên dự sinh hoạt bình quân: 94,9%;",  # 721/760 (L3)
        "- Tỷ lệ đảng viên dự sinh hoạt thấp nhất: 89,5%;",  # 17/19
        "- Số chi bộ có tỷ lệ đảng viên dự sinh hoạt dưới 90%: 1/7 chi bộ, chiếm 14,3%;",
        "- Số chi bộ có đảng viên vắng không có lý do: 1/7 chi bộ, chiếm 14,3%;",
        "- Số lượt đảng viên vắng không có lý do: 1 lượt;",
        "- Số buổi sinh hoạt chưa bảo đảm thời lượng tối thiểu: 1 buổi;",
        # M6: B logged October's meeting 4 days after it (test_reports builds it so).
        "- Số chi bộ báo cáo chậm quá 2 ngày sau buổi sinh hoạt: 1/7 chi bộ, chiếm 14,3%;",
    ]
    # The cells by name (K1), cells only.
    assert prose[11:14] == [
        f"- Các chi bộ chưa báo cáo (2): {H}, {D}.",
        f"- Các chi bộ có tỷ lệ đảng viên dự sinh hoạt dưới 90% (1): {B}.",
        f"- Các chi bộ báo cáo chậm quá 2 ngày (1): {B} (4 ngày).",
    ]
    # The same figures as a table.
    figures, units = doc.tables
    assert figures[0] == ["TT", "Chỉ tiêu", "Số lượng", "Tỷ lệ"]
    assert figures[1:] == [
        ["1", "Tổng số chi bộ phải sinh hoạt trong tháng", "7", ""],
        ["2", "Số chi bộ đã sinh hoạt thường kỳ", "4", "57,1%"],
        ["3", "Số chi bộ báo cáo không sinh hoạt", "1", "14,3%"],
        ["4", "Số chi bộ chưa báo cáo", "2", "28,6%"],
        ["5", "Tỷ lệ đảng viên dự sinh hoạt bình quân", "", "94,9%"],
        ["6", "Tỷ lệ đảng viên dự sinh hoạt thấp nhất", "", "89,5%"],
        ["7", "Số chi bộ có tỷ lệ đảng viên dự sinh hoạt dưới 90%", "1", "14,3%"],
        ["8", "Số chi bộ có đảng viên vắng không có lý do", "1", "14,3%"],
        ["9", "Số lượt đảng viên vắng không có lý do", "1", ""],
        ["10", "Số buổi sinh hoạt chưa bảo đảm thời lượng tối thiểu", "1", ""],
        ["11", "Số chi bộ báo cáo chậm quá 2 ngày sau buổi sinh hoạt", "1", "14,3%"],
    ]
    # K4: the same lines as the text's breakdowns (test_reports.test_october_as_text): the
    # grassroots organisations, then the cells directly under the ward (#14).
    assert units[:5] == [
        ["TT", "Đơn vị", "Sinh hoạt đủ các tháng", "Tỷ lệ dự bình quân"],
        ["", "Theo tổ chức cơ sở đảng", "", ""],
        ["1", G2, "1/3", "100%"],
        ["2", G1, "3/3", "93,2%"],
        ["3", f"Chi bộ trực thuộc {WARD}", "0/1", "—"],
    ]
    assert units[5][1] == "Theo loại hình chi bộ" and units[-1] == ["5", "Dân cư", "3/3", "93,2%"]
    # The signature block.
    assert doc.sign_left == [
        "Nơi nhận:",
        f"- Ban Thường vụ {PROVINCE} (để báo cáo),",
        "- Lưu Văn phòng.",
    ]
    assert doc.sign_right[:2] == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    assert len(doc.sign_right) >= 4 and not any(doc.sign_right[2:])  # room to sign
    no_member(doc.all, await member_names(sessions))


async def test_quarter_and_year_figures_match_the_report(sessions: Sessions) -> None:
    t = await ward(sessions)
    names = await member_names(sessions)
    q = await report(sessions, t["W"], "2026-Q4")
    doc = Read(committee_report(q, ISSUER))
    assert "kết quả sinh hoạt chi bộ quý IV năm 2026" in doc.body
    f = q.quarter
    assert f is not None
    figures = {row[1]: row[2:] for row in doc.tables[0][1:]}
    assert figures["Số chi bộ đã sinh hoạt chuyên đề trong quý"] == [
        str(f.thematic),
        translator("vi").percent(Fraction(f.thematic, f.cells)),
    ]
    for ym, held, due in f.held_months:
        label = f"Số chi bộ đã sinh hoạt thường kỳ tháng {ym[1]:02d}/{ym[0]}"
        assert figures[label][0] == str(held) and due == f.cells
    assert any(
        line.startswith("- Các chi bộ chưa sinh hoạt chuyên đề trong quý")
        and all(n in line for n in f.without)
        for line in doc.body
    )
    no_member(doc.all, names)

    y = await report(sessions, t["W"], "2026")
    doc = Read(committee_report(y, Issuer(WARD, PROVINCE, signer="deputy")))
    assert "kết quả sinh hoạt chi bộ năm 2026" in doc.body
    k3 = y.year
    assert k3 is not None
    figures = {row[1]: row[2] for row in doc.tables[0][1:]}
    # K3 (#14): regular meetings held, by the cells tracked the whole year; the labels are
    # the text's (test_reports checks the buckets by construction).
    assert figures["Chi bộ được theo dõi cả năm"] == str(k3.whole)
    assert figures["Số chi bộ sinh hoạt thường kỳ đủ 12 tháng"] == str(k3.full)
    assert figures["Số chi bộ sinh hoạt thường kỳ 9-11 tháng"] == str(k3.most)
    assert figures["Số chi bộ sinh hoạt thường kỳ từ 8 tháng trở xuống"] == str(k3.few)
    assert k3.new == 1  # FF, founded in July
    assert figures["Chi bộ thành lập (hoặc bắt đầu theo dõi) trong năm"] == "1"
    assert figures["- trong đó, đã sinh hoạt thường kỳ đủ các tháng"] == str(k3.new_full)
    assert figures["Số buổi chi bộ tự xếp loại, chưa được xác nhận"] == str(k3.grades_unconfirmed)
    assert figures["Số đảng viên vắng không có lý do từ 3 tháng trở lên"] == str(k3.r5_flagged)
    assert doc.sign_right[:3] == ["T/M ĐẢNG ỦY", "K/T BÍ THƯ", "PHÓ BÍ THƯ"]
    # D never reported in 2026: named among the cells with months not reported.
    assert any(
        line.startswith("- Các chi bộ có tháng chưa báo cáo") and D in line for line in doc.body
    )
    no_member(doc.all, names)


async def test_a_running_month_says_so(sessions: Sessions) -> None:
    t = await ward(sessions)
    r = await report(sessions, t["W"], "2026-10", today=date(2026, 10, 20))
    doc = Read(committee_report(r, Issuer(WARD, None)))
    assert "(tính đến ngày 20/10/2026)" in doc.body
    assert doc.left[0] == "ĐẢNG BỘ …………"  # the top of the tree: the office writes it in
    assert doc.right[1] == "Hòa Minh, ngày 20 tháng 10 năm 2026"


def test_the_committee_s_words() -> None:
    """HD 36: the organisation a committee leads, the symbol, the place."""
    assert party_organisation("Tỉnh ủy Minh Hòa") == "Đảng bộ tỉnh Minh Hòa"
    assert party_organisation("Thành ủy Đà Nẵng") == "Đảng bộ thành phố Đà Nẵng"
    assert party_organisation("Đảng uỷ phường Cẩm Lệ") == "Đảng bộ phường Cẩm Lệ"  # L5 spelling
    assert party_organisation("Huyện ủy Thanh Trì") == "Đảng bộ huyện Thanh Trì"
    assert party_organisation("Ban Xây dựng Đảng") == "Ban Xây dựng Đảng"
    assert [symbol(n) for n in ("Đảng ủy xã An Phú", "Tỉnh ủy Minh Hòa", "Chi bộ Khu phố 5")] == [
        "BC/ĐU",
        "BC/TU",
        "BC/CB",
    ]
    assert place_of("Đảng ủy phường Hòa Minh") == "Hòa Minh"
    assert place_of("Tỉnh ủy Minh Hòa") == "Minh Hòa"
    assert place_of("Ban Xây dựng Đảng") == "…………"


async def test_from_baocao_in_the_group(env: BotEnv) -> None:
    """/baocao → 📄 Báo cáo (Word): the document the fake Bot API received, in the group
    linked to the ward (cells only: S2), for its admins."""
    _tree, users, group, _ids = await setup(env)
    admin = users["admin"]
    await admin.send_in(group, "/baocao")
    await admin.press("tháng 11/2026", group=group)
    assert "📄 Báo cáo (Word)" in group.chat.messages[-1].labels
    await admin.press("📄 Báo cáo (Word)", group=group)
    [call] = [c for c in env.fake.calls_of("sendDocument") if c.chat_id == GROUP]
    assert call.params["caption"].startswith("Đảng ủy phường Hòa Minh, tháng 11/2026")
    sent = group.chat.messages[-1].document
    assert sent is not None and sent.file_name == f"bao-cao-2026-11-{_tree['ward'].id}.docx"
    doc = Read(sent.content)
    assert doc.left[:2] == ["ĐẢNG BỘ …………", "ĐẢNG ỦY PHƯỜNG HÒA MINH"]
    assert "kết quả sinh hoạt chi bộ tháng 11 năm 2026" in doc.body
    assert "- Số chi bộ đã sinh hoạt thường kỳ: 1/2 chi bộ, đạt 50%;" in doc.body
    assert "- Các chi bộ chưa báo cáo (1): Chi bộ Tổ dân phố 12." in doc.body
    no_member(doc.all, list(NAMES))
    no_member_names_in_groups(env)
    # The same authorization as the other outputs: a forged button for a cell, refused.
    stranger = env.user(951, "Lạ")
    await stranger.press_data(
        f"rp:f:{_tree['kp5'].id}:2026-11:docx", group.chat.messages[-1].message_id, group=group
    )
    assert "không thể thực hiện" in (stranger.last_alert or "")
    assert len([c for c in env.fake.calls_of("sendDocument") if c.chat_id == GROUP]) == 1
    assert ADMIN not in [c.chat_id for c in env.fake.calls_of("sendDocument")]


async def test_from_the_command_line(engine: AsyncEngine, tmp_path: Path) -> None:
    """`chibo report --format docx --output FILE`: the ward under its province, so the
    header names the province's party organisation; member names never appear (S2)."""
    async with make_sessionmaker(engine).begin() as s:
        province = await orgs.create(
            s, name=PROVINCE, kind=OrgKind.PROVINCE, parent=None, actor_id=None
        )
        w = await orgs.create(s, name=WARD, kind=OrgKind.COMMUNE, parent=province, actor_id=None)
        cell = await orgs.create(
            s, name="Chi bộ Khu phố 1", kind=OrgKind.CELL, parent=w, actor_id=None,
            cell_type=CellType.RESIDENTIAL, founded_on=date(2010, 1, 1),
        )  # fmt: skip
        await members.add_member(
            s, cell_id=cell.id, full_name="Phạm Thị Thu", actor_id=None,
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
        )  # fmt: skip
    out = tmp_path / "bao-cao.docx"
    done = chibo(
        engine, "report", "--org", WARD, "--period", "2026-10", "--format", "docx",
        "--output", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = Read(out.read_bytes())
    assert doc.left == ["ĐẢNG BỘ TỈNH MINH HÒA", "ĐẢNG ỦY PHƯỜNG HÒA MINH", "*", "Số …………-BC/ĐU"]
    assert "kết quả sinh hoạt chi bộ tháng 10 năm 2026" in doc.body
    assert "- Các chi bộ chưa báo cáo (1): Chi bộ Khu phố 1." in doc.body
    assert doc.sign_left[1] == f"- Ban Thường vụ {PROVINCE} (để báo cáo),"
    no_member(doc.all, ["Phạm Thị Thu"])
    done = chibo(engine, "report", "--org", WARD, "--period", "2026-10", "--format", "docx")
    assert done.returncode == 2 and "--out" in done.stderr and "Traceback" not in done.stderr


async def test_cli_text_is_plain(engine: AsyncEngine) -> None:
    """#14: `chibo report --format text` prints no HTML: tags dropped, entities read, so a
    cell named with "<" and "&" reads as typed."""
    async with make_sessionmaker(engine).begin() as s:
        w = await orgs.create(s, name=WARD, kind=OrgKind.COMMUNE, parent=None, actor_id=None)
        for name in ("Chi bộ <Khu phố 1> & 2", "Chi bộ Khu phố 3"):
            await orgs.create(
                s, name=name, kind=OrgKind.CELL, parent=w, actor_id=None,
                founded_on=date(2010, 1, 1),  # due in October (tracked_since, #14)
            )  # fmt: skip
    done = chibo(engine, "report", "--org", WARD, "--period", "2026-10")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"📊 {WARD}: sinh hoạt chi bộ tháng 10/2026"
    assert "• Chi bộ <Khu phố 1> & 2" in lines
    assert not any(tag in done.stdout for tag in ("<b>", "</b>", "&lt;", "&amp;"))
    # #16: the text imports no chart, workbook or document library (about a second and 50 MB
    # of a 2,000-cell province's `chibo report` before).
    done = chibo(
        engine, "report", "--org", WARD, "--period", "2026-10", PYTHONPROFILEIMPORTTIME="1"
    )
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "bot.render.summary_text" in imported
    assert not imported & {"matplotlib", "openpyxl", "docx"}, imported & {
        "matplotlib",
        "openpyxl",
        "docx",
    }


def test_cli_help_speaks_vietnamese_by_default_and_english_when_set(tmp_path: Path) -> None:
    """#14: `chibo --help`, the options and argparse's own words in the CLI's language."""
    import os
    import subprocess
    import sys

    from .auxil.paths import ROOT

    def run(locale: str | None, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIBO_", "LANG"))}
        if locale:
            env["CHIBO_LOCALE"] = locale
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip

    vi = run(None, "--help")
    assert vi.returncode == 0
    assert vi.stdout.startswith("cách dùng: chibo")
    assert "trợ lý Telegram của bí thư chi bộ" in vi.stdout
    assert "hiện hướng dẫn này rồi thoát" in vi.stdout and "tùy chọn:" in vi.stdout
    assert "usage:" not in vi.stdout and "show this help" not in vi.stdout
    rep = run(None, "report", "--help")
    assert "png (biểu đồ), docx" in rep.stdout and "--out OUT, --output OUT" in rep.stdout
    wrong = run(None, "report")
    assert wrong.returncode == 2
    assert "chibo report: lỗi: còn thiếu các tham số bắt buộc: --org, --period" in wrong.stderr
    en = run("en", "--help")
    assert en.stdout.startswith("usage: chibo") and "show this help message and exit" in en.stdout


async def test_demo_data_seconds_with_a_decimal_comma(engine: AsyncEngine) -> None:
    """#14, L3: "trong 0,8 giây", not "0.8 giây"; counts with a thousands dot."""
    import re

    done = chibo(engine, "demo-data", "--cells", "2", "--members-per-cell", "3", "--months", "1")
    assert done.returncode == 0, done.stderr
    assert re.search(r"trong \d+,\d giây\.$", done.stdout.strip()), done.stdout
