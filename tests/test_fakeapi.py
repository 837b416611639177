"""Tests of the fake Telegram Bot API, driven through a small real PTB Application."""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import html
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app.factory import telegram_rate_limiter
from bot.domain.model import Role
from tests.auxil.botenv import TIME_SCALE, VN, BotEnv, Clock, fake_for, limiter_for
from tests.fakeapi import FakeTelegram, HtmlParseError, TgGroup, TgUser, parse_html

NOW = 1_750_000_000
ALICE, BOB = 111, 222
GROUP = -1001234567890
Ctx = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]


# ---------------------------------------------------------------------------------------------
# A tiny bot
# ---------------------------------------------------------------------------------------------
async def start(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or []) or "-"
    await update.effective_message.reply_text(f"start payload={payload}")


async def echo(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    await message.reply_html(f"<b>echo</b>: {html.escape(message.text)}")


async def menu(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Có mặt", callback_data="yes"),
                InlineKeyboardButton("Vắng", callback_data="no"),
            ],
            [InlineKeyboardButton("Trang chủ", url="https://example.org")],
        ]
    )
    await update.effective_message.reply_text("Điểm danh?", reply_markup=keyboard)


async def chosen(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None
    if query.data not in ("yes", "no"):
        await query.answer("Dữ liệu không hợp lệ", show_alert=True)
        return
    await query.answer(f"got {query.data}")
    await query.edit_message_text(f"Đã chọn: <i>{query.data}</i>", parse_mode=ParseMode.HTML)


async def keyboard(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    markup = ReplyKeyboardMarkup([["Có", "Không"], ["Huỷ"]], resize_keyboard=True)
    await update.effective_message.reply_text("Chọn đi", reply_markup=markup)


async def hide(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Ẩn", reply_markup=ReplyKeyboardRemove())


async def report(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"a;b\n1;2\n", filename="bao_cao.csv", caption="<b>Báo cáo</b>", parse_mode="HTML"
    )
    await update.effective_message.reply_photo(b"\x89PNG fake image", caption="ảnh")


async def on_document(update: Update, context: Ctx) -> None:
    message = update.effective_message
    assert message is not None
    assert message.document is not None
    data = bytes(await (await message.document.get_file()).download_as_bytearray())
    digest = hashlib.sha256(data).hexdigest()[:12]
    await message.reply_text(f"{message.document.file_name}: {len(data)} bytes, {digest}")
    await message.reply_document(data[::-1], filename="reversed.bin")


async def broken(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html("<b>unclosed")


async def greet_group(update: Update, context: Ctx) -> None:
    change = update.my_chat_member
    assert change is not None
    if change.new_chat_member.status == ChatMemberStatus.MEMBER:
        await context.bot.send_message(change.chat.id, f"Xin chào {change.chat.title}")


def build_app(fake: FakeTelegram) -> App:
    app = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CommandHandler("kb", keyboard))
    app.add_handler(CommandHandler("hide", hide))
    app.add_handler(CommandHandler("report", report))
    app.add_handler(CommandHandler("broken", broken))
    app.add_handler(CallbackQueryHandler(chosen))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(ChatMemberHandler(greet_group, ChatMemberHandler.MY_CHAT_MEMBER))
    return app


@pytest.fixture
def fake() -> FakeTelegram:
    """Strict and rate-limited, as by default; ALICE and BOB have started the bot."""
    fake = FakeTelegram(date_clock=lambda: NOW)
    for user_id, name in ((ALICE, "Lan"), (BOB, "Minh")):
        fake.start_chat({"id": user_id, "is_bot": False, "first_name": name})
    return fake


@pytest.fixture
async def app(fake: FakeTelegram) -> AsyncIterator[App]:
    application = build_app(fake)
    await application.initialize()
    yield application
    await application.shutdown()


@pytest.fixture
def alice(app: App, fake: FakeTelegram) -> TgUser:
    return TgUser(app, fake, ALICE, "Lan", "Nguyễn", username="lan_nguyen")


@pytest.fixture
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after -> timedelta


# ---------------------------------------------------------------------------------------------
# Basics: getMe, messages, state
# ---------------------------------------------------------------------------------------------
async def test_get_me_is_derived_from_the_token(app: App, fake: FakeTelegram) -> None:
    assert app.bot.id == 123
    assert app.bot.username == "chibo_test_bot"
    assert app.bot.can_join_groups is True
    assert fake.calls[0].method == "getMe"


async def test_echo_records_both_sides_with_consistent_ids(
    alice: TgUser, fake: FakeTelegram
) -> None:
    await alice.send("a < b & c")
    first, reply = alice.chat.messages
    assert (first.message_id, first.from_bot, first.text) == (1, False, "a < b & c")
    assert (reply.message_id, reply.from_bot) == (2, True)
    assert reply.text == "echo: a < b & c"
    assert reply.html == "<b>echo</b>: a &lt; b &amp; c"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert reply.date == NOW
    assert alice.chat.bot_texts() == ["echo: a < b & c"]
    assert [c.text for c in fake.sent_to(ALICE)] == [reply.html]


async def test_command_gets_entity_and_args(alice: TgUser) -> None:
    await alice.send("/start invite_42")
    assert alice.chat.messages[0].entities == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert alice.chat.last_bot_message is not None
    assert alice.chat.last_bot_message.text == "start payload=invite_42"
    await alice.command("start")
    assert alice.chat.bot_texts()[-1] == "start payload=-"


async def test_handler_errors_propagate_when_app_has_no_error_handler(alice: TgUser) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await alice.command("broken")


async def test_reply_keyboard_tap_and_remove(alice: TgUser) -> None:
    await alice.command("kb")
    assert alice.chat.reply_keyboard == [["Có", "Không"], ["Huỷ"]]
    await alice.tap("Có")
    assert alice.chat.bot_texts()[-1] == "echo: Có"
    with pytest.raises(AssertionError, match="'Có', 'Không', 'Huỷ'"):
        await alice.tap("Maybe")
    await alice.command("hide")
    assert alice.chat.reply_keyboard is None
    with pytest.raises(AssertionError, match="no reply keyboard"):
        await alice.tap("Có")


# ---------------------------------------------------------------------------------------------
# Inline keyboards and callback queries
# ---------------------------------------------------------------------------------------------
async def test_press_answers_and_edits_removing_the_keyboard(alice: TgUser) -> None:
    await alice.command("menu")
    assert alice.chat.visible_buttons() == ["Có mặt", "Vắng", "Trang chủ"]
    await alice.press("Có mặt")
    assert alice.last_alert == "got yes"
    assert alice.last_answer is not None
    assert alice.last_answer.show_alert is False
    edited = alice.chat.last_bot_message
    assert edited is not None
    assert (edited.text, edited.html) == ("Đã chọn: yes", "Đã chọn: <i>yes</i>")
    assert edited.edit_date == NOW
    assert edited.inline_keyboard == []  # editMessageText without reply_markup drops it
    assert alice.chat.visible_buttons() == []


async def test_press_only_reaches_buttons_on_screen(alice: TgUser) -> None:
    await alice.command("menu")
    with pytest.raises(AssertionError, match=r"visible: \['Có mặt', 'Vắng', 'Trang chủ'\]"):
        await alice.press("Xoá")
    with pytest.raises(AssertionError, match="not a callback button"):
        await alice.press("Trang chủ")
    with pytest.raises(AssertionError, match="in message 1"):
        await alice.press("Vắng", in_message=1)  # message 1 is Alice's own /menu
    await alice.press("Vắng", in_message=2)
    with pytest.raises(AssertionError, match="no inline button 'Vắng'"):
        await alice.press("Vắng")


async def test_forged_callback_data(alice: TgUser) -> None:
    await alice.command("menu")
    await alice.press_data("admin:delete_all", message_id=2)
    assert alice.last_answer is not None
    assert (alice.last_alert, alice.last_answer.show_alert) == ("Dữ liệu không hợp lệ", True)
    assert alice.chat.visible_buttons() == ["Có mặt", "Vắng", "Trang chủ"]
    with pytest.raises(AssertionError, match="message 99"):
        await alice.press_data("yes", message_id=99)


async def test_answer_callback_query_rejections(app: App, fake: FakeTelegram) -> None:
    query_id = fake.new_callback_query(ALICE)
    with pytest.raises(BadRequest, match="Message_too_long"):
        await app.bot.answer_callback_query(query_id, text="x" * 201)
    assert await app.bot.answer_callback_query(query_id, text="x" * 200)
    with pytest.raises(BadRequest, match="Query is too old"):
        await app.bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="query id is invalid"):
        await app.bot.answer_callback_query("nonexistent")


# ---------------------------------------------------------------------------------------------
# Rejections, as PTB raises them
# ---------------------------------------------------------------------------------------------
async def test_text_length_is_counted_in_utf16_after_parsing(app: App, fake: FakeTelegram) -> None:
    await app.bot.send_message(ALICE, "x" * 4096)
    await app.bot.send_message(ALICE, "😀" * 2048)  # 4096 UTF-16 code units
    await app.bot.send_message(ALICE, f"<b>{'x' * 4096}</b>", parse_mode="HTML")
    for text in ("x" * 4097, "😀" * 2049):
        with pytest.raises(BadRequest, match="Message is too long"):
            await app.bot.send_message(ALICE, text)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await app.bot.send_message(ALICE, " \n ")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await app.bot.send_message(ALICE, "<b> </b>", parse_mode="HTML")
    assert len(fake.chat(ALICE).messages) == 3
    assert (fake.stats.accepted, fake.stats.rejected) == (3, 4)


async def test_caption_limit(app: App, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await app.bot.send_document(ALICE, b"data", filename="a.txt", caption="c" * 1025)
    await app.bot.send_document(ALICE, b"data", filename="a.txt", caption="c" * 1024)
    assert fake.chat(ALICE).messages[0].caption == "c" * 1024


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("<div>x</div>", 'unsupported start tag "div" at byte offset 0'),
        ("<b>x", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "unexpected end tag at byte offset 1"),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'unescaped "&" at byte offset 4'),
        ("&nbsp;", 'unescaped "&" at byte offset 0'),
        ('<b class="x">y</b>', 'unsupported attribute "class" in the tag "b"'),
        ('<a href="https://x.org" target="_blank">y</a>', 'unsupported attribute "target"'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
        ("x <b", "unclosed start tag at byte offset 2"),
    ],
)
async def test_malformed_html_is_rejected(app: App, source: str, fragment: str) -> None:
    with pytest.raises(BadRequest) as excinfo:
        await app.bot.send_message(ALICE, source, parse_mode=ParseMode.HTML)
    assert excinfo.value.message.lower().startswith("can't parse entities: ")
    assert fragment.lower() in excinfo.value.message.lower()


async def test_inline_keyboard_limits(app: App, fake: FakeTelegram) -> None:
    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])

    await app.bot.send_message(ALICE, "ok", reply_markup=markup("x" * 64))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await app.bot.send_message(ALICE, "no", reply_markup=markup("đ" * 33))  # 66 bytes
    rows = [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await app.bot.send_message(ALICE, "no", reply_markup=InlineKeyboardMarkup(rows))
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await app.bot.send_message(
            ALICE, "no", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("t")]])
        )
    assert fake.chat(ALICE).bot_texts() == ["ok"]


