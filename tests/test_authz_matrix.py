"""The authorization matrix (#6): every registered handler × every kind of outsider.

The probes are generated from the application's own handler list: every command, every
callback pattern (from a table of example payloads aimed at a victim's objects; a pattern
without an entry fails `test_every_handler_has_probes`, so a new handler cannot escape),
every menu button, typed text in every flow, a file. The callers are a stranger, the
secretary of a sibling cell, the admin of another ward, a former secretary of the victim
cell whose role was taken back (with leftover flows pointing at the victim's objects), and
a member of an unlinked group (and that group itself). A sixth caller is no outsider: the
ward's own admin in the ward's linked group, where S2 forbids any member's name.

For each probe: nothing of the victim is shown (names, the cell, meeting details, reasons,
codes; in messages, edits, captions, alerts, buttons and files), no table changes (the
caller's own `users` row and their own conversation aside; audit rows included: a refusal
rolls the update's transaction back, so no audit row can record it, and the refusal is
logged instead), nothing goes to anyone else, and the caller gets an answer (a button is
always answered) in Vietnamese, the default. The victim world is built once per test and
all failures are reported together.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler

import handlers
from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from handlers.router import FLOW_TEXT, MENU_ACTIONS
from storage import invites, meetings, members, orgs, reminders, users, zero_reports
from storage.models import FlowState, Meeting, Org, RoleAssignment, User

from .auxil.botenv import ENTERED, BotEnv
from .auxil.probing import VIETNAMESE, Snapshot, own_rows, shown_since, snapshot, table_changes
from .fakeapi import TgGroup, TgUser

# --- the victim's world: distinctive strings that must never reach an outsider -------------
WARD = "Đảng ủy phường Nạn Nhân"
CELL = "Chi bộ Bí Mật Một"
MEMBERS = ("Vương Thị Bảo Mật", "Triệu Văn Kín Đáo", "Âu Dương Ẩn Danh", "Khổng Minh Giấu Tên")
TOPIC = "Chuyên đề tuyệt mật Quý Tư"
GUEST = "Khách Mời Bí Ẩn"
UPPER = "Cán Bộ Phụ Trách Kín"
REASON = "việc riêng khó nói"
ZERO_REASON = "Lý do không họp kín đáo"
PENDING = ("Người Mới Bí Mật", "Nhập Khẩu Bí Mật", "Chi Bộ Sắp Lập Bí Mật", "lý do dở dang kín")
VICTIM_PEOPLE = {
    100: "Quản Trị Nạn Nhân",
    101: "Bí Thư Nạn Nhân",
    102: "Phó Một Nạn Nhân",
    103: "Phó Hai Nạn Nhân",
    104: "Phó Ba Nạn Nhân",
    105: "Phó Bốn Nạn Nhân",
}
SIBLING_CELL = "Chi bộ Láng Giềng"
OTHER_WARD = "Đảng ủy phường Bên Ngoài"
OTHER_CELL = "Chi bộ Bên Ngoài Một"
VICTIM_GROUP, UNLINKED_GROUP = -100_555, -100_666
STRANGER, SIBLING, OTHER_ADMIN, REVOKED, GROUP_MEMBER = 900, 910, 920, 930, 940

# --- callback payloads per registered pattern ------------------------------------------------
# Key: the pattern's prefix as registered with handlers.callback ("ros:l" for "^ros:l(:|$)"),
# None for the catch-all. Each example is (template, family): the template's fields are the
# victim's ids (see World.values); the family names the leftover flow the former secretary
# has while pressing it (his own token, the victim's ids).
CALLBACKS: dict[str | None, list[tuple[str, str | None]]] = {
    "lang": [("lang:xx", None), ("lang:vi", None)],
    "ros:l": [("ros:l:{cell}:0", None), ("ros:l:{ward}:0", None)],
    "ros:m": [("ros:m:{member}", None)],
    "ros:rn": [("ros:rn:{member}", None)],
    "ros:rb": [("ros:rb:{t_rename}", "rename")],
    "ms:s": [("ms:s:{member}", None)],
    "ms:p": [("ms:p:{member}:deceased", None)],
    "ms:d": [("ms:d:{t_status}:today", "status"), ("ms:d:{t_status}:today", "status_date")],
    "ms:(ok|no)": [("ms:ok:{t_status}", "status"), ("ms:no:{t_status}", "status")],
    "add:(one|paste|file)": [
        ("add:one:{cell}", None),
        ("add:paste:{cell}", None),
        ("add:file:{cell}", None),
    ],
    "add:st": [("add:st:{t_addone}:official", "addone")],
    "add:d": [("add:d:{t_addone}:today", "addone_date")],
    "add:b": [
        ("add:b:{t_addone}:status", "addone"),
        ("add:b:{t_addone}:date", "addone_date"),
        ("add:b:{t_import}:preview", "import"),
    ],
    "imp:(ok|no)": [("imp:ok:{t_import}", "import"), ("imp:no:{t_import}", "import")],
    "org:o": [("org:o:{ward}:0", None), ("org:o:{cell}:0", None)],
    "org:add": [("org:add:{ward}", None)],
    "org:ct": [("org:ct:{t_orgadd}:residential", "orgadd")],
    "org:rn": [("org:rn:{cell}", None), ("org:rn:{ward}", None)],
    "org:b": [
        ("org:b:{t_orgadd}:type", "orgadd"),
        ("org:b:{t_orgadd}:name", "orgadd_name"),
        ("org:b:{t_orgrename}:name", "orgrename"),
    ],
    "org:mv": [("org:mv:{cell}:0", None)],
    "org:mt": [("org:mt:{cell}:{own_node}", None), ("org:mt:{own_cell}:{ward}", None)],
    "mt:cell": [("mt:cell:{cell}", None), ("mt:cell:{cell}:1", None)],
    "mt:home": [("mt:home", "meeting")],
    "mt:new": [("mt:new:{cell}:regular", None)],
    "mt:draft": [("mt:draft:{draft}:go", "meeting"), ("mt:draft:{draft}:drop", "meeting")],
    "mt:d": [("mt:d:{draft}:{dver}:today", "meeting_date")],
    "mt:a": [
        ("mt:a:{draft}:{dver}:{member}:0", "meeting"),
        ("mt:a:{own_draft}:{own_ver}:{member}:0", "meeting"),
    ],
    "mt:mk": [
        ("mt:mk:{draft}:{dver}:{member}:0:excused:sick", "meeting"),
        ("mt:mk:{own_draft}:{own_ver}:{member}:0:unexcused", "meeting"),
    ],
    "mt:aback": [("mt:aback:{draft}:{dver}", "meeting")],
    "mt:dq": [("mt:dq:{draft}:{dver}", "meeting_date")],
    "mt:more": [("mt:more:{draft}:{dver}", "meeting_confirm")],
    "mt:cx": [("mt:cx:{draft}:{dver}", "meeting_confirm")],
    "mt:cxok": [("mt:cxok:{draft}:{dver}", "meeting_confirm")],
    "mt:all": [("mt:all:{draft}:{dver}", "meeting")],
    "mt:pg": [("mt:pg:{draft}:{dver}:0", "meeting")],
    "mt:r": [
        ("mt:r:{draft}:{dver}:{member}:sick", "meeting"),
        ("mt:r:{own_draft}:{own_ver}:{member}:sick", "meeting"),
    ],
    "mt:vol": [
        ("mt:vol:{draft}:{dver}:{exempt}:0", "meeting"),
        ("mt:vol:{own_draft}:{own_ver}:{exempt}:0", "meeting"),
    ],
    "mt:next": [("mt:next:{draft}:{dver}", "meeting")],
    "mt:back": [("mt:back:{draft}:{dver}", "meeting_confirm")],
    "mt:save": [("mt:save:{draft}:{dver}", "meeting_confirm")],
    "mt:cal": [("mt:cal:{draft}:{dver}:202611", "meeting_date")],
    "mt:dback": [("mt:dback:{draft}:{dver}", "meeting_date")],
    "mt:chd": [("mt:chd:{draft}:{dver}", "meeting_confirm")],
    "mt:asx": [("mt:asx:{draft}:{dver}:20261103", "meeting_date")],
    "mt:cf": [("mt:cf:{draft}:{dver}", "meeting_confirm")],
    "mt:tm": [("mt:tm:{draft}:{dver}", "meeting_confirm")],
    "mt:len": [("mt:len:{draft}:{dver}:120", "meeting_confirm")],
    "mt:ty": [
        ("mt:ty:{draft}:{dver}", "meeting_confirm"),
        ("mt:ty:{draft}:{dver}:thematic", "meeting_confirm"),
    ],
    "mt:tp": [("mt:tp:{draft}:{dver}", "meeting_confirm")],
    "mt:tpx": [("mt:tpx:{draft}:{dver}", "meeting_confirm")],
    "mt:gr": [("mt:gr:{draft}:{dver}", "meeting_confirm")],
    "mt:g": [("mt:g:{draft}:{dver}:tot", "meeting_confirm")],
    "mt:gu": [("mt:gu:{draft}:{dver}", "meeting_confirm")],
    "mt:gx": [
        ("mt:gx:{draft}:{dver}:{guest}", "meeting_confirm"),
        ("mt:gx:{own_draft}:{own_ver}:{guest}", "meeting_confirm"),
    ],
    "mt:up": [("mt:up:{draft}:{dver}", "meeting_confirm")],
    "mt:upx": [("mt:upx:{draft}:{dver}", "meeting_confirm")],
    "mt:open": [("mt:open:{meeting}", None)],
    "mt:edit": [("mt:edit:{meeting}:{mver}", None)],
    "mt:del": [("mt:del:{meeting}:{mver}", None)],
    "mt:delok": [("mt:delok:{meeting}:{mver}", None)],
    "nop": [("nop", None)],
    "rm:mv": [("rm:mv:{cell}:202611", None)],
    "rm:to": [("rm:to:{cell}:20261125", None)],
    "rm:nudge": [("rm:nudge:{ward}:202610", None)],
    "rp:n": [("rp:n:{ward}", None), ("rp:n:{cell}", None)],
    "rp:p": [("rp:p:{ward}:2026-11", None), ("rp:p:{cell}:2026", None)],
    "rp:f": [
        ("rp:f:{ward}:2026-11:png", None),
        ("rp:f:{ward}:2026-11:xlsx", None),
        ("rp:f:{cell}:2026-11:people", None),
    ],
    "sc:o": [("sc:o:{cell}", None), ("sc:o:{ward}", None), ("sc:o:{cell}:m", "schedule")],
    "sc:(d|t)": [
        ("sc:d:{cell}:9", None),
        ("sc:t:{ward}:0730", None),
        ("sc:d:{cell}:up", None),
        ("sc:d:{cell}:9:o", None),
    ],
    "sc:tt": [("sc:tt:{cell}", None), ("sc:tt:{cell}:m", None)],
    "mt:docx": [("mt:docx:{meeting}", None)],
    "mh:y": [("mh:y:{cell}:2026", None)],
    "mh:m": [("mh:m:{member}:2026", None)],
    "zr:m": [("zr:m:{cell}", None)],
    "zr:mo": [("zr:mo:{t_zero}:2026:8", "zero_month")],
    "zr:r": [("zr:r:{t_zero}:0", "zero_reason")],
    "zr:(ok|no)": [("zr:ok:{t_zero}:2026:10", "zero"), ("zr:no:{t_zero}:2026:10", "zero")],
    "zr:x": [("zr:x:{report}", None)],
    "zr:w": [("zr:w:ok:{report}", None), ("zr:w:no:{report}", None)],
    "zr:b": [("zr:b:{t_zero}:month", "zero_reason"), ("zr:b:{t_zero}:reason", "zero")],
    "inv:r": [("inv:r:{cell}", None)],
    "inv:c": [("inv:c:{cell}:secretary", None), ("inv:c:{ward}:admin", None)],
    "inv:g": [("inv:g:{ward}", None)],
    "inv:l": [("inv:l:{ward}", None)],
    "inv:x": [("inv:x:{invite}", None)],
    "inv:h": [("inv:h:{cell}", None)],
    "inv:rv": [("inv:rv:{grant}", None)],
    # M9: an upper committee confirms grades (the victim ward's, or one's own with the
    # victim's meeting); the leftover note flow points at the victim's meeting.
    "gr:l": [("gr:l:{ward}:202611:0", None), ("gr:l:{cell}:202611:0", None)],
    "gr:m": [("gr:m:{ward}:{meeting}", None), ("gr:m:{own_node}:{meeting}", None)],
    "gr:s": [
        ("gr:s:{ward}:{meeting}:{mver}:tot", None),
        ("gr:s:{own_node}:{meeting}:{mver}:kem", None),
    ],
    "gr:n": [("gr:n:{ward}:{meeting}", "gradenote"), ("gr:n:{own_node}:{meeting}", None)],
    "gr:b": [("gr:b:{t_gradenote}", "gradenote")],
    None: [("zz:{cell}:{member}", None), ("admin:delete_all", None)],
}

# Private commands (the command list comes from the handlers; arguments per command).
COMMAND_ARGS: dict[str, list[str]] = {
    "start": ["", "{group_code}", "khongcoma123"],
    "link": ["", "{group_code}"],
    "unlink": [""],
    "help": [""],
    "trogiup": [""],
    "huy": [""],
    "baocao": [""],
    "report": [""],
    "cancel": [""],
    "language": [""],
    "members": [""],
    "meeting": [""],
    "org": [""],
}
FREE_TEXTS = ("xin chào", "3/11", "Vương Thị Bảo Mật", "/khonglenh")

# The former secretary's leftover conversations: (flow, step, data) with the victim's ids.
# Typed text then goes to FLOW_TEXT[flow]; the callback families above pick one of these.
LEFTOVER: dict[str, tuple[str, str, dict[str, str]]] = {
    "status": ("status", "confirm", {"member_id": "member", "status": "deceased"}),
    "status_date": ("status", "from", {"member_id": "member", "status": "deceased"}),
    "addone": ("addone", "status", {"cell_id": "cell", "name": "PENDING0"}),
    "addone_date": ("addone", "date", {"cell_id": "cell", "name": "PENDING0"}),
    "import": ("import", "confirm", {"cell_id": "cell"}),
    "orgadd": ("orgadd", "type", {"parent_id": "ward", "name": "PENDING2"}),
    "orgadd_name": ("orgadd", "name", {"parent_id": "ward"}),
    "orgrename": ("orgrename", "name", {"org_id": "cell"}),
    "rename": ("rename", "name", {"member_id": "member"}),
    "paste": ("paste", "text", {"cell_id": "cell"}),
    "upload": ("upload", "file", {"cell_id": "cell"}),
    "zero": ("zero", "confirm", {"cell_id": "cell", "reason": "PENDING3"}),
    "zero_month": ("zero", "month", {"cell_id": "cell"}),
    "zero_reason": ("zero", "reason", {"cell_id": "cell"}),
    "meeting": ("meeting", "attendance", {"meeting_id": "draft"}),
    "meeting_date": ("meeting", "date", {"meeting_id": "draft"}),
    "meeting_confirm": ("meeting", "confirm", {"meeting_id": "draft"}),
    "meeting_topic": ("meeting", "topic", {"meeting_id": "draft"}),
    "meeting_guests": ("meeting", "guests", {"meeting_id": "draft"}),
    "schedule": ("schedule", "time", {"org_id": "cell"}),
    "report": ("report", "month", {"node_id": "ward"}),
    "gradenote": ("gradenote", "note", {"org_id": "ward", "meeting_id": "meeting"}),
}
# Typed text for each leftover flow (every FLOW_TEXT flow must be here).
LEFTOVER_TEXTS: dict[str, list[tuple[str, str]]] = {
    "rename": [("rename", "Tên Đổi Trộm")],
    "status": [("status_date", "1/11/2026")],
    "addone": [("addone", "Người Chen Ngang"), ("addone_date", "1/11/2026")],
    "paste": [("paste", "Người Chen Ngang\nNgười Thứ Hai - dự bị")],
    "orgadd": [("orgadd_name", "Chi bộ Chen Ngang")],
    "orgrename": [("orgrename", "Chi bộ Bị Đổi Tên")],
    "meeting": [
        ("meeting_date", "1/11/2026"),
        ("meeting_topic", "chủ đề chen ngang"),
        ("meeting_guests", "Khách Lạ, chen ngang"),
        ("meeting", "bận"),
    ],
    "zero": [("zero_month", "8/2026"), ("zero_reason", "lý do chen ngang")],
    "schedule": [("schedule", "7h30 tối")],
    "report": [("report", "10/2026")],
    "gradenote": [("gradenote", "ghi chú chen ngang")],
}
ROSTER_CSV = "Họ và tên,Ngày vào Đảng\nNgười Chen Ngang,03/02/2010\n".encode()


def pattern_key(h: CallbackQueryHandler[Any, Any]) -> str | None:
    """ "ros:l" for the pattern "^ros:l(:|$)"; None for the catch-all."""
    if h.pattern is None:
        return None
    raw = h.pattern.pattern if isinstance(h.pattern, re.Pattern) else str(h.pattern)
    return raw.removeprefix("^").removesuffix("(:|$)")


def step_name(h: Any) -> str:
    return str(getattr(h.callback, "__name__", h.callback))


def registered() -> list[Any]:
    return handlers.handlers()


def route(data: str) -> str | None:
    """The pattern key of the first callback handler that takes `data` (as PTB routes)."""
    for h in registered():
        if isinstance(h, CallbackQueryHandler):
            if h.pattern is None:
                return None
            assert isinstance(h.pattern, re.Pattern)
            if h.pattern.match(data):
                return pattern_key(h)
    return None


# --- the matrix's own completeness: no registered handler without probes ------------------


def test_every_handler_has_probes() -> None:
    """A handler added without an entry here fails: the matrix covers every entry point."""
    missing = []
    for h in registered():
        if isinstance(h, CallbackQueryHandler):
            if pattern_key(h) not in CALLBACKS:
                missing.append(f"callback {pattern_key(h)!r}")
        elif isinstance(h, CommandHandler):
            missing += [f"command /{c}" for c in h.commands if c not in COMMAND_ARGS]
        elif isinstance(h, MessageHandler):
            if step_name(h) not in ("document", "on_text", "unknown_command"):
                missing.append(f"message handler {step_name(h)}")
        elif isinstance(h, ChatMemberHandler):
            if step_name(h) != "bot_membership":
                missing.append(f"chat member handler {step_name(h)}")
        else:
            missing.append(f"handler {h!r}")
    missing += [f"typed text in flow {f!r}" for f in FLOW_TEXT if f not in LEFTOVER_TEXTS]
    assert not missing, "no probes for: " + ", ".join(missing)
    assert MENU_ACTIONS, "the menu buttons are probed from router.MENU_ACTIONS"


def test_every_payload_reaches_its_handler() -> None:
    """Each example payload is routed to the handler it is listed under (not the catch-all
    by accident), and stays within Telegram's 64 bytes."""
    fields = dict.fromkeys(
        ("cell", "ward", "member", "exempt", "meeting", "draft", "own_draft", "guest"), 123456
    )
    fields |= dict.fromkeys(("report", "invite", "grant", "own_node", "own_cell"), 123456)
    fields |= {"mver": 12, "dver": 12, "own_ver": 12}
    fields |= {
        f"t_{f}": "a1b2c3d4"
        for f in ("status", "addone", "import", "orgadd", "zero", "rename", "orgrename")
    }
    fields["t_gradenote"] = "a1b2c3d4"
    wrong = []
    for key, examples in CALLBACKS.items():
        for template, family in examples:
            data = template.format(**fields)
            if route(data) != key or len(data.encode()) > 64:
                wrong.append(f"{data} → {route(data)!r}, listed under {key!r}")
            if family is not None and family not in LEFTOVER:
                wrong.append(f"{template}: unknown flow family {family}")
    assert not wrong, wrong


