"""Property-based fuzzing (#6, hypothesis): every free-text step, file uploads and callback
payloads, through the real application on the fake Bot API, on both databases.

Properties, for every example: no handler raises (the error handler is never reached), every
call the bot makes is within Telegram's limits (texts, captions, HTML, callback data,
alerts), a button is always answered, and input the bot rejects leaves the database
exactly as it was (every table; only the caller's own `users` row may record the visit).
Where a parser decides (a date, a month, a time, a name), the test asks the parser too, so
garbage must be rejected and not silently stored.

The world is built once per test in an event loop of the test's own; hypothesis drives it
from a synchronous @given (function-scoped async fixtures and @given do not mix), and each
example starts from the same conversation state. Examples are derandomized and no example
database is kept, so CI runs the same inputs every time.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import delete, update

from bot.domain.dates import parse_date, parse_month, parse_start_and_length, parse_time
from bot.domain.model import CellType, MemberStatus, OrgKind, Role
from bot.domain.names import org_name_problem, person_name_problem
from bot.domain.roster import NewSpan
from bot.domain.text import normalize
from bot.intake.org_import import parse_org_csv
from bot.intake.roster_import import RosterFileError, parse_pasted, parse_roster_file
from bot.intake.tabular import ImportFileError
from bot.render.i18n import translator
from storage import meetings, members, orgs
from storage.models import FlowState, MeetingMark, User

from .auxil.botenv import VN, BotEnv, Clock, start_env, stop_env
from .auxil.db import Backend, empty_tables
from .auxil.probing import Snapshot, limit_problems, own_rows, shown_since, snapshot, table_changes
from .fakeapi import TgGroup, TgUser
from .test_authz_matrix import CALLBACKS

# Hundreds of uploads: parsed in-process (tests/auxil/parsing.py); the child is tested apart.
pytestmark = pytest.mark.usefixtures("parse_in_process")

TODAY = date(2026, 11, 21)
SEC, ADMIN, STRANGER = 200, 100, 900
GROUP = -100_777
TOKEN = "fz000001"
VI = translator("vi")
OUT_OF_DATE = VI.gettext(
    "This message is out of date. Please use the newest one, or open the menu again."
)
NOT_ALLOWED = VI.gettext("Sorry, you cannot do that here.")
ERROR_TEXT = VI.gettext(
    "Sorry, something went wrong on my side. Nothing was saved from this step; please try "
    "again, or /cancel to start over."
)


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# --- the world: a ward, two cells, a roster, meetings; a secretary, an admin, a stranger ---


@dataclass
class World:
    env: BotEnv
    users: dict[str, TgUser]
    ids: dict[str, Any]
    group: TgGroup
    runner: asyncio.Runner

    def run(self, coro: Any) -> Any:
        return self.runner.run(coro)


MEMBER_NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Thuỷ")


async def _build(env: BotEnv, runner: asyncio.Runner) -> World:
    tree = await env.seed_tree()
    async with env.db() as s:
        roster = []
        for name, spans in (
            ("Nguyễn Văn An", [NewSpan(MemberStatus.OFFICIAL, date(2000, 1, 1))]),
            ("Trần Thị Bình", [NewSpan(MemberStatus.OFFICIAL, date(2001, 1, 1))]),
            ("Lê Văn Cường", [NewSpan(MemberStatus.PROBATIONARY, date(2026, 3, 1))]),
            (
                "Phạm Thị Thuỷ",
                [
                    NewSpan(MemberStatus.OFFICIAL, date(1971, 1, 6)),
                    NewSpan(MemberStatus.EXEMPTED, date(2024, 1, 1)),
                ],
            ),
        ):
            m = await members.add_member(
                s, cell_id=tree["kp5"].id, full_name=name, spans=spans, actor_id=None
            )
            roster.append(m.id)
        party = await orgs.create(
            s, name="Đảng bộ Khối cơ quan", kind=OrgKind.GRASSROOTS, parent=tree["ward"],
            actor_id=None,
        )  # fmt: skip
        await orgs.create(
            s, name="Chi bộ Văn phòng", kind=OrgKind.CELL, parent=party, actor_id=None,
            cell_type=CellType.AGENCY,
        )  # fmt: skip
    users = {
        "sec": await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY),
        "admin": await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN),
        "stranger": env.user(STRANGER, "Lạ", language_code=None),
    }
    await users["stranger"].command("start")
    group = env.group(GROUP, "Đảng ủy phường Hòa Minh")
    async with env.db() as s:
        ward = await orgs.get(s, tree["ward"].id)
        assert ward is not None
        await orgs.link_group(s, ward, GROUP, actor_id=None)
    await users["admin"].send_in(group, "/baocao")  # a screen with buttons in the group
    saved = await env.save_meeting(
        tree["kp5"].id, date(2026, 11, 3), "regular", {roster[1]: ("unexcused", None)}
    )
    await env.save_meeting(tree["kp5"].id, date(2026, 10, 6), "thematic")
    async with env.db() as s:
        draft = await meetings.create_draft(
            s, cell_id=tree["kp5"].id, kind="extraordinary", user_id=SEC, start=None, minutes=90
        )
        draft.held_on = date(2026, 11, 20)
        await s.flush()
        draft_id = draft.id
    ids = {
        "ward": tree["ward"].id, "cell": tree["kp5"].id, "other_cell": tree["tdp12"].id,
        "party": party.id, "member": roster[0], "member2": roster[1], "exempt": roster[3],
        "meeting": saved, "draft": draft_id,
    }  # fmt: skip
    return World(env, users, ids, group, runner)


@contextmanager
def world_on(backend: Backend, tmp_path: Path) -> Iterator[World]:
    """The application on its own engine and event loop for the whole test."""
    runner = asyncio.Runner()
    engine, _url = backend.engine(tmp_path)
    clock = Clock(datetime(2026, 11, 21, 9, 0, tzinfo=VN))

    async def start() -> World:
        await empty_tables(engine, backend)
        env = await start_env(engine, clock)
        return await _build(env, runner)

    world = runner.run(start())
    try:
        yield world
    finally:
        errors = list(world.env.errors)
        runner.run(stop_env(world.env))
        runner.run(engine.dispose())
        runner.close()
    assert not errors, errors  # every example checked its own; none may be left over


async def set_flow(
    world: World, user: TgUser, flow: tuple[str, str, dict[str, Any]] | None
) -> None:
    """The caller's conversation as the example starts (and the default language)."""
    async with world.env.db() as s:
        await s.execute(delete(FlowState).where(FlowState.user_id == user.id))
        await s.execute(update(User).where(User.telegram_id == user.id).values(locale=None))
        if flow is not None:
            name, step, data = flow
            s.add(FlowState(user_id=user.id, chat_id=user.id, flow=name, step=step, token=TOKEN,
                            data=data))  # fmt: skip


