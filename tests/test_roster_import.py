"""bot.intake.roster_import: rosters from CSV/XLSX files and pasted lists (R1, L2-L5, S1)."""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bot.domain.model import MemberStatus as S
from bot.domain.text import vn_sorted
from bot.intake.roster_import import (
    PROBLEM_CODES,
    ParsedMember,
    ParseResult,
    Problem,
    RosterFileError,
    StatusSpan,
    parse_pasted,
    parse_roster_file,
)
from bot.intake.roster_status import parse_status_text

from .auxil.paths import SAMPLES

TODAY = date(2026, 11, 21)
BOT = Path(__file__).resolve().parents[1] / "bot" / "intake"


def d(text: str) -> date:
    day, month, year = (int(p) for p in text.split("/"))
    return date(year, month, day)


def by_name(result: ParseResult) -> dict[str, ParsedMember]:
    return {m.full_name: m for m in result.members}


def codes(member: ParsedMember) -> list[str]:
    return [w.code for w in member.warnings]


def csv_file(*lines: str, sep: str = ";") -> bytes:
    header = sep.join(["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức"])
    return "\r\n".join([header + sep + "Ghi chú", *lines]).encode("utf-8")


def parse_csv(*lines: str) -> ParseResult:
    return parse_roster_file("ds.csv", csv_file(*lines), today=TODAY)


def rejected(result: ParseResult) -> dict[int, Problem]:
    return {r.row: r.reason for r in result.rejected}


# --- the CSV sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def csv_sample() -> ParseResult:
    data = (SAMPLES / "danh-sach-dang-vien-khu-pho-5.csv").read_bytes()
    return parse_roster_file("danh-sach-dang-vien-khu-pho-5.csv", data, today=TODAY)


def test_csv_sample_layout(csv_sample: ParseResult) -> None:
    assert csv_sample.source_kind == "csv"
    assert csv_sample.header_row == 5  # below three title rows and a blank row
    assert len(csv_sample.members) == 18
    assert csv_sample.rejected == []
    assert [m.row for m in csv_sample.members] == list(range(6, 24))


def test_l5_csv_sample_names_normalized(csv_sample: ParseResult) -> None:
    names = [m.full_name for m in csv_sample.members]
    assert "Lê Đức Thắng" in names  # double space collapsed
    assert "Đỗ Quang Huy" in names  # trailing space removed
    assert all(unicodedata.is_normalized("NFC", n) and n == n.strip() for n in names)


def test_r1_csv_sample_official_member(csv_sample: ParseResult) -> None:
    an = by_name(csv_sample)["Nguyễn Văn An"]
    assert an.statuses == [
        StatusSpan(S.PROBATIONARY, d("03/02/1980")),
        StatusSpan(S.OFFICIAL, d("03/02/1981")),
    ]
    assert an.warnings == []
    assert not an.status_assumed


def test_r1_csv_sample_exempted_from_month(csv_sample: ParseResult) -> None:
    thuy = by_name(csv_sample)["Phạm Thị Thuỷ"]  # "Miễn SH từ 01/2024"
    assert thuy.statuses == [
        StatusSpan(S.PROBATIONARY, d("06/01/1970")),
        StatusSpan(S.OFFICIAL, d("06/01/1971")),
        StatusSpan(S.EXEMPTED, d("01/01/2024")),
    ]
    assert thuy.warnings == []


def test_r1_csv_sample_probationary(csv_sample: ParseResult) -> None:
    dat = by_name(csv_sample)["Hoàng Minh Đạt"]
    assert dat.statuses == [StatusSpan(S.PROBATIONARY, d("03/02/2026"))]
    assert dat.warnings == []  # less than 12 months


def test_r1_csv_sample_temp_elsewhere_from_today(csv_sample: ParseResult) -> None:
    dung = by_name(csv_sample)["Đặng Văn Dũng"]
    assert dung.statuses[-1] == StatusSpan(S.TEMP_ELSEWHERE, TODAY)
    assert dung.warnings == [
        Problem("status_no_date", {"status": "temp_elsewhere", "date": "21/11/2026"})
    ]


def test_r1_csv_sample_exempted_without_date(csv_sample: ParseResult) -> None:
    cuong = by_name(csv_sample)["Phan Văn Cường"]  # "Miễn công tác và sinh hoạt đảng"
    assert cuong.statuses[-1] == StatusSpan(S.EXEMPTED, TODAY)
    assert cuong.warnings == [Problem("exempt_no_date", {"date": "21/11/2026"})]