async def test_edit_and_delete_rejections(app: App, fake: FakeTelegram) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await app.bot.send_message(ALICE, "<b>hi</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=ALICE, message_id=999)
    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await sent.edit_text("<b>hi</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_reply_markup(markup)
    # Same text but plain instead of bold is a real change (entities differ):
    await sent.edit_text("hi", reply_markup=markup)
    await sent.edit_reply_markup(None)
    assert fake.chat(ALICE).visible_buttons() == []
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await sent.edit_caption("c")
    assert await sent.delete()
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await sent.delete()
    assert fake.chat(ALICE).messages == []


async def test_edit_caption(app: App, fake: FakeTelegram) -> None:
    sent = await app.bot.send_photo(ALICE, b"img", caption="old")
    edited = await sent.edit_caption("<i>new</i>", parse_mode="HTML")
    assert not isinstance(edited, bool)
    assert edited.caption == "new"
    assert fake.chat(ALICE).messages[0].caption_html == "<i>new</i>"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_caption("<i>new</i>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="There is no text in the message to edit"):
        await sent.edit_text("x")


async def test_unknown_method_is_not_found(app: App) -> None:
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": ALICE})


# ---------------------------------------------------------------------------------------------
# Fault injection, blocking, rate limiting
# ---------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("timedelta_retry_after")
async def test_fail_next_errors(app: App, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", error="retry_after", retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await app.bot.send_message(ALICE, "x")
    assert retry.value.retry_after == dtm.timedelta(seconds=7)

    fake.fail_next(chat_id=GROUP, error="migrated", migrate_to_chat_id=-1009)
    await app.bot.send_message(ALICE, "other chats are unaffected")
    with pytest.raises(ChatMigrated) as migrated:
        await app.bot.send_message(GROUP, "x")
    assert migrated.value.new_chat_id == -1009

    fake.fail_next("sendPhoto", error="forbidden")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_photo(ALICE, b"img")

    fake.fail_next(error="server_error", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await app.bot.get_chat(ALICE)
    await app.bot.send_message(ALICE, "recovered")
    assert fake.chat(ALICE).bot_texts() == ["other chats are unaffected", "recovered"]
    with pytest.raises(ValueError, match="error must be one of"):
        fake.fail_next(error="boom")


async def test_block_and_unblock(app: App, fake: FakeTelegram) -> None:
    fake.block(ALICE)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(ALICE, "x")
    with pytest.raises(Forbidden):
        await app.bot.send_chat_action(ALICE, "typing")
    await app.bot.send_message(BOB, "bob is fine")
    fake.unblock(ALICE)
    await app.bot.send_message(ALICE, "back")
    assert fake.chat(ALICE).bot_texts() == ["back"]
    assert fake.stats.rejected_by_code == {403: 1}


# ---------------------------------------------------------------------------------------------
# Flood limits (limits.py): on by default
# ---------------------------------------------------------------------------------------------
def started(fake: FakeTelegram, *user_ids: int) -> None:
    for user_id in user_ids:
        fake.start_chat({"id": user_id, "is_bot": False, "first_name": f"U{user_id}"})


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_overall_limit_is_30_a_second_by_default(app: App, fake: FakeTelegram) -> None:
    users = range(1000, 1031)
    started(fake, *users)
    for user_id in users[:30]:  # one each: no private chat goes over its own limit
        await app.bot.send_message(user_id, "x")
    with pytest.raises(RetryAfter) as retry:
        await app.bot.send_message(users[30], "the 31st within a second")
    assert retry.value.retry_after == dtm.timedelta(seconds=1)
    assert fake.stats.rejected_by_code == {429: 1}
    assert fake.chat(users[30]).messages == []  # refused, not shown


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_overall_limit_window_slides_on_an_injected_clock(
    app: App, fake: FakeTelegram
) -> None:
    now = [100.0]
    fake.set_rate_limit(3, clock=lambda: now[0])
    started(fake, ALICE + 1, ALICE + 2)
    for i in range(3):
        await app.bot.send_message(ALICE + i, "x")
        now[0] += 0.1
    with pytest.raises(RetryAfter) as retry:
        await app.bot.send_message(BOB, "too fast")
    assert retry.value.retry_after == dtm.timedelta(seconds=1)
    now[0] = 100.0 + 1.05  # the first send left the one-second window
    await app.bot.send_message(BOB, "ok again")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(BOB, "still too fast")
    assert (fake.stats.accepted, fake.stats.rejected) == (4, 2)
    assert fake.stats.rejected_by_code == {429: 2}
    fake.no_rate_limits()
    for _ in range(40):
        await app.bot.send_message(ALICE, "unlimited")


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_group_limit_20_a_minute_and_edits_count(
    app: App, fake: FakeTelegram, alice: TgUser
) -> None:
    group = TgGroup(app, fake, GROUP, "Đảng ủy phường")
    other = TgGroup(app, fake, GROUP - 1, "Chi bộ 3")
    first = await app.bot.send_message(GROUP, "1")
    for i in range(2, 20):
        await app.bot.send_message(GROUP, str(i))
    await app.bot.edit_message_text("1, edited", GROUP, first.message_id)  # the 20th
    with pytest.raises(RetryAfter) as retry:
        await app.bot.send_message(GROUP, "the 21st in a minute")
    # Whole seconds until the first left the 60-second window (a few ms have passed).
    assert retry.value.retry_after == dtm.timedelta(seconds=60)
    with pytest.raises(RetryAfter):
        await app.bot.edit_message_text("1, again", GROUP, first.message_id)
    await app.bot.send_message(other.chat_id, "another group has its own 20")
    await app.bot.send_message(ALICE, "and private chats are not concerned")
    assert len(group.chat.bot_messages()) == 19
    assert group.chat.bot_texts()[0] == "1, edited"
    assert fake.stats.rejected_by_code == {429: 2}


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_group_window_opens_when_the_date_clock_moves_on(app: App) -> None:
    now = [float(NOW)]
    fake = FakeTelegram(date_clock=lambda: now[0])  # the limits' clock skips what it skips
    app = build_app(fake)
    await app.initialize()
    try:
        group = TgGroup(app, fake, GROUP, "Đảng ủy phường")
        for i in range(20):
            await app.bot.send_message(GROUP, str(i))
        now[0] += 30  # half a minute later: still the same minute
        with pytest.raises(RetryAfter) as retry:
            await app.bot.send_message(GROUP, "x")
        assert retry.value.retry_after == dtm.timedelta(seconds=30)
        now[0] += 31
        await app.bot.send_message(GROUP, "a minute later")
        assert group.chat.bot_texts()[-1] == "a minute later"
    finally:
        await app.shutdown()


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_on_a_time_scale_retry_after_is_in_real_seconds() -> None:
    fake = FakeTelegram(date_clock=lambda: NOW, time_scale=20)
    app = build_app(fake)
    await app.initialize()
    try:
        TgGroup(app, fake, GROUP, "Đảng ủy phường")
        for i in range(20):
            await app.bot.send_message(GROUP, str(i))
        with pytest.raises(RetryAfter) as retry:
            await app.bot.send_message(GROUP, "x")
        assert retry.value.retry_after == dtm.timedelta(seconds=3)  # a minute is 3 s here
    finally:
        await app.shutdown()


def test_flow_tests_run_chibos_limiter_on_the_fakes_time_scale() -> None:
    fake = fake_for(Clock(dtm.datetime(2026, 11, 21, 9, 0, tzinfo=VN)))
    assert fake.time_scale == TIME_SCALE
    ours, theirs = limiter_for(fake), telegram_rate_limiter()
    assert ours._base_limiter is not None and theirs._base_limiter is not None
    assert ours._base_limiter.max_rate == theirs._base_limiter.max_rate
    assert ours._base_limiter.time_period * TIME_SCALE == pytest.approx(
        theirs._base_limiter.time_period
    )
    assert (ours._group_max_rate, ours._group_time_period * TIME_SCALE) == (
        theirs._group_max_rate,
        pytest.approx(theirs._group_time_period),
    )
    assert ours._max_retries == theirs._max_retries > 0


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_private_chat_takes_a_burst_then_refuses_a_flood(
    app: App, fake: FakeTelegram, alice: TgUser
) -> None:
    for i in range(10):  # a burst of 10 to one chat at once is tolerated
        await app.bot.send_message(ALICE, f"burst {i}")
    with pytest.raises(RetryAfter) as retry:
        await app.bot.send_message(ALICE, "a flood")
    assert retry.value.retry_after == dtm.timedelta(seconds=1)
    await app.bot.send_message(BOB, "another chat is not concerned")
    await alice.send("xin chào")  # a person's action: the bot may answer
    assert alice.chat.bot_texts()[-1] == "echo: xin chào"
    assert fake.stats.rejected_by_code == {429: 1}


async def test_a_reply_and_an_edit_per_tap_pass_at_any_speed(
    alice: TgUser, fake: FakeTelegram
) -> None:
    # This tiny bot has no rate limiter, and 80 messages in a second would break the overall
    # limit: switched off, as this is about one private chat only.
    fake.set_rate_limit(None)
    for _ in range(40):  # 80 messages to one chat within a second or so
        await alice.command("menu")
        await alice.press("Có mặt")
        assert alice.chat.last_bot_message.text == "Đã chọn: yes"
    assert fake.stats.rejected == 0
    assert fake.stats.accepted == 80


@pytest.mark.usefixtures("timedelta_retry_after")
async def test_the_application_under_test_waits_out_a_429_and_delivers(env: BotEnv) -> None:
    """start_env builds the application with chibo's own rate limiter, as production runs:
    a 429 from the fake is waited out (retry_after) and the request sent again."""
    tree = await env.seed_tree()
    secretary = env.user(200, "Hòa")
    await env.grant(secretary, tree["kp5"], Role.SECRETARY)
    await secretary.command("language")
    # A chat that takes no burst: of the two messages for the next tap (the edited question,
    # then the new keyboard), the second meets a 429 with retry_after 1.
    env.fake.set_rate_limit(private_burst=1)
    await secretary.press("🇬🇧 English")
    assert env.fake.stats.rejected_by_code == {429: 1}
    edited, answer = secretary.chat.bot_messages()[-2:]
    assert edited.text is not None and "English" in edited.text
    assert answer.text == "From now on I will write to you in English."
    assert ["👥 Members", "📊 Reports"] in (secretary.chat.reply_keyboard or [])
    # (and the env fixture fails the test if a handler raised, e.g. an unhandled RetryAfter)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------
async def test_upload_and_download_round_trip(alice: TgUser, fake: FakeTelegram) -> None:
    content = bytes(range(256)) * 40
    await alice.upload("biên bản.pdf", content, caption="họp chi bộ")
    upload = alice.chat.messages[0]
    assert upload.document is not None
    assert upload.document.mime_type == "application/pdf"
    digest = hashlib.sha256(content).hexdigest()[:12]
    assert alice.chat.bot_texts()[0] == f"biên bản.pdf: {len(content)} bytes, {digest}"
    echoed = alice.chat.messages[-1].document
    assert echoed is not None
    assert (echoed.file_name, echoed.content) == ("reversed.bin", content[::-1])
    assert any(c.method == "download" and c.ok for c in fake.calls)


async def test_bot_sent_files_are_stored_and_downloadable(alice: TgUser, app: App) -> None:
    await alice.command("report")
    document, photo = alice.chat.messages[1:]
    assert document.document is not None
    assert (document.document.file_name, document.document.content) == (
        "bao_cao.csv",
        b"a;b\n1;2\n",
    )
    assert (document.caption, document.caption_html) == ("Báo cáo", "<b>Báo cáo</b>")
    assert photo.photo == b"\x89PNG fake image"
    file = await app.bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await app.bot.get_file("nope")
    resent = await app.bot.send_document(BOB, document.document.file_id)
    assert resent.document is not None
    assert resent.document.file_name == "bao_cao.csv"


# ---------------------------------------------------------------------------------------------
# Groups, members, chats
# ---------------------------------------------------------------------------------------------
async def test_group_add_bot_and_messages(app: App, fake: FakeTelegram, alice: TgUser) -> None:
    group = TgGroup(app, fake, GROUP, "Chi bộ 3")
    service = await group.add_bot(by=alice)
    assert group.chat.bot_texts() == ["Xin chào Chi bộ 3"]
    assert service.extra["new_chat_members"][0]["id"] == app.bot.id
    await alice.send_in(group, "hello")
    assert group.chat.bot_texts()[-1] == "echo: hello"
    assert [m.message_id for m in group.chat.messages] == [1, 2, 3, 4]
    assert fake.member_status(GROUP, ALICE) == "member"

    await app.bot.leave_chat(GROUP)
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await app.bot.send_message(GROUP, "x")
    await group.remove_bot(by=alice)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await app.bot.send_message(GROUP, "x")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        ("creator", ChatMemberOwner),
        ("administrator", ChatMemberAdministrator),
        ("member", ChatMemberMember),
        ("restricted", ChatMemberRestricted),
        ("left", ChatMemberLeft),
        ("kicked", ChatMemberBanned),
    ],
)
async def test_get_chat_member_statuses(
    app: App, fake: FakeTelegram, alice: TgUser, status: str, cls: type[ChatMember]
) -> None:
    group = TgGroup(app, fake, GROUP, "Chi bộ 3")
    group.set_status(alice, status)
    member = await app.bot.get_chat_member(GROUP, ALICE)
    assert isinstance(member, cls)
    assert member.user.first_name == "Lan"


async def test_get_chat_member_unknown_user(app: App, fake: FakeTelegram) -> None:
    TgGroup(app, fake, GROUP, "Chi bộ 3")
    with pytest.raises(BadRequest, match="User not found"):
        await app.bot.get_chat_member(GROUP, 999)
    assert (await app.bot.get_chat_member(GROUP, app.bot.id)).status == "member"


async def test_get_chat_and_menu_button(app: App, fake: FakeTelegram, alice: TgUser) -> None:
    TgGroup(app, fake, GROUP, "Chi bộ 3")
    chat = await app.bot.get_chat(GROUP)
    assert (chat.title, chat.type) == ("Chi bộ 3", "supergroup")
    private = await app.bot.get_chat("@lan_nguyen")
    assert (private.id, private.first_name) == (ALICE, "Lan")
    await app.bot.set_chat_menu_button(ALICE, MenuButtonCommands())
    assert fake.chat(ALICE).menu_button == {"type": "commands"}
    assert await app.bot.send_chat_action(ALICE, "typing")
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.get_chat("@nobody")


async def test_strict_chats_by_default() -> None:
    fake = FakeTelegram()
    app = build_app(fake)
    await app.initialize()
    try:
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message(999, "nobody registered this chat")
        user = TgUser(app, fake, ALICE, "Lan")
        with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
            await app.bot.send_message(ALICE, "she never wrote to the bot")
        await user.send("hi")
        await app.bot.send_message(ALICE, "now allowed")
        assert user.chat.bot_texts() == ["echo: hi", "now allowed"]

        # An update queued for getUpdates shows its sender wrote to the bot, as in Telegram.
        lan = {"id": 333, "is_bot": False, "first_name": "Lan"}
        chat = {"id": 333, "type": "private", "first_name": "Lan"}
        fake.queue_update({"message": {"message_id": 1, "date": NOW, "chat": chat, "from": lan}})
        await app.bot.send_message(333, "answer to a polled update")
        fake.start_chat({"id": 444, "is_bot": False, "first_name": "Minh"})
        await app.bot.send_message(444, "a seeded user who pressed Start")
        assert fake.chat(444).bot_texts() == ["a seeded user who pressed Start"]
        assert fake.stats.rejected_by_code == {400: 1, 403: 1}
    finally:
        await app.shutdown()


async def test_lenient_chats_only_when_asked() -> None:
    fake = FakeTelegram(strict_chats=False)
    app = build_app(fake)
    await app.initialize()
    try:
        await app.bot.send_message(999, "any chat id")
        assert fake.chat(999).bot_texts() == ["any chat id"]
    finally:
        await app.shutdown()


# ---------------------------------------------------------------------------------------------
# Commands, updates, webhooks
# ---------------------------------------------------------------------------------------------
async def test_my_commands_per_scope_and_language(app: App, fake: FakeTelegram) -> None:
    await app.bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await app.bot.set_my_commands([BotCommand("start", "Bắt đầu")], language_code="vi")
    group_scope = BotCommandScopeAllGroupChats()
    await app.bot.set_my_commands([BotCommand("hop", "Cuộc họp")], scope=group_scope)
    assert [c.command for c in await app.bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await app.bot.get_my_commands(language_code="vi")] == ["Bắt đầu"]
    assert fake.commands(group_scope) == [("hop", "Cuộc họp")]
    assert fake.commands(language_code="en") == []
    assert fake.visible_commands(ALICE, language_code="vi") == [("start", "Bắt đầu")]
    assert fake.visible_commands(ALICE, language_code="fr") == [
        ("start", "Start"),
        ("help", "Help"),
    ]
    assert fake.visible_commands(GROUP, ALICE, language_code="vi") == [("hop", "Cuộc họp")]
    await app.bot.set_my_commands([BotCommand("x", "chat only")], scope=BotCommandScopeChat(ALICE))
    assert fake.visible_commands(ALICE, language_code="vi") == [("x", "chat only")]
    assert await app.bot.delete_my_commands(language_code="vi")
    assert await app.bot.get_my_commands(language_code="vi") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await app.bot.set_my_commands([BotCommand("Start", "uppercase is invalid")])


async def test_get_updates_and_webhook(app: App, fake: FakeTelegram) -> None:
    user = {"id": ALICE, "is_bot": False, "first_name": "Lan"}
    chat = {"id": ALICE, "type": "private", "first_name": "Lan"}
    for text in ("one", "two", "three"):
        message = {"message_id": 1, "date": NOW, "chat": chat, "from": user, "text": text}
        fake.queue_update({"message": message})
    updates = await app.bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["one", "two", "three"]
    later = await app.bot.get_updates(offset=updates[1].update_id + 1)
    assert [u.update_id for u in later] == [updates[2].update_id]
    assert await app.bot.get_updates(offset=updates[2].update_id + 1, timeout=0) == ()

    assert await app.bot.set_webhook("https://bot.example.org/hook", secret_token="s3cret")
    info = await app.bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("https://bot.example.org/hook", 0)
    with pytest.raises(Conflict, match="webhook is active"):
        await app.bot.get_updates()
    assert await app.bot.delete_webhook()
    assert (await app.bot.get_webhook_info()).url == ""


async def test_get_updates_long_poll_wakes_up_on_new_update(app: App, fake: FakeTelegram) -> None:
    poll = asyncio.create_task(app.bot.get_updates(timeout=5))
    await asyncio.sleep(0.01)
    assert not poll.done()
    fake.queue_update({"update_id": 77})
    updates = await asyncio.wait_for(poll, 1)
    assert [u.update_id for u in updates] == [77]


# ---------------------------------------------------------------------------------------------
# The HTML parser on its own
# ---------------------------------------------------------------------------------------------
def test_parse_html_entities_use_utf16_offsets() -> None:
    parsed = parse_html(
        '😀 <b>đậm</b> <a href="https://x.org/?a=1&amp;b=2">link</a> '
        '<pre><code class="language-python">x</code></pre> &#128512;&lt;'
    )
    assert parsed.text == "😀 đậm link x 😀<"
    assert parsed.entities == (
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "text_link", "offset": 7, "length": 4, "url": "https://x.org/?a=1&b=2"},
        {"type": "pre", "offset": 12, "length": 1, "language": "python"},
    )
    assert parse_html("  <i> hi </i>\n").stripped().entities == (
        {"type": "italic", "offset": 0, "length": 2},
    )
    with pytest.raises(HtmlParseError):
        parse_html("<b><i>x</b></i>")


async def test_updater_polls_the_fake(fake: FakeTelegram) -> None:
    app = build_app(fake)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        user = {"id": ALICE, "is_bot": False, "first_name": "Lan"}
        msg = fake.add_user_message(ALICE, user, text="qua polling")
        fake.queue_update({"message": msg.to_api()})
        for _ in range(100):
            if len(fake.chat(ALICE).messages) == 2:
                break
            await asyncio.sleep(0.01)
        await app.updater.stop()
        await app.stop()
    assert fake.chat(ALICE).bot_texts() == ["echo: qua polling"]
    assert [c.method for c in fake.calls[:3]] == ["getMe", "deleteWebhook", "getUpdates"]
