"""Telegram-HTML (``parse_mode="HTML"``) parsing, modelled on tdlib's ``parse_html``.

:func:`parse_html` turns the markup a bot sends into the plain text a user sees plus the
message entities Telegram would attach, with offsets and lengths in UTF-16 code units.

The error messages follow tdlib's wording (the Bot API prefixes them with
``"Bad Request: can't parse entities: "``). The fake is deliberately *stricter* than Telegram in
two places, so that unescaped user input is caught in tests rather than in production:

* a ``&`` that does not start a valid entity is rejected (Telegram keeps it as text);
* attributes other than the documented ones (``<a href>``, ``<span class>``, ``<code class>``,
  ``<blockquote expandable>``, ``<tg-emoji emoji-id>``) are rejected (Telegram ignores them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["HtmlParseError", "ParsedText", "parse_html", "utf16_len"]

_ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "span": frozenset({"class"}),
    "code": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"


class HtmlParseError(ValueError):
    """Malformed Telegram-HTML. ``str(exc)`` is tdlib's message, e.g.
    ``Unsupported start tag "div" at byte offset 0``."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text plus Bot-API ``MessageEntity`` dicts (UTF-16 offsets)."""

    text: str
    entities: tuple[dict[str, Any], ...] = field(default=())

    def stripped(self) -> ParsedText:
        """Trim surrounding whitespace like Telegram does, shifting/clipping the entities."""
        text = self.text.strip()
        if text == self.text:
            return self
        lead = utf16_len(self.text[: len(self.text) - len(self.text.lstrip())])
        end = utf16_len(text)
        entities = []
        for entity in self.entities:
            start = max(0, entity["offset"] - lead)
            stop = min(end, entity["offset"] + entity["length"] - lead)
            if stop > start:
                entities.append({**entity, "offset": start, "length": stop - start})
        return ParsedText(text, tuple(entities))


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the output text
    expandable: bool = False


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    # -- helpers ---------------------------------------------------------------------------
    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def skip_spaces(self) -> None:
        while self.peek() and self.peek() in _SPACES:
            self.pos += 1

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def decode_entity(self, start: int) -> tuple[str, int] | None:
        """Decode ``&...;`` at ``start`` (the ``;`` is optional, as in tdlib)."""
        src, end = self.src, start + 1
        if src.startswith("#", end):
            end += 1
            hexadecimal = src.startswith(("x", "X"), end)
            if hexadecimal:
                end += 1
            digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
            first = end
            while end < len(src) and src[end] in digits:
                end += 1
            if end == first or end - first > 8:
                return None
            code = int(src[first:end], 16 if hexadecimal else 10)
            if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            char = chr(code)
        else:
            while end < len(src) and src[end].isascii() and src[end].isalpha():
                end += 1
            named = _NAMED_ENTITIES.get(src[start + 1 : end])
            if named is None:
                return None
            char = named
        if src.startswith(";", end):
            end += 1
        return char, end

    def decode_attribute(self, value: str) -> str:
        inner = _Parser(value)
        while inner.pos < len(value):
            decoded = inner.decode_entity(inner.pos) if value[inner.pos] == "&" else None
            if decoded is None:
                inner.out.append(value[inner.pos])
                inner.pos += 1
            else:
                inner.out.append(decoded[0])
                inner.pos = decoded[1]
        return "".join(inner.out)

    # -- main loop -------------------------------------------------------------------------
    def run(self) -> ParsedText:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "&":
                decoded = self.decode_entity(self.pos)
                if decoded is None:
                    raise HtmlParseError(
                        f'Unescaped "&" at byte offset {self.byte_offset(self.pos)}; '
                        'use "&amp;" (the fake API is stricter than Telegram here)'
                    )
                self.emit(decoded[0])
                self.pos = decoded[1]
            elif char != "<":
                end = self.pos
                while end < len(src) and src[end] not in "<&":
                    end += 1
                self.emit(src[self.pos : end])
                self.pos = end
            elif src.startswith("</", self.pos):
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.merge_pre_code()
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), tuple(self.entities))

    def start_tag(self) -> None:
        begin = self.pos
        at = f"at byte offset {self.byte_offset(begin)}"
        self.pos += 1
        while self.peek() and self.peek() not in _SPACES and self.peek() != ">":
            self.pos += 1
        if not self.peek():
            raise HtmlParseError(f"Unclosed start tag {at}")
        name = self.src[begin + 1 : self.pos].lower()
        if name not in _ENTITY_TYPES:
            raise HtmlParseError(f'Unsupported start tag "{name}" {at}')
        tag = _OpenTag(name, "", self.utf16)
        while True:
            self.skip_spaces()
            if not self.peek():
                raise HtmlParseError(f'Unclosed start tag "{name}" {at}')
            if self.peek() == ">":
                self.pos += 1
                break
            self.attribute(tag, at)
        if name == "span" and tag.argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" {at}')
        self.stack.append(tag)

    def attribute(self, tag: _OpenTag, at: str) -> None:
        start = self.pos
        while self.peek() and self.peek() not in _SPACES and self.peek() not in "=>":
            self.pos += 1
        attr = self.src[start : self.pos].lower()
        if not attr:
            raise HtmlParseError(f'Empty attribute name in the tag "{tag.name}" {at}')
        if attr not in _ALLOWED_ATTRIBUTES.get(tag.name, frozenset()):
            raise HtmlParseError(
                f'Unsupported attribute "{attr}" in the tag "{tag.name}" {at} '
                "(the fake API is stricter than Telegram here)"
            )
        self.skip_spaces()
        if self.peek() != "=":
            if attr == "expandable":
                tag.expandable = True
                return
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag.name}" {at}'
            )
        self.pos += 1
        self.skip_spaces()
        quote = self.peek()
        if not quote:
            raise HtmlParseError(f'Unclosed start tag "{tag.name}" {at}')
        if quote in "'\"":
            close = self.src.find(quote, self.pos + 1)
            if close < 0:
                raise HtmlParseError(f"Unclosed start tag {at}")
            value = self.decode_attribute(self.src[self.pos + 1 : close])
            self.pos = close + 1
        else:
            token_start = self.pos
            while self.peek() and (self.peek().isalnum() or self.peek() in ".-"):
                self.pos += 1
            value = self.src[token_start : self.pos].lower()
            if self.peek() and self.peek() not in _SPACES and self.peek() != ">":
                offset = self.byte_offset(token_start)
                raise HtmlParseError(f"Unexpected end of name token at byte offset {offset}")
        if attr == "class" and tag.name == "span" and value.startswith("tg-"):
            tag.argument = value[3:]
        elif attr == "class" and tag.name == "code" and value.startswith("language-"):
            tag.argument = value[len("language-") :]
        elif attr in ("href", "emoji-id"):
            tag.argument = value

    def end_tag(self) -> None:
        begin = self.pos
        at = f"at byte offset {self.byte_offset(begin)}"
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag {at}")
        self.pos += 2
        while self.peek() and self.peek() not in _SPACES and self.peek() != ">":
            self.pos += 1
        name = self.src[begin + 2 : self.pos].lower()
        self.skip_spaces()
        if self.peek() != ">":
            raise HtmlParseError(f"Unclosed end tag {at}")
        self.pos += 1
        tag = self.stack.pop()
        if name and name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag {at}, expected "</{tag.name}>", found "</{name}>"'
            )
        self.add_entity(tag)

    def add_entity(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.offset
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": _ENTITY_TYPES[tag.name]}
        entity.update(offset=tag.offset, length=length)
        if tag.name == "a":
            if not tag.argument:
                return
            entity["url"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "code" and tag.argument:
            entity["language"] = tag.argument
        elif tag.name == "blockquote" and tag.expandable:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)

    def merge_pre_code(self) -> None:
        """``<pre><code class="language-x">`` becomes one ``pre`` entity with a language."""
        for code in [e for e in self.entities if e["type"] == "code" and "language" in e]:
            span = (code["offset"], code["length"])
            pre = next(
                (
                    e
                    for e in self.entities
                    if e["type"] == "pre" and (e["offset"], e["length"]) == span
                ),
                None,
            )
            self.entities.remove(code)
            if pre is not None:
                pre["language"] = code["language"]
            else:
                del code["language"]
                self.entities.append(code)


def parse_html(source: str) -> ParsedText:
    """Parse Telegram-HTML. Raises :class:`HtmlParseError` with tdlib's wording."""
    return _Parser(source).run()
