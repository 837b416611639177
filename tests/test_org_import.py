"""bot.intake.org_import: the organisation tree file (O1-O3, M7) and guessing a node's level."""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from bot.domain.model import CellType, OrgKind
from bot.intake.org_import import (
    LAST_DAY,
    PROBLEM_CODES,
    OrgFileError,
    OrgRow,
    Problem,
    guess_org_kind,
    parse_cell_type,
    parse_org_csv,
)

from .auxil.paths import SAMPLES

WARD = "Đảng ủy phường Hòa Minh"


def test_o3_sample_file() -> None:
    result = parse_org_csv((SAMPLES / "to-chuc-dang-bo-phuong-hoa-minh.csv").read_bytes())
    assert result.header_row == 1
    assert result.rejected == []
    assert len(result.rows) == 12
    assert result.rows[0] == OrgRow(
        2, WARD, "Chi bộ Khu phố 1", CellType.RESIDENTIAL, 3, None, OrgKind.CELL
    )
    assert {r.parent_name for r in result.rows} == {WARD}
    assert all(r.kind is OrgKind.CELL for r in result.rows)
    types = {r.name: (r.cell_type, r.meeting_day) for r in result.rows}
    assert types == {
        "Chi bộ Khu phố 1": (CellType.RESIDENTIAL, 3),
        "Chi bộ Khu phố 2": (CellType.RESIDENTIAL, 3),
        "Chi bộ Khu phố 3": (CellType.RESIDENTIAL, 3),
        "Chi bộ Khu phố 4": (CellType.RESIDENTIAL, 3),
        "Chi bộ Khu phố 5": (CellType.RESIDENTIAL, 3),
        "Chi bộ Tổ dân phố 12": (CellType.RESIDENTIAL, 3),
        "Chi bộ Trường THCS Hòa Minh": (CellType.PUBLIC_SERVICE, 5),
        "Chi bộ Trạm Y tế phường": (CellType.PUBLIC_SERVICE, 5),
        "Chi bộ Công an phường": (CellType.ARMED_FORCES, 5),
        "Chi bộ Quân sự phường": (CellType.ARMED_FORCES, 5),
        "Chi bộ Cơ quan UBND phường": (CellType.AGENCY, 5),
        "Chi bộ Công ty CP Cơ khí Hòa Minh": (CellType.PRIVATE_ENTERPRISE, 5),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dân cư", CellType.RESIDENTIAL),
        ("Khu dân cư", CellType.RESIDENTIAL),
        ("thôn", CellType.RESIDENTIAL),
        ("Khu phố", CellType.RESIDENTIAL),
        ("tổ dân phố", CellType.RESIDENTIAL),
        ("Ấp", CellType.RESIDENTIAL),
        ("cơ quan hành chính", CellType.AGENCY),
        ("Cơ quan", CellType.AGENCY),
        ("đơn vị sự nghiệp", CellType.PUBLIC_SERVICE),
        ("doanh nghiệp nhà nước", CellType.STATE_ENTERPRISE),
        ("Doanh nghiệp ngoài nhà nước", CellType.PRIVATE_ENTERPRISE),
        ("doanh nghiệp tư nhân", CellType.PRIVATE_ENTERPRISE),
        ("học sinh", CellType.STUDENTS),
        ("Sinh viên", CellType.STUDENTS),
        ("lực lượng vũ trang", CellType.ARMED_FORCES),
        ("quân sự", CellType.ARMED_FORCES),
        ("CÔNG AN", CellType.ARMED_FORCES),
        ("dan cu", CellType.RESIDENTIAL),  # typed without marks (L5)
        ("residential", CellType.RESIDENTIAL),
        ("state_enterprise", CellType.STATE_ENTERPRISE),
        ("khác", CellType.OTHER),
    ],
)
def test_o3_cell_type_words(text: str, expected: CellType) -> None:
    assert parse_cell_type(text) is expected