# --- the world ----------------------------------------------------------------------------


@dataclass
class Caller:
    name: str
    user: TgUser
    values: dict[str, Any]
    forbidden: list[str]
    baseline: str | None = None  # the LEFTOVER family the caller starts each probe in
    own_flows: dict[str, tuple[str, str, dict[str, Any]]] = field(default_factory=dict)
    group: TgGroup | None = None
    files_ok: bool = False  # the reports' chart and workbook may go to a linked group


@dataclass
class Probe:
    caller: Caller
    label: str
    act: Callable[[], Awaitable[str | None]]  # returns the callback query id, if any
    sent: str  # what the caller typed or pressed (the caller may see it echoed)
    baseline: str | None = None
    callback: bool = False
    must_answer: bool = True  # some visible answer is expected (not silence)
    chat: int = 0


@dataclass
class World:
    env: BotEnv
    ids: dict[str, Any]
    victim_orgs: set[int]
    victim_members: set[int]
    victim_meetings: set[int]
    group_code: str
    codes: list[str]
    unlinked: TgGroup
    linked: TgGroup
    failures: list[str] = field(default_factory=list)
    base: Snapshot = field(default_factory=dict)


async def put_flow(
    env: BotEnv,
    user_id: int,
    chat_id: int,
    flow: tuple[str, str, dict[str, Any]] | None,
    token: str,
) -> None:
    """The caller's conversation as the probe starts: exactly `flow`, or none; their
    language back to the default (a probe may have chosen one)."""
    async with env.db() as s:
        await s.execute(delete(FlowState).where(FlowState.user_id == user_id))
        await s.execute(update(User).where(User.telegram_id == user_id).values(locale=None))
        if flow is not None:
            name, step, data = flow
            s.add(
                FlowState(
                    user_id=user_id, chat_id=chat_id, flow=name, step=step, token=token, data=data
                )
            )


