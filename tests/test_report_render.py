"""The roll-up's chart and workbook (#5), rendered from reports built by hand: no database."""

from __future__ import annotations

import io
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import openpyxl
import pytest

from bot.domain.meeting_rules import RuleProfile
from bot.domain.summary import (
    CellFacts,
    MonthFacts,
    Period,
    YearMonth,
    breakdowns,
    by_name,
    month_figures,
    quarter_figures,
    year_figures,
)
from bot.render.charts import chart_caption, compliance_chart
from bot.render.i18n import Translator, translator
from bot.render.workbook import report_workbook
from bot.services.report import Report, TrendPoint, months_back, trend

PROFILE = RuleProfile()  # R4: 90%, inclusive
VI, EN = translator("vi"), translator("en")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def met(present: int = 10, eligible: int = 10, **kw: int) -> MonthFacts:
    return MonthFacts(regular=1, eligible=eligible, present=present, **kw)


def cells() -> list[CellFacts]:
    """Four cells of 2026 with known months (Y = 2026)."""
    a = {(2026, m): met() for m in range(1, 13)}
    a[(2026, 10)] = met(present=9)  # R2: 9 of 10 is exactly the 90% threshold (R4)
    for m in (3, 6, 9, 12):
        a[(2026, m)] = MonthFacts(regular=1, thematic=1, eligible=10, present=a[(2026, m)].present)
    b = {(2026, m): met() for m in range(1, 10)}
    b[(2026, 2)] = MonthFacts(regular=1, thematic=1, eligible=10, present=10)
    b[(2026, 9)] = met(present=8, unexcused=1, short=1)
    b[(2026, 10)] = MonthFacts(zero=True)  # M8: did not meet, and said so
    b[(2026, 11)] = met()
    c = {(2026, m): met(present=5, eligible=5) for m in (1, 2, 3)}
    d = {(2026, 12): met(present=6, eligible=6)}
    return by_name(
        [
            # K4: directly under the ward; #14: tracked from its founding on 15/11.
            CellFacts(4, "Chi bộ Trường THCS", "residential", 9, WARD, date(2026, 11, 15), d, True),
            CellFacts(2, "Chi bộ khu phố 10", "agency", 2, "Đảng bộ phường Bình Minh", None, b),
            CellFacts(1, "Chi bộ khu phố 2", "residential", 1, "Đảng bộ phường An Hải", None, a),
            CellFacts(3, "Chi bộ khu phố 9", "students", 1, "Đảng bộ phường An Hải", None, c),
        ]
    )


WARD = "Đảng ủy phường Cẩm Lệ"
ORDER = ["Chi bộ khu phố 2", "Chi bộ khu phố 9", "Chi bộ khu phố 10", "Chi bộ Trường THCS"]


def make_report(period: Period, today: date, **overrides: Any) -> Report:
    """The figures as bot.services.report.build() gathers them, from the cells above."""
    facts = cells()
    months = [ym for ym in period.months if ym <= (today.year, today.month)]
    month = quarter = year = None
    if period.kind == "month":
        month = month_figures(facts, months[0], PROFILE)
    elif period.kind == "quarter":
        quarter = quarter_figures(facts, period)
    else:
        year = year_figures(facts, months, {"tot": 7, "kha": 2}, (1, 0, 2), 3)
    by_group, by_type = breakdowns(facts, months)
    fields: dict[str, Any] = {
        "node_id": 9,
        "node_name": WARD,
        "period": period,
        "months": months,
        "today": today,
        "profile": PROFILE,
        "cells": facts,
        "month": month,
        "quarter": quarter,
        "year": year,
        "by_group": by_group,
        "by_type": by_type,
        "trend": trend(facts, months_back(months[-1], 12), PROFILE),
    }
    return Report(**(fields | overrides))


MONTH = make_report(Period(2026, month=10), date(2026, 11, 3))
QUARTER = make_report(Period(2026, quarter=3), date(2026, 10, 5))
YEAR = make_report(Period(2026), date(2027, 1, 10))


