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
EMPTY_NAME = N_("Please type a name.")
LONG_NAME = N_("That name is too long (at most {n} characters).")
ORG_NAME_LENGTH = N_("Please type a name of at most {n} characters.")

# A decomposed tone mark may survive NFC after a letter it cannot compose with.
_COMBINING_TONES = range(0x0300, 0x0370)


def _letter(ch: str) -> bool:
    return ch.isalpha() or ord(ch) in _COMBINING_TONES


def person_name_problem(name: str) -> Problem | None:
    """Why `name` (normalised) cannot be a person's full name, or None.

    Letters of any script, spaces and ' ’ ‘ . - only, starting with a letter. Codes (see
    bot.intake.roster_import.PROBLEM_CODES): empty_name, name_too_long, bad_name.
    """
    if not name:
        return Problem("empty_name")
    if len(name) > MAX_PERSON_NAME:
        return Problem("name_too_long", {"limit": str(MAX_PERSON_NAME), "name": name[:40] + "…"})
    if not name[0].isalpha() or not all(_letter(ch) or ch in PERSON_SIGNS for ch in name):
        return Problem("bad_name", {"name": name})
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
    return gettext(PERSON_NAME_RULE)


def org_name_refusal(problem: Problem, gettext: Callable[[str], str]) -> str:
    """The sentence that tells the user why org_name_problem() refused a typed name."""
    if problem.code == "bad_org_name":
        return gettext(ORG_NAME_RULE).format(signs=ORG_SIGNS_SHOWN)
    return gettext(ORG_NAME_LENGTH).format(n=MAX_ORG_NAME)  # empty or too long
