"""Admins add, rename and move cells in the bot; other branches' admins cannot."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.model import CellType, OrgKind, Role
from storage import orgs
from storage.models import AuditEntry, Org, RoleAssignment

from .auxil.botenv import BotEnv


async def test_admin_adds_renames_and_moves_a_cell(env: BotEnv) -> None:
    tree = await env.seed_tree()
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        party = await orgs.create(
            s, name="Đảng bộ Khối cơ quan", kind=OrgKind.GRASSROOTS, parent=ward, actor_id=None
        )
    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    await admin.command("start")
    await admin.tap("🏛 Tổ chức")
    await admin.press("➕ Thêm chi bộ")
    await admin.send("Chi bộ  Khu phố 6")
    await admin.press("dân cư")
    assert "Đã tạo Chi bộ Khu phố 6." in admin.chat.bot_texts()
    async with env.db() as s:
        cell = await s.scalar(select(Org).where(Org.name == "Chi bộ Khu phố 6"))
        assert (
            cell is not None
            and cell.kind == OrgKind.CELL
            and cell.cell_type == CellType.RESIDENTIAL
        )
        assert cell.path == f"{tree['ward'].path}{cell.id}/"
    await admin.press("✏️ Đổi tên")
    await admin.send("Chi bộ Khu phố 6A")
    await admin.press("↪️ Chuyển")
    await admin.press("Đảng bộ Khối cơ quan")
    async with env.db() as s:
        moved = await s.get(Org, cell.id)
        assert moved is not None and moved.name == "Chi bộ Khu phố 6A"
        assert moved.parent_id == party.id and moved.path == f"{party.path}{cell.id}/"
        actions = list(
            await s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == cell.id))
        )
    assert actions == ["org.create", "org.update", "org.move"]  # S4


async def test_admin_of_another_branch_is_refused(env: BotEnv) -> None:
    tree = await env.seed_tree()
    async with env.db() as s:
        other_ward = await orgs.create(
            s, name="Đảng ủy phường Hòa Bình", kind=OrgKind.COMMUNE, parent=None, actor_id=None
        )
    intruder = env.user(300, "Bình")
    await env.grant(intruder, other_ward, Role.ADMIN)
    await intruder.command("org")
    screen = intruder.chat.last_bot_message
    for data in (
        f"org:o:{tree['ward'].id}:0",
        f"org:rn:{tree['kp5'].id}",
        f"org:mt:{tree['kp5'].id}:{other_ward.id}",
        f"inv:c:{tree['kp5'].id}:secretary",
        f"inv:g:{tree['ward'].id}",
        f"ros:l:{tree['kp5'].id}:0",
    ):
        await intruder.press_data(data, screen.message_id)
        assert intruder.last_alert and "không thể" in intruder.last_alert, data
    assert all("Khu phố" not in t for t in intruder.chat.bot_texts())
    async with env.db() as s:
        kp5 = await s.get(Org, tree["kp5"].id)
        assert kp5 is not None and kp5.parent_id == tree["ward"].id
        assert await s.scalar(select(AuditEntry).where(AuditEntry.actor_id == 300)) is None


async def test_admin_takes_a_role_back(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    old_secretary = env.user(200, "Hòa", last_name="Trần")
    await env.grant(old_secretary, tree["kp5"], Role.SECRETARY)
    await old_secretary.command("start")
    await admin.command("org")
    await admin.press("Chi bộ Khu phố 5")
    await admin.press("👤 Vai trò")
    assert "Hòa Trần — bí thư" in admin.chat.last_bot_message.text
    await admin.press("➖ Thu hồi #1")
    async with env.db() as s:
        grant = await s.scalar(select(RoleAssignment).where(RoleAssignment.user_id == 200))
        assert grant is not None and grant.revoked_at is not None and grant.revoked_by == 100
    await old_secretary.command("members")  # no longer sees the cell
    assert "Khu phố 5" not in old_secretary.chat.last_bot_message.text


async def test_admin_of_a_cell_cannot_take_it_to_another_branch(env: BotEnv) -> None:
    """#12 finding 3: an admin of one cell of the ward who also administers another ward
    cannot move the cell there with forged button data: a move changes the cell's current
    parent, and they do not administer that (Access.can_move)."""
    tree = await env.seed_tree()
    async with env.db() as s:
        other_ward = await orgs.create(
            s, name="Đảng ủy phường Hòa Bình", kind=OrgKind.COMMUNE, parent=None, actor_id=None
        )
    both = env.user(310, "Cường")
    await env.grant(both, tree["kp5"], Role.ADMIN)
    await env.grant(both, other_ward, Role.ADMIN)
    await both.command("org")
    await both.press("Chi bộ Khu phố 5")
    card = both.chat.last_bot_message
    assert "Khu phố 5" in card.text
    assert "↪️ Chuyển" not in card.labels
    for data in (f"org:mv:{tree['kp5'].id}:0", f"org:mt:{tree['kp5'].id}:{other_ward.id}"):
        await both.press_data(data, card.message_id)
        assert both.last_alert and "không thể" in both.last_alert, data
    async with env.db() as s:
        kp5 = await s.get(Org, tree["kp5"].id)
        assert kp5 is not None and kp5.parent_id == tree["ward"].id
        assert kp5.path == f"{tree['ward'].path}{kp5.id}/"
        assert await s.scalar(select(AuditEntry).where(AuditEntry.actor_id == 310)) is None


async def test_a_group_linked_to_another_branch_is_not_taken_over(env: BotEnv) -> None:
    """#12: linking a group that already serves another node changes that node too; only
    someone who administers it as well may do that (or unlink it first)."""
    tree = await env.seed_tree()
    async with env.db() as s:
        other_ward = await orgs.create(
            s, name="Đảng ủy phường Hòa Bình", kind=OrgKind.COMMUNE, parent=None, actor_id=None
        )
    owner = env.user(100, "Lan")
    await env.grant(owner, tree["ward"], Role.ADMIN)
    intruder = env.user(320, "Dũng")
    await env.grant(intruder, other_ward, Role.ADMIN)
    group = env.group(-1001, "Đảng ủy phường Hòa Minh - BCH")
    await group.add_bot(by=owner)
    await owner.command("org")
    await owner.press("🔗 Liên kết nhóm")
    code = owner.chat.last_bot_message.text.split("/link ", 1)[1].split()[0]
    await owner.send_in(group, f"/link {code}")
    await intruder.command("org")
    await intruder.press("🔗 Liên kết nhóm")
    code = intruder.chat.last_bot_message.text.split("/link ", 1)[1].split()[0]
    await intruder.send_in(group, f"/link {code}")
    answer = group.chat.last_bot_message.text
    assert "đã nhận báo cáo của một tổ chức khác" in answer and "Hòa Minh" not in answer
    async with env.db() as s:
        assert (await s.get(Org, tree["ward"].id)).group_chat_id == -1001  # type: ignore[union-attr]
        assert (await s.get(Org, other_ward.id)).group_chat_id is None  # type: ignore[union-attr]