@dataclass
class Outcome:
    before: Snapshot
    after: Snapshot
    shown_texts: list[str]
    problems: list[str]
    answer: Any = None


async def probe(
    world: World, user: TgUser, flow: tuple[str, str, dict[str, Any]] | None,
    act: Callable[[], Any], *, callback: bool = False,
) -> Outcome:  # fmt: skip
    """Start from `flow`, act, and check the properties every example must have."""
    env = world.env
    await set_flow(world, user, flow)
    before = await snapshot(env.engine)
    mark, errors = len(env.fake.calls), len(env.errors)
    query_id = await act()
    after = await snapshot(env.engine)
    problems = [f"a handler raised {e!r}" for e in env.errors[errors:]]
    problems += limit_problems(env.fake, mark)
    shown = shown_since(env.fake, mark)
    if any(ERROR_TEXT in t for t in shown.texts):
        problems.append("the error handler answered")
    answer = env.fake.callback_answer(query_id) if callback and query_id else None
    if callback and answer is None:
        problems.append("the button was not answered")
    if not callback and not shown.texts:
        problems.append("no answer")
    return Outcome(before, after, shown.texts, problems, answer)


def unchanged(out: Outcome, user: TgUser) -> list[str]:
    """Rejected input: no table changed, the caller's conversation included."""
    problems = table_changes(out.before, out.after, own=user.id)
    if own_rows(out.before, "flow_states", user.id) != own_rows(out.after, "flow_states", user.id):
        problems.append(f"the conversation changed: {own_rows(out.after, 'flow_states', user.id)}")
    return problems


