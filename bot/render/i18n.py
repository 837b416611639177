"""Translations (gettext catalogs read with Babel) and locale-aware formatting (L2, L3).

Source strings are English; Vietnamese is the default language. The `.po` files in
`locales/` are compiled in memory at start-up, so a catalog can never be stale.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources

from babel.dates import format_date as _format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from bot.domain.words import N_ as N_  # marked here too: faces import it with the translator

SUPPORTED_LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LANGUAGE_NAMES = {"vi": "🇻🇳 Tiếng Việt", "en": "🇬🇧 English"}


@cache
def _catalog(locale: str) -> _gettext.NullTranslations:
    path = resources.files("locales") / locale / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return _gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def resolve_locale(
    chosen: str | None, language_code: str | None, default: str = DEFAULT_LOCALE
) -> str:
    """STYLE 8: the stored choice, then Telegram's language_code, then the default (vi)."""
    for candidate in (chosen, (language_code or "").split("-")[0].lower() or None):
        if candidate in SUPPORTED_LOCALES:
            return candidate
    return default if default in SUPPORTED_LOCALES else DEFAULT_LOCALE


_ROMAN = ("I", "II", "III", "IV")


def roman(quarter: int) -> str:
    """#15: a quarter in Roman numerals, as Party documents write it ("quý IV/2026")."""
    return _ROMAN[quarter - 1]


@dataclass(frozen=True)
class Translator:
    """Everything a reply needs to speak one language."""

    locale: str

    def gettext(self, message: str) -> str:
        return _catalog(self.locale).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalog(self.locale).ngettext(singular, plural, n)

    # L2: dd/mm/yyyy whatever the language, 24-hour times.
    def date(self, value: dt.date | dt.datetime) -> str:
        return value.strftime("%d/%m/%Y")

    def formal_date(self, value: dt.date) -> str:
        """L2: "ngày 03 tháng 02 năm 2026" in Vietnamese documents."""
        if self.locale == "vi":
            return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"
        return _format_date(value, format="long", locale=self.locale)

    def time(self, value: dt.time | dt.datetime) -> str:
        return value.strftime("%H:%M")

    def month(self, year: int, month: int) -> str:
        return f"{month:02d}/{year}"

    # L3: decimal comma and thousands dot in Vietnamese (Babel's vi locale).
    def number(self, value: int | float | Decimal, digits: int = 0) -> str:
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=fmt, locale=self.locale)

    def percent(self, value: Fraction | float | Decimal, digits: int = 1) -> str:
        """A share as "93,8%", and "90%" when it is exactly a whole percentage (#15: not
        "90,0%"). Display only: R4 compares the exact fraction, never this; 89,96% keeps its
        decimal ("90,0%"), so a share below the threshold never reads as exactly 90%."""
        exact = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
        if (exact * 100).denominator == 1:
            digits = 0
        fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(float(value), format=fmt, locale=self.locale)

    def list(self, items: Iterable[str]) -> str:
        from babel.lists import format_list

        return format_list(list(items), locale=self.locale)


@cache
def translator(locale: str) -> Translator:
    return Translator(locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE)


def all_translations(message: str) -> set[str]:
    """A label in every language: reply-keyboard buttons come back as plain text."""
    return {translator(loc).gettext(message) for loc in SUPPORTED_LOCALES}
