"""Which names chibo accepts: a person's full name and an organisation's name (#12).

One rule for every way in: a roster file or a pasted list (bot.intake.roster_import), a name typed
in the bot (adding or renaming a member, a meeting's guests and the upper committee's
attendee), an organisation added or renamed in the bot, the organisation import and
`chibo init --name`. Names go into workbooks the committees open in Excel, so a name that
starts like a formula ("=HYPERLINK(…)", "+…", "-…", "@…") or holds symbols is refused
where it is typed, with a sentence, rather than stored (the workbooks write text as text
anyway, bot.render.xlsx). Names are checked after normalize() (L5). Pure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from bot.domain.words import N_, Problem

MAX_PERSON_NAME = 120  # the width of members.full_name
MAX_ORG_NAME = 200  # the width of orgs.name

# Besides letters: the signs real names hold. Ê Đê and Jrai names ("H'Hen Niê", "Y-Moan"),
# initials ("Nguyễn T. Hòa"), and the typographic apostrophes phones put for "'".
PERSON_SIGNS = " '’‘.-"
# Organisation names also hold digits and these: "Chi bộ Khu phố 5", "Đảng bộ Công ty CP
# Xây dựng 3/2", "Chi bộ Trường THCS (cơ sở 2)", "Chi bộ Nông – Lâm", "Chi bộ Kho bạc & Thuế".
# The curly quotes and long dashes are what phones type for ' " and -.
ORG_SIGNS = " .,-()/&'\"’‘“”–—"
# Shown to the user in the refusal; the curly variants are not listed.
ORG_SIGNS_SHOWN = ". , - ( ) / & ' \""

# The refusals of typed names, as the user reads them (plain text: HTML-escape to show).
PERSON_NAME_RULE = N_(
    "A name may contain only letters, spaces and the signs ' . - and must begin with a letter, "
    "e.g. Nguyễn Thị Hòa."
)
ORG_NAME_RULE = N_(
    "A name may contain only letters, digits, spaces and the signs {signs} and must begin with "
    "a letter or a digit, e.g. Chi bộ Khu phố 5."
)
# #15: a letter that is not one of Vietnamese (ß, Ç, Þ: often a roster typed with the old
# .VnTime fonts and read as Windows-1252).
FOREIGN_LETTERS_RULE = N_(
    "A name may contain only Vietnamese letters (not {letters}), spaces and the signs ' . -, "
    "e.g. Nguyễn Thị Hòa."
)
EMPTY_NAME = N_("Please type a name.")
LONG_NAME = N_("That name is too long (at most {n} characters).")
ORG_NAME_LENGTH = N_("Please type a name of at most {n} characters.")

# A decomposed tone mark may survive NFC after a letter it cannot compose with.
_COMBINING_TONES = range(0x0300, 0x0370)


def _vietnamese_letters() -> frozenset[str]:
    """#15: the letters of Vietnamese, as NFC characters: the Latin letters (f, j, w, z
    are in names of ethnic minorities and foreign-born members), đ, and the vowels with
    their shapes (â ă ê ô ơ ư) and tones (huyền, sắc, hỏi, ngã, nặng)."""
    letters = set("abcdefghijklmnopqrstuvwxyzđ")
    shapes = {"a": "\u0302\u0306", "e": "\u0302", "o": "\u0302\u031b", "u": "\u031b"}
    for vowel in "aeiouy":
        for shape in ["", *shapes.get(vowel, "")]:
            for tone in ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]:
                letters.add(unicodedata.normalize("NFC", vowel + shape + tone))
    return frozenset(letters | {ch.upper() for ch in letters})


VIETNAMESE_LETTERS = _vietnamese_letters()
# Marks a name may hold outside a letter (NFC leaves a tone after a letter it cannot
# compose with): the tones and the shapes only.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def _letter(ch: str) -> bool:
    return ch.isalpha() or ord(ch) in _COMBINING_TONES


def foreign_letters(name: str) -> str:
    """The letters of `name` that Vietnamese does not have, each once, in order."""
    seen: dict[str, None] = {}
    for ch in name:
        mark = ord(ch) in _COMBINING_TONES
        if (mark and ch not in _VIETNAMESE_MARKS) or (
            not mark and ch.isalpha() and ch not in VIETNAMESE_LETTERS
        ):
            seen.setdefault(ch)
    return "".join(seen)


def person_name_problem(name: str) -> Problem | None:
    """Why `name` (normalised) cannot be a person's full name, or None.

    Letters, spaces and ' ’ ‘ . - only, starting with a letter; the letters those of
    Vietnamese (#15: not any letter: "TrÇn ThÞ Hßa" is a TCVN3 file read as Windows-1252).
    Codes (see bot.intake.roster_import.PROBLEM_CODES): empty_name, name_too_long,
    bad_name, foreign_letters.
    """
    if not name:
        return Problem("empty_name")
    if len(name) > MAX_PERSON_NAME:
        return Problem("name_too_long", {"limit": str(MAX_PERSON_NAME), "name": name[:40] + "…"})
    if not name[0].isalpha() or not all(_letter(ch) or ch in PERSON_SIGNS for ch in name):
        return Problem("bad_name", {"name": name})
    if letters := foreign_letters(name):
        return Problem("foreign_letters", {"name": name, "letters": " ".join(letters[:10])})
    return None


def org_name_problem(name: str) -> Problem | None:
    """Why `name` (normalised) cannot be an organisation's name, or None.

    Letters, digits, spaces and . , - ( ) / & ' " (with their typographic forms), starting
    with a letter or a digit and holding at least one letter. Codes: empty_name,
    name_too_long, bad_org_name.
    """
    if not name:
        return Problem("empty_name")
    if len(name) > MAX_ORG_NAME:
        return Problem("name_too_long", {"limit": str(MAX_ORG_NAME)})
    allowed = all(_letter(ch) or ch.isdecimal() or ch in ORG_SIGNS for ch in name)
    starts = name[0].isalpha() or name[0].isdecimal()
    if not (allowed and starts and any(ch.isalpha() for ch in name)):
        return Problem("bad_org_name", {"name": name})
    return None


def person_name_refusal(problem: Problem, gettext: Callable[[str], str]) -> str:
    """The sentence that tells the user why person_name_problem() refused a typed name."""
    if problem.code == "empty_name":
        return gettext(EMPTY_NAME)
    if problem.code == "name_too_long":
        return gettext(LONG_NAME).format(n=MAX_PERSON_NAME)
    if problem.code == "foreign_letters":
        return gettext(FOREIGN_LETTERS_RULE).format(letters=problem.params.get("letters", ""))
    return gettext(PERSON_NAME_RULE)


def org_name_refusal(problem: Problem, gettext: Callable[[str], str]) -> str:
    """The sentence that tells the user why org_name_problem() refused a typed name."""
    if problem.code == "bad_org_name":
        return gettext(ORG_NAME_RULE).format(signs=ORG_SIGNS_SHOWN)
    return gettext(ORG_NAME_LENGTH).format(n=MAX_ORG_NAME)  # empty or too long
