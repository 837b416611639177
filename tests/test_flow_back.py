"""⬅️ Quay lại on the steps that had no way back (#15 item 5): the meeting flow's first step,
the schedule (back to the screen it was opened from), the roster-add steps and the import
preview. Each test presses the button and checks what the user then saw and what the
database holds. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from bot.domain.model import MemberStatus, Role
from bot.domain.roster import status_on
from storage.models import FlowState, Meeting, Org

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