async def save_preview(world: World, user: TgUser) -> list[str]:
    """Whatever an import preview accepted can be saved (names, dates, statuses as read)."""
    preview = user.chat.last_bot_message
    save = [b for b in (preview.buttons if preview else []) if b.text.startswith("✅")]
    if not save:
        return []
    mark, errors = len(world.env.fake.calls), len(world.env.errors)
    await user.press(save[0].text)
    problems = [f"saving raised {e!r}" for e in world.env.errors[errors:]]
    return problems + limit_problems(world.env.fake, mark)


def record(world: World, what: str, problems: list[str]) -> None:
    if problems:
        raise AssertionError(f"{what}: " + "; ".join(problems))


# --- strategies ---------------------------------------------------------------------------

# Vietnamese letters, digits, the separators people type, HTML's special characters,
# invisible and control characters, emoji (two UTF-16 units), other scripts.
ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
    "ùúủũụừứửữựỳýỷỹỵ0123456789 /-.:,;()'\"h<>&\n\t\u00a0\u200b\u202e\u0300\u0301"
    "Ð²٣🙂😀ß\ufb03İ\x00\x07"
)
words = st.text(alphabet=ALPHABET, max_size=60)
dates = st.builds(
    lambda d, m, y, sep: f"{d}{sep}{m}" + (f"{sep}{y}" if y else ""),
    st.integers(0, 40), st.integers(0, 14), st.sampled_from(["", "26", "2026", "1899", "9999"]),
    st.sampled_from(["/", "-", ".", " / "]),
)  # fmt: skip
times = st.builds(
    lambda h, m, suffix: f"{h}h{m:02d}{suffix}" if m else f"{h}:{m:02d}{suffix}",
    st.integers(0, 30), st.integers(0, 70),
    st.sampled_from(["", " tối", " sáng", " chiều", " 120", " 90p", " 700"]),
)  # fmt: skip
months = st.builds(
    lambda m, y: f"{m}/{y}", st.integers(0, 14), st.sampled_from(["2026", "2025", "1899", "3000"])
) | st.sampled_from(["T10", "tháng 13", "tháng 10 năm 2026", "2026-10", "10/2026"])
numbers = st.integers(-10, 10**6).map(str) | st.sampled_from(
    ["²", "٣٠", "1e3", "90 điểm", "100/100"]
)
long_texts = st.builds(lambda c, n: c * n, st.sampled_from(["a", "ß", "🙂", "<", "Đ"]),
                       st.integers(150, 4000))  # fmt: skip
free_text = st.one_of(words, dates, times, months, numbers, long_texts)


# --- typed text in every step -------------------------------------------------------------

TextOracle = Callable[[str], bool]  # True when the input must be rejected


def _name_bad(text: str) -> bool:
    return person_name_problem(normalize(text)) is not None  # #12: the import's rule


def _org_name_bad(text: str) -> bool:
    return org_name_problem(normalize(text)) is not None


def _date_bad(text: str) -> bool:
    return parse_date(text, today=TODAY) is None


def _month_bad(text: str) -> bool:
    ym = parse_month(text, today=TODAY)
    return ym is None or ym > (TODAY.year, TODAY.month)