# --- the chart -----------------------------------------------------------------------------


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format puts first."""
    assert png[12:16] == b"IHDR"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.parametrize("report", [MONTH, QUARTER, YEAR], ids=["month", "quarter", "year"])
def test_chart_is_a_small_png_of_the_expected_size(report: Report) -> None:
    png = compliance_chart(report, VI)
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (1000, 560)
    assert len(png) < 150_000
    assert b"Software" not in png  # no version stamp: the same report gives the same bytes
    assert compliance_chart(report, VI) == png


def test_chart_draws_gaps_and_an_empty_trend() -> None:
    gaps = [TrendPoint((2026, m), 3, 0, None) for m in range(1, 13)]
    gaps[5] = TrendPoint((2026, 6), 3, 2, Fraction(19, 20))
    for trend_points in (gaps, [], [TrendPoint((2026, 1), 0, 0, None)]):
        png = compliance_chart(make_report(Period(2026), date(2027, 1, 10), trend=trend_points), EN)
        assert png.startswith(PNG_SIGNATURE) and png_size(png) == (1000, 560)
    # A different report is a different picture (the test above would pass on a blank image).
    assert compliance_chart(make_report(Period(2026), date(2027, 1, 10), trend=gaps), EN) != (
        compliance_chart(YEAR, EN)
    )


def test_caption_gives_the_last_month_in_both_languages() -> None:
    vi, en = chart_caption(MONTH, VI), chart_caption(MONTH, EN)
    assert en.splitlines() == [
        "Đảng ủy phường Cẩm Lệ: regular meetings and mean attendance, 11/2025 – 10/2026.",
        "10/2026: 1 of 3 cells held the regular meeting (33.3%); "
        "mean attendance 90%, threshold 90%.",
    ]
    assert len(vi.splitlines()) == 2
    assert "10/2026" in vi and "33,3%" in vi and "90%" in vi  # L3: decimal comma
    assert "regular" not in vi  # translated


def test_caption_stays_under_telegrams_limit() -> None:
    long = make_report(Period(2026, month=10), date(2026, 11, 3), node_name="Đảng ủy " * 300)
    for tr in (VI, EN):
        assert len(chart_caption(long, tr)) < 1024
        assert len(chart_caption(MONTH, tr)) < 1024


# --- the workbook --------------------------------------------------------------------------


def load(report: Report, tr: Translator) -> Any:
    data = report_workbook(report, tr)
    assert data.startswith(b"PK")  # an .xlsx is a zip
    return openpyxl.load_workbook(io.BytesIO(data))


def summary_rows(ws: Any) -> dict[str, tuple[Any, ...]]:
    """Column A's label → the cells beside it (the summary's label/value rows)."""
    return {row[0].value: row[1:] for row in ws.iter_rows() if isinstance(row[0].value, str)}


def cell_rows(ws: Any) -> list[tuple[Any, ...]]:
    """The data rows of the cells' sheet: below two header rows, numbered from 1."""
    return [row for row in ws.iter_rows(min_row=5) if isinstance(row[0].value, int)]


def state_columns(ws: Any, ym: YearMonth, tr: Translator) -> tuple[int, int]:
    """0-based indexes of a month's state and rate columns (the month heads row 3)."""
    heads = [c.value for c in ws[3]]
    col = heads.index(tr.month(*ym))
    assert ws.cell(row=4, column=col + 2).value == tr.gettext("Rate")
    return col, col + 1


