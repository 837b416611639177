"""⬅️ Quay lại on the steps that had no way back (#15 item 5): the meeting flow's first step,
the schedule (back to the screen it was opened from), the roster-add steps and the import
preview; (#15 back3) the typed-text prompts of renaming a member, adding or renaming a
cell, and the committee's grade note. Each test presses the button and checks what the user then saw and what the
database holds. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from bot.domain.model import MemberStatus, Role
from bot.domain.roster import NewSpan, status_on
from storage import members
from storage.models import AuditEntry, FlowState, Meeting, Member, Org

from .auxil.botenv import BotEnv
from .auxil.flows import roster, secretary_of
from .fakeapi import TgUser

TODAY = date(2026, 11, 21)  # the test clock's day
BACK = "⬅️ Quay lại"
CLOSED = "Đã đóng. Khi cần, đồng chí chọn việc ở bảng chọn bên dưới."
TYPE_SCREEN = "Chi bộ Khu phố 5: ghi buổi sinh hoạt nào?"
NAME_PROMPT = "Gõ họ và tên của đảng viên cần thêm (ví dụ: Nguyễn Thị Hòa):"


def screen(user: TgUser) -> tuple[int, str, list[str]]:
    msg = user.chat.last_bot_message
    assert msg is not None and msg.text is not None
    return msg.message_id, msg.text, msg.labels


async def flows(env: BotEnv) -> list[tuple[str, str]]:
    async with env.db() as s:
        return [(f.flow, f.step) for f in await s.scalars(select(FlowState))]


async def meeting_time(env: BotEnv, org_id: int) -> time | None:
    async with env.db() as s:
        org = await s.get(Org, org_id)
        assert org is not None
        return org.meeting_time


# --- 1. the meeting flow's first step --------------------------------------------------------


async def test_back_from_the_type_screen_with_one_cell_closes_it(env: BotEnv) -> None:
    """One cell: ⬅️ closes the type screen with a sentence (the main menu stays below)."""
    sec, _tree = await secretary_of(env)
    await sec.command("meeting")
    first, text, labels = screen(sec)
    assert text == TYPE_SCREEN and labels[-1] == BACK
    await sec.press(BACK)
    assert screen(sec) == (first, CLOSED, [])  # the same message, no buttons left
    assert await flows(env) == []


async def test_back_from_the_type_screen_with_several_cells_goes_to_the_cells(
    env: BotEnv,
) -> None:
    """Several cells: the list of cells becomes the type screen, and ⬅️ brings it back."""
    sec, tree = await secretary_of(env)
    await env.grant(sec, tree["tdp12"], Role.SECRETARY)
    await sec.command("meeting")
    cells, text, labels = screen(sec)
    assert text == "Chọn chi bộ nào?"
    assert labels == ["Chi bộ Khu phố 5", "Chi bộ Tổ dân phố 12"]
    await sec.press("Chi bộ Khu phố 5")
    assert screen(sec)[:2] == (cells, TYPE_SCREEN)  # the same message, edited
    await sec.press(BACK)
    assert screen(sec) == (cells, "Chọn chi bộ nào?", labels)
    await sec.press("Chi bộ Tổ dân phố 12")  # and on from there
    assert screen(sec)[1] == "Chi bộ Tổ dân phố 12: ghi buổi sinh hoạt nào?"


async def test_back_from_continue_keeps_the_draft_for_next_time(env: BotEnv) -> None:
    """The "continue?" screen: ⬅️ closes it; the unfinished record is offered again."""
    sec, _tree = await secretary_of(env)
    await sec.command("meeting")
    await sec.press("Thường kỳ")
    await sec.command("meeting")
    _id, text, labels = screen(sec)
    assert text.startswith("Đồng chí có một bản ghi sinh hoạt chưa xong")
    assert labels == ["▶️ Tiếp tục", "🗑 Bỏ bản ghi này", BACK]
    await sec.press(BACK)
    assert screen(sec)[1] == CLOSED
    assert await flows(env) == []
    assert await env.count(Meeting, Meeting.state == "draft") == 1  # kept
    await sec.command("meeting")
    assert screen(sec)[1].startswith("Đồng chí có một bản ghi sinh hoạt chưa xong")


# --- 2. the schedule -------------------------------------------------------------------------


async def test_schedule_from_the_meeting_menu_goes_back_there(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.command("meeting")
    menu = screen(sec)[0]
    await sec.press("🗓 Ngày giờ sinh hoạt")
    await sec.press("17")  # a change keeps the way back
    _id, text, labels = screen(sec)
    assert "vào ngày 17 hằng tháng" in text and labels[-1] == BACK
    await sec.press(BACK)
    assert screen(sec)[:2] == (menu, TYPE_SCREEN)  # the same message, the meeting menu
    # Typing a time: ⬅️ goes back to the schedule and ends the step.
    await sec.press("🗓 Ngày giờ sinh hoạt")
    await sec.press("⌨️ Giờ khác")
    _id, text, labels = screen(sec)
    assert text == "Đồng chí nhập giờ sinh hoạt, ví dụ 19:30, 7h30 hoặc 14h." and labels == [BACK]
    await sec.press(BACK)
    _id, text, labels = screen(sec)
    assert "sinh hoạt thường kỳ vào ngày 17" in text and labels[-1] == BACK
    assert await flows(env) == []
    await sec.send("8h")  # no longer a time for the schedule: nothing changes
    assert await meeting_time(env, tree["kp5"].id) is None
    await sec.press(BACK)  # the schedule's, above the hint
    assert sec.chat.bot_texts().count(TYPE_SCREEN) == 1


async def test_schedule_from_the_organisation_goes_back_to_the_node(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = await env.enrol(env.user(900, "Minh"), tree["ward"], Role.ADMIN)
    await admin.command("org")
    _node, node_text, node_labels = screen(admin)
    assert "Đảng ủy phường Hòa Minh" in node_text
    await admin.press("🗓 Ngày giờ sinh hoạt")
    await admin.press("20:00")
    await admin.press("⌨️ Giờ khác")
    await admin.send("19h")  # a typed time: a new screen, still with its way back
    _id, text, labels = screen(admin)
    assert "lúc 19:00" in text and labels[-1] == BACK
    await admin.press(BACK)
    _id, text, labels = screen(admin)
    assert text == node_text and labels == node_labels  # the node's screen
    assert await meeting_time(env, tree["ward"].id) == time(19, 0)


async def test_schedule_button_sent_before_15_goes_to_the_natural_parent(env: BotEnv) -> None:
    """A button without the origin: a cell of the caller's own → its meeting menu."""
    sec, tree = await secretary_of(env)
    await sec.command("meeting")
    await sec.press_data(f"sc:o:{tree['kp5'].id}", screen(sec)[0])
    assert screen(sec)[2][-1] == BACK
    await sec.press(BACK)
    assert screen(sec)[1] == TYPE_SCREEN