def _score_bad(text: str) -> bool:
    t = text.strip().removesuffix("điểm").strip().removesuffix("/100").strip()
    return not (t.isdecimal() and 0 <= int(t) <= 100)


def _guests_bad(text: str) -> bool:
    names = [" ".join(normalize(line).partition(",")[0].split()) for line in text.splitlines()]
    return not any(names) or any(n and _name_bad(n) for n in names)  # one bad name: none added


def _upper_bad(text: str) -> bool:
    name = " ".join(normalize(text).partition(",")[0].split())
    return not name or parse_time(name) is not None or _name_bad(name)


# step → (who, flow with the world's ids as "{key}", the rejection oracle or None)
STEPS: dict[str, tuple[str, tuple[str, str, dict[str, Any]] | None, TextOracle | None]] = {
    "meeting date": ("sec", ("meeting", "date", {"meeting_id": "{draft}"}),
                     lambda t: _date_bad(t) or parse_date(t, today=TODAY) > TODAY),  # type: ignore[operator]
    "absence reason": ("sec", ("meeting", "attendance", {"meeting_id": "{draft}"}), None),
    "time and length": ("sec", ("meeting", "time", {"meeting_id": "{draft}"}),
                        lambda t: parse_start_and_length(t) is None),
    "topic": ("sec", ("meeting", "topic", {"meeting_id": "{draft}"}),
              lambda t: len(" ".join(normalize(t).split())) > 200),
    "score": ("sec", ("meeting", "grade", {"meeting_id": "{draft}"}), _score_bad),
    "guests": ("sec", ("meeting", "guests", {"meeting_id": "{draft}"}), _guests_bad),
    "upper attendee": ("sec", ("meeting", "upper", {"meeting_id": "{draft}"}), _upper_bad),
    "rename": ("sec", ("rename", "name", {"member_id": "{member}"}), _name_bad),
    "status from": ("sec", ("status", "from", {"member_id": "{member}", "status": "exempted"}),
                    _date_bad),
    "status until": ("sec", ("status", "until", {"member_id": "{member}", "status": "exempted",
                                                 "start": "2026-11-01"}),
                     lambda t: _date_bad(t) or parse_date(t, today=TODAY) < date(2026, 11, 1)),  # type: ignore[operator]
    "new member's name": ("sec", ("addone", "name", {"cell_id": "{cell}"}), _name_bad),
    "new member's date": ("sec", ("addone", "date", {"cell_id": "{cell}", "name": "Võ Văn Thử",
                                                     "status": "official"}), _date_bad),
    "pasted roster": ("sec", ("paste", "text", {"cell_id": "{cell}"}), None),
    "new cell's name": ("admin", ("orgadd", "name", {"parent_id": "{ward}"}), _org_name_bad),
    "cell's new name": ("admin", ("orgrename", "name", {"org_id": "{other_cell}"}),
                        _org_name_bad),
    "zero report month": ("sec", ("zero", "month", {"cell_id": "{cell}"}), _month_bad),
    "zero report reason": ("sec", ("zero", "reason", {"cell_id": "{cell}", "year": 2026,
                                                     "month": 10}),
                           lambda t: not normalize(t) or len(normalize(t)) > 200),
    "meeting time": ("sec", ("schedule", "time", {"org_id": "{cell}"}),
                     lambda t: parse_time(t) is None),
    "report month": ("admin", ("report", "month", {"node_id": "{ward}"}), _month_bad),
    "secretary, no flow": ("sec", None, None),
    "stranger, no flow": ("stranger", None, lambda t: True),
}  # fmt: skip


def _fill(flow: tuple[str, str, dict[str, Any]] | None, ids: dict[str, Any]) -> Any:
    if flow is None:
        return None
    name, step, data = flow
    filled = {
        k: ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v for k, v in data.items()
    }
    return name, step, filled


