"""Vietnamese text kept in the legacy font encodings, found and turned into Unicode (#15).

Ward offices still keep rosters typed with the .VnTime fonts (TCVN3, also called ABC:
TCVN 5712:1993, its VN3 table) or the VNI-Times fonts (VNI Windows). Such a file holds
single-byte codes that Excel, LibreOffice and a CSV reader take as Windows-1252 letters:
"Trần Thị Hòa" arrives as "TrÇn ThÞ Hßa" (TCVN3) or "Traàn Thò Hoøa" (VNI).

`detect` judges a whole file from its texts: each candidate reading (as is, TCVN3, VNI)
is scored by how many of its words are Vietnamese syllables, and a legacy reading wins
only when it scores higher than the text as it is, so a Unicode file is never touched.
`convert` then turns one cell; a cell that already holds Vietnamese letters beyond
Latin-1 (a header typed later in Unicode) is left as it is. Pure.

The tables are TCVN 5712:1993 VN3 (lower-case letters with tones; the upper-case forms
of .VnTimeH fonts share these codes) and the published VNI Windows table (a base letter
followed by a mark character).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

# TCVN 5712:1993 VN3, as the code points a Windows-1252 reading gives (A0-FF read the
# same in Latin-1 and Windows-1252).
_TCVN3_PAIRS = (
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \u00adư ®đ "
    "µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ Éẫ Êấ Ëậ "
    "Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ ×ì Øỉ Üĩ Ýí Þị "
    "ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ êờ ëở ìỡ íớ îợ "
    "ïù ñủ òũ óú ôụ õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ"
)
TCVN3_TABLE = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split(" ")}
_TCVN3_TRANS = str.maketrans(TCVN3_TABLE)

# VNI Windows: a mark character after the base letter. Tone marks after any vowel; the
# circumflex (with a tone) after a, e, o; the breve (with a tone) after a only.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_HAT = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
# Letters that are one character in VNI: ơ ư đ and the i's (and ỵ) with their tones.
_VNI_SINGLE = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}  # fmt: skip
_VNI_MARKS = "".join({**_VNI_TONES, **_VNI_HAT, **_VNI_BREVE})
_VNI_PAIR = re.compile(f"([aeouyơưAEOUYƠƯ])([{_VNI_MARKS}{_VNI_MARKS.upper()}])")
_VNI_SINGLE_TRANS = str.maketrans(
    {**_VNI_SINGLE, **{k.upper(): v.upper() for k, v in _VNI_SINGLE.items()}}
)


def _vni_pair(m: re.Match[str]) -> str:
    base, mark = m.group(1), m.group(2).lower()
    low = base.lower()
    if mark in _VNI_TONES:
        marks = _VNI_TONES[mark]
    elif mark in _VNI_HAT and low in "aeo":
        marks = "\u0302" + _VNI_HAT[mark]
    elif mark in _VNI_BREVE and low == "a":
        marks = "\u0306" + _VNI_BREVE[mark]
    else:
        return m.group(0)  # not a VNI letter: left for the name rule to refuse
    return unicodedata.normalize("NFC", base + marks)


def tcvn3_to_unicode(text: str) -> str:
    """VN3 has no upper-case letters with tones: .VnTimeH fonts draw the lower-case codes
    as capitals, and a .VnTime name starts "¸nh" for "Ánh". The case is put back from the
    letters around: a word in capitals stays in capitals, and in a name whose other words
    start with a capital, so does a word that starts with a converted letter."""
    words = text.split(" ")
    title = [w[0].isupper() for w in words if w and w[0].isascii() and w[0].isalpha()]
    capitalised = bool(title) and all(title)
    out = []
    for word in words:
        converted = word.translate(_TCVN3_TRANS)
        letters = [ch for ch in word if ch.isascii() and ch.isalpha()]
        if len(letters) > 1 and all(ch.isupper() for ch in letters):
            converted = converted.upper()
        elif capitalised and word and word[0] in TCVN3_TABLE:
            converted = converted[:1].upper() + converted[1:]
        out.append(converted)
    return unicodedata.normalize("NFC", " ".join(out))


def vni_to_unicode(text: str) -> str:
    # The one-character letters first (ô and ö are ơ and ư, which take a tone mark after
    # them like any vowel); none of them is a mark, and a pair may give ò, which is not ị.
    text = text.translate(_VNI_SINGLE_TRANS)
    return unicodedata.normalize("NFC", _VNI_PAIR.sub(_vni_pair, text))


_CONVERTERS = {TCVN3: tcvn3_to_unicode, VNI: vni_to_unicode}

# --- judging a reading: how many words are Vietnamese syllables ---------------------------

_TONES = {_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT}
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvxfjwz]"
_VOWEL_GROUPS = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê "
    "ui uô uơ uy ưa ưi ươ ưu yê iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
)
_VOWELS = _VOWEL_GROUPS.split(" ")
_SYLLABLE = re.compile(
    f"(?:{_ONSET})?(?:{'|'.join(sorted(_VOWELS, key=len, reverse=True))})(?:ch|ng|nh|[cmnpt])?"
)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN1_LETTERS = {chr(c) for c in range(0xA0, 0x100)}


def syllable(word: str) -> bool:
    """Whether `word` (letters only) is written like a Vietnamese syllable: an onset, a
    vowel group from the alphabet's, a final consonant, and at most one tone mark."""
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in parts) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def score(texts: Iterable[str]) -> int:
    """Words that read as Vietnamese syllables, less those that do not."""
    total = 0
    for text in texts:
        for word in _WORD.findall(text):
            total += 1 if syllable(word) else -1
    return total


def suspicious(text: str) -> bool:
    """Whether a text holds Latin-1 letters or signs a legacy encoding would give."""
    return any(ch in _LATIN1_LETTERS for ch in text)


def detect(texts: Iterable[str]) -> str | None:
    """TCVN3, VNI or None (Unicode, or nothing a legacy reading would improve)."""
    sample = [t for t in set(texts) if suspicious(t) and not _beyond_latin1(t)]
    if not sample:
        return None
    best, best_score = None, score(sample)
    for encoding in ENCODINGS:
        converted = score(_CONVERTERS[encoding](t) for t in sample)
        if converted > best_score:
            best, best_score = encoding, converted
    return best


def _beyond_latin1(text: str) -> bool:
    """Vietnamese letters above U+00FF (ị, ễ, ơ, đ …): the text is Unicode already."""
    return any(ord(ch) > 0xFF and ch.isalpha() for ch in text)


def convert(text: str, encoding: str | None) -> str:
    """One cell of a file `detect` judged to be in `encoding` (None: as it is)."""
    if encoding is None or not suspicious(text) or _beyond_latin1(text):
        return text
    converted = _CONVERTERS[encoding](text)
    return converted if score([converted]) >= score([text]) else text
