"""What many flow tests do first: a cell with members and its secretary, an invite, a
meeting logged by pressing the buttons a secretary presses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from bot.domain.model import MemberStatus, Role
from bot.domain.roster import NewSpan
from storage import invites, members
from storage.models import Member, Org

from ..fakeapi import TgUser
from .botenv import BotEnv

GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hòa", "Hùng", "Khánh",
    "Lan", "Long", "Mai", "Minh", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm",
    "Thảo", "Thắng", "Trang", "Tuấn", "Uyên", "Vân", "Việt", "Xuân", "Yến", "Ánh",
]  # fmt: skip


async def cell_with_members(
    env: BotEnv, n: int = 30
) -> tuple[TgUser, dict[str, Org], dict[str, int]]:
    """KP5 with ``n`` official members ("Nguyễn Văn An", ...) and one exempted (R2: "Phạm
    Thị Thuỷ"), and its secretary (200, started); the members' ids by name."""
    tree = await env.seed_tree()
    ids: dict[str, int] = {}
    async with env.db() as s:
        for i in range(n):
            name = f"Nguyễn Văn {GIVEN[i % len(GIVEN)]}" + (
                f" {i // len(GIVEN)}" if i >= len(GIVEN) else ""
            )
            m = await members.add_member(
                s,
                cell_id=tree["kp5"].id,
                full_name=name,
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))],
                actor_id=None,
            )
            ids[name] = m.id
        exempt = await members.add_member(
            s,
            cell_id=tree["kp5"].id,
            full_name="Phạm Thị Thuỷ",
            spans=[
                NewSpan(MemberStatus.OFFICIAL, date(1971, 1, 6)),
                NewSpan(MemberStatus.EXEMPTED, date(2024, 1, 1)),
            ],
            actor_id=None,
        )
        ids["Phạm Thị Thuỷ"] = exempt.id
    sec = env.user(200, "Hòa", last_name="Trần")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    await sec.command("start")
    return sec, tree, ids


async def secretary_of(env: BotEnv, cell: str = "kp5") -> tuple[TgUser, dict[str, Org]]:
    """The seeded tree and the secretary (200, started) of one of its cells."""
    tree = await env.seed_tree()
    user = env.user(200, "Hòa", last_name="Trần")
    await env.grant(user, tree[cell], Role.SECRETARY)
    await user.command("start")
    return user, tree


async def roster(env: BotEnv, cell: Org) -> dict[str, Member]:
    """The cell's members by full name."""
    async with env.db() as s:
        return {m.full_name: m for m in await members.list_members(s, cell.id)}


async def admin_invite(env: BotEnv, org: Org, role: Role = Role.ADMIN) -> str:
    """The code of a week-long invite to ``role`` at ``org``."""
    async with env.db() as s:
        node = await s.get(Org, org.id)
        assert node is not None
        code, _ = await invites.create(
            s,
            org=node,
            purpose="role",
            role=role,
            actor_id=None,
            now=env.clock(),
            ttl=timedelta(days=7),
        )
    return code


QUICK_REASONS = ("ốm", "đi công tác", "việc gia đình")


async def log_meeting(
    sec: TgUser,
    *,
    day: str = "Hôm nay",
    kind: str = "Thường kỳ",
    excused: Mapping[str, str | None] | Iterable[str] = (),
    unexcused: Iterable[str] = (),
    menu: bool = False,
    save: bool = True,
) -> None:
    """The presses of logging a meeting: /meeting (or the menu's "📝 Ghi sinh hoạt" with
    ``menu``), the kind, the day (a button such as "Hôm nay", "Hôm qua"; typed when it holds
    a digit, e.g. "3/11"), each ``excused`` member (the name, then "🟡 Vắng có lý do: <reason>"
    for a quick reason, else "… khác" and the reason typed, or ⬅️ without one), each
    ``unexcused`` one (the name, then ❌), "➡️ Tiếp tục", and "💾 Lưu" unless
    ``save`` is false (the confirmation screen is then the last message)."""
    if menu:
        await sec.tap("📝 Ghi sinh hoạt")
    else:
        await sec.command("meeting")
    await sec.press(kind)
    if any(c.isdigit() for c in day):
        await sec.send(day)
    else:
        await sec.press(day)
    reasons = excused if isinstance(excused, Mapping) else dict.fromkeys(excused)
    for name, reason in reasons.items():
        await sec.press(f"✅ {name}")
        if reason in QUICK_REASONS:
            await sec.press(f"🟡 Vắng có lý do: {reason}")
        else:
            await sec.press("🟡 Vắng có lý do khác (gõ lý do)")
            if reason is None:
                await sec.press("⬅️ Quay lại")
            else:
                await sec.send(reason)
    for name in unexcused:
        await sec.press(f"✅ {name}")
        await sec.press("❌ Vắng không có lý do")
    await sec.press("➡️ Tiếp tục")
    if save:
        await sec.press("💾 Lưu")