async def _excused_without_reason(world: World) -> None:
    """The attendance step waits for a reason: the first member is excused, no reason yet."""
    async with world.env.db() as s:
        draft = await meetings.get(s, world.ids["draft"])
        assert draft is not None
        await s.execute(delete(MeetingMark).where(MeetingMark.meeting_id == draft.id))
        await meetings.set_mark(s, draft, world.ids["member"], "excused", None)


def _text_example(world: World, step: str, text: str) -> None:
    who, flow, oracle = STEPS[step]
    user = world.users[who]

    async def go() -> list[str]:
        if step == "absence reason":
            await _excused_without_reason(world)
        out = await probe(world, user, _fill(flow, world.ids), lambda: user.send(text))
        problems = list(out.problems)
        if oracle is not None and oracle(text):
            problems += unchanged(out, user)  # rejected: nothing written, the flow waits
        if step == "pasted roster":  # a list is only previewed: nothing is written yet
            problems += [p for p in table_changes(out.before, out.after, own=user.id)]
            if not problems:
                problems += await save_preview(world, user)
        return problems

    record(world, f"{step}: {text[:80]!r}", world.run(go()))


names = st.one_of(
    words, long_texts, st.sampled_from(["Nguyễn Thị Hòa", "Ðặng Văn Ðức", "Hoà", "ß" * 61])
)
lines = st.lists(st.one_of(words, names, dates), min_size=1, max_size=12).map("\n".join)
pairs = st.builds(lambda a, b: f"{a}, {b}", names, words)
# Inputs shaped for each step, mixed with anything at all.
STEP_INPUTS = {
    "meeting date": dates, "status from": dates, "status until": dates,
    "new member's date": dates, "time and length": times, "meeting time": times,
    "score": numbers, "zero report month": months, "report month": months,
    "rename": names, "new member's name": names, "new cell's name": names,
    "cell's new name": names, "guests": st.one_of(pairs, lines), "upper attendee": pairs,
    "pasted roster": lines, "topic": long_texts, "zero report reason": long_texts,
}  # fmt: skip
PER_STEP = 18
# NUL (PostgreSQL text cannot hold it), a digit int() refuses, HTML, look-alikes, letters whose
# lower case or sort key is longer, a message at Telegram's limit.
NASTY = ["a\x00b", "²", "<b>x</b> & <i", "Ðặng", "İ" * 130, "ß" * 121, "🙂" * 2048, "0"]


@pytest.mark.parametrize("part", [0, 1])
def test_typed_text_in_every_step(backend: Backend, tmp_path: Path, part: int) -> None:
    with world_on(backend, tmp_path) as world:
        for step in sorted(STEPS)[part::2]:
            shaped = STEP_INPUTS.get(step, words)
            inputs = st.one_of(shaped, shaped, free_text).filter(
                lambda t: t.strip() != "" and not t.startswith("/")
            )

            for text in NASTY:  # always tried, whatever hypothesis draws
                _text_example(world, step, text)

            @fuzz_settings(PER_STEP)
            @given(step=st.just(step), text=inputs)
            def check(step: str, text: str) -> None:
                _text_example(world, step, text)

            check()


# --- callback payloads ----------------------------------------------------------------------

MUTANTS = [
    "-1", "0", "2147483648", "9223372036854775808", "1" * 30, "", "٣", "²", "1e3", " 1",
    "+1", "0x1", "None", "🙂", "999999", "-40000", "40000", "99991231", "00010101", "202613",
    "20261131", "999912", "000101", "2026-13", "1899", "9999-Q4",
]  # fmt: skip


# The typed-text flows whose token a button carries (tests/test_authz_matrix.py's t_ fields).
FLOW_TOKENS = ("status", "addone", "import", "orgadd", "zero", "rename", "orgrename", "gradenote")