def test_month_workbook_in_vietnamese() -> None:
    wb = load(MONTH, VI)
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết từng chi bộ"]
    summary, sheet = wb.worksheets
    assert summary["A1"].value == "Đảng ủy phường Cẩm Lệ"
    assert summary["A2"].value == "BÁO CÁO TÌNH HÌNH SINH HOẠT CHI BỘ"
    assert summary["A3"].value == "Tháng 10/2026"
    rows = summary_rows(summary)
    as_of = rows[VI.gettext("Figures as of")][0]
    assert isinstance(as_of.value, datetime) and as_of.value.date() == date(2026, 11, 3)
    assert as_of.number_format == "dd/mm/yyyy"  # L2
    held = rows[VI.gettext("Held the regular meeting")]
    assert held[0].value == 1 and held[1].value == pytest.approx(1 / 3)
    assert "%" in held[1].number_format
    assert rows[VI.gettext("Reported that they did not meet")][0].value == 1
    assert rows[VI.gettext("Not reported yet")][0].value == 1
    mean = rows[VI.gettext("Mean attendance rate")][0]
    assert mean.value == pytest.approx(0.9) and "%" in mean.number_format
    below = VI.gettext("Cells below the attendance threshold ({threshold})")
    assert rows[below.format(threshold="90%")][0].value == 0  # R4: 9/10 meets 90%
    assert "Chi bộ khu phố 9" in rows  # K1: the cell that has not reported, by name
    # K4: both breakdowns, cell types by their Vietnamese names.
    assert rows["Đảng bộ phường An Hải"][0].value == 2
    assert "dân cư" in rows and "cơ quan hành chính" in rows

    data = cell_rows(sheet)
    assert [r[1].value for r in data] == ORDER
    assert [r[0].value for r in data] == [1, 2, 3, 4]
    assert data[0][2].value == "Đảng bộ phường An Hải" and data[0][3].value == "dân cư"
    state, rate = state_columns(sheet, (2026, 10), VI)
    assert [r[state].value for r in data] == ["✓", "—", "KSH", None]  # D: not founded yet
    assert data[0][rate].value == pytest.approx(0.9) and "%" in data[0][rate].number_format
    assert [r[rate].value for r in data[1:]] == [None, None, None]
    assert sheet.freeze_panes == "F5"
    # 5 fixed columns, the month's 2, one thematic quarter, 7 totals: A-O, over 4 cells.
    assert sheet.auto_filter.ref == "A4:O8"
    assert data[3][2].value == f"chi bộ trực thuộc {WARD}"  # K4: the cell's real level
    assert sheet["B3"].font.b


def test_quarter_workbook() -> None:
    wb = load(QUARTER, VI)
    summary, sheet = wb.worksheets
    assert summary["A3"].value == "Quý III/2026"
    rows = summary_rows(summary)
    thematic = rows[VI.gettext("Held a thematic meeting")]
    assert thematic[0].value == 1 and thematic[1].value == pytest.approx(1 / 3)  # K2
    in_july = VI.gettext("Held the regular meeting in {month}").format(month="07/2026")
    assert rows[in_july][0].value == 2 and rows[in_july][1].value == pytest.approx(2 / 3)
    assert "Chi bộ khu phố 10" in rows  # listed without a thematic meeting

    heads = [c.value for c in sheet[3]]
    assert heads[5:11:2] == ["07/2026", "08/2026", "09/2026"]
    data = cell_rows(sheet)
    assert [r[1].value for r in data] == ORDER
    by_name_ = {r[1].value: r for r in data}
    thematic_col = heads.index(
        VI.gettext("Thematic Q{quarter}/{year}").format(quarter="III", year=2026)
    )
    assert by_name_["Chi bộ khu phố 2"][thematic_col].value == "✓"
    assert by_name_["Chi bộ khu phố 10"][thematic_col].value == "—"
    b = by_name_["Chi bộ khu phố 10"]
    assert b[heads.index(VI.gettext("Attendance rate"))].value == pytest.approx(28 / 30)
    assert b[heads.index(VI.gettext("Unexcused absences"))].value == 1
    assert b[heads.index(VI.gettext("Short meetings"))].value == 1
    assert b[heads.index(VI.gettext("Months with the regular meeting"))].value == 3


