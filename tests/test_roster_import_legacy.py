"""Rosters in the legacy Vietnamese font encodings (TCVN3/ABC, VNI) and old Excel .xls
files (#15 items 12, 13): read, turned into Unicode, refused with a reason, and played
through the bot. The files are built here, as a ward office's .VnTime/VNI-Times workbook
stores them: single-byte codes that every reader takes as Windows-1252 letters.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import xlwt

from bot.domain.names import person_name_problem, person_name_refusal
from bot.intake import isolated, legacy_fonts
from bot.intake.legacy_fonts import TCVN3, TCVN3_TABLE, VNI, detect, tcvn3_to_unicode
from bot.intake.roster_import import ParseResult, parse_pasted, parse_roster_file
from bot.intake.sheets import read_workbook
from bot.intake.tabular import MAX_COLUMNS, MAX_SCAN_ROWS
from storage.models import Member

from .auxil.botenv import BotEnv
from .auxil.flows import roster, secretary_of

TODAY = date(2026, 11, 21)

# --- writing a file as the old fonts store it ---------------------------------------------

_TO_TCVN3 = {u: c for c, u in TCVN3_TABLE.items()}
# VNI Windows, as published: the mark typed after the base letter.
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def to_tcvn3(text: str) -> str:
    """Unicode → what a .VnTime (TCVN3) cell holds, read as Windows-1252; VN3 has no
    capitals with tones (.VnTimeH draws the lower-case codes as capitals)."""
    return "".join(_TO_TCVN3.get(ch, _TO_TCVN3.get(ch.lower(), ch)) for ch in text)


def to_vni(text: str) -> str:
    """Unicode → what a VNI-Times cell holds, read as Windows-1252."""
    import unicodedata

    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        tone = next((m for m in marks if m in _VNI_TONE), "")
        upper = base.isupper()

        def case(s: str, *, up: bool = upper) -> str:
            return s.upper() if up else s

        if ch in "đĐ":
            out.append(case("ñ"))
        elif base in "iI" and tone:
            out.append(case(_VNI_I[tone]))
        elif base in "yY" and tone == "\u0323":
            out.append(case("î"))
        elif "\u031b" in marks:  # ơ ư
            out.append(case("ô" if base in "oO" else "ö") + (_VNI_TONE[tone] if tone else ""))
        elif "\u0302" in marks:
            out.append(base + _VNI_HAT[tone])
        elif "\u0306" in marks:
            out.append(base + _VNI_BREVE[tone])
        elif tone:
            out.append(base + _VNI_TONE[tone])
        else:
            out.append(ch)
    return "".join(out)


HEADER = ["STT", "Họ và tên", "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"]
PEOPLE = [
    [1, "Nguyễn Văn An", date(1981, 2, 3), date(1982, 2, 3), ""],
    [2, "Trần Thị Hòa", date(1991, 5, 19), date(1992, 5, 19), ""],
    [3, "Phạm Thị Thủy", date(1985, 3, 8), date(1986, 3, 8), ""],
    [4, "Đặng Văn Dũng", date(1990, 9, 2), date(1991, 9, 2), "Miễn sinh hoạt"],
    [5, "Lê Đức Thắng", date(2000, 1, 15), date(2001, 1, 15), ""],
    [6, "Bùi Thị Yến", date(1975, 12, 22), date(1976, 12, 22), ""],
    [7, "Hoàng Quốc Việt", date(1988, 6, 1), date(1989, 6, 1), ""],
    [8, "Dương Thị Ngọc Ánh", date(1996, 4, 30), date(1997, 4, 30), ""],
]
NAMES = [p[1] for p in PEOPLE]
# L4: given name first, Vietnamese collation.
L4_ORDER = [
    "Nguyễn Văn An", "Dương Thị Ngọc Ánh", "Đặng Văn Dũng", "Trần Thị Hòa",
    "Lê Đức Thắng", "Phạm Thị Thủy", "Hoàng Quốc Việt", "Bùi Thị Yến",
]  # fmt: skip


def _rows(encode: object) -> list[list[object]]:
    assert callable(encode)
    title = [encode("DANH SÁCH ĐẢNG VIÊN CHI BỘ KHU PHỐ 5")]
    return [title, [encode(h) for h in HEADER]] + [
        [encode(v) if isinstance(v, str) else v for v in row] for row in PEOPLE
    ]


def xlsx_file(encode: object) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in _rows(encode):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls_file(encode: object, rows: list[list[object]] | None = None) -> bytes:
    """An Excel 97-2003 workbook, dates as real date cells (as Excel stores them)."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    dated = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows if rows is not None else _rows(encode)):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, dated)
            elif value not in ("", None):
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(encode: object) -> bytes:
    lines = [
        ";".join(v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v) for v in row)
        for row in _rows(encode)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def names_of(result: ParseResult) -> list[str]:
    return [m.full_name for m in result.members]