# --- 3. adding members -----------------------------------------------------------------------


async def test_back_through_adding_one_member(env: BotEnv) -> None:
    """Name ← status ← date: each ⬅️ goes one step back; from the name, to the roster."""
    sec, tree = await secretary_of(env)
    await sec.command("members")
    await sec.press("➕ Thêm một người")
    assert screen(sec)[1:] == (NAME_PROMPT, [BACK])
    await sec.press(BACK)
    assert screen(sec)[1].startswith("Chi bộ Khu phố 5\nChưa có đảng viên nào")
    assert await flows(env) == []
    await sec.send("Hoàng Minh Đạt")  # the flow was ended: not taken as a name
    assert await roster(env, tree["kp5"]) == {}

    await sec.press("➕ Thêm một người")
    await sec.send("Hoàng Minh Đạt")
    assert screen(sec)[2][-1] == BACK
    await sec.press(BACK)  # status → name
    assert screen(sec)[1:] == (NAME_PROMPT, [BACK])
    await sec.send("Hoàng Minh Đạt")
    await sec.press("dự bị")
    assert screen(sec)[2] == ["Hôm nay", BACK]
    await sec.press(BACK)  # date → status
    _id, text, labels = screen(sec)
    assert text == "Tình trạng của đồng chí Hoàng Minh Đạt?" and "chính thức" in labels
    await sec.press("chính thức")
    await sec.press("Hôm nay")
    got = await roster(env, tree["kp5"])
    assert list(got) == ["Hoàng Minh Đạt"]
    assert status_on(got["Hoàng Minh Đạt"].statuses, TODAY) == MemberStatus.OFFICIAL