async def _values(world: World) -> dict[str, Any]:
    """The templates' fields with the world's own ids (and the draft's current version)."""
    async with world.env.db() as s:
        draft = await meetings.get(s, world.ids["draft"])
        saved = await meetings.get(s, world.ids["meeting"])
    ids = world.ids
    values = {
        "cell": ids["cell"], "ward": ids["ward"], "member": ids["member"], "exempt": ids["exempt"],
        "meeting": ids["meeting"], "mver": saved.version if saved else 1, "guest": 1,
        "report": 1, "invite": 1, "grant": 1, "draft": ids["draft"],
        "dver": draft.version if draft else 1, "own_draft": ids["draft"],
        "own_ver": draft.version if draft else 1, "own_node": ids["party"],
        "own_cell": ids["other_cell"],
    }  # fmt: skip
    return values | {f"t_{f}": TOKEN for f in FLOW_TOKENS}


async def _ensure_draft(world: World) -> None:
    """An accepted payload may have saved or discarded the draft: start a new one."""
    async with world.env.db() as s:
        draft = await meetings.get(s, world.ids["draft"])
        if draft is not None and draft.state == "draft":
            return
        fresh = await meetings.create_draft(
            s, cell_id=world.ids["cell"], kind="extraordinary", user_id=SEC, start=None, minutes=90
        )
        fresh.held_on = date(2026, 11, 20)
        await s.flush()
        world.ids["draft"] = fresh.id


def _own_flow(family: str | None, world: World) -> Any:
    """The LEFTOVER conversation families of the matrix, with the world's own ids."""
    if family is None:
        return ("meeting", "attendance", {"meeting_id": world.ids["draft"]})
    from .test_authz_matrix import _victim_flow

    return _victim_flow(family, world.ids)


EXAMPLES = [(template, family) for examples in CALLBACKS.values() for template, family in examples]


@st.composite
def payloads(draw: st.DrawFn) -> tuple[str, str | None, str]:
    """(template or "", flow family, mutation) — the data is made from them at run time."""
    if draw(st.integers(0, 3)) == 0:
        raw = draw(st.text(max_size=64).filter(lambda s: 1 <= len(s.encode()) <= 64))
        return "", None, raw
    template, family = draw(st.sampled_from(EXAMPLES))
    how = draw(st.sampled_from(["as is", "field", "field", "cut", "extra"]))
    if how == "field":
        return template, family, f"field:{draw(st.integers(0, 6))}:{draw(st.sampled_from(MUTANTS))}"
    if how == "cut":
        return template, family, f"cut:{draw(st.integers(1, 5))}"
    if how == "extra":
        return template, family, f"extra:{draw(st.sampled_from(MUTANTS))}"
    return template, family, "as is"


def _mutate(data: str, how: str) -> str:
    parts = data.split(":")
    if how.startswith("field:"):
        _f, index, value = how.split(":", 2)
        parts[int(index) % len(parts)] = value
    elif how.startswith("cut:"):
        parts = parts[: max(1, len(parts) - int(how[4:]))]
    elif how.startswith("extra:"):
        parts.append(how[6:])
    out = ":".join(parts)
    while len(out.encode()) > 64:
        out = out[:-1]
    return out or "x"


@pytest.mark.parametrize("who", ["sec", "admin", "admin in the linked group"])
def test_callback_payloads(backend: Backend, tmp_path: Path, who: str) -> None:
    with world_on(backend, tmp_path) as world:
        user = world.users[who.split()[0]]
        group = world.group if "group" in who else None

        @fuzz_settings(120)
        @given(payload=payloads())
        def check(payload: tuple[str, str | None, str]) -> None:
            template, family, how = payload

            async def go() -> list[str]:
                await _ensure_draft(world)
                data = _mutate(template.format(**(await _values(world))), how) if template else how
                chat = group.chat if group is not None else user.chat
                msg = chat.last_bot_message
                assert msg is not None
                out = await probe(
                    world, user, None if group else _own_flow(family, world),
                    lambda: user.press_data(data, msg.message_id, group=group), callback=True,
                )  # fmt: skip
                problems = list(out.problems)
                refused = out.answer is not None and out.answer.text in (OUT_OF_DATE, NOT_ALLOWED)
                if refused:
                    problems += unchanged(out, user)  # a refusal rolls everything back
                if group is not None:  # S2: nothing sent to a group names a member
                    named = [n for n in MEMBER_NAMES for t in out.shown_texts if n in t]
                    problems += [f"a member's name in the group: {n}" for n in named]
                if not template and not re.match(r"[a-z]+:", data) and not refused:
                    problems.append(f"random data was not refused: {out.answer}")
                return [f"{data!r}: {p}" for p in problems]

            record(world, f"button {payload}", world.run(go()))

        check()