# --- the tables ---------------------------------------------------------------------------

VIETNAMESE_LOWER = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)


def test_tcvn3_table_covers_every_vietnamese_letter_once() -> None:
    """TCVN 5712:1993 VN3: 67 lower-case letters with a mark and Ă Â Ê Ô Ơ Ư Đ, each on its
    own byte, all in A1-FE (what a Windows-1252 reading of the byte gives)."""
    marked = [ch for ch in VIETNAMESE_LOWER if not ch.isascii()]
    assert len(marked) == 67
    assert set(TCVN3_TABLE.values()) == set(marked) | set("ĂÂÊÔƠƯĐ")
    assert len(TCVN3_TABLE) == 74 and all(0xA1 <= ord(c) <= 0xFE for c in TCVN3_TABLE)
    assert tcvn3_to_unicode(to_tcvn3(VIETNAMESE_LOWER)) == VIETNAMESE_LOWER
    assert to_tcvn3("Trần Thị Hòa") == "TrÇn ThÞ Hßa"  # as the issue shows it


@pytest.mark.parametrize(
    "text", ["Dương Thị Ngọc Ánh", "Lê Thị Ước", "ĐẢNG VIÊN", "DANH SÁCH ĐẢNG VIÊN", "Họ và tên"]
)
def test_tcvn3_capitals_with_tones_come_back(text: str) -> None:
    """A name typed "¸nh" for "Ánh", a title in .VnTimeH: the case is put back."""
    assert tcvn3_to_unicode(to_tcvn3(text)) == text


def test_vni_round_trip_and_the_issue_sample() -> None:
    assert legacy_fonts.vni_to_unicode("Traàn Thò Hoøa") == "Trần Thị Hòa"
    assert to_vni("Trần Thị Hòa") == "Traàn Thò Hoøa"
    for text in [VIETNAMESE_LOWER, VIETNAMESE_LOWER.upper(), *NAMES, "Ánh Ỵ Ước Ơn"]:
        assert legacy_fonts.vni_to_unicode(to_vni(text)) == text


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["TrÇn ThÞ Hßa", "Hä vµ tªn"], TCVN3),
        ([to_tcvn3(n) for n in NAMES], TCVN3),
        (["Traàn Thò Hoøa"], VNI),
        ([to_vni(n) for n in NAMES], VNI),
        (NAMES, None),  # Unicode is never touched
        (["Hà Tây", "Lê Văn Hải", "Ngô Thị Ân"], None),  # Unicode with Latin-1 letters only
        (["Müller", "José García", "Café"], None),  # not Vietnamese at all: left as is
    ],
)
def test_detect(texts: list[str], expected: str | None) -> None:
    assert detect(texts) == expected


# --- the name rule ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["TrÇn ThÞ Hßa", "Nguyễn Văn Müller", "Иван Петров", "Trañ"])
def test_names_must_be_vietnamese_letters(name: str) -> None:
    """#15: ß, Ç, Þ are letters (\\w) but not Vietnamese: refused with the letters named."""
    problem = person_name_problem(name)
    assert problem is not None and problem.code == "foreign_letters"
    assert problem.params["letters"]
    sentence = person_name_refusal(problem, lambda s: s)
    assert "Vietnamese letters" in sentence and problem.params["letters"] in sentence


def test_a_row_with_a_foreign_name_is_rejected_with_a_reason() -> None:
    result = parse_pasted("Nguyễn Văn An\nTrÇn ThÞ Hßa - dự bị\nH'Hen Niê", today=TODAY)
    assert names_of(result) == ["Nguyễn Văn An", "H'Hen Niê"]
    [row] = result.rejected
    assert row.row == 2 and row.reason.code == "foreign_letters"
    assert row.reason.params["letters"] == "Ç Þ ß"


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "encode", "kind", "encoding"),
    [
        (xlsx_file, to_tcvn3, "xlsx", TCVN3),
        (csv_file, to_tcvn3, "csv", TCVN3),
        (xls_file, to_tcvn3, "xls", TCVN3),
        (xlsx_file, to_vni, "xlsx", VNI),
        (csv_file, to_vni, "csv", VNI),
        (xls_file, to_vni, "xls", VNI),
        (xls_file, str, "xls", None),
    ],
)
def test_legacy_and_xls_files_are_read_as_unicode(
    build: object, encode: object, kind: str, encoding: str | None
) -> None:
    assert callable(build)
    name = {"xlsx": "ds.xlsx", "csv": "ds.csv", "xls": "ds.xls"}[kind]
    result = parse_roster_file(name, build(encode), today=TODAY)
    assert (result.source_kind, result.encoding) == (kind, encoding)
    assert names_of(result) == NAMES and result.rejected == []
    assert result.header_row == 2  # the header was recognised after the conversion
    an = result.members[0]
    assert [(s.status.value, s.start) for s in an.statuses] == [
        ("probationary", date(1981, 2, 3)),
        ("official", date(1982, 2, 3)),
    ]
    dung = result.members[3]
    assert [p.code for p in dung.warnings] == ["exempt_no_date"]


