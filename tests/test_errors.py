"""STYLE 12: one error handler — a polite sentence for the user, the traceback for the log,
never the token."""

from __future__ import annotations

import logging

import pytest

from bot.domain.model import Role

from .auxil.botenv import TOKEN, BotEnv


async def test_a_failing_step_gets_a_polite_answer_and_a_logged_traceback(
    env: BotEnv, caplog: pytest.LogCaptureFixture
) -> None:
    tree = await env.seed_tree()
    sec = env.user(200, "Hòa")
    await env.grant(sec, tree["kp5"], Role.SECRETARY)
    env.fake.fail_next("sendMessage", chat_id=200, error="server_error")
    with caplog.at_level(logging.INFO):
        await sec.command("help")
    assert len(env.errors) == 1
    env.errors.clear()  # expected here; the fixture fails on any other handler error
    assert "đã có lỗi" in sec.chat.last_bot_message.text  # in the user's language
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "error while handling an update" in logged
    assert any(r.exc_info for r in caplog.records if r.name == "chibo.errors")
    assert TOKEN not in logged


async def test_a_blocked_user_does_not_crash_the_bot(env: BotEnv) -> None:
    await env.seed_tree()
    user = env.user(201, "Lan")
    env.fake.block(201)
    await user.command("start")  # the bot cannot answer; the error is handled and logged
    assert env.errors and "blocked" in str(env.errors[0]).lower()
    env.errors.clear()
    env.fake.unblock(201)
    await user.command("start")
    assert "đường dẫn mời" in user.chat.last_bot_message.text
