"""Whom chibo greets: "đồng chí Lan", by the given name alone (L6, #15 item 14). Pure.

A member's roster name is in Vietnamese order (L4: family, middle, given), so the given name is
its last word. A Telegram name is whatever the person typed into the app, in either order and
split anyhow between first and last name: "Lan" + "Phạm", "Phạm Thị Lan", "Lan", "Phạm" +
"Thị Lan", "lan nguyen 🌸". There the common family names tell the order: the end that holds one
is the family name, and the given name is at the other end.
"""

from __future__ import annotations

from bot.domain.text import fold, normalize, split_name

# The common Vietnamese family names, the most frequent first (the commonly cited shares:
# Nguyễn ≈ 38%, Trần ≈ 11%, Lê ≈ 9.5%, …), then less common ones and those of the Tày, Nùng
# and Thái. Several are given names too (Mai, Hà, Lâm, Giang, Kim, Châu, Ly): when both ends of
# a name are on the list, the more frequent family name is taken as the family name, so
# "Mai Phạm" and "Phạm Thị Mai" both greet Mai. Compared folded (L5): phones often type
# "Lan Nguyen" without tones.
FAMILY_NAMES: tuple[str, ...] = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Phan",
    "Vũ",
    "Đặng",
    "Huỳnh",
    "Bùi",
    "Võ",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Đoàn",
    "Trương",
    "Lương",
    "Đào",
    "Vương",
    "Tô",
    "Chu",
    "Phùng",
    "Lưu",
    "Kiều",
    "Tạ",
    "Quách",
    "Tăng",
    "Triệu",
    "Lại",
    "Đàm",
    "Nghiêm",
    "Mạc",
    "Khổng",
    "Hứa",
    "Tống",
    "Thân",
    "Doãn",
    "Diệp",
    "Từ",
    "La",
    "Nông",
    "Lục",
    "Lò",
    "Tôn",
    "Âu",
    "Cao",
    "Lâm",
    "Thái",
    "Hà",
    "Mai",
    "Giang",
    "Kim",
    "Châu",
)
_RANK = {fold(name): rank for rank, name in enumerate(FAMILY_NAMES)}
# Middle names that mark the Vietnamese order even after a family name not on the list
# ("Bế Văn Đàn", "Hoàng Thị Lan").
_MIDDLE_MARKS = frozenset({"thi", "van"})
_NAME_SIGNS = "'’‘-."


def _word(raw: str) -> str:
    """A word of a Telegram name without what surrounds it ("Lan🌸" → "Lan", "(KP5)" → "")."""
    start, end = 0, len(raw)
    while start < end and not raw[start].isalpha():
        start += 1
    while end > start and not raw[end - 1].isalpha():
        end -= 1
    word = raw[start:end]
    return word if all(ch.isalpha() or ch in _NAME_SIGNS for ch in word) else ""


def _tidy(word: str) -> str:
    """ "LAN" and "lan" greet "Lan"; a name with its own capitals ("H'Hen") is kept."""
    return word[:1].upper() + word[1:].lower() if word.isupper() or word.islower() else word


def _family_rank(word: str) -> int | None:
    return _RANK.get(fold(word))


def given_name_of_member(full_name: str) -> str:
    """L4: the given name of a roster name: its last word ("Nguyễn Thị Hòa" → "Hòa")."""
    return split_name(full_name)[2]


def given_name_of_telegram(first_name: str, last_name: str | None) -> str:
    """The given name in a Telegram name, whatever its order; "" when it holds no name.

    Either end of the name may be the family name: a common family name at one end puts the
    given name at the other ("Phạm Thị Lan", "Lan Phạm" → "Lan"); with one at both ends, the
    more frequent one is the family name ("Nguyễn Thị Mai", "Mai Phạm" → "Mai"); "Văn"/"Thị"
    second means the Vietnamese order; otherwise the first word is the given name ("Lan").
    """
    words = [
        w for w in (_word(raw) for raw in normalize(f"{first_name} {last_name or ''}").split()) if w
    ]
    if not words:
        return ""
    first, last = words[0], words[-1]
    if len(words) == 1:
        return _tidy(first)
    head, tail = _family_rank(first), _family_rank(last)
    if head is not None and (tail is None or head <= tail):
        return _tidy(last)
    if tail is not None:
        return _tidy(first)
    if len(words) >= 3 and fold(words[1]) in _MIDDLE_MARKS:
        return _tidy(last)
    return _tidy(first)