def test_a_unicode_cell_in_a_tcvn3_file_is_left_alone() -> None:
    """A header retyped in Unicode inside an old .VnTime workbook: only legacy cells change."""
    rows = [["STT", "Họ và tên"], [1, to_tcvn3("Trần Thị Hòa")], [2, "Lê Thị Hà"]]
    result = parse_roster_file("ds.xls", xls_file(str, rows), today=TODAY)
    assert result.encoding == TCVN3
    assert names_of(result) == ["Trần Thị Hòa", "Lê Thị Hà"]


def test_xls_is_bounded_like_xlsx() -> None:
    """#15: columns past MAX_COLUMNS are not read; rows stop after MAX_SCAN_ROWS."""
    wide = [["STT", "Họ và tên", *[f"c{i}" for i in range(60)]], [1, "Nguyễn Văn An"]]
    book = read_workbook("ds.xls", xls_file(str, wide))
    assert len(book.sheets[0][0]) == MAX_COLUMNS
    tall = [["STT", "Họ và tên"]] + [[i, "Nguyễn Văn An"] for i in range(1, MAX_SCAN_ROWS + 50)]
    book = read_workbook("ds.xls", xls_file(str, tall))
    assert len(book.sheets[0]) == MAX_SCAN_ROWS + 1


def test_xls_is_parsed_in_the_isolated_child() -> None:
    """The same child process, time and memory limits as an XLSX (bot.intake.isolated)."""
    data = xls_file(to_tcvn3)
    result: ParseResult = isolated.run_sync("roster", "ds.xls", data, today=TODAY)
    assert result.encoding == TCVN3 and names_of(result) == NAMES


# --- through the bot ----------------------------------------------------------------------


def _preview_names(text: str) -> list[str]:
    return [
        line[2:].split(" — ")[0]
        for line in text.splitlines()
        if line.startswith("• ") and " — " in line
    ]


async def test_flow_tcvn3_file_is_converted_previewed_in_l4_order_and_saved(
    env: BotEnv,
) -> None:
    sec, tree = await secretary_of(env)
    await sec.upload("danh-sach-vntime.xlsx", xlsx_file(to_tcvn3))
    preview = sec.chat.last_bot_message.text
    assert "Tệp dùng bảng mã TCVN3 (ABC), đã chuyển sang Unicode." in preview
    assert "Mới: 8" in preview and "Bị loại: 0" in preview
    assert _preview_names(preview) == L4_ORDER
    assert (
        "• dòng 6 · Đặng Văn Dũng: miễn sinh hoạt, chưa ghi ngày, tạm tính từ 21/11/2026 "
        "(có thể sửa sau)"
    ) in preview
    assert "Ç" not in preview and "Þ" not in preview
    assert await env.count(Member) == 0
    await sec.press("✅ Lưu (8)")
    assert sorted(await roster(env, tree["kp5"])) == sorted(NAMES)


async def test_flow_vni_xls_file_is_read_and_saved(env: BotEnv) -> None:
    sec, tree = await secretary_of(env)
    await sec.upload("danh-sach.xls", xls_file(to_vni), "application/vnd.ms-excel")
    preview = sec.chat.last_bot_message.text
    assert "Tệp dùng bảng mã VNI, đã chuyển sang Unicode." in preview
    assert "Mới: 8" in preview
    await sec.press("✅ Lưu (8)")
    got = await roster(env, tree["kp5"])
    assert sorted(got) == sorted(NAMES)
    an = sorted((s.effective_from, s.status.value) for s in got["Nguyễn Văn An"].statuses)
    assert an == [(date(1981, 2, 3), "probationary"), (date(1982, 2, 3), "official")]


async def test_flow_an_unreadable_file_offers_the_pasted_list(env: BotEnv) -> None:
    sec, _tree = await secretary_of(env)
    await sec.upload("danh-sach.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken")
    refusal = sec.chat.last_bot_message
    assert refusal.text.startswith("Tôi không đọc được tệp này: tệp bị hỏng")
    assert refusal.labels == ["📋 Dán danh sách"]
    await sec.press("📋 Dán danh sách")
    await sec.send("Nguyễn Văn An\nTrÇn ThÞ Hßa")
    preview = sec.chat.last_bot_message.text
    assert "Mới: 1" in preview and "Bị loại: 1" in preview
    assert "chữ không phải chữ tiếng Việt (Ç Þ ß)" in preview