@pytest.mark.parametrize("text", ["", "doanh nghiệp", "abc", "tạp"])
def test_o3_unknown_cell_type(text: str) -> None:
    assert parse_cell_type(text) is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Tỉnh ủy Quảng Nam", OrgKind.PROVINCE),
        ("Thành ủy Đà Nẵng", OrgKind.PROVINCE),
        ("Huyện ủy Thanh Trì", OrgKind.DISTRICT),
        ("Quận ủy Cẩm Lệ", OrgKind.DISTRICT),
        ("Thị ủy Điện Bàn", OrgKind.DISTRICT),
        ("Đảng ủy phường Hòa Minh", OrgKind.COMMUNE),
        ("Đảng uỷ phường Cẩm Lệ", OrgKind.COMMUNE),  # old tone placement (L5)
        ("ĐẢNG ỦY XÃ TÂN HIỆP", OrgKind.COMMUNE),
        ("Đảng ủy thị trấn Văn Điển", OrgKind.COMMUNE),
        ("Đảng ủy đặc khu Phú Quốc", OrgKind.COMMUNE),
        ("Đảng bộ Công ty Điện lực", OrgKind.GRASSROOTS),
        ("Đảng ủy Khối cơ quan", OrgKind.GRASSROOTS),
        ("Chi bộ cơ sở Trường THPT Hòa Minh", OrgKind.GRASSROOTS),
        ("Chi bộ Khu phố 5", OrgKind.CELL),
        ("Tổ đảng số 1", OrgKind.PARTY_GROUP),
        ("Khu phố 5", OrgKind.CELL),  # says nothing: the common case
    ],
)
def test_o1_o2_guess_org_kind(name: str, kind: OrgKind) -> None:
    assert guess_org_kind(name) is kind


def test_m7_optional_columns_and_semicolons() -> None:
    data = (
        "DANH SÁCH CHI BỘ\n"
        "Tổ chức cấp trên;Tên chi bộ;Loại hình;Ngày sinh hoạt hằng tháng;"
        "Giờ sinh hoạt;Loại tổ chức\n"
        f"{WARD};Chi bộ Khu phố 1;dân cư;cuối tháng;19:30;\n"
        f"{WARD};Chi bộ Khu phố 2;dân cư;ngày 5;19h;\n"
        f"{WARD};Tổ đảng Khu phố 2A;dân cư;;7:30 tối;Tổ đảng\n"
        f"{WARD};Khu phố 3;dân cư;last;;chi bộ\n"
    ).encode()
    result = parse_org_csv(data)
    assert result.header_row == 2
    assert result.rejected == []
    assert [(r.name, r.meeting_day, r.meeting_time, r.kind) for r in result.rows] == [
        ("Chi bộ Khu phố 1", LAST_DAY, time(19, 30), OrgKind.CELL),
        ("Chi bộ Khu phố 2", 5, time(19, 0), OrgKind.CELL),
        ("Tổ đảng Khu phố 2A", None, time(19, 30), OrgKind.PARTY_GROUP),
        ("Khu phố 3", LAST_DAY, None, OrgKind.CELL),
    ]


def test_rejected_rows() -> None:
    data = (
        "Tổ chức cấp trên,Tên chi bộ,Loại hình,Ngày sinh hoạt hằng tháng,"
        "Giờ sinh hoạt,Loại tổ chức\n"
        f"{WARD},Chi bộ Khu phố 1,dân cư,3,,\n"
        f"{WARD},Chi bộ Khu phố 2,tạp,3,,\n"
        f"{WARD},Chi bộ Khu phố 3,dân cư,31,,\n"
        f"{WARD},Chi bộ Khu phố 4,dân cư,3,25:00,\n"
        f"{WARD},,dân cư,3,,\n"
        ",Chi bộ Khu phố 6,dân cư,3,,\n"
        f"{WARD},CHI BỘ KHU PHỐ 1,dân cư,5,,\n"
        f"{WARD},Chi bộ Khu phố 8,dân cư,3,,Ban chỉ đạo\n"
        f"{WARD},{'x' * 201},dân cư,3,,\n"
        "Đảng ủy phường Khác,Chi bộ Khu phố 1,dân cư,3,,\n"  # same name, other parent: fine
    ).encode()
    result = parse_org_csv(data)
    assert [(r.parent_name, r.name) for r in result.rows] == [
        (WARD, "Chi bộ Khu phố 1"),
        ("Đảng ủy phường Khác", "Chi bộ Khu phố 1"),
    ]
    reasons = {r.row: r.reason for r in result.rejected}
    assert reasons == {
        3: Problem("unknown_cell_type", {"value": "tạp"}),
        4: Problem("bad_meeting_day", {"value": "31"}),
        5: Problem("bad_time", {"value": "25:00"}),
        6: Problem("empty_name"),
        7: Problem("empty_parent"),
        8: Problem(
            "duplicate_in_file", {"name": "CHI BỘ KHU PHỐ 1", "parent": WARD, "first_row": "2"}
        ),
        9: Problem("unknown_org_kind", {"value": "Ban chỉ đạo"}),
        10: Problem("name_too_long", {"limit": "200"}),
    }
    assert all(p.code in PROBLEM_CODES for p in reasons.values())


