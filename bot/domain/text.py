"""Vietnamese text handling: normalisation (L5), matching keys (L5) and name sorting (L4).

Pure functions, no I/O. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar, overload

T = TypeVar("T")

# L5: look-alikes some keyboards and PDF copies produce instead of Đ/đ (U+0110/U+0111).
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})

# Invisible characters that sneak in from copy-paste (web pages, Word, Zalo) and make two
# spellings that look identical compare different: zero-width space/joiners, word joiner,
# BOM, soft hyphen, and bidirectional controls.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def upfirst(text: str) -> str:
    """Capitalise the first letter only ("huyện ủy/Quận ủy" keeps its second capital)."""
    return text[:1].upper() + text[1:]


# Dropped on input (L5, #12): control characters (Cc; whitespace among them becomes a
# space), lone surrogates (Cs: a JSON "\ud800" decodes to one, and neither UTF-8 nor XML
# can hold it) and unassigned code points (Cn). Cn includes the 66 noncharacters
# (U+FDD0-U+FDEF and U+xFFFE/U+xFFFF of every plane), which stay unassigned in every
# Unicode version and break XML documents (one U+FFFF stopped a ward's members workbook).
# A character newer than Python's Unicode database (3.11: Unicode 14.0) is Cn here too.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs", "Cn"})

# XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_XML_ILLEGAL = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def normalize(text: str) -> str:
    """L5: the canonical form of a line of user input, kept for display and storage.

    NFC, Ð/ð → Đ/đ, invisible characters removed, every kind of whitespace (NBSP, tabs,
    line breaks, thin spaces) turned into one ordinary space, trimmed; control characters,
    lone surrogates, noncharacters and unassigned code points dropped. Idempotent.
    """
    # Invisible and control characters go first, so that a mark separated from its base
    # letter by a zero-width space still composes with it under NFC.
    kept = "".join(
        ch
        for ch in text
        if ch not in _INVISIBLE
        and (ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    )
    kept = unicodedata.normalize("NFC", kept.translate(_LOOKALIKES))
    # str.split() with no argument splits on every Unicode whitespace, NBSP included.
    return " ".join(kept.split())


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold (C0 controls other than tab and
    line breaks, lone surrogates, U+FFFE, U+FFFF): the backstop of every document chibo
    writes (workbooks, minutes), for text stored before normalize() dropped them."""
    return _XML_ILLEGAL.sub("", text)


def fold(text: str) -> str:
    """L5: the matching key: "Hoà", "Hòa" and "HOÀ" all give "hoa"; "Đạt" gives "dat".

    Used for duplicate detection, search and recognising column names and keywords;
    never shown to the user.
    """
    # Lower-case before decomposing: lower() can itself produce combining marks ("İ").
    decomposed = unicodedata.normalize("NFD", normalize(text).lower())
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    bare = bare.replace("\u0111", "d")
    # Removing a lone combining mark can leave two spaces side by side.
    return " ".join(unicodedata.normalize("NFC", bare).split())


def split_name(full_name: str) -> tuple[str, str, str]:
    """L4: (family, middle, given) – "Nguyễn Thị Hòa" → ("Nguyễn", "Thị", "Hòa").

    The given name is the last word and the family name the first; everything between
    is the middle name. Compound family names ("Tôn Nữ", "Âu Dương") therefore end up
    partly in the middle name, which is why the full name is always what is stored and
    shown. A one-word name is all given name.
    """
    words = normalize(full_name).split(" ")
    if words == [""]:
        return ("", "", "")
    if len(words) == 1:
        return ("", "", words[0])
    return (words[0], " ".join(words[1:-1]), words[-1])


# --- L4 collation key ---------------------------------------------------------------
#
# The key is plain ASCII so that its code-point order is the same in Python, in UTF-8
# byte order (SQLite BINARY) and under PostgreSQL's "C" collation (use COLLATE "C" on
# the column: a linguistic collation would reorder the punctuation-like characters).
#
# Layout: component(given) ! component(family) ! component(middle), where
#   component = letters # tones
#   letters   = one character per letter, words separated by "$";
#   tones     = one digit per word.
# Each component is compared completely (letters, then tones) before the next one, like
# a multi-column sort on "Tên", "Họ", "Đệm" in a spreadsheet: "Ngô Thị Ân" comes before
# "Dương Văn Ẩn" because the given names Ân/Ẩn already differ (by tone).

