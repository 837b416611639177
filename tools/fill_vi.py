"""Fill Vietnamese translations from a JSON file of {msgid: msgstr} (a translator's helper).

python tools/fill_vi.py translations.json
"""

from __future__ import annotations

import json
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parents[1] / "locales" / "vi" / "LC_MESSAGES" / "messages.po"


def main(path: str) -> int:
    table: dict[str, str] = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    filled = 0
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            message.string = (table[key],) if isinstance(message.id, tuple) else table[key]
            message.flags.discard("fuzzy")
            filled += 1
    buf = BytesIO()
    write_po(buf, catalog, width=100, sort_output=False, include_lineno=False)
    PO.write_bytes(buf.getvalue())
    print(f"filled {filled} of {len(table)}")
    return 0 if filled == len(table) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