def test_xlsx_org_file() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Tổ chức cấp trên", "Tên chi bộ", "Loại hình", "Ngày sinh hoạt hằng tháng", "Giờ"])
    ws.append([WARD, "Chi bộ Khu phố 1", "dân cư", 3, time(19, 30)])
    buf = io.BytesIO()
    wb.save(buf)
    result = parse_org_csv(buf.getvalue())
    assert result.rows == [
        OrgRow(2, WARD, "Chi bộ Khu phố 1", CellType.RESIDENTIAL, 3, time(19, 30), OrgKind.CELL)
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"a,b\nc,d\n", "no_header"),
        (b"%PDF-1.4", "unsupported_file"),
    ],
)
def test_file_errors(data: bytes, code: str) -> None:
    with pytest.raises(OrgFileError) as info:
        parse_org_csv(data)
    assert info.value.code == code
    assert code in PROBLEM_CODES


@given(st.binary(max_size=300))
def test_parse_org_csv_never_crashes(data: bytes) -> None:
    try:
        result = parse_org_csv(data)
    except OrgFileError as exc:
        code = exc.code
    else:
        code = ""
        assert all(r.reason.code in PROBLEM_CODES for r in result.rejected)
    assert code == "" or code in PROBLEM_CODES


def test_start_date_column() -> None:
    """#14: an optional start date, "Ngày thành lập" or "Theo dõi từ" (L2/L3 dates, or a
    month: its first day), stored as the founding date; none, empty or in the future
    rejected or left out as they should be."""
    data = (
        "Tổ chức cấp trên,Tên chi bộ,Loại hình,Ngày sinh hoạt hằng tháng,Ngày thành lập\n"
        f"{WARD},Chi bộ Khu phố 1,dân cư,3,15/07/2026\n"
        f"{WARD},Chi bộ Khu phố 2,dân cư,3,3-2-26\n"
        f"{WARD},Chi bộ Khu phố 3,dân cư,3,07/2026\n"
        f"{WARD},Chi bộ Khu phố 4,dân cư,3,\n"
        f"{WARD},Chi bộ Khu phố 5,dân cư,3,31/02/2026\n"
        f"{WARD},Chi bộ Khu phố 6,dân cư,3,01/01/2027\n"
    ).encode()
    result = parse_org_csv(data, today=date(2026, 12, 6))
    assert [(r.name, r.founded_on) for r in result.rows] == [
        ("Chi bộ Khu phố 1", date(2026, 7, 15)),
        ("Chi bộ Khu phố 2", date(2026, 2, 3)),
        ("Chi bộ Khu phố 3", date(2026, 7, 1)),
        ("Chi bộ Khu phố 4", None),  # tracked from the month it is created
    ]
    assert [(p.row, p.reason) for p in result.rejected] == [
        (6, Problem("bad_start_date", {"value": "31/02/2026"})),
        (7, Problem("bad_start_date", {"value": "01/01/2027"})),  # not in the future
    ]
    for header in ("Theo dõi từ", "Founded", "Tracked from"):
        other = parse_org_csv(
            f"Tổ chức cấp trên,Tên chi bộ,Loại hình,{header}\n"
            f"{WARD},Chi bộ Khu phố 7,dân cư,2026-03-01\n".encode(),
            today=date(2026, 12, 6),
        )
        assert [r.founded_on for r in other.rows] == [date(2026, 3, 1)], header


def test_start_date_in_an_xlsx_file() -> None:
    """An Excel date cell is a date (#14), whatever the sheet's display format."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Tổ chức cấp trên", "Tên chi bộ", "Loại hình", "Theo dõi từ"])
    ws.append([WARD, "Chi bộ Khu phố 1", "dân cư", date(2026, 5, 20)])
    buf = io.BytesIO()
    wb.save(buf)
    result = parse_org_csv(buf.getvalue(), today=date(2026, 12, 6))
    assert [r.founded_on for r in result.rows] == [date(2026, 5, 20)]
