"""STYLE 14: the README, the command menus, .env.example and the catalogs stay in step."""

from __future__ import annotations

import re
import subprocess
import sys

from babel.messages.pofile import read_po

from handlers.menu import GROUP_COMMANDS, PRIVATE_COMMANDS

from .auxil.paths import ROOT
from .transcripts import logging_a_meeting, onboarding_and_import

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert blocks[0] == "pip install . && TELEGRAM_BOT_TOKEN=<token from @BotFather> chibo run"
    assert blocks[1] == "pip install -e '.[test]' && pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest\n" in ci  # CI runs exactly the README's command


def test_readme_lists_every_command() -> None:
    for name, _ in PRIVATE_COMMANDS + GROUP_COMMANDS:
        assert f"/{name}" in README, name


def test_env_example_documents_every_setting() -> None:
    read = set(
        re.findall(
            r'"((?:TELEGRAM|CHIBO|DATABASE)_[A-Z_]+)"',
            (ROOT / "bot" / "app" / "settings.py").read_text(),
        )
    )
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read == documented
    assert all(f"`{key}`" in README for key in read)


def test_catalogs_are_complete_and_placeholders_match() -> None:
    check = subprocess.run(
        [sys.executable, "tools/i18n.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    with (ROOT / "locales" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert set(re.findall(r"\{\w*\}", source)) == set(re.findall(r"\{\w*\}", target)), source
        assert re.findall(r"</?\w+", source) == re.findall(r"</?\w+", target) or source.count(
            "<"
        ) == target.count("<"), source


async def test_transcript_in_docs_is_current() -> None:
    played = await onboarding_and_import()
    docs = (ROOT / "docs" / "transcripts.md").read_text(encoding="utf-8")
    assert played in docs, "run: python -m tests.transcripts > docs/transcripts.md"
    assert played.splitlines()[1] in README


async def test_meeting_transcript_in_readme_and_docs_is_current() -> None:
    played = await logging_a_meeting()
    docs = (ROOT / "docs" / "transcripts.md").read_text(encoding="utf-8")
    assert played in docs, "run: python -m tests.transcripts > docs/transcripts.md"
    assert played in README, "copy the meeting transcript of docs/transcripts.md into README"
    # #15: all present but two in at most 9 taps (menu button included), exactly as the
    # README says.
    taps = [line for line in played.splitlines() if line.startswith("👤")]
    assert len(taps) == 9 and "takes **9 taps**" in README, taps