def test_r1_csv_sample_probation_overdue(csv_sample: ParseResult) -> None:
    uyen = by_name(csv_sample)["Hồ Thị Uyên"]  # "Dự bị", admitted 03/02/2025
    assert uyen.statuses == [StatusSpan(S.PROBATIONARY, d("03/02/2025"))]
    assert uyen.warnings == [
        Problem("probation_overdue", {"admitted": "03/02/2025", "due": "03/02/2026"})
    ]


def test_csv_sample_only_expected_warnings(csv_sample: ParseResult) -> None:
    warned = {m.full_name: codes(m) for m in csv_sample.members if m.warnings}
    assert warned == {
        "Đặng Văn Dũng": ["status_no_date"],
        "Phan Văn Cường": ["exempt_no_date"],
        "Hồ Thị Uyên": ["probation_overdue"],
    }


def test_s1_no_birth_data_is_returned(csv_sample: ParseResult) -> None:
    fields = {f.name for f in dataclasses.fields(ParsedMember)}
    assert fields == {"row", "full_name", "statuses", "warnings", "status_assumed"}
    assert "1956" not in repr(csv_sample.members)  # Nguyễn Văn An's birth year


def test_l4_csv_sample_sorted(csv_sample: ParseResult) -> None:
    names = [m.full_name for m in vn_sorted(csv_sample.members, key=lambda m: m.full_name)]
    assert names[:4] == ["Nguyễn Văn An", "Vũ Thị Ánh", "Ngô Thị Ân", "Dương Văn Ẩn"]
    assert names[-1] == "Bùi Thị Yến"


# --- the XLSX sample ------------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx_sample() -> ParseResult:
    data = (SAMPLES / "danh-sach-dang-vien-to-dan-pho-12.xlsx").read_bytes()
    return parse_roster_file("danh-sach-dang-vien-to-dan-pho-12.xlsx", data, today=TODAY)


def test_xlsx_sample_layout(xlsx_sample: ParseResult) -> None:
    assert xlsx_sample.source_kind == "xlsx"
    assert xlsx_sample.header_row == 5
    assert len(xlsx_sample.members) == 24
    assert xlsx_sample.rejected == []


def test_r1_xlsx_official_without_date_is_twelve_months_after_admission(
    xlsx_sample: ParseResult,
) -> None:
    nga = by_name(xlsx_sample)["Hồ Kim Nga"]  # "Chính thức", admitted 13/10/2006
    assert nga.statuses == [
        StatusSpan(S.PROBATIONARY, d("13/10/2006")),
        StatusSpan(S.OFFICIAL, d("13/10/2007")),
    ]


def test_r1_xlsx_exempted_without_date(xlsx_sample: ParseResult) -> None:
    dung = by_name(xlsx_sample)["Phạm Thanh Dũng"]  # "Miễn sinh hoạt"
    assert dung.statuses == [
        StatusSpan(S.PROBATIONARY, d("19/02/2015")),
        StatusSpan(S.OFFICIAL, d("19/02/2016")),
        StatusSpan(S.EXEMPTED, TODAY),
    ]
    assert dung.warnings == [Problem("exempt_no_date", {"date": "21/11/2026"})]


def test_xlsx_inconsistent_rows_are_warnings_not_rejections(xlsx_sample: ParseResult) -> None:
    warned = {m.full_name: codes(m) for m in xlsx_sample.members if m.warnings}
    assert warned == {
        "Phan Hữu Khánh": ["admitted_before_birth"],  # born 1986, admitted 1973
        "Bùi Thị Hương": ["admitted_before_birth"],
        "Nguyễn Thị Lan": ["admitted_under_18"],
        "Bùi Ngọc Bình": ["admitted_under_18", "probation_overdue"],
        "Phạm Thanh Dũng": ["exempt_no_date"],
        "Dương Thanh Linh": ["admitted_under_18"],
        "Phạm Hữu Tâm": ["admitted_before_birth"],
        "Phan Hữu Long": ["admitted_under_18"],
        "Ngô Thanh Phúc": ["probation_overdue"],
        "Ngô Ngọc Sơn": ["admitted_under_18"],
        "Lê Thu Dũng": ["admitted_before_birth"],
        "Lê Ngọc Yến": ["admitted_under_18"],
    }
    khanh = by_name(xlsx_sample)["Phan Hữu Khánh"]
    assert khanh.warnings[0].params == {"admitted": "27/02/1973", "born": "1986"}
    linh = by_name(xlsx_sample)["Dương Thanh Linh"]
    assert linh.warnings[0].params == {"admitted": "10/06/1999", "born": "1982", "age": "17"}


