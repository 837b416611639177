"""bot.domain.text: L5 normalisation and matching keys, L4 name order."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import fold, normalize, sort_key, split_name, vn_sorted

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"

# Text that looks like what users send: Vietnamese letters in NFC and NFD, look-alikes,
# odd spaces and invisible characters, plus anything else Unicode has.
_MARKS = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"]
_SPACES = ["\u00a0", "\t", "\n", "\u200b", "\ufeff", "\u2009"]
_PIECES = [*"aăâeêoôơuưiydđĐÐðAĂÂHNTG '-.", *_MARKS, *_SPACES, "Hoà", "Hòa", "Thuỷ", "Nguyễn"]
vn_text = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join), st.text())


# --- L5 normalize ---------------------------------------------------------------------


def test_l5_normalize_composes_nfd_input() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    assert nfd != "Nguyễn Thị Hòa"
    assert normalize(nfd) == "Nguyễn Thị Hòa"
    assert unicodedata.is_normalized("NFC", normalize(nfd))


def test_l5_normalize_maps_eth_lookalikes_to_d_stroke() -> None:
    assert normalize("\u00d0ặng V\u0103n D\u0169ng") == "Đặng Văn Dũng"
    assert normalize("\u00f0ạt") == "đạt"


def test_l5_normalize_whitespace_and_invisible_characters() -> None:
    assert normalize("  Lê Đức\u00a0\u00a0 Thắng\t ") == "Lê Đức Thắng"
    assert normalize("Lê\u200b Đức\ufeff\u2009Thắng\r\n") == "Lê Đức Thắng"
    assert normalize("Ng\u200buyễn") == "Nguyễn"
    assert normalize("") == ""
    assert normalize(" \u00a0\t") == ""


def test_l5_normalize_keeps_the_spelling() -> None:
    # Display the spelling as entered: old and new tone placement both stay.
    assert normalize("Hoà") == "Hoà"
    assert normalize("Hòa") == "Hòa"
    assert normalize("THUỶ") == "THUỶ"


@given(vn_text)
def test_l5_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once


# --- L5 fold --------------------------------------------------------------------------


def test_l5_fold_matches_tone_placement_and_case() -> None:
    assert fold("Hoà") == fold("Hòa") == fold("HOÀ") == "hoa"
    assert fold("Thủy") == fold("Thuỷ") == fold("THUỶ") == "thuy"


def test_l5_fold_strips_all_marks_and_d_stroke() -> None:
    assert fold("Hoàng Minh Đạt") == "hoang minh dat"
    assert fold("ĐẢNG ỦY PHƯỜNG") == "dang uy phuong"
    assert fold(unicodedata.normalize("NFD", "Đặng  Văn Dũng ")) == "dang van dung"
    assert fold("Ðạt") == "dat"  # the look-alike too


@given(vn_text)
def test_l5_fold_of_normalized_equals_fold(text: str) -> None:
    assert fold(normalize(text)) == fold(text)
    assert fold(fold(text)) == fold(text)


# --- L4 split_name --------------------------------------------------------------------


def test_l4_split_name_family_middle_given() -> None:
    assert split_name("Nguyễn Thị Hòa") == ("Nguyễn", "Thị", "Hòa")
    assert split_name("Lê Đức  Thắng ") == ("Lê", "Đức", "Thắng")
    assert split_name("Trần Văn") == ("Trần", "", "Văn")
    assert split_name("Hòa") == ("", "", "Hòa")
    assert split_name("  ") == ("", "", "")


def test_l4_split_name_compound_names_keep_all_words() -> None:
    # A compound family name lands partly in the middle name; nothing is lost.
    assert split_name("Tôn Nữ Thị Hà") == ("Tôn", "Nữ Thị", "Hà")
    assert split_name("Âu Dương Minh Khôi") == ("Âu", "Dương Minh", "Khôi")


# --- L4 sort_key ----------------------------------------------------------------------


def _order(*names: str) -> None:
    keys = [sort_key(n) for n in names]
    assert keys == sorted(keys), names
    assert len(set(keys)) == len(keys), names


def test_l4_given_name_first() -> None:
    # Plain code-point order puts "Đạt" after "Yến" (L4); we do not.
    assert sorted(["Bùi Thị Yến", "Hoàng Minh Đạt"]) == ["Bùi Thị Yến", "Hoàng Minh Đạt"]
    _order("Hoàng Minh Đạt", "Bùi Thị Yến")
    _order("Vũ Thị Ánh", "Nguyễn Bình")


def test_l4_vietnamese_alphabet_is_primary() -> None:
    _order("An", "Anh", "Ăn", "Ân")  # a < ă < â, and "An" before "Anh"
    _order("Dung", "Dũng", "Đạt")  # d < đ, whatever the tones
    _order("Em", "Êm", "Fan", "Giang")  # f between ê and g
    _order("On", "Ôn", "Ơn", "Phong")
    _order("Uyên", "Ưng", "Vân", "Wang", "Xuân", "Yến", "Zhang")
    _order("Huy", "Hương")  # u < ư


def test_l4_tones_are_secondary() -> None:
    # No tone, huyền, hỏi, ngã, sắc, nặng: the dictionary order (our documented choice).
    _order("Ma", "Mà", "Mả", "Mã", "Má", "Mạ")
    _order("An", "Ân", "Ẩn")
    # Tones only count when the letters tie: "Hóa" before "Hoan" despite the tone.
    _order("Hóa", "Hoan")
    _order("Hoà", "Hoàn", "Hoán")


def test_l4_family_then_middle_break_ties() -> None:
    _order("Lê Văn An", "Nguyễn Văn An")
    _order("Nguyễn An", "Nguyễn Thị An", "Nguyễn Văn An")
    _order("Lê Thị Ngọc Anh", "Lê Thịnh Anh")
    # Each part is compared completely before the next, like a sort on Tên, Họ, Đệm.
    _order("Ngô Thị Ân", "Dương Văn Ẩn")


def test_l4_key_ignores_case_tone_placement_and_normal_form() -> None:
    assert sort_key("Trần Thị Hòa") == sort_key("Trần Thị Hoà") == sort_key("TRẦN THỊ HOÀ")
    assert sort_key("Phạm Thị Thủy") == sort_key("Phạm Thị Thuỷ")
    assert sort_key(unicodedata.normalize("NFD", "Lê Đức Thắng")) == sort_key("Lê  Đức Thắng ")
    assert sort_key("Ðạt") == sort_key("Đạt")


def test_l4_key_is_plain_ascii_for_the_database() -> None:
    for name in ("Nguyễn Thị Hòa", "Ksor H'Bla", "O'Neil-Smith", "李小龍", "Đỗ Quang Huy"):
        key = sort_key(name)
        assert key.isascii(), key
        assert key.isprintable(), key
        assert not set(key) & set("[\\]'\" ")
        assert len(key) < 400  # members.sort_key is String(400)


def test_l4_sample_csv_names_in_vietnamese_order() -> None:
    lines = (SAMPLES / "danh-sach-dang-vien-khu-pho-5.csv").read_text("utf-8-sig").splitlines()
    names = [normalize(line.split(";")[1]) for line in lines[5:]]
    assert vn_sorted(names) == [
        "Nguyễn Văn An",
        "Vũ Thị Ánh",
        "Ngô Thị Ân",
        "Dương Văn Ẩn",
        "Phan Văn Cường",
        "Đặng Văn Dũng",
        "Hoàng Minh Đạt",
        "Trần Thị Hòa",
        "Đỗ Quang Huy",
        "Lê Thị Hương",
        "Huỳnh Thị Lan",
        "Nguyễn Thị Mai",
        "Trần Văn Minh",
        "Võ Hữu Phúc",
        "Lê Đức Thắng",
        "Phạm Thị Thuỷ",
        "Hồ Thị Uyên",
        "Bùi Thị Yến",
    ]


def test_l4_vn_sorted_with_key_and_reverse() -> None:
    people = [("Bùi Thị Yến", 1), ("Hoàng Minh Đạt", 2), ("Vũ Thị Ánh", 3)]
    assert [n for _, n in vn_sorted(people, key=lambda p: p[0])] == [3, 2, 1]
    assert vn_sorted(["Đạt", "Yến", "Ánh"], reverse=True) == ["Yến", "Đạt", "Ánh"]


@given(vn_text, vn_text)
def test_l4_equal_keys_mean_equal_folds(a: str, b: str) -> None:
    if sort_key(a) == sort_key(b):
        assert fold(a) == fold(b)
    assert sort_key(normalize(a)) == sort_key(a)


@given(st.lists(vn_text, max_size=8))
def test_l4_order_is_total_and_consistent(names: list[str]) -> None:
    ordered = vn_sorted(names)
    keys = [sort_key(n) for n in ordered]
    assert keys == sorted(keys)
    assert sorted(ordered, key=sort_key) == ordered  # sorting again changes nothing
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ka, kb = sort_key(a), sort_key(b)
            assert (ka < kb) + (ka == kb) + (ka > kb) == 1