def test_year_workbook() -> None:
    wb = load(YEAR, VI)
    summary, sheet = wb.worksheets
    assert summary["A3"].value == "Năm 2026"
    rows = summary_rows(summary)
    full = rows["Sinh hoạt thường kỳ đủ 12 tháng"]
    most = rows["Sinh hoạt thường kỳ 9-11 tháng"]
    few = rows["Sinh hoạt thường kỳ từ 8 tháng trở xuống"]
    # K3 over the 3 cells tracked all year: A met every month; B 10; C 3 times. D, founded
    # on 15/11, apart: due for November and December, it met in December only (#14).
    assert [full[0].value, most[0].value, few[0].value] == [1, 1, 1]
    assert full[1].value == pytest.approx(1 / 3) and "%" in full[1].number_format
    assert rows["Chi bộ được theo dõi cả năm"][0].value == 3
    new = rows["Chi bộ thành lập (hoặc bắt đầu theo dõi) trong năm"]
    assert new[0].value == 1 and new[1].value == pytest.approx(0.25)
    assert rows["trong đó, đã sinh hoạt thường kỳ đủ các tháng"][0].value == 0
    assert "Chi bộ Trường THCS (theo dõi từ 11/2026)" in rows
    lowest = rows[VI.gettext("Lowest attendance rate")][0]
    assert lowest.value == pytest.approx(0.98) and "%" in lowest.number_format
    mean = (Fraction(119, 120) + Fraction(98, 100) + 1 + 1) / 4
    assert rows[VI.gettext("Mean attendance rate")][0].value == pytest.approx(float(mean))
    q4 = rows[VI.gettext("Thematic meeting in quarter {quarter}").format(quarter="IV")]
    assert q4[0].value == 1 and q4[1].value == pytest.approx(0.25)
    graded = VI.gettext("Meetings graded {grade} (confirmed)")  # M9: by the upper committee
    assert rows[graded.format(grade="Tốt")][0].value == 7
    assert rows[graded.format(grade="Kém")][0].value == 0
    assert rows[VI.gettext("Graded by the cell, not yet confirmed")][0].value == 3
    streak = VI.gettext("Members excused more than {times} times in a row").format(times=3)
    assert rows[streak][0].value == 2  # R6, a count only (S2)

    heads = [c.value for c in sheet[3]]
    data = cell_rows(sheet)
    assert [r[1].value for r in data] == ORDER
    assert heads[5:29:2] == [f"{m:02d}/2026" for m in range(1, 13)]
    assert [r[4].value for r in data] == [None, None, None, "11/2026"]  # #14
    assert heads[29] == VI.gettext("Thematic Q{quarter}/{year}").format(quarter="I", year=2026)
    zero = heads.index(VI.gettext("Months reported as not met"))
    met_col = heads.index(VI.gettext("Months with the regular meeting"))
    assert [r[zero].value for r in data] == [0, 0, 1, 0]
    assert [r[met_col].value for r in data] == [12, 3, 10, 1]
    state, _rate = state_columns(sheet, (2026, 1), VI)
    assert [r[state].value for r in data] == ["✓", "✓", "✓", None]


def test_workbook_in_english_names_no_person() -> None:
    wb = load(MONTH, EN)
    assert wb.sheetnames == ["Summary", "Cell by cell"]
    summary, sheet = wb.worksheets
    assert summary["A2"].value == "REPORT ON THE MEETINGS OF PARTY CELLS"
    state, _rate = state_columns(sheet, (2026, 10), EN)
    assert [r[state].value for r in cell_rows(sheet)] == ["✓", "—", "DNM", None]
    # S2: the only names in the workbook are the node's, the organisations' and the cells'.
    names = {WARD, "Đảng bộ phường An Hải", "Đảng bộ phường Bình Minh"}
    names.add(f"cells directly under {WARD}")  # K4: the THCS cell's line
    texts = {
        c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and ("Đảng" in c.value or "Chi bộ" in c.value)
    }
    assert texts <= names | set(ORDER) | {"Đảng ủy phường Cẩm Lệ — Month 10/2026"}