async def test_back_from_a_pasted_list_and_its_preview(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.command("members")
    await sec.press("📋 Dán danh sách")
    _id, text, labels = screen(sec)
    assert text.startswith("Dán danh sách, mỗi dòng một người") and labels == [BACK]
    await sec.press(BACK)
    assert screen(sec)[1].startswith("Chi bộ Khu phố 5")
    await sec.press("📋 Dán danh sách")
    await sec.send("Lê Thị Hương")
    preview, text, labels = screen(sec)
    assert text.startswith("Xem trước") and labels[-1] == BACK
    await sec.press(BACK)  # preview → the paste prompt, nothing saved
    assert screen(sec)[0] == preview and screen(sec)[1].startswith("Dán danh sách")
    assert await roster(env, tree["kp5"]) == {}
    await sec.send("Võ Hữu Phúc")
    await sec.press("✅ Lưu (1)")
    assert list(await roster(env, tree["kp5"])) == ["Võ Hữu Phúc"]


async def test_back_from_the_file_prompt_and_a_file_preview(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.command("members")
    await sec.press("📎 Gửi tệp Excel/CSV")
    assert screen(sec)[2] == [BACK]
    await sec.press(BACK)
    assert screen(sec)[1].startswith("Chi bộ Khu phố 5")
    await sec.upload("ds.csv", "Họ và tên\nLê Thị Hương\n".encode(), "text/csv")
    assert screen(sec)[2][-1] == BACK
    await sec.press(BACK)  # a file's preview → the file prompt
    assert screen(sec)[1].startswith("Đồng chí vui lòng gửi danh sách đảng viên")
    assert await flows(env) == [("upload", "file")]
    assert await roster(env, tree["kp5"]) == {}


async def test_the_invite_role_picker_goes_back_to_the_node(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = await env.enrol(env.user(900, "Minh"), tree["ward"], Role.ADMIN)
    await admin.command("org")
    node, node_text, node_labels = screen(admin)
    await admin.press("✉️ Gửi lời mời")
    _id, text, labels = screen(admin)
    assert text == "Mời vào Đảng ủy phường Hòa Minh với vai trò:"
    assert labels[-1] == BACK
    await admin.press(BACK)
    assert screen(admin) == (node, node_text, node_labels)


# --- 4. the typed-text prompts: a member's name, a cell's name, the grade note (back3) -------

OUT_OF_DATE = "cũ"  # "Tin nhắn này đã cũ…"


async def test_back_from_correcting_a_members_name(env: BotEnv) -> None:
    """✏️ Sửa họ tên → ⬅️: the prompt becomes the member's card, the rename flow ends, a line
    typed afterwards renames no one, and the old ⬅️ is out of date."""
    sec, tree = await secretary_of(env)
    async with env.db() as s:
        m = await members.add_member(
            s,
            cell_id=tree["kp5"].id,
            full_name="Lê Thị Hương",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2001, 5, 19))],
            actor_id=None,
        )
    await sec.command("members")
    await sec.press("Lê Thị Hương")
    _card, card_text, card_labels = screen(sec)
    await sec.press("✏️ Sửa họ tên")
    prompt, text, labels = screen(sec)
    assert text == "Gõ lại họ và tên đúng của đồng chí Lê Thị Hương:" and labels == [BACK]
    assert await flows(env) == [("rename", "name")]
    await sec.press(BACK)
    assert screen(sec) == (prompt, card_text, card_labels)  # the prompt became the card
    assert await flows(env) == []
    await sec.send("Lê Thị Hường")  # no longer a name: a hint, nothing renamed
    async with env.db() as s:
        again = await s.get(Member, m.id)
        assert again is not None and again.full_name == "Lê Thị Hương"
    assert await env.count(AuditEntry, AuditEntry.action == "member.rename") == 0
    await sec.press(BACK, in_message=prompt)  # the card's own ⬅️: to the roster
    roster_msg = sec.chat.find(prompt)
    assert roster_msg is not None and roster_msg.text is not None
    assert roster_msg.text.startswith("Chi bộ Khu phố 5")
    # A refused name keeps the way back; a ⬅️ of an ended flow is out of date.
    await sec.press("Lê Thị Hương")
    await sec.press("✏️ Sửa họ tên")
    old = screen(sec)[0]
    await sec.send("12345")
    assert screen(sec)[2] == [BACK]
    await sec.send("Lê Thị Hường")
    assert await flows(env) == []
    await sec.press(BACK, in_message=old)
    assert sec.last_alert and OUT_OF_DATE in sec.last_alert
    assert screen(sec)[1].startswith("Lê Thị Hường")  # the saved card stays the last screen
    assert list(await roster(env, tree["kp5"])) == ["Lê Thị Hường"]


async def test_back_from_naming_a_new_cell_and_from_its_type(env: BotEnv) -> None:
    """➕ Thêm chi bộ: ⬅️ on the type goes back to the name; ⬅️ on the name ends the flow and
    shows the committee's screen; nothing is created."""
    tree = await env.seed_tree()
    admin = await env.enrol(env.user(900, "Minh"), tree["ward"], Role.ADMIN)
    await admin.command("org")
    _node, node_text, node_labels = screen(admin)
    cells_before = await env.count(Org)
    await admin.press("➕ Thêm chi bộ")
    prompt, text, labels = screen(admin)
    assert text == "Tên chi bộ mới (ví dụ: Chi bộ Khu phố 6):" and labels == [BACK]
    await admin.send("Chi bộ Khu phố 6")
    types, text, labels = screen(admin)
    assert text == "Chi bộ Khu phố 6 thuộc loại hình nào?" and labels[-1] == BACK
    await admin.press(BACK)  # type → name, the same message
    assert screen(admin) == (types, "Tên chi bộ mới (ví dụ: Chi bộ Khu phố 6):", [BACK])
    assert await flows(env) == [("orgadd", "name")]
    await admin.press(BACK)  # name → the committee's screen
    assert screen(admin) == (types, node_text, node_labels)
    assert await flows(env) == []
    await admin.send("Chi bộ Khu phố 7")  # no longer a name
    assert await env.count(Org) == cells_before
    await admin.press(BACK, in_message=prompt)  # the first prompt's ⬅️: out of date
    assert admin.last_alert and OUT_OF_DATE in admin.last_alert
    assert await env.count(Org) == cells_before


