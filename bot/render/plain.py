"""Telegram's HTML as plain text, for a terminal (#14: `chibo report --format text`).

The texts are made as Telegram HTML (bot/render/summary_text.py): every line complete, the
few tags Telegram allows, names escaped. An HTML parser, not a regular expression, reads
them, so a cell named "<Khu phố 1>" (escaped as "&lt;Khu phố 1&gt;") comes out as typed and
only real tags are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(html_text: str) -> str:
    """The text of one piece of Telegram HTML, tags dropped and entities read."""
    parser = _Text()
    parser.feed(html_text)
    parser.close()
    return "".join(parser.parts)


def plain_lines(lines: Iterable[str]) -> list[str]:
    return [plain(line) for line in lines]