EDGES = ["99991231", "00010101", "-40000", "40000", "²", "9999-Q4"]


def test_edge_values_in_button_fields(backend: Backend, tmp_path: Path) -> None:
    """Every literal field of every example payload (dates, months, periods, days, times,
    lengths, grades, pages) with out-of-range values, pressed by the ward's admin (who may
    act on everything in the world): never a crash, a refusal changes nothing."""
    with world_on(backend, tmp_path) as world:
        user = world.users["admin"]
        failures: list[str] = []
        for template, family in EXAMPLES:
            parts = template.split(":")
            for index in [i for i, p in enumerate(parts) if i >= 2 and "{" not in p]:
                for edge in EDGES:

                    async def go(
                        index: int = index, edge: str = edge, template: str = template,
                        family: str | None = family,
                    ) -> list[str]:  # fmt: skip
                        await _ensure_draft(world)
                        fields = template.format(**await _values(world)).split(":")
                        fields[index] = edge
                        data = ":".join(fields)
                        msg = user.chat.last_bot_message
                        assert msg is not None
                        out = await probe(
                            world, user, _own_flow(family, world),
                            lambda: user.press_data(data, msg.message_id), callback=True,
                        )  # fmt: skip
                        problems = list(out.problems)
                        if out.answer is not None and out.answer.text in (OUT_OF_DATE, NOT_ALLOWED):
                            problems += unchanged(out, user)
                        return [f"{data}: {p}" for p in problems]

                    failures += world.run(go())
        assert not failures, "\n".join(failures)


# --- files ------------------------------------------------------------------------------------