def _victim_flow(family: str, ids: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """A LEFTOVER family with the victim's ids filled in."""
    name, step, template = LEFTOVER[family]
    data: dict[str, Any] = {}
    for key, value in template.items():
        if value.startswith("PENDING"):
            data[key] = PENDING[int(value[-1])]
        else:
            data[key] = ids.get(value, value)  # an id, or a literal ("deceased")
    if name == "status":
        data["start"] = "2026-11-01"
    if name == "import":
        data |= {
            "source": "danh-sach.csv",
            "members": [
                {
                    "row": 2,
                    "name": PENDING[1],
                    "spans": [["official", "2020-01-01", None]],
                    "warnings": [],
                }
            ],
            "rejected": [],
        }
    if family in ("zero", "zero_reason"):
        data |= {"year": 2026, "month": 10}
    if family == "addone_date":
        data["status"] = "official"
    return name, step, data


async def build_world(env: BotEnv) -> World:
    async with env.db() as s:
        province = await orgs.create(
            s, name="Tỉnh ủy Thử Nghiệm", kind=OrgKind.PROVINCE, parent=None, actor_id=None
        )
        ward = await orgs.create(s, name=WARD, kind=OrgKind.COMMUNE, parent=province, actor_id=None)
        cell = await orgs.create(
            s,
            name=CELL,
            kind=OrgKind.CELL,
            parent=ward,
            actor_id=None,
            cell_type=CellType.RESIDENTIAL,
        )
        sibling = await orgs.create(
            s, name=SIBLING_CELL, kind=OrgKind.CELL, parent=ward, actor_id=None,
            cell_type=CellType.RESIDENTIAL,
        )  # fmt: skip
        other_ward = await orgs.create(
            s, name=OTHER_WARD, kind=OrgKind.COMMUNE, parent=province, actor_id=None
        )
        other_cell = await orgs.create(
            s, name=OTHER_CELL, kind=OrgKind.CELL, parent=other_ward, actor_id=None,
            cell_type=CellType.AGENCY,
        )  # fmt: skip
        for org in (province, ward, cell, sibling, other_ward, other_cell):
            org.created_at = ENTERED  # #14: the cells count in every month the tests ask
        spans = [
            [NewSpan(MemberStatus.OFFICIAL, date(2001, 5, 19))],
            [NewSpan(MemberStatus.OFFICIAL, date(1999, 3, 1))],
            [
                NewSpan(MemberStatus.OFFICIAL, date(1980, 1, 1)),
                NewSpan(MemberStatus.EXEMPTED, date(2024, 1, 1)),
            ],
            [NewSpan(MemberStatus.PROBATIONARY, date(2026, 2, 3))],
        ]
        victims = [
            await members.add_member(s, cell_id=cell.id, full_name=n, spans=sp, actor_id=None)
            for n, sp in zip(MEMBERS, spans, strict=True)
        ]
        await members.add_member(
            s, cell_id=sibling.id, full_name="Đinh Văn Hàng Xóm", actor_id=None,
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
        )  # fmt: skip
        await orgs.link_group(s, ward, VICTIM_GROUP, actor_id=None)
        ids: dict[str, Any] = {
            "province": province.id, "ward": ward.id, "cell": cell.id, "sibling": sibling.id,
            "other_ward": other_ward.id, "other_cell": other_cell.id,
            "member": victims[0].id, "member2": victims[1].id, "exempt": victims[2].id,
        }  # fmt: skip
        orgs_by_key = {"ward": ward, "cell": cell, "sibling": sibling, "other_ward": other_ward,
                       "other_cell": other_cell}  # fmt: skip
    # People: the victims, then the callers.
    for uid, name in VICTIM_PEOPLE.items():
        person = env.user(uid, name)
        role = Role.ADMIN if uid == 100 else Role.SECRETARY if uid == 101 else Role.DEPUTY
        await env.enrol(person, orgs_by_key["ward" if uid == 100 else "cell"], role)
    stranger = env.user(STRANGER, "Người Lạ", language_code=None)
    sibling_sec = env.user(SIBLING, "Bí Thư Láng Giềng")
    await env.grant(sibling_sec, orgs_by_key["sibling"], Role.SECRETARY)
    other_admin = env.user(OTHER_ADMIN, "Quản Trị Bên Ngoài")
    await env.grant(other_admin, orgs_by_key["other_ward"], Role.ADMIN)
    revoked = env.user(REVOKED, "Cựu Bí Thư")
    await env.grant(revoked, orgs_by_key["cell"], Role.SECRETARY)
    member_of_group = env.user(GROUP_MEMBER, "Thành Viên Nhóm")
    # Meetings: two saved (one with absences, a reason, topic, guest, upper attendee), the
    # victim secretary's draft, the former secretary's draft (from before the revocation),
    # the sibling secretary's own draft; a zero report, a moved meeting, open invites.
    m1 = await env.save_meeting(
        cell.id, date(2026, 11, 3), "regular",
        {victims[0].id: ("excused", REASON), victims[1].id: ("unexcused", None)}, by=101,
    )  # fmt: skip
    m2 = await env.save_meeting(cell.id, date(2026, 10, 6), "thematic", by=101)
    now = env.clock()
    async with env.db() as s:
        saved = await s.get(Meeting, m1)
        assert saved is not None
        saved.topic, saved.upper_attendee, saved.grade = TOPIC, UPPER, "kha"
        await meetings.add_guest(s, saved, GUEST, "đảng viên nơi khác")
        drafts = {}
        for uid, cell_id, day in (
            (101, cell.id, 20),
            (REVOKED, cell.id, 19),
            (SIBLING, sibling.id, 18),
        ):
            d = await meetings.create_draft(
                s, cell_id=cell_id, kind="extraordinary", user_id=uid, start=None, minutes=90
            )
            d.held_on = date(2026, 11, day)
            drafts[uid] = d
        await meetings.set_mark(s, drafts[101], victims[0].id, "excused", None)
        await s.flush()
        guest = await meetings.guests(s, m1)
        report = await zero_reports.create(
            s, cell_id=cell.id, year=2026, month=9, reason=ZERO_REASON, actor_id=101
        )
        cell_row = await s.get(Org, cell.id)
        ward_row = await s.get(Org, ward.id)
        assert cell_row is not None and ward_row is not None
        await reminders.move_meeting(s, cell_row, date(2026, 11, 28), actor_id=101)
        ttl = timedelta(days=7)
        role_code, invite = await invites.create(
            s, org=cell_row, purpose="role", role=Role.SECRETARY, actor_id=100, now=now, ttl=ttl
        )
        group_code, _ = await invites.create(
            s, org=ward_row, purpose="group", role=None, actor_id=100, now=now, ttl=ttl
        )
        grant = await s.scalar(select(RoleAssignment.id).where(RoleAssignment.user_id == 101))
        old_id = await s.scalar(select(RoleAssignment.id).where(RoleAssignment.user_id == REVOKED))
        old = await users.get_grant(s, int(old_id or 0))
        assert old is not None
        await users.revoke_role(s, old, actor_id=100, when=now)
        ids |= {
            "meeting": m1, "mver": saved.version, "meeting2": m2, "guest": guest[0].id,
            "report": report.id, "invite": invite.id, "grant": grant,
            "draft": drafts[101].id, "dver": drafts[101].version,
            "rv_draft": drafts[REVOKED].id, "rv_ver": drafts[REVOKED].version,
            "own_draft_sibling": drafts[SIBLING].id, "own_ver_sibling": drafts[SIBLING].version,
        }  # fmt: skip
    # The victims' conversations in progress (their tokens appear in forged payloads).
    victim_tokens = {
        "status": (102, "vstatus1"), "addone": (103, "vaddone1"), "import": (104, "vimport1"),
        "zero": (105, "vzero001"), "orgadd": (100, "vorgadd1"),
    }  # fmt: skip
    for family, (uid, token) in victim_tokens.items():
        await put_flow(env, uid, uid, _victim_flow(family, ids), token)
    await put_flow(env, 101, 101, _victim_flow("meeting", ids), "vmeetin1")
    # Everyone who probes has talked to the bot once (a message to press buttons on).
    unlinked = env.group(UNLINKED_GROUP, "Nhóm Chưa Liên Kết")
    for person in (stranger, sibling_sec, other_admin, revoked):
        await person.command("start")
    await member_of_group.send_in(unlinked, "/help")
    linked = env.group(VICTIM_GROUP, WARD)
    await env.user(100, VICTIM_PEOPLE[100]).send_in(linked, "/help")
    world = World(
        env, ids,
        victim_orgs={ids["ward"], ids["cell"]},
        victim_members={v.id for v in victims},
        victim_meetings={m1, m2, ids["draft"], ids["rv_draft"]},
        group_code=group_code, codes=[role_code, group_code], unlinked=unlinked, linked=linked,
    )  # fmt: skip
    world.ids["victim_tokens"] = {k: t for k, (_u, t) in victim_tokens.items()}
    # Tokens of no one's conversation (the six victims each have one already): a ⬅️ of the
    # rename, org-rename and grade-note prompts (#15) forged with them is out of date.
    world.ids["victim_tokens"] |= {
        "rename": "vrename1", "orgrename": "vorgren1", "gradenote": "vgrnote1",
    }  # fmt: skip
    world.ids["people"] = {
        "stranger": stranger, "sibling": sibling_sec, "other_admin": other_admin,
        "revoked": revoked, "group_member": member_of_group,
    }  # fmt: skip
    return world


def _forbidden(world: World, *, ward_allowed: bool = False) -> list[str]:
    out = [CELL, *MEMBERS, TOPIC, GUEST, UPPER, REASON, ZERO_REASON, *PENDING]
    out += list(VICTIM_PEOPLE.values()) + world.codes
    if not ward_allowed:
        out.append(WARD)
    return out


def callers(world: World) -> list[Caller]:
    ids, people = world.ids, world.ids["people"]
    victim = {
        "cell": ids["cell"], "ward": ids["ward"], "member": ids["member"], "exempt": ids["exempt"],
        "meeting": ids["meeting"], "mver": ids["mver"], "guest": ids["guest"],
        "report": ids["report"], "invite": ids["invite"], "grant": ids["grant"],
        "draft": ids["draft"], "dver": ids["dver"], "own_draft": ids["draft"], "own_ver": ids["dver"],
        "own_node": ids["other_ward"], "own_cell": ids["other_cell"],
    }  # fmt: skip
    victim |= {f"t_{k}": t for k, t in ids["victim_tokens"].items()}
    sibling_values = victim | {
        "own_draft": ids["own_draft_sibling"], "own_ver": ids["own_ver_sibling"],
        "own_node": ids["sibling"], "own_cell": ids["sibling"],
    }  # fmt: skip
    # The former secretary presses with his own leftover tokens and his own draft.
    revoked_values = victim | {
        "draft": ids["rv_draft"], "dver": ids["rv_ver"],
        "own_draft": ids["rv_draft"], "own_ver": ids["rv_ver"],
    }  # fmt: skip
    revoked_values |= {f"t_{k}": f"rv{k}"[:8] for k in ids["victim_tokens"]}
    sibling_flow = ("meeting", "attendance", {"meeting_id": ids["own_draft_sibling"]})
    return [
        Caller("stranger", people["stranger"], victim, _forbidden(world)),
        Caller(
            "secretary of a sibling cell",
            people["sibling"],
            sibling_values,
            _forbidden(world, ward_allowed=True),
            own_flows={"own": sibling_flow},
            baseline="own",
        ),
        Caller("admin of another ward", people["other_admin"], victim, _forbidden(world)),
        Caller("former secretary", people["revoked"], revoked_values, _forbidden(world)),
        Caller(
            "member of an unlinked group",
            people["group_member"],
            victim,
            _forbidden(world),
            group=world.unlinked,
        ),
        # Not an outsider: the ward's own admin, in the ward's linked group. S2: whatever is
        # pressed or typed there, no member's name (nor an absence's reason) is posted.
        Caller(
            "the ward's admin in its linked group",
            env_user(world, 100),
            victim,
            [*MEMBERS, REASON, GUEST, UPPER, *PENDING[:2], *VICTIM_PEOPLE.values()],
            group=world.linked,
            files_ok=True,
        ),
    ]


def env_user(world: World, user_id: int) -> TgUser:
    return world.env.user(user_id, VICTIM_PEOPLE.get(user_id, ""))


def _token(caller: Caller, family: str | None) -> str:
    if family is None:
        return "own00000"
    return f"rv{LEFTOVER[family][0]}"[:8]


def probes(world: World, caller: Caller) -> list[Probe]:
    out: list[Probe] = []
    user, group = caller.user, caller.group
    is_revoked = caller.name == "former secretary"

    def baseline_of(family: str | None) -> str | None:
        if is_revoked:
            return family
        return caller.baseline

    # Buttons, each pattern's examples.
    for key, examples in CALLBACKS.items():
        for template, family in examples:
            data = template.format(**caller.values)

            def press(data: str = data) -> Awaitable[str | None]:
                if group is not None:
                    msg = group.chat.last_bot_message
                    assert msg is not None
                    return user.press_data(data, msg.message_id, group=group)
                msg = user.chat.last_bot_message
                assert msg is not None
                return user.press_data(data, msg.message_id)

            out.append(
                Probe(caller, f"button {data}", press, data, baseline_of(family), callback=True,
                      must_answer=key != "nop")
            )  # fmt: skip
    # Commands.
    for command, args in COMMAND_ARGS.items():
        for arg in args:
            text = f"/{command} {arg.format(group_code=world.group_code)}".rstrip()
            if caller.files_ok and (command == "unlink" or "{group_code}" in arg):
                continue  # the ward's admin may (un)link the ward's group: not an attack
            if group is not None:
                handled = command in ("start", "link", "unlink", "help", "baocao", "report")
                out.append(Probe(caller, f"group {text}", _sender(user, text, group), text,
                                 must_answer=handled))  # fmt: skip
            else:
                out.append(Probe(caller, text, _sender(user, text), text, caller.baseline))
    # Menu buttons (every language) and free text.
    for text in [*MENU_ACTIONS, *FREE_TEXTS]:
        if group is not None:
            out.append(Probe(caller, f"group text {text!r}", _sender(user, text, group), text,
                             must_answer=False))  # fmt: skip
        else:
            out.append(Probe(caller, f"text {text!r}", _sender(user, text), text, caller.baseline))
    if group is not None:
        # A linked group needs no explanation when the bot is added again.
        out.append(Probe(caller, "the bot is added to the group", lambda: _added(group, user), "",
                         must_answer=not caller.files_ok))  # fmt: skip
        out.append(Probe(caller, "the bot is removed from the group", lambda: _removed(group, user),
                         "", must_answer=False))  # fmt: skip
        return out
    # A roster file (to the caller's only cell, or to the victim's via a leftover upload flow).
    out.append(Probe(caller, "a roster file", lambda: _upload(user), "", caller.baseline))
    if is_revoked:
        out.append(
            Probe(caller, "a roster file in a leftover upload", lambda: _upload(user), "", "upload")
        )
        for entries in LEFTOVER_TEXTS.values():
            for family, text in entries:
                out.append(Probe(caller, f"{family}: {text!r}", _sender(user, text), text, family))
    return out


def _sender(user: TgUser, text: str, group: TgGroup | None = None) -> Callable[[], Awaitable[None]]:
    async def send() -> None:
        if group is not None:
            await user.send_in(group, text)
        else:
            await user.send(text)

    return send


async def _added(group: TgGroup, user: TgUser) -> None:
    await group.add_bot(user)


async def _removed(group: TgGroup, user: TgUser) -> None:
    await group.remove_bot(user)


async def _upload(user: TgUser) -> None:
    await user.upload("danh-sach.csv", ROSTER_CSV, "text/csv")


def _victim_refs(world: World, data: Any) -> list[str]:
    """Keys of a flow's data that point at the victim's objects."""
    kinds = {
        "cell_id": world.victim_orgs, "org_id": world.victim_orgs, "node_id": world.victim_orgs,
        "parent_id": world.victim_orgs, "member_id": world.victim_members,
        "meeting_id": world.victim_meetings,
    }  # fmt: skip
    if not isinstance(data, dict):
        return []
    return [k for k, v in data.items() if k in kinds and isinstance(v, int) and v in kinds[k]]


async def run_probe(world: World, probe: Probe) -> None:
    env, caller = world.env, probe.caller
    chat = caller.group.chat_id if caller.group is not None else caller.user.id
    flow = None
    if probe.baseline == "own":
        flow = caller.own_flows["own"]
    elif probe.baseline is not None:
        flow = _victim_flow(probe.baseline, world.ids)
        if caller.name == "former secretary":
            flow = (flow[0], flow[1], {**flow[2], "meeting_id": world.ids["rv_draft"]}
                    if flow[0] == "meeting" else flow[2])  # fmt: skip
    token = _token(caller, probe.baseline if caller.name == "former secretary" else None)
    await put_flow(env, caller.user.id, caller.user.id, flow, token)
    start_flow = [(f[0], f[1], f[2]) for f in ([flow] if flow else [])]
    mark, errors = len(env.fake.calls), len(env.errors)
    query_id = await probe.act()
    after = await snapshot(env.engine)
    problems: list[str] = []
    problems += table_changes(world.base, after, own=caller.user.id)
    for row in own_rows(after, "flow_states", caller.user.id):
        unchanged = (row["flow"], row["step"], row["data"]) in start_flow
        refs = _victim_refs(world, row["data"])
        if refs and not unchanged:
            problems.append(f"the caller's flow now points at the victim's {refs}: {row}")
    if problems:
        world.base = after  # report once, then compare with the new state
    problems += [f"a handler raised {e!r}" for e in env.errors[errors:]]
    shown = shown_since(env.fake, mark)
    seen = shown.everything
    # An invite code the caller typed may be quoted back; nothing else they typed excuses it.
    leaked = [
        s for s in caller.forbidden if s in seen and not (s in world.codes and s in probe.sent)
    ]
    if leaked:
        problems.append(f"showed the victim's {leaked}")
    others = shown.chats - {caller.user.id, chat}
    if others:
        problems.append(f"sent something to other chats {sorted(others)}")
    if shown.files and not caller.files_ok:
        problems.append(f"sent {len(shown.files)} file(s)")
    if probe.callback:
        answer = env.fake.callback_answer(query_id or "")
        if answer is None:
            problems.append("the button was not answered (the spinner keeps turning)")
    if probe.must_answer and not shown.texts:
        problems.append("no answer at all")
    not_vietnamese = [t for t in shown.texts if not VIETNAMESE.search(t)]
    if not_vietnamese:
        problems.append(f"not in Vietnamese: {not_vietnamese}")
    world.failures += [f"{caller.name} · {probe.label}: {p}" for p in problems]


async def check_matrix(env: BotEnv) -> World:
    world = await build_world(env)
    world.base = await snapshot(env.engine)
    count = 0
    for caller in callers(world):
        # The previous caller's own rows changed legitimately (their user row, their flow).
        world.base = await snapshot(env.engine)
        for probe in probes(world, caller):
            await run_probe(world, probe)
            count += 1
    world.ids["count"] = count
    return world


async def test_outsiders_see_nothing_and_change_nothing(env: BotEnv) -> None:
    world = await check_matrix(env)
    env.errors.clear()  # each one is in the failures, with the probe that raised it
    print(f"authorization matrix: {world.ids['count']} probes")
    assert world.ids["count"] > 500
    assert not world.failures, f"{len(world.failures)} failures:\n" + "\n".join(world.failures)
    # Positive control: the same ids are the victim's real objects (the payloads are not
    # refused merely for being malformed): the ward's admin sees the data behind them.
    admin = env.user(100, VICTIM_PEOPLE[100])
    await admin.command("start")
    ids = world.ids
    for data, expected in (
        (f"ros:l:{ids['cell']}:0", MEMBERS[0]),
        (f"ros:m:{ids['member']}", MEMBERS[0]),
        (f"mh:m:{ids['member']}:2026", MEMBERS[0]),
        (f"mt:open:{ids['meeting']}", TOPIC),
        (f"mh:y:{ids['cell']}:2026", CELL),
        (f"inv:h:{ids['cell']}", VICTIM_PEOPLE[101]),
        (f"org:o:{ids['ward']}:0", WARD),
        (f"sc:o:{ids['cell']}", CELL),
        (f"rp:p:{ids['ward']}:2026-11", CELL),
    ):
        mark = len(env.fake.calls)
        await admin.press_data(data, admin.chat.last_bot_message.message_id)
        assert expected in shown_since(env.fake, mark).everything, data