async def test_back_from_renaming_a_cell(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = await env.enrol(env.user(900, "Minh"), tree["ward"], Role.ADMIN)
    await admin.command("org")
    await admin.press("Chi bộ Khu phố 5")
    _node, node_text, node_labels = screen(admin)
    await admin.press("✏️ Đổi tên")
    prompt, text, labels = screen(admin)
    assert text == "Tên mới của Chi bộ Khu phố 5:" and labels == [BACK]
    msg = admin.chat.last_bot_message
    assert msg is not None
    old_back = msg.buttons[0].callback_data
    assert old_back is not None and old_back.startswith("org:b:")
    await admin.press(BACK)
    assert screen(admin) == (prompt, node_text, node_labels)
    assert await flows(env) == []
    await admin.send("Chi bộ Bị Đổi Tên")
    async with env.db() as s:
        cell = await s.get(Org, tree["kp5"].id)
        assert cell is not None and cell.name == "Chi bộ Khu phố 5"
    await admin.press_data(old_back, prompt)  # pressed again (a double tap): out of date
    assert admin.last_alert and OUT_OF_DATE in admin.last_alert
    assert screen(admin)[2] == []  # the hint; the node's screen was not sent again
    assert await env.count(AuditEntry, AuditEntry.action == "org.update") == 0


async def test_back_from_the_grade_note(env: BotEnv) -> None:
    """📝 Ghi chú → ⬅️: the meeting's screen, no note saved, the note flow gone."""
    tree = await env.seed_tree()
    admin = await env.enrol(env.user(900, "Minh"), tree["ward"], Role.ADMIN)
    meeting_id = await env.save_meeting(tree["kp5"].id, date(2026, 10, 3))
    async with env.db() as s:
        m = await s.get(Meeting, meeting_id)
        assert m is not None
        m.grade = "kha"
    await admin.command("org")
    await admin.press("🏅 Xếp loại")
    await admin.press("⏳ Chi bộ Khu phố 5 · 03/10 · Khá")
    await admin.press("✅ Xác nhận: Khá")
    _meeting, meeting_text, meeting_labels = screen(admin)
    assert "📝 Ghi chú" in meeting_labels
    await admin.press("📝 Ghi chú")
    prompt, text, labels = screen(admin)
    assert text.startswith("Ghi chú ngắn về xếp loại của Chi bộ Khu phố 5") and labels == [BACK]
    await admin.press(BACK)
    assert screen(admin) == (prompt, meeting_text, meeting_labels)
    assert await flows(env) == []
    await admin.send("ghi chú gõ sau khi đã quay lại")
    async with env.db() as s:
        m = await s.get(Meeting, meeting_id)
        assert m is not None and m.grade_note is None and m.confirmed_grade == "kha"
    assert await env.count(AuditEntry, AuditEntry.action == "meeting.grade_note") == 0
    await admin.press(BACK, in_message=prompt)  # now the meeting screen's ⬅️: to the month
    month = admin.chat.find(prompt)
    assert month is not None and month.text is not None and "Đã xác nhận: 1/1" in month.text
    # An old note prompt's ⬅️ after the note was saved: out of date.
    await admin.press("✅ Chi bộ Khu phố 5 · 03/10 · Khá")
    await admin.press("📝 Ghi chú")
    old = screen(admin)[0]
    await admin.send("Nội dung phong phú")
    await admin.press(BACK, in_message=old)
    assert admin.last_alert and OUT_OF_DATE in admin.last_alert
    async with env.db() as s:
        m = await s.get(Meeting, meeting_id)
        assert m is not None and m.grade_note == "Nội dung phong phú"
    # An overlong note is refused with a sentence, never cut (#15 item 4); the flow waits.
    await admin.press("📝 Ghi chú")
    await admin.send("x" * 5000)
    assert "dài 5000 ký tự" in (admin.chat.last_bot_message.text or "")
    assert await flows(env) == [("gradenote", "note")]
    await admin.send("Ngắn gọn")
    async with env.db() as s:
        m = await s.get(Meeting, meeting_id)
        assert m is not None and m.grade_note == "Ngắn gọn"
