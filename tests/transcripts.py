"""Play the README's scenarios through the real bot on the fake Bot API and print them.

    python -m tests.transcripts > docs/transcripts.md

tests/test_docs.py checks that docs/transcripts.md is what this prints today.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.model import Role
from storage import invites
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Org

from .auxil.botenv import VN, BotEnv, Clock, start_env, stop_env
from .fakeapi import Msg, TgUser

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


class Recorder:
    def __init__(self, user: TgUser) -> None:
        self.user, self.lines, self.seen = user, [], 0

    def _bot(self) -> None:
        for msg in self.user.chat.messages[self.seen :]:
            if msg.from_bot:
                self.lines += render(msg, self.user)
        self.seen = len(self.user.chat.messages)

    async def send(self, text: str, shown: str | None = None) -> None:
        self._bot()
        self.lines.append(f"👤 {shown or text}")
        await self.user.send(text)

    async def press(self, label: str) -> None:
        self._bot()
        self.lines.append(f"👤 [{label}]")
        before = {m.message_id: (m.text, tuple(m.labels)) for m in self.user.chat.messages}
        await self.user.press(label)
        for msg in self.user.chat.messages:
            if (
                msg.from_bot
                and msg.message_id in before
                and before[msg.message_id] != (msg.text, tuple(msg.labels))
            ):
                self.lines += ["   (the message is edited:)", *render(msg, self.user)]
        self.seen = len([m for m in self.user.chat.messages if m.message_id in before])
        self.lines += [f"   {line}" for line in self._alert()]

    def _alert(self) -> list[str]:
        answer = self.user.last_alert
        return [f"(alert: {answer})"] if answer else []

    async def tap(self, label: str) -> None:
        """A reply-keyboard button (the main menu)."""
        self._bot()
        self.lines.append(f"👤 ⌨️ {label}")
        await self.user.tap(label)

    async def upload(self, name: str, data: bytes) -> None:
        self._bot()
        self.lines.append(f"👤 (sends the file {name})")
        await self.user.upload(name, data)

    def text(self) -> str:
        self._bot()
        return "\n".join(self.lines)


def render(msg: Msg, user: TgUser) -> list[str]:
    out = [
        ("🤖 " if i == 0 else "   ") + line for i, line in enumerate(msg.text.splitlines() or [""])
    ]
    rows = [" ".join(f"[{b.text}]" for b in row) for row in msg.inline_keyboard]
    out += [f"   {row}" for row in rows if row]
    return out


async def _secretary_with_roster() -> tuple[BotEnv, Recorder, str]:
    """A ward with cell Khu phố 5; its secretary joins by invite and imports the sample list.
    Returns the environment, the recorder, and the transcript so far."""
    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}")
    await upgrade(engine)
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=VN))
    env: BotEnv = await start_env(engine, clock)
    tree = await env.seed_tree()
    async with env.db() as s:
        cell = await s.get(Org, tree["kp5"].id)
        assert cell is not None
        code, _ = await invites.create(
            s,
            org=cell,
            purpose="role",
            role=Role.SECRETARY,
            actor_id=None,
            now=clock(),
            ttl=timedelta(days=7),
        )
    rec = Recorder(env.user(200, "Hòa", last_name="Trần"))
    await rec.send(f"/start {code}", "/start <code from the invite link>")
    kb = rec.user.chat.reply_keyboard or []
    transcript = [
        rec.text(),
        "   keyboard: " + " / ".join(" ".join(f"[{b}]" for b in row) for row in kb),
    ]
    rec.lines = []
    data = (SAMPLES / "danh-sach-dang-vien-khu-pho-5.csv").read_bytes()
    await rec.upload("danh-sach-dang-vien-khu-pho-5.csv", data)
    await rec.press("✅ Lưu (18)")
    transcript.append(rec.text())
    rec.lines = []
    body = "\n".join(transcript)
    return env, rec, re.sub(r"start [A-Za-z0-9_-]{20,}", "start <code>", body)


async def _close(env: BotEnv) -> None:
    await stop_env(env)
    await env.engine.dispose()


async def onboarding_and_import() -> str:
    env, _rec, transcript = await _secretary_with_roster()
    await _close(env)
    return transcript


async def logging_a_meeting() -> str:
    """The monthly meeting, all present but two (one excused, one unexcused): 9 taps."""
    env, rec, _ = await _secretary_with_roster()
    await rec.tap("📝 Ghi sinh hoạt")
    await rec.press("Thường kỳ")
    await rec.press("Hôm nay")
    await rec.press("✅ Nguyễn Văn An")
    await rec.press("🟡 Vắng có lý do: ốm")
    await rec.press("✅ Lê Thị Hương")
    await rec.press("❌ Vắng không có lý do")
    await rec.press("➡️ Tiếp tục")
    await rec.press("💾 Lưu")
    transcript = rec.text()
    await _close(env)
    return transcript


def main() -> None:
    print("# Transcripts\n")
    print("Played by `python -m tests.transcripts` through the real bot and the fake Bot API")
    print("(👤 the secretary, 🤖 the bot, `[…]` buttons). Regenerate after changing a flow.\n")
    print("## Onboarding and roster import\n")
    print("```")
    print(asyncio.run(onboarding_and_import()))
    print("```")
    print("\n## Logging a meeting: all present but two\n")
    print("```")
    print(asyncio.run(logging_a_meeting()))
    print("```")


if __name__ == "__main__":
    main()
