"""The minutes (biên bản) as a secretary gets them from the bot (#14 item 9): a meeting
logged by pressing buttons, then "📄 Biên bản (DOCX)", the file opened with python-docx and
each line checked against what was entered (R1-R3, M4, M5, M9, L2)."""

from __future__ import annotations

import io
from datetime import date

import docx
from docx.document import Document as DocumentObject

from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from storage import members, orgs
from storage.models import Org

from .auxil.botenv import BotEnv
from .auxil.flows import cell_with_members, log_meeting
from .fakeapi import TgUser

OFFICIAL = [
    "Nguyễn Văn An", "Nguyễn Văn Bình", "Lê Văn Cường", "Trần Thị Hòa", "Phan Văn Đức",
    "Hồ Thị Giang", "Vũ Văn Hùng", "Đặng Thị Kim", "Bùi Văn Long", "Đỗ Thị Mai",
    "Ngô Văn Nam", "Dương Thị Oanh", "Lý Văn Phúc",
]  # fmt: skip
PROBATIONARY = ["Trịnh Văn Quang", "Mai Thị Sương"]
EXEMPTED = ["Phạm Thị Dung", "Cao Văn Tài"]
ELSEWHERE = ["Hoàng Văn Em"]
GUEST_MEMBER = "Tạ Văn Giáp"


async def _cell_of_every_status(env: BotEnv) -> tuple[TgUser, Org]:
    """Khu phố 7 under "Đảng bộ Khối phố 3" under the ward: 18 members (13 official, 2
    probationary, 2 exempted, 1 sent elsewhere) and a guest member; its secretary "Hòa
    Trần" is "Trần Thị Hòa" on the roster."""
    async with env.db() as s:
        ward = await orgs.create(
            s, name="Đảng ủy phường Hòa Minh", kind=OrgKind.COMMUNE, parent=None, actor_id=None
        )
        block = await orgs.create(
            s, name="Đảng bộ Khối phố 3", kind=OrgKind.GRASSROOTS, parent=ward, actor_id=None
        )
        cell = await orgs.create(
            s,
            name="Chi bộ Khu phố 7",
            kind=OrgKind.CELL,
            parent=block,
            actor_id=None,
            cell_type=CellType.RESIDENTIAL,
        )
        old = NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))
        spans: dict[str, list[NewSpan]] = {name: [old] for name in OFFICIAL}
        spans |= {n: [NewSpan(MemberStatus.PROBATIONARY, date(2026, 3, 1))] for n in PROBATIONARY}
        spans |= {n: [old, NewSpan(MemberStatus.EXEMPTED, date(2024, 1, 1))] for n in EXEMPTED}
        spans |= {
            n: [old, NewSpan(MemberStatus.TEMP_ELSEWHERE, date(2026, 9, 1))] for n in ELSEWHERE
        }
        spans[GUEST_MEMBER] = [NewSpan(MemberStatus.GUEST, date(2026, 10, 1))]
        for name, history in spans.items():
            await members.add_member(
                s, cell_id=cell.id, full_name=name, spans=history, actor_id=None
            )
    sec = env.user(200, "Hòa", last_name="Trần")
    await env.enrol(sec, cell, Role.SECRETARY)
    return sec, cell


async def _minutes(sec: TgUser) -> DocumentObject:
    await sec.press("📄 Biên bản (DOCX)")
    sent = sec.chat.last_bot_message
    assert sent.document is not None and sent.document.file_name == "bien-ban-2026-11-21.docx"
    return docx.Document(io.BytesIO(sent.document.content))


def _header(doc: DocumentObject) -> list[list[str]]:
    return [[p.text for p in c.paragraphs] for c in doc.tables[0].rows[0].cells]


