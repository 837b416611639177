"""Helpers for the attack tests (#6): table snapshots, what a probe showed, Vietnamese text.

A probe is one update fed to the real application. Afterwards the tests ask three things:
did any table change (`snapshot` / `table_changes`), what did the caller see (`Shown`, from
the fake Bot API's call log: texts, edits, captions, callback answers and button labels),
and did anything go to a chat other than the caller's (`Shown.chats`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Base

from ..fakeapi import ApiCall, FakeTelegram

Row = dict[str, Any]
Snapshot = dict[str, list[Row]]

# Letters only Vietnamese uses (with their tone marks): a sentence in Vietnamese has some.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)


async def snapshot(engine: AsyncEngine) -> Snapshot:
    """Every row of every table, as dicts, in a stable order."""
    out: Snapshot = {}
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in (await conn.execute(select(table))).all()]
            out[table.name] = sorted(rows, key=repr)
    return out


# Rows that belong to the caller themselves: the update records them (users) and their own
# conversation (flow_states). Everything else is someone else's and must stay as it was.
OWN_ROWS = {"users": "telegram_id", "flow_states": "user_id"}


def _others(name: str, rows: list[Row], own: int | None) -> list[Row]:
    column = OWN_ROWS.get(name)
    if own is None or column is None:
        return rows
    return [r for r in rows if r[column] != own]


def own_rows(snap: Snapshot, name: str, own: int) -> list[Row]:
    return [r for r in snap[name] if r[OWN_ROWS[name]] == own]


def table_changes(before: Snapshot, after: Snapshot, *, own: int | None = None) -> list[str]:
    """What changed between two snapshots (the caller's own rows aside when `own` is set)."""
    problems = []
    for name in before:
        b, a = _others(name, before[name], own), _others(name, after[name], own)
        if b != a:
            gone = [r for r in b if r not in a]
            new = [r for r in a if r not in b]
            problems.append(f"table {name} changed: -{gone[:2]} +{new[:2]}")
    return problems


def _labels(markup: Any) -> list[str]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    out = []
    for row in rows:
        for button in row:
            out.append(button.get("text", "") if isinstance(button, dict) else str(button))
    return out


@dataclass
class Shown:
    """What the bot sent during a probe."""

    texts: list[str] = field(default_factory=list)  # messages, edits, captions, alerts
    labels: list[str] = field(default_factory=list)  # inline and reply keyboard buttons
    files: list[bytes] = field(default_factory=list)
    chats: set[int] = field(default_factory=set)  # where messages went
    answers: int = 0  # answerCallbackQuery calls

    @property
    def everything(self) -> str:
        readable = [_file_text(f) for f in self.files]
        return "\n".join([*self.texts, *self.labels, *readable])


def _file_text(content: bytes) -> str:
    """The text inside a DOCX/XLSX (zipped XML), or the bytes as text."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    except zipfile.BadZipFile:
        return content.decode("utf-8", "replace")


def shown_since(fake: FakeTelegram, mark: int) -> Shown:
    """Collect the accepted calls the bot made after `fake.calls[mark]`."""
    shown = Shown()
    call: ApiCall
    for call in fake.calls[mark:]:
        if not call.ok:
            continue
        method = call.method.lower()
        params = call.params
        if method == "answercallbackquery":
            shown.answers += 1
            if params.get("text"):
                shown.texts.append(str(params["text"]))
            continue
        if method not in (
            "sendmessage",
            "editmessagetext",
            "editmessagecaption",
            "editmessagereplymarkup",
            "senddocument",
            "sendphoto",
        ):
            continue
        if call.chat_id is not None:
            shown.chats.add(call.chat_id)
        text = params.get("text", params.get("caption"))
        if text:
            shown.texts.append(str(text))
        markup = fake_markup(params.get("reply_markup"))
        shown.labels += _labels(markup)
        if method in ("senddocument", "sendphoto"):
            shown.files.append(_sent_file(fake, call))
    return shown


def fake_markup(raw: Any) -> Any:
    if raw is None or isinstance(raw, dict):
        return raw
    if hasattr(raw, "to_dict"):
        return raw.to_dict()
    if isinstance(raw, str):
        import json

        try:
            return json.loads(raw)
        except ValueError:
            return None
    return None


def _sent_file(fake: FakeTelegram, call: ApiCall) -> bytes:
    """The content of a file the bot sent (the chat's message holding it)."""
    chat = fake.chat(call.chat_id or 0)
    for msg in reversed(chat.messages):
        stored = msg.document or msg.photo_file
        if msg.from_bot and stored is not None:
            return stored.content
    return b""


def limit_problems(fake: FakeTelegram, mark: int) -> list[str]:
    """Every call the bot made after `mark` within Telegram's limits, checked again here
    (the fake refuses them too, tests/test_fakeapi.py): refused calls, texts over 4096 and
    captions over 1024 UTF-16 units after parsing, HTML that does not parse, callback data
    over 64 bytes, alerts over 200 characters."""
    from ..fakeapi import HtmlParseError, parse_html, utf16_len

    problems = []
    for call in fake.calls[mark:]:
        method, params = call.method.lower(), call.params
        # An edit to the same content is refused ("not modified") and handled by Turn.show;
        # the edit's text is still checked below.
        if not call.ok and not method.startswith("edit"):
            problems.append(f"{call.method} was refused ({call.status}): {str(params)[:200]}")
        for name, limit in (("text", 4096), ("caption", 1024)):
            raw = params.get(name)
            if raw is None or method == "answercallbackquery":
                continue
            try:
                plain = (
                    parse_html(str(raw)).text if params.get("parse_mode") == "HTML" else str(raw)
                )
            except HtmlParseError as exc:
                problems.append(f"{call.method} {name} is not valid HTML ({exc}): {str(raw)[:200]}")
                continue
            if utf16_len(plain) > limit:
                problems.append(f"{call.method} {name} is {utf16_len(plain)} units long")
        if method == "answercallbackquery" and len(str(params.get("text") or "")) > 200:
            problems.append(f"alert of {len(str(params['text']))} characters")
        markup = fake_markup(params.get("reply_markup"))
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard") or []:
                for button in row:
                    data = str(button.get("callback_data") or "")
                    if len(data.encode()) > 64:
                        problems.append(f"callback data of {len(data.encode())} bytes: {data}")
    return problems
