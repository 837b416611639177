"""R1 status history, import planning, access rules, invites, formatting (pure functions)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from bot.app.logs import RedactTokens
from bot.domain.access import Access, Grant
from bot.domain.invites import (
    InviteFacts,
    InviteState,
    deep_link,
    hash_code,
    invite_state,
    looks_like_code,
    new_code,
)
from bot.domain.model import MemberStatus as S
from bot.domain.model import Role
from bot.domain.roster import (
    Entry,
    NewSpan,
    eligible_on,
    missing_spans,
    plan_import,
    roster_on,
    status_on,
)
from bot.render.i18n import resolve_locale, translator

D = date


def history() -> list[Entry]:
    return [
        Entry(S.PROBATIONARY, D(1970, 1, 6), id=1),
        Entry(S.OFFICIAL, D(1971, 1, 6), id=2),
        Entry(S.EXEMPTED, D(2024, 1, 1), D(2024, 12, 31), id=3),
    ]


def test_r1_status_is_judged_on_the_date() -> None:
    h = history()
    assert status_on(h, D(1969, 12, 31)) is None  # not yet a member
    assert status_on(h, D(1970, 6, 1)) == S.PROBATIONARY
    assert status_on(h, D(2023, 12, 31)) == S.OFFICIAL
    assert status_on(h, D(2024, 1, 1)) == S.EXEMPTED
    assert status_on(h, D(2024, 12, 31)) == S.EXEMPTED  # the end date is inclusive
    assert status_on(h, D(2025, 1, 1)) == S.OFFICIAL  # the exemption fell away


def test_r1_eligible_set_excludes_exempted_and_counts_probationary() -> None:
    h = history()
    assert eligible_on(h, D(1970, 6, 1))  # probationary members count (R2)
    assert not eligible_on(h, D(2024, 6, 1))  # exempted members never do (R1)
    assert eligible_on(h, D(2025, 6, 1))


def test_r1_later_correction_wins_on_the_same_date() -> None:
    h = [*history(), Entry(S.SUSPENDED, D(2024, 1, 1), id=9)]
    assert status_on(h, D(2024, 3, 1)) == S.SUSPENDED


def test_r1_leaving_is_from_the_effective_date() -> None:
    h = [*history(), Entry(S.DECEASED, D(2026, 3, 10), id=4)]
    current, left = roster_on([(1, "Phạm Thị Thuỷ", h)], D(2026, 3, 9))
    assert [x.status for x in current] == [S.OFFICIAL] and not left
    current, left = roster_on([(1, "Phạm Thị Thuỷ", h)], D(2026, 3, 10))
    assert not current and left[0].status == S.DECEASED and left[0].since == D(2026, 3, 10)


def test_reimporting_the_same_history_changes_nothing() -> None:
    spans = [NewSpan(S.PROBATIONARY, D(1970, 1, 6)), NewSpan(S.OFFICIAL, D(1971, 1, 6))]
    assert missing_spans(history(), spans) == []
    assert missing_spans([], spans) == spans


def test_import_plan_matches_folded_names_l5() -> None:
    existing = {"tran thi hoa": (7, history())}
    plan = plan_import(
        existing,
        [
            ("Trần Thị Hoà", [NewSpan(S.OFFICIAL, D(1971, 1, 6))]),  # same person, nothing new
            ("Nguyễn Văn An", [NewSpan(S.OFFICIAL, D(1981, 2, 3))]),
        ],
    )
    assert plan.unchanged == ["Trần Thị Hoà"]
    assert [n for n, _ in plan.new] == ["Nguyễn Văn An"]
    plan = plan_import(existing, [("Trần Thị Hòa", [NewSpan(S.TEMP_ELSEWHERE, D(2026, 11, 1))])])
    assert plan.updated == [(7, "Trần Thị Hòa", [NewSpan(S.TEMP_ELSEWHERE, D(2026, 11, 1))])]


def test_admin_sees_the_subtree_only() -> None:
    access = Access(1, (Grant(Role.ADMIN, 5, "/1/5/"),))
    assert access.is_admin_of("/1/5/") and access.is_admin_of("/1/5/23/")
    assert not access.is_admin_of("/1/") and not access.is_admin_of("/1/50/")  # no prefix confusion
    assert access.can_keep_roster(23, "/1/5/23/")


def test_secretary_keeps_own_cell_only() -> None:
    access = Access(
        2, (Grant(Role.SECRETARY, 23, "/1/5/23/"), Grant(Role.DELEGATE, 24, "/1/5/24/"))
    )
    assert access.can_keep_roster(23, "/1/5/23/")
    assert not access.can_keep_roster(24, "/1/5/24/")  # a delegate logs meetings, not rosters
    assert access.can_log_meetings(24, "/1/5/24/")
    assert not access.is_admin and access.cell_ids == [23, 24]


def test_invites_are_unguessable_single_use_and_expire() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(looks_like_code(c) and len(c) <= 64 for c in codes)
    code = codes.pop()
    assert hash_code(code) != code and len(hash_code(code)) == 64
    now = datetime(2026, 11, 21, tzinfo=UTC)
    valid = InviteFacts(now + timedelta(days=7), None, None)
    assert invite_state(valid, now) == InviteState.VALID
    assert invite_state(valid, now + timedelta(days=7)) == InviteState.EXPIRED
    assert invite_state(InviteFacts(valid.expires_at, now, None), now) == InviteState.USED
    assert invite_state(InviteFacts(valid.expires_at, None, now), now) == InviteState.REVOKED
    assert deep_link("chibo_bot", code) == f"https://t.me/chibo_bot?start={code}"


def test_l2_l3_formatting() -> None:
    vi, en = translator("vi"), translator("en")
    assert vi.date(D(2026, 2, 3)) == "03/02/2026"
    assert vi.formal_date(D(2026, 2, 3)) == "ngày 03 tháng 02 năm 2026"
    assert vi.percent(Fraction(15, 16)) == "93,8%"
    assert en.percent(Fraction(15, 16)) == "93.8%"
    assert vi.number(1234.5, 1) == "1.234,5"


def test_locale_resolution_style8() -> None:
    assert resolve_locale("en", "vi") == "en"  # the stored choice first
    assert resolve_locale(None, "en-GB") == "en"  # then Telegram's language
    assert resolve_locale(None, "fr") == "vi"  # then Vietnamese


def test_token_never_reaches_logs() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "POST https://api/bot%s/getMe", (token,), None
    )
    RedactTokens(token).filter(record)
    assert token not in record.getMessage() and "***" in record.getMessage()