async def test_minutes_of_a_cell_with_every_status_match_the_meeting(env: BotEnv) -> None:
    """#14: the totals by status (18 members, 15 required, not "15" as the cell's total),
    the upper attendee typed (was "không"), the end from the recorded length, the chair
    pre-filled with the secretary, the grade, the header of a cell under a Đảng bộ Khối phố
    (was "…………" for the place) and the title in the form's words."""
    sec, _cell = await _cell_of_every_status(env)
    await log_meeting(
        sec,
        excused={"Nguyễn Văn An": "ốm"},
        unexcused=["Nguyễn Văn Bình"],
        save=False,
    )
    await sec.press("✏️ Sửa điểm danh")
    await sec.press("➕ Phạm Thị Dung")  # exempted, came anyway (R2)
    await sec.press(f"➕ {GUEST_MEMBER}")
    await sec.press("➡️ Tiếp tục")
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🕐 Giờ, thời lượng")
    await sec.send("19h30 150")
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🎖 Cấp ủy cấp trên")
    await sec.send("Võ Thị Hạnh, Đảng ủy viên phụ trách")
    await sec.press("➕ Thêm chi tiết")
    await sec.press("⭐ Xếp loại")
    await sec.send("92")
    await sec.press("💾 Lưu")
    doc = await _minutes(sec)
    body = [p.text for p in doc.paragraphs]

    assert _header(doc) == [
        ["ĐẢNG BỘ KHỐI PHỐ 3", "CHI BỘ KHU PHỐ 7", "*"],
        ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hòa Minh, ngày 21 tháng 11 năm 2026"],
    ]
    assert body[1:3] == ["BIÊN BẢN", "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 11 NĂM 2026"]
    assert (
        "1. Thời gian: bắt đầu lúc 19 giờ 30, ngày 21 tháng 11 năm 2026. Thời lượng: 150 phút."
    ) in body
    assert "Buổi sinh hoạt kết thúc lúc 22 giờ 00 cùng ngày." in body
    assert "- Chủ trì: đồng chí Trần Thị Hòa, Bí thư chi bộ." in body
    assert "- Thư ký: đồng chí\t" in body
    assert "- Đại biểu cấp ủy cấp trên dự: đồng chí Võ Thị Hạnh, Đảng ủy viên phụ trách." in body
    assert (
        "- Tổng số đảng viên của chi bộ: 18 đồng chí (chính thức: 13, dự bị: 2, miễn công tác "
        "và sinh hoạt đảng: 2, sinh hoạt tạm thời nơi khác: 1)."
    ) in body
    assert "- Số đảng viên phải có mặt: 15 đồng chí (chính thức: 13, dự bị: 2)." in body
    assert "- Có mặt: 13/15 đồng chí (chính thức: 11, dự bị: 2); đạt 86,7%." in body
    assert "+ Vắng có lý do: 1 đồng chí: Nguyễn Văn An (ốm)." in body
    assert "+ Vắng không có lý do: 1 đồng chí: Nguyễn Văn Bình." in body
    assert (
        "- Đảng viên miễn công tác và sinh hoạt đảng: 2 đồng chí: "
        "Phạm Thị Dung (có tham dự), Cao Văn Tài."
    ) in body  # L4: by given name
    assert "- Đảng viên sinh hoạt tạm thời nơi khác: 1 đồng chí: Hoàng Văn Em." in body
    assert (
        "- Đảng viên miễn sinh hoạt, sinh hoạt tạm thời nơi khác có tham dự: 1 đồng chí: "
        "Phạm Thị Dung."
    ) in body
    assert (
        f"- Đảng viên sinh hoạt tạm thời tại chi bộ: 1 đồng chí: {GUEST_MEMBER} (có tham dự)."
    ) in body
    assert "Chi bộ tự đánh giá chất lượng buổi sinh hoạt: Tốt (92/100 điểm)." in body
    assert "4. Ý kiến của đồng chí cấp ủy cấp trên dự" in body
    signatures = [[p.text for p in c.paragraphs if p.text] for c in doc.tables[1].rows[0].cells]
    assert signatures == [
        ["THƯ KÝ", "(Ký, ghi rõ họ tên)"],
        ["CHỦ TRÌ", "(Ký, ghi rõ họ tên)", "Trần Thị Hòa"],
    ]
    assert not env.errors


async def test_minutes_of_a_quick_log_invent_no_end_and_no_chair(env: BotEnv) -> None:
    """#14: the ten-tap path keeps the default length (M5): the closing time is left to
    fill in; a secretary who is not on the roster leaves the chair's line to fill in; a cell
    directly under the ward names "ĐẢNG BỘ PHƯỜNG HÒA MINH"; nobody from above: "không"."""
    sec, _tree, _ids = await cell_with_members(env, 4)
    await log_meeting(sec)
    doc = await _minutes(sec)
    body = [p.text for p in doc.paragraphs]
    assert _header(doc)[0] == ["ĐẢNG BỘ PHƯỜNG HÒA MINH", "CHI BỘ KHU PHỐ 5", "*"]
    assert "1. Thời gian: bắt đầu lúc 19 giờ 30, ngày 21 tháng 11 năm 2026." in body
    assert "Buổi sinh hoạt kết thúc lúc …… giờ …… cùng ngày." in body
    assert "- Chủ trì: đồng chí\t" in body
    assert "- Đại biểu cấp ủy cấp trên dự: không." in body
    assert (
        "- Tổng số đảng viên của chi bộ: 5 đồng chí (chính thức: 4, dự bị: 0, miễn công tác và sinh hoạt đảng: 1)."
        in body
    )
    assert "Chi bộ tự đánh giá chất lượng buổi sinh hoạt: ………… (……/100 điểm)." in body