# --- encodings, separators, layout ----------------------------------------------------

ROWS = [
    "1;Nguyễn Văn An;12/03/1956;03/02/1980;03/02/1981;",
    "2;Trần Thị Hòa;05/11/1962;19/05/1990;;Dự bị",
]


def _cp1258(text: str) -> bytes:
    """Windows-1258 as old Vietnamese Excel writes it: base letters plus combining tones."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize(
                "NFC", "".join(p for p in parts if p not in "\u0300\u0301\u0303\u0309\u0323")
            )
            out += (
                base + "".join(p for p in parts if p in "\u0300\u0301\u0303\u0309\u0323")
            ).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with BOM
        lambda t: t.encode("utf-16-le"),  # without BOM
        _cp1258,
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16le-nobom", "cp1258"],
)
def test_l5_csv_encodings(encode: object) -> None:
    text = "DANH SÁCH ĐẢNG VIÊN\r\nSTT;Họ và tên;Ngày sinh;Ngày vào Đảng;Ngày chính thức;Ghi chú\n"
    text += "\r\n".join(ROWS) + "\n"
    assert callable(encode)
    result = parse_roster_file("ds.csv", encode(text), today=TODAY)
    assert [m.full_name for m in result.members] == ["Nguyễn Văn An", "Trần Thị Hòa"]
    assert result.header_row == 2
    assert result.members[1].statuses == [StatusSpan(S.PROBATIONARY, d("19/05/1990"))]


@pytest.mark.parametrize("sep", [",", "\t", ";"])
def test_csv_separator_is_sniffed(sep: str) -> None:
    lines = [sep.join(row.split(";")) for row in ROWS]
    result = parse_roster_file("ds.csv", csv_file(*lines, sep=sep), today=TODAY)
    assert [m.full_name for m in result.members] == ["Nguyễn Văn An", "Trần Thị Hòa"]


def test_csv_quoted_fields_with_commas_and_mixed_line_ends() -> None:
    data = (
        "STT,Họ tên,Ngày vào Đảng,Ghi chú\r\n"
        '1,"Nguyễn Văn An",03/02/1980,"Chính thức, miễn SH từ 01/2024 đến 12/2026"\n'
        "2,Lê Thị Hương,08/03/1987,\r"
    ).encode()
    result = parse_roster_file("ds.csv", data, today=TODAY)
    an = by_name(result)["Nguyễn Văn An"]
    assert an.statuses == [
        StatusSpan(S.PROBATIONARY, d("03/02/1980")),
        StatusSpan(S.OFFICIAL, d("03/02/1981")),
        StatusSpan(S.EXEMPTED, d("01/01/2024"), d("31/12/2026")),  # end inclusive
    ]
    assert "Lê Thị Hương" in by_name(result)


def test_l5_names_from_nfd_input_are_nfc() -> None:
    result = parse_csv(unicodedata.normalize("NFD", "1;Trần  Thị Hòa ;;19/05/1990;19/05/1991;"))
    assert result.members[0].full_name == "Trần Thị Hòa"


def test_footer_blank_section_and_number_rows_are_skipped() -> None:
    result = parse_csv(
        "(1);(2);(3);(4);(5);(6)",
        "I;ĐẢNG VIÊN CHÍNH THỨC;;;;",
        "1;Nguyễn Văn An;;03/02/1980;03/02/1981;",
        ";;;;;",
        "II;Đảng viên dự bị;;;;",
        "2;Hoàng Minh Đạt;;03/02/2026;;Dự bị",
        ";Đặng Viên Minh;;;;",  # a name, not a heading
        "3;;;;;",  # numbered in advance, never filled in
        "Tổng cộng: 2 đảng viên;;;;;",
        ";;;Hòa Minh, ngày 01 tháng 11 năm 2026;;",
        ";;;T/M CHI BỘ;;",
        ";;;BÍ THƯ;;",
        ";Nguyễn Văn Ký;;;;",  # the signature under the footer
    )
    names = [m.full_name for m in result.members]
    assert names == ["Nguyễn Văn An", "Hoàng Minh Đạt", "Đặng Viên Minh"]
    assert result.rejected == []


def test_split_name_columns_and_status_column() -> None:
    data = "STT;Họ và đệm;Tên;Ngày kết nạp;Trạng thái\n1;Nguyễn Văn;An;03/02/2020;CT\n"
    data += "2;Lê Thị;Hương;08/03/2026;Đảng viên dự bị\n"
    result = parse_roster_file("ds.csv", data.encode(), today=TODAY)
    assert by_name(result)["Nguyễn Văn An"].statuses[-1] == StatusSpan(S.OFFICIAL, d("03/02/2021"))
    assert by_name(result)["Lê Thị Hương"].statuses == [StatusSpan(S.PROBATIONARY, d("08/03/2026"))]


def test_r1_nothing_known_is_official_from_today() -> None:
    result = parse_roster_file("ds.csv", "Họ và tên\nNguyễn Văn An\n".encode(), today=TODAY)
    member = result.members[0]
    assert member.statuses == [StatusSpan(S.OFFICIAL, TODAY)]
    assert member.status_assumed


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Chuyển đi từ 03/02/2026", StatusSpan(S.TRANSFERRED, d("03/02/2026"))),
        ("Chuyển sinh hoạt từ tháng 3/2026", StatusSpan(S.TRANSFERRED, d("01/03/2026"))),
        ("Từ trần ngày 05/06/2025", StatusSpan(S.DECEASED, d("05/06/2025"))),
        ("Đã mất từ 05/06/2025", StatusSpan(S.DECEASED, d("05/06/2025"))),
        ("Xóa tên từ 01/2025", StatusSpan(S.STRUCK_OFF, d("01/01/2025"))),
        ("KHAI TRỪ từ 01/2025", StatusSpan(S.EXPELLED, d("01/01/2025"))),
        (
            "Đình chỉ sinh hoạt từ 01/2025 đến 06/2025",
            StatusSpan(S.SUSPENDED, d("01/01/2025"), d("30/06/2025")),
        ),
        ("Sinh hoạt ghép từ 01/2026", StatusSpan(S.GUEST, d("01/01/2026"))),
        ("sinh hoạt tạm thời tại chi bộ từ 01/2026", StatusSpan(S.GUEST, d("01/01/2026"))),
        ("Sinh hoạt tạm thời nơi khác từ T3/2026", StatusSpan(S.TEMP_ELSEWHERE, d("01/03/2026"))),
        ("Miễn công tác và sinh hoạt đảng từ 03/02/2026", StatusSpan(S.EXEMPTED, d("03/02/2026"))),
        ("mien sh tu 01/2024", StatusSpan(S.EXEMPTED, d("01/01/2024"))),  # typed without marks
    ],
)
def test_r1_status_words_in_notes(note: str, expected: StatusSpan) -> None:
    result = parse_csv(f"1;Nguyễn Văn An;;03/02/1980;03/02/1981;{note}")
    assert result.rejected == []
    assert result.members[0].statuses[-1] == expected
    assert result.members[0].warnings == []


def test_r1_unrelated_notes_are_ignored() -> None:
    result = parse_csv("1;Nguyễn Văn An;;03/02/1980;03/02/1981;Bí thư chi bộ, QĐ số 05/2024")
    assert [s.status for s in result.members[0].statuses] == [S.PROBATIONARY, S.OFFICIAL]


def test_status_text_parser_directly() -> None:
    events, problem = parse_status_text("Từ 03/02/2026 miễn SH", today=TODAY)
    assert problem is None
    assert [(e.status, e.start) for e in events] == [(S.EXEMPTED, d("03/02/2026"))]
    events, problem = parse_status_text("chuyển sinh hoạt tạm thời", today=TODAY)
    assert [e.status for e in events] == [S.TEMP_ELSEWHERE]
    events, problem = parse_status_text("chuyển sinh hoạt đảng chính thức", today=TODAY)
    assert [e.status for e in events] == [S.TRANSFERRED]


# --- rejections -----------------------------------------------------------------------


def test_rejections_with_reasons() -> None:
    result = parse_csv(
        "1;Nguyễn Văn An;;03/02/1980;03/02/1981;",
        "2;;12/03/1956;03/02/1980;;",
        "3;" + "Nguyễn " * 20 + "An;;03/02/1980;;",
        "4;Nguyễn Văn 4;;03/02/1980;;",
        "5;Lê Văn Bình;;31/02/2020;;",
        "6;Lê Văn Cường;;03/02/2027;;",
        "7;NGUYỄN VĂN AN;;03/02/1980;;",
        "8;Lê Văn Dũng;;03/02/2020;03/02/2019;",
        "9;Lê Văn Em;;03/02/2020;;Miễn SH từ 13/2024",
        "10;Lê Văn Giang;;03/02/2020;03/02/2021;Dự bị",
        "11;Lê Văn Hải;;03/02/2020;;Miễn SH từ 01/2019",
        "12;Lê Văn Khoa;;03/02/1920;;",
        "13;Lê Văn Long;;03/02/2020;;Miễn SH từ 01/2025 đến 12/2024",
    )
    assert [m.full_name for m in result.members] == ["Nguyễn Văn An"]
    reasons = rejected(result)
    assert {row: p.code for row, p in reasons.items()} == {
        3: "empty_name",
        4: "name_too_long",
        5: "bad_name",
        6: "bad_date",
        7: "future_date",
        8: "duplicate_in_file",
        9: "official_before_admission",
        10: "bad_date",
        11: "status_conflict",
        12: "status_before_admission",
        13: "bad_date",  # before the Party was founded: a typing mistake
        14: "end_before_start",
    }
    assert reasons[6].params == {"value": "31/02/2020", "column": "Ngày vào Đảng"}
    assert reasons[7].params == {"value": "03/02/2027", "column": "Ngày vào Đảng"}
    assert reasons[8].params == {"name": "Nguyễn Văn An", "first_row": "2"}
    assert reasons[10].params == {"value": "13/2024", "column": "Ghi chú"}
    assert reasons[11].params == {"official": "03/02/2021"}
    raw = {r.row: r.raw for r in result.rejected}
    assert raw[6] == "5 | Lê Văn Bình | 31/02/2020"


def test_unknown_status_word_is_rejected() -> None:
    data = "STT;Họ và tên;Loại\n1;Nguyễn Văn An;Chính thức\n2;Lê Văn Bình;Cảm tình Đảng\n"
    result = parse_roster_file("ds.csv", data.encode(), today=TODAY)
    assert [m.full_name for m in result.members] == ["Nguyễn Văn An"]
    assert result.rejected[0].reason == Problem("unknown_status", {"value": "Cảm tình Đảng"})


def test_l5_names_differing_only_in_diacritics_are_kept_with_a_warning() -> None:
    # fold() makes "Tâm" and "Tám" equal, but they are usually two people.
    result = parse_csv("1;Nguyễn Văn Tâm;;;;", "2;Nguyễn Văn Tám;;;;", "3;Nguyễn Văn Tâm;;;;")
    assert [m.full_name for m in result.members] == ["Nguyễn Văn Tâm", "Nguyễn Văn Tám"]
    assert result.members[1].warnings == [
        Problem("similar_name_in_file", {"name": "Nguyễn Văn Tâm", "row": "2"})
    ]
    assert rejected(result)[4].code == "duplicate_in_file"


def test_birth_date_warnings_with_full_dates() -> None:
    result = parse_csv(
        "1;Nguyễn Văn An;12/03/2005;03/02/2022;03/02/2023;",
        "2;Nguyễn Văn Bình;12/03/1990;03/02/1985;03/02/1986;",
        "3;Nguyễn Văn Cường;khoảng 1960;03/02/1985;03/02/1986;",
        "4;Nguyễn Văn Dũng;03/02/2004;03/02/2022;03/02/2023;",  # 18 that very day
    )
    members = by_name(result)
    assert members["Nguyễn Văn An"].warnings == [
        Problem("admitted_under_18", {"admitted": "03/02/2022", "born": "12/03/2005", "age": "16"})
    ]
    assert codes(members["Nguyễn Văn Bình"]) == ["admitted_before_birth"]
    assert members["Nguyễn Văn Cường"].warnings == [
        Problem("bad_birth_date", {"value": "khoảng 1960"})
    ]
    assert members["Nguyễn Văn Dũng"].warnings == []


# --- file errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("ds.csv", b"", "empty_file"),
        ("ds.csv", b"\xef\xbb\xbf;;;\r\n;;;\r\n", "empty_file"),
        ("ds.csv", "DANH SÁCH\nabc;def\n".encode(), "no_header"),
        ("ds.csv", "STT;Họ và tên\n;\n".encode(), "no_data_rows"),
        ("ds.pdf", b"%PDF-1.4 ...", "unsupported_file"),
        # #15: an .xls is read (xlrd); a damaged one says so.
        ("ds.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "unreadable_file"),
        ("ds.xls", b"<html><table><tr><td>x</td></tr></table></html>", "unsupported_file"),
        ("ds.ods", b"PK\x03\x04 not really", "unsupported_file"),
        ("ds.xlsx", b"not a zip at all", "unreadable_file"),
    ],
)
def test_file_errors(name: str, data: bytes, code: str) -> None:
    with pytest.raises(RosterFileError) as info:
        parse_roster_file(name, data, today=TODAY)
    assert info.value.problem.code == code
    assert code in PROBLEM_CODES


def test_too_many_rows() -> None:
    lines = [f"{i};Nguyễn Văn A{'a' * (i % 7)};;;;" for i in range(2001)]
    with pytest.raises(RosterFileError) as info:
        parse_csv(*lines)
    assert info.value.problem == Problem("too_many_rows", {"limit": "2000"})


def test_docx_is_not_a_spreadsheet() -> None:
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(RosterFileError) as info:
        parse_roster_file("ds.docx", buf.getvalue(), today=TODAY)
    assert info.value.code == "unsupported_file"


# --- XLSX built here ------------------------------------------------------------------


def _xlsx(*sheets: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for i, rows in enumerate(sheets):
        ws = wb.create_sheet(f"Sheet{i + 1}")
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _serial(text: str) -> int:
    return (d(text) - date(1899, 12, 30)).days


def test_xlsx_cover_sheet_subheader_and_cell_kinds() -> None:
    cover = [["Hướng dẫn: điền danh sách ở trang sau"]]
    roster: list[list[object]] = [
        ["CHI BỘ KHU PHỐ 7"],
        ["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng", None, "Ghi chú"],
        [None, None, None, "Dự bị", "Chính thức", None],
        [1, "Nguyễn Văn An", date(1956, 3, 12), date(1980, 2, 3), "03/02/1981", None],
        # Unformatted dates arrive as Excel day numbers.
        [
            2,
            "Lê Thị Hương",
            1965,
            _serial("08/03/1987"),
            float(_serial("08/03/1988")),
            "Chuyển đi từ 01/2026",
        ],
        [3, 12345, None, None, None, None],
        [None, "Tổng cộng", None, None, None, None],
    ]
    result = parse_roster_file("ds.xlsx", _xlsx(cover, roster), today=TODAY)
    assert result.header_row == 2
    assert by_name(result)["Nguyễn Văn An"].statuses == [
        StatusSpan(S.PROBATIONARY, d("03/02/1980")),
        StatusSpan(S.OFFICIAL, d("03/02/1981")),
    ]
    assert by_name(result)["Lê Thị Hương"].statuses == [
        StatusSpan(S.PROBATIONARY, d("08/03/1987")),
        StatusSpan(S.OFFICIAL, d("08/03/1988")),
        StatusSpan(S.TRANSFERRED, d("01/01/2026")),
    ]
    assert rejected(result)[6] == Problem("bad_name", {"name": "12345"})


# --- pasted lists ---------------------------------------------------------------------


def test_pasted_list_numbering_separators_and_statuses() -> None:
    text = "\n".join(
        [
            "Danh sách đảng viên:",
            "1. Nguyễn Văn An",
            "2) Trần Thị Hòa - dự bị",
            "",
            "- Phạm Thị Thuỷ – miễn SH từ 01/2024",
            "3/ Lê Văn Bình (dự bị)",
            "Hoàng Minh Đạt, Chính thức",
            "Đỗ Quang Huy dự bị",
            "Vũ Văn Khoa\tSinh hoạt tạm thời nơi khác từ 03/2026",
            "• Ngô Thị Ân - bí thư",
        ]
    )
    result = parse_pasted(text, today=TODAY)
    assert result.source_kind == "text"
    assert result.header_row is None
    assert result.rejected == []
    m = by_name(result)
    assert [x.row for x in result.members] == [2, 3, 5, 6, 7, 8, 9, 10]
    assert m["Nguyễn Văn An"].statuses == [StatusSpan(S.OFFICIAL, TODAY)]
    assert m["Nguyễn Văn An"].status_assumed
    assert m["Trần Thị Hòa"].statuses == [StatusSpan(S.PROBATIONARY, TODAY)]
    assert not m["Trần Thị Hòa"].status_assumed
    assert m["Phạm Thị Thuỷ"].statuses == [StatusSpan(S.EXEMPTED, d("01/01/2024"))]
    assert m["Lê Văn Bình"].statuses == [StatusSpan(S.PROBATIONARY, TODAY)]
    assert m["Hoàng Minh Đạt"].statuses == [StatusSpan(S.OFFICIAL, TODAY)]
    assert m["Đỗ Quang Huy"].statuses == [StatusSpan(S.PROBATIONARY, TODAY)]
    assert m["Vũ Văn Khoa"].statuses == [StatusSpan(S.TEMP_ELSEWHERE, d("01/03/2026"))]
    assert m["Ngô Thị Ân"].warnings == [Problem("note_ignored", {"text": "bí thư"})]


def test_pasted_list_validation_and_duplicates() -> None:
    text = "Nguyễn Văn An\nNGUYỄN VĂN  AN\nĐỗ Văn 3\nLê Văn Bình - miễn SH từ 31/02/2024\n"
    result = parse_pasted(text, today=TODAY)
    assert [m.full_name for m in result.members] == ["Nguyễn Văn An"]
    assert rejected(result) == {
        2: Problem("duplicate_in_file", {"name": "Nguyễn Văn An", "first_row": "1"}),
        3: Problem("bad_name", {"name": "Đỗ Văn 3"}),
        4: Problem("bad_date", {"value": "31/02/2024", "column": ""}),
    }


def test_pasted_empty() -> None:
    with pytest.raises(RosterFileError) as info:
        parse_pasted(" \n\u00a0\n", today=TODAY)
    assert info.value.code == "empty_file"


def _or_code(parse: Callable[[], ParseResult]) -> ParseResult | str:
    """The result, or the code of the file-level error raised instead."""
    try:
        return parse()
    except RosterFileError as exc:
        return exc.code


@settings(max_examples=200)
@given(st.text())
def test_pasted_never_crashes(text: str) -> None:
    result = _or_code(lambda: parse_pasted(text, today=TODAY))
    if isinstance(result, str):
        assert result in PROBLEM_CODES
        return
    for member in result.members:
        assert member.statuses
        assert all(w.code in PROBLEM_CODES for w in member.warnings)
    assert all(r.reason.code in PROBLEM_CODES for r in result.rejected)


# --- every code is documented ---------------------------------------------------------


def test_every_problem_code_is_documented() -> None:
    sources = [
        BOT / n
        for n in (
            "roster_import.py",
            "roster_members.py",
            "roster_status.py",
            "tabular.py",
            "sheets.py",
        )
    ]
    text = "\n".join(p.read_text("utf-8") for p in sources)
    used = set(re.findall(r'(?:Problem|Error|_Rejected)\(\s*"([a-z0-9_]+)"', text))
    used |= set(re.findall(r'code = "([a-z_]+)" if .* else "([a-z_]+)"', text)[0])
    assert used  # the pattern still finds them
    assert used <= PROBLEM_CODES.keys(), used - PROBLEM_CODES.keys()
    assert all(description.strip() for description in PROBLEM_CODES.values())


@settings(max_examples=200)
@given(st.binary(max_size=400), st.sampled_from(["ds.csv", "ds.xlsx", "ds", "ds.txt"]))
def test_any_bytes_give_a_result_or_a_file_error(data: bytes, name: str) -> None:
    result = _or_code(lambda: parse_roster_file(name, data, today=TODAY))
    if isinstance(result, str):
        assert result in PROBLEM_CODES
        return
    assert all(r.reason.code in PROBLEM_CODES for r in result.rejected)


@settings(max_examples=200)
@given(st.lists(st.lists(st.text(max_size=12), min_size=6, max_size=6), max_size=8))
def test_any_csv_cells_give_a_result(rows: list[list[str]]) -> None:
    lines = [
        ";".join(c.replace(";", ",").replace("\n", " ").replace('"', "") for c in r) for r in rows
    ]
    result = _or_code(lambda: parse_csv(*lines))
    if not isinstance(result, str):
        for member in result.members:
            assert member.statuses == sorted(member.statuses, key=lambda s: s.start)
            assert all(w.code in PROBLEM_CODES for w in member.warnings)
