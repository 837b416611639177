"""Keep the gettext catalogs in step with the code (STYLE 8).

    python tools/i18n.py          # extract messages.pot, merge into vi and en
    python tools/i18n.py --check  # exit 1 if anything is missing or stale (used by tests)

English is the source language: its catalog is filled with the source strings. The
Vietnamese catalog is translated by hand; new strings arrive empty and must be filled.
"""

from __future__ import annotations

import argparse
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
SOURCES = ("bot", "handlers", "storage")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "n_": (1, 2), "N_": None}


def extract() -> Catalog:
    catalog = Catalog(project="chibo", version="0.1", charset="utf-8")
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            catalog.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _po_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / "messages.po"


def _load(locale: str) -> Catalog:
    path = _po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="chibo", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _dump(catalog: Catalog, **kwargs: object) -> bytes:
    buf = BytesIO()
    write_po(buf, catalog, width=100, sort_output=False, include_lineno=False, **kwargs)  # type: ignore[arg-type]
    return buf.getvalue()


def merged(locale: str, template: Catalog) -> Catalog:
    catalog = _load(locale)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.project, catalog.version = "chibo", "0.1"
    catalog.copyright_holder = "chibo developers"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "chibo developers"
    catalog.language_team = "chibo developers"
    if locale == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
    return catalog


def problems(locale: str, catalog: Catalog) -> list[str]:
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            out.append(f"{locale}: untranslated: {message.id!r}")
        elif message.fuzzy:
            out.append(f"{locale}: fuzzy: {message.id!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser()
    args.add_argument("--check", action="store_true")
    opts = args.parse_args(argv)
    template = extract()
    report: list[str] = []
    outputs = {LOCALES / "messages.pot": _dump(template, ignore_obsolete=True)}
    for locale in ("vi", "en"):
        catalog = merged(locale, template)
        report += problems(locale, catalog)
        outputs[_po_path(locale)] = _dump(catalog, ignore_obsolete=True)
    if opts.check:
        for path, data in outputs.items():
            if not path.exists() or _strip_dates(path.read_bytes()) != _strip_dates(data):
                report.append(f"{path.relative_to(ROOT)} is out of date: run python tools/i18n.py")
        print("\n".join(report) or "catalogs are complete")
        return 1 if report else 0
    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print("\n".join(report) or "catalogs are complete")
    return 0


def _strip_dates(data: bytes) -> bytes:
    return b"\n".join(
        line
        for line in data.splitlines()
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))
    )


if __name__ == "__main__":
    sys.exit(main())
