"""The glossary (docs/glossary.md, #15 item 14): one word for each thing. The variants are
rejected in the Vietnamese catalog's msgstrs, the English catalog's msgids, the minutes, the
committee's report and the workbooks rendered from test data."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest
from babel.messages.pofile import read_po

from bot.domain.names import VIETNAMESE_LETTERS
from bot.render import labels
from bot.render.committee_report import Issuer, committee_report
from bot.render.i18n import translator
from bot.render.minutes import Person, build_minutes
from bot.render.summary_text import report_texts
from bot.render.workbook import report_workbook
from handlers.meeting.common import TYPE_WORDS

from .test_minutes import REGULAR
from .test_report_render import MONTH, QUARTER, YEAR

LOCALES = Path(__file__).resolve().parents[1] / "locales"
CAPITALS = "".join(sorted(ch for ch in VIETNAMESE_LETTERS if ch.isupper()))
# What may follow "Đã lưu: " with a capital: a name ("Chi bộ Khu phố 5", "Đảng ủy …").
PROPER = r"Chi bộ|Đảng"

# (what is wrong, the variant) — docs/glossary.md says what to write instead.
VI_VARIANTS = [
    ("R3: vắng không có lý do", re.compile(r"vắng không lý do", re.I)),
    ("R1: miễn sinh hoạt", re.compile(r"miễn SH")),
    (
        "R1: sinh hoạt tạm thời nơi khác",
        re.compile(r"(?<!sinh hoạt )tạm thời nơi khác|sinh hoạt nơi khác", re.I),
    ),
    (
        "R1: sinh hoạt tạm thời tại chi bộ",
        re.compile(r"sinh hoạt tạm thời(?! (nơi khác|tại chi bộ))"),
    ),
    ("R2: tỷ lệ đảng viên dự sinh hoạt", re.compile(r"dự họp")),
    ("tone: Đồng chí vui lòng …", re.compile(r"Xin gõ|Đồng chí nhớ|Chỉ mất hai phút")),
    ("quarters in Roman numerals", re.compile(r"quý \d", re.I)),
    ("tin nhắc việc", re.compile(r"lời nhắc", re.I)),
    ("quản trị viên", re.compile(r"\badmin\b|quản lý viên", re.I)),
    ("nội dung chính", re.compile(r"\bchủ đề\b", re.I)),
    ("whole percentages without ',0'", re.compile(r"\d,0%")),
    (
        "no capital in the middle of a sentence",
        re.compile(rf"(?:Đã lưu|Đã sửa|Đã xóa): (?!{PROPER})[{CAPITALS}]"),
    ),
]
EN_VARIANTS = [
    ("no sales talk", re.compile(r"takes two minutes", re.I)),
    ("quarters in Roman numerals", re.compile(r"quarter \d", re.I)),
    ("whole percentages without '.0'", re.compile(r"\d\.0%")),
]


def offences(texts: list[str], variants: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    return [f"{why}: {text!r}" for text in texts for why, rx in variants if rx.search(text)]


def catalog_texts(locale: str) -> list[str]:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    out: list[str] = []
    for m in catalog:
        if not m.id:
            continue
        if locale == "en":
            out += [m.id] if isinstance(m.id, str) else list(m.id)
        else:
            out += [m.string] if isinstance(m.string, str) else list(m.string)
    return out


def test_the_vietnamese_catalog_uses_the_glossary() -> None:
    assert offences(catalog_texts("vi"), VI_VARIANTS) == []


def test_the_english_catalog_uses_the_glossary() -> None:
    assert offences(catalog_texts("en"), EN_VARIANTS) == []


def test_the_checks_catch_each_variant() -> None:
    """Each rule rejects its variant and lets the glossary's word through."""
    bad = [
        "Chi bộ có đảng viên vắng không lý do: 1",
        "Phạm Thị Thủy - miễn SH",
        "sinh hoạt nơi khác 1",
        "guest: sinh hoạt tạm thời",
        "Tỷ lệ dự họp bình quân",
        "Xin gõ họ tên.",
        "sinh hoạt chi bộ quý 4/2026",
        "Dưới 90,0%: 1 chi bộ",
        "Đã lưu: Thường kỳ ngày 21/11/2026, Chi bộ Khu phố 5.",
        "Nút 📣 gửi lời nhắc đến bí thư",
        "Hỏi admin của phường",
        "Chủ đề: Triển khai Nghị quyết",
    ]
    good = [
        "vắng không có lý do",
        "miễn sinh hoạt",
        "sinh hoạt tạm thời nơi khác 1",
        "sinh hoạt tạm thời tại chi bộ",
        "tỷ lệ đảng viên dự sinh hoạt",
        "Đồng chí vui lòng gõ họ tên.",
        "quý IV/2026",
        "Dưới 90%: 1 chi bộ · 89,5%",
        "Đã lưu: sinh hoạt thường kỳ ngày 21/11/2026, Chi bộ Khu phố 5.",
        "Đã lưu: Chi bộ Khu phố 5 tháng 10/2026 không sinh hoạt.",
        "Nút 📣 gửi tin nhắc việc đến bí thư",
        "Hỏi quản trị viên của phường",
        "Nội dung chính: Triển khai Nghị quyết",
    ]
    assert len(offences(bad, VI_VARIANTS)) == len(bad)
    assert offences(good, VI_VARIANTS) == []


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_words_put_inside_sentences_are_lower_case(locale: str) -> None:
    """#15: a meeting's type, a status or a role said inside a
    sentence ("Đã lưu: sinh hoạt thường kỳ ngày …", "Xóa buổi sinh hoạt chuyên đề …") starts
    with a small letter; the capitalised labels (handlers.meeting.common.TYPE_LABELS) are
    for buttons and the start of a line only. (The kinds of organisation are not here: "Tỉnh
    ủy", "Đảng ủy xã/phường" are written with a capital.)"""
    gettext = translator(locale).gettext
    words = [
        *TYPE_WORDS.values(),
        *labels.STATUS.values(),
        *labels.STATUS_SHORT.values(),
        *labels.ROLE.values(),
    ]
    assert [w for w in map(gettext, words) if not w[:1].islower()] == []


def docx_text(content: bytes) -> list[str]:
    doc = docx.Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return [line for line in lines if line]


def test_the_minutes_use_the_glossary() -> None:
    data = replace(REGULAR, absent_unexcused=[Person("Đỗ Văn Bình")], present_official=11)
    lines = docx_text(build_minutes(data))
    assert any("vắng không có lý do" in line.lower() for line in lines)  # the rule is tested
    assert offences(lines, VI_VARIANTS) == []


@pytest.mark.parametrize("report", [MONTH, QUARTER, YEAR], ids=["month", "quarter", "year"])
def test_the_committee_report_and_the_workbooks_use_the_glossary(report: object) -> None:
    lines = docx_text(committee_report(report, Issuer("Đảng ủy phường Hòa Minh", "Tỉnh ủy")))  # type: ignore[arg-type]
    for locale, variants in (("vi", VI_VARIANTS), ("en", EN_VARIANTS)):
        wb = openpyxl.load_workbook(io.BytesIO(report_workbook(report, translator(locale))))  # type: ignore[arg-type]
        cells = [
            str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
        ]
        texts = report_texts(report, translator(locale))  # type: ignore[arg-type]
        assert offences(cells + texts + (lines if locale == "vi" else []), variants) == []