_COMPONENT_SEP = "!"
_TONE_SEP = "#"  # lower than everything in "letters": "An" sorts before "Anh"
_WORD_SEP = "$"  # lower than any letter: "Thị Ngọc" before "Thịnh"
_PUNCT = "%"  # punctuation/symbols: after a word break, before digits and letters
_FOREIGN = "~"  # letters of other scripts: after all Vietnamese letters

# Vietnamese alphabet order (L4); f, j, w, z (foreign names) sit where the Latin
# alphabet puts them. Primary weights are ASCII characters in increasing order,
# skipping "[", "\" and "]" so that the key never needs escaping anywhere.
_ALPHABET = tuple("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")  # each one NFC code point
_WEIGHT_CHARS = [chr(c) for c in range(0x41, 0x7B) if chr(c) not in "[\\]"]
_PRIMARY = dict(zip(_ALPHABET, _WEIGHT_CHARS, strict=False))

# Marks that make a different letter (primary difference): ă â ê ô ơ ư.
_QUALITY = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}

# Tones (secondary difference), in the conventional dictionary order: ngang (none),
# huyền, hỏi, ngã, sắc, nặng (the order of Hoàng Phê's Từ điển tiếng Việt).
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def _word_weights(word: str) -> tuple[str, str]:
    """Primary weights and the tone digit of one (lower-case, NFD) word."""
    letters: list[str] = []
    tone = "0"
    base = ""  # the base letter the following marks attach to
    for ch in word:
        if unicodedata.category(ch) == "Mn":
            if ch in _TONES:
                # The tone belongs to the syllable, wherever it was typed: "Hòa" and
                # "Hoà" get the same key. A second tone mark (not Vietnamese) is ignored.
                tone = _TONES[ch] if tone == "0" else tone
            elif (base, ch) in _QUALITY:
                letters[-1] = _PRIMARY[_QUALITY[(base, ch)]]
                base = ""
            continue  # other marks (ç, ü…) are ignored, as fold() does
        base = ch
        if ch in _PRIMARY:
            letters.append(_PRIMARY[ch])
        elif "0" <= ch <= "9":
            letters.append(ch)
        elif unicodedata.category(ch).startswith("L"):
            letters.append(f"{_FOREIGN}{ord(ch):06X}")
        else:
            letters.append(f"{_PUNCT}{ord(ch):06X}")
    return "".join(letters), tone


def _component_key(part: str) -> str:
    if not part:
        return _TONE_SEP
    decomposed = unicodedata.normalize("NFD", part)
    weights = [_word_weights(w) for w in decomposed.split(" ")]
    letters = _WORD_SEP.join(w for w, _ in weights)
    return letters + _TONE_SEP + "".join(t for _, t in weights)


def sort_key(full_name: str) -> str:
    """L4: a string whose code-point order is Vietnamese name order.

    Given name first, then family, then middle name; within each, letters in the
    Vietnamese alphabet order (a ă â b c d đ e ê …) first and tones (none, huyền, hỏi,
    ngã, sắc, nặng) only when the letters tie. Case and tone-mark placement are ignored.
    Two names with equal keys always have equal fold() keys.
    """
    family, middle, given = split_name(normalize(full_name).lower())
    return _COMPONENT_SEP.join(_component_key(p) for p in (given, family, middle))


@overload
def vn_sorted(items: Iterable[str], *, reverse: bool = ...) -> list[str]: ...
@overload
def vn_sorted(items: Iterable[T], key: Callable[[T], str], *, reverse: bool = ...) -> list[T]: ...
def vn_sorted(
    items: Iterable[T], key: Callable[[T], str] | None = None, *, reverse: bool = False
) -> list[T]:
    """L4: sort names (or objects, with `key` giving the name) in Vietnamese order."""
    get = key if key is not None else str
    return sorted(items, key=lambda item: sort_key(get(item)), reverse=reverse)