ROWS = [
    ["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Ghi chú"],
    ["1", "Nguyễn Văn An", "01/01/1970", "03/02/2000", "03/02/2001", ""],
    ["2", "Trần Thị Hòa", "05/05/1990", "10/10/2026", "", "dự bị"],
    ["3", "Phạm Thị Thuỷ", "1960", "06/01/1991", "06/01/1992", "miễn SH từ 01/2024"],
]


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:  # control characters cannot be stored in a workbook
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID_XLSX = _xlsx(ROWS)
NAME_PARTS = (
    ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Ngô", "Dương"),
    ("Văn", "Thị", "Minh", "Đức", "Thu", "Quốc", "Ngọc", "Hữu"),
    ("An", "Bình", "Cường", "Dũng", "Hà", "Hòa", "Lan", "Mai", "Nam", "Yến", "Ẩn", "Thuỷ"),
)
cell_text = st.text(alphabet=ALPHABET, max_size=40) | long_texts | dates


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name and content: random bytes, garbled or truncated CSV/XLSX, odd encodings,
    huge cells."""
    kind = draw(st.sampled_from(["bytes", "csv", "csv", "xlsx", "xlsx", "garbled xlsx"]))
    rows = [list(r) for r in ROWS]
    for row in rows[1:]:  # new people each time, so that a preview has something to save
        row[1] = " ".join(draw(st.sampled_from(part)) for part in NAME_PARTS)
    for _ in range(draw(st.integers(0, 3))):
        row, col = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, 5))
        rows[row][col] = draw(cell_text)
    rng = random.Random(draw(st.integers(0, 2**32)))
    if kind == "bytes":
        name = draw(st.sampled_from(["danh-sach.csv", "danh-sach.xlsx", "x.xls", "x.pdf", "x"]))
        return name, draw(st.binary(min_size=1, max_size=3000))
    if kind == "csv":
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"]))
        data = _csv(rows).encode(encoding, errors="replace")
        if draw(st.booleans()):
            data = data[: rng.randrange(1, len(data) + 1)]
        return draw(st.sampled_from(["danh-sach.csv", "danh-sach.txt", "DS.CSV"])), data
    data = _xlsx(rows) if kind == "xlsx" else VALID_XLSX
    if kind == "garbled xlsx":
        chunk = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            chunk[rng.randrange(len(chunk))] = rng.randrange(256)
        data = bytes(chunk[: rng.randrange(len(chunk) // 2, len(chunk) + 1)])
    return draw(st.sampled_from(["danh-sach.xlsx", "danh-sach.csv", "ds"])), data


@fuzz_settings(300)
@given(file=files())
def test_roster_and_org_parsers_never_crash(file: tuple[str, bytes]) -> None:
    """Pure: any file is a parse result or a polite ImportFileError, nothing else."""
    name, data = file
    with suppress(RosterFileError):
        parse_roster_file(name, data, today=TODAY)
    with suppress(ImportFileError):
        parse_org_csv(data)


@fuzz_settings(300)
@given(text=st.lists(free_text, max_size=30).map("\n".join))
def test_pasted_lists_never_crash(text: str) -> None:
    with suppress(RosterFileError):
        parse_pasted(text, today=TODAY)


def test_file_uploads(backend: Backend, tmp_path: Path) -> None:
    with world_on(backend, tmp_path) as world:
        user = world.users["sec"]
        flow = ("upload", "file", {"cell_id": world.ids["cell"]})
        could_not_read = VI.gettext("I could not read this file: {reason}").split("{")[0]

        @fuzz_settings(60)
        @given(file=files())
        def check(file: tuple[str, bytes]) -> None:
            name, data = file

            async def go() -> list[str]:
                out = await probe(world, user, flow, lambda: user.upload(name, data))
                problems = list(out.problems)
                # Nothing is written before the secretary confirms the preview.
                problems += table_changes(out.before, out.after, own=user.id)
                if any(t.startswith(could_not_read) for t in out.shown_texts):
                    problems += unchanged(out, user)
                if not problems:
                    problems += await save_preview(world, user)
                return problems

            record(world, f"file {name} ({len(data)} bytes)", world.run(go()))

        check()


@pytest.mark.parametrize("who", ["stranger", "sec", "admin"])
def test_command_arguments(backend: Backend, tmp_path: Path, who: str) -> None:
    """/start <anything> in private (deep links are typed too), /link and /baocao <anything>
    in the linked group: never a crash, and no code that is not one changes anything."""
    with world_on(backend, tmp_path) as world:
        user = world.users[who]
        # About 40 commands go into one group within a minute here, and the bot answers about
        # 27: chibo's group bucket (bot.app.factory: 5 at once, one every 4 s) keeps them within
        # Telegram's 20 a minute, which the fake enforces.

        def example(command: str, arg: str) -> None:
            async def go() -> list[str]:
                text = f"/{command} {arg}"
                private = command == "start"
                out = await probe(
                    world, user, None,
                    lambda: user.send(text) if private else user.send_in(world.group, text),
                )  # fmt: skip
                problems = list(out.problems)
                if command != "baocao":  # /baocao in the group starts nothing either
                    problems += unchanged(out, user)
                return problems

            record(world, f"/{command} {arg[:60]!r}", world.run(go()))

        for arg in NASTY:
            for command in ("start", "link"):
                example(command, arg)

        @fuzz_settings(25)
        @given(command=st.sampled_from(["start", "link", "baocao"]), arg=free_text)
        def check(command: str, arg: str) -> None:
            example(command, arg)

        check()
