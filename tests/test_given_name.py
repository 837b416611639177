"""Whom chibo greets (L6, #15 item 14): "đồng chí Lan", by the given name alone, whatever the
order of the Telegram name; the roster name of a linked member first."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.demo.names import FAMILY
from bot.domain.given_name import FAMILY_NAMES, given_name_of_member, given_name_of_telegram
from bot.domain.model import Role
from storage.models import Member

from .auxil.botenv import BotEnv
from .auxil.flows import cell_with_members


@pytest.mark.parametrize(
    ("first", "last", "given"),
    [
        ("Lan", "Phạm", "Lan"),  # Western order, as many type it
        ("Phạm Thị Lan", None, "Lan"),  # L4 order in the first name
        ("Phạm", "Thị Lan", "Lan"),  # L4 order split between the two
        ("Lan", "Nguyễn Thị", "Lan"),
        ("Lan", None, "Lan"),
        ("Hòa", "Trần", "Hòa"),
        ("lan nguyen 🌸", None, "Lan"),  # no tones, lower case, an emoji
        ("NGUYỄN THỊ LAN", None, "Lan"),
        ("Mai", "Phạm", "Mai"),  # a given name that is a family name too
        ("Nguyễn Thị Mai", None, "Mai"),
        ("Giang", "Nguyễn", "Giang"),
        ("Bế Văn Đàn", None, "Đàn"),  # a family name off the list, "Văn" tells the order
        ("Lan (KP5)", None, "Lan"),
        ("H'Hen", "Niê", "H'Hen"),
        ("🌸", None, ""),
    ],
)
def test_the_given_name_is_read_from_a_telegram_name_in_either_order(
    first: str, last: str | None, given: str
) -> None:
    assert given_name_of_telegram(first, last) == given


def test_a_roster_name_is_in_the_l4_order() -> None:
    """L4: family, middle, given: the given name is the last word."""
    assert given_name_of_member("Nguyễn Thị Hòa") == "Hòa"
    assert given_name_of_member("Tôn Nữ Minh Khai") == "Khai"
    assert given_name_of_member("Lan") == "Lan"


def test_every_family_name_of_the_demo_is_known() -> None:
    """The demo's people (bot/demo/names.py) are greeted by their given name as well."""
    known = {name.casefold() for name in FAMILY_NAMES}
    assert [f for f, _ in FAMILY if f.split()[0].casefold() not in known] == []


async def test_the_main_menu_greets_by_the_given_name(env: BotEnv) -> None:
    """Telegram says "Hòa Trần": the menu says "đồng chí Hòa"; once the user is linked to the
    roster member "Phạm Thị Thuỷ", the roster's given name wins over the Telegram name."""
    sec, _tree, ids = await cell_with_members(env, n=3)
    seen = sec.chat.last_bot_message.text
    assert seen.startswith("Xin chào đồng chí Hòa.\n")
    assert "Hòa Trần" not in seen

    async with env.db() as s:
        await s.execute(
            update(Member).where(Member.id == ids["Phạm Thị Thuỷ"]).values(telegram_user_id=200)
        )
    await sec.command("start")
    assert sec.chat.last_bot_message.text.startswith("Xin chào đồng chí Thuỷ.\n")


async def test_a_name_without_letters_is_greeted_without_a_name(env: BotEnv) -> None:
    tree = await env.seed_tree()
    user = env.user(300, "🌸🌸")
    await env.grant(user, tree["kp5"], Role.SECRETARY)
    await user.command("start")
    assert user.chat.last_bot_message.text.startswith("Xin chào đồng chí.\n")
