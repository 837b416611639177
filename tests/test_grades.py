"""M9 grades (#14 item 7): thresholds from the organisation's settings (inherited down the
tree, validated), the upper committee's confirmation through the bot (audited, S4), a
correction after it, refusals for the cell's own secretary and a foreign committee's admin
(forged button data), and reports that count confirmed grades. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.meeting_rules import Grade, RuleProfile
from bot.domain.model import OrgKind, Role
from bot.domain.orgtree import rule_profile
from bot.domain.summary import Period
from bot.render.callbacks import Month
from bot.services import grades, people, profiles, report
from handlers.grades import GradeList, GradeNote, GradeOpen, GradeSet
from storage import meetings, orgs, reports
from storage.models import AuditEntry, Meeting, Org

from .auxil.botenv import BotEnv
from .auxil.flows import log_meeting
from .fakeapi import TgUser
from .test_cli import chibo

SEC, ADMIN, FOREIGN_ADMIN, PROVINCE_ADMIN = 200, 900, 920, 930
NOT_ALLOWED = "không thể thực hiện"


def text(user: TgUser) -> str:
    msg = user.chat.last_bot_message
    assert msg is not None and msg.text is not None
    return msg.text


# --- thresholds from the settings ----------------------------------------------------------


class Node:
    def __init__(self, settings: dict[str, object] | None) -> None:
        self.settings = settings


def test_thresholds_come_from_the_settings_and_are_inherited() -> None:
    """M9: Tốt ≥ 90, Khá ≥ 70, Trung bình ≥ 50 by default; a province's own thresholds reach
    its cells through the tree, a commune may override one of them, the cell's own last."""
    assert RuleProfile().grade_for(89) == Grade.KHA
    province, commune = Node({"grade_tot": 85, "grade_kha": 65}), Node({"grade_kha": 60})
    cell = Node(None)
    profile = rule_profile(cell, [province, commune])
    assert (profile.grade_tot, profile.grade_kha, profile.grade_trung_binh) == (85, 60, 50)
    assert profile.grade_for(87) == Grade.TOT  # Khá under the defaults
    assert profile.grade_for(62) == Grade.KHA
    assert profile.grade_for(49) == Grade.KEM
    own = rule_profile(Node({"grade_tot": 95}), [province, commune])
    assert own.grade_for(87) == Grade.KHA


@pytest.mark.parametrize(
    "settings",
    [
        {"grade_tot": 70},  # = Khá's default
        {"grade_kha": 95},  # above Tốt
        {"grade_trung_binh": 0},
        {"grade_tot": 101},
        {"grade_tot": "90"},
        {"grade_kha": 70.5},
        {"grade_kha": True},
    ],
)
def test_bad_thresholds_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="grade"):
        RuleProfile.from_settings(settings)


async def ward_with_cells(s: AsyncSession) -> dict[str, Org]:
    province = await orgs.create(
        s, name="Tỉnh ủy Minh Hòa", kind=OrgKind.PROVINCE, parent=None, actor_id=None
    )
    ward = await orgs.create(
        s, name="Đảng ủy phường Hòa Minh", kind=OrgKind.COMMUNE, parent=province, actor_id=None
    )
    kp5 = await orgs.create(
        s, name="Chi bộ Khu phố 5", kind=OrgKind.CELL, parent=ward, actor_id=None
    )
    return {"province": province, "ward": ward, "kp5": kp5}


async def test_a_settings_change_must_hold_for_every_node_beneath(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A province's thresholds are checked against a cell's own (M9): refused, naming the
    cell; nothing changed. A good change is audited (S4) and reaches the cell's profile."""
    async with sessions.begin() as s:
        t = await ward_with_cells(s)
        await profiles.change_settings(s, t["kp5"], {"grade_kha": 80}, [], actor_id=None)
    async with sessions.begin() as s:
        province = await s.get(Org, t["province"].id)
        assert province is not None
        with pytest.raises(profiles.BadSetting) as refused:
            await profiles.change_settings(s, province, {"grade_tot": 80}, [], actor_id=None)
        assert (refused.value.problem, refused.value.where) == ("grades", "Chi bộ Khu phố 5")
        assert refused.value.thresholds == (80, 80, 50)
        with pytest.raises(profiles.BadSetting) as unknown:
            await profiles.change_settings(s, province, {"grade_excellent": 95}, [], actor_id=None)
        assert unknown.value.problem == "unknown"
        await profiles.change_settings(
            s, province, {"grade_tot": 95, "grade_trung_binh": 40}, [], actor_id=7
        )
    async with sessions.begin() as s:
        kp5 = await s.get(Org, t["kp5"].id)
        assert kp5 is not None
        profile = await profiles.rule_profile(s, kp5)
        assert (profile.grade_tot, profile.grade_kha, profile.grade_trung_binh) == (95, 80, 40)
        entry = (
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "org.settings"))
        ).all()
        assert [(e.actor_id, e.before, e.after) for e in entry] == [
            (None, {}, {"grade_kha": 80}),
            (7, {}, {"grade_tot": 95, "grade_trung_binh": 40}),
        ]


async def test_cli_sets_thresholds_and_refuses_bad_ones(engine: AsyncEngine) -> None:
    async with async_sessionmaker(engine, expire_on_commit=False).begin() as s:
        await ward_with_cells(s)
    done = chibo(engine, "org", "settings", "--org", "Tỉnh ủy Minh Hòa", "--set", "grade_tot=85")
    assert done.returncode == 0, done.stderr
    assert "grade_tot = 85  (đặt tại đây)" in done.stdout
    assert "grade_kha = 70  (mặc định)" in done.stdout
    done = chibo(engine, "org", "settings", "--org", "Chi bộ Khu phố 5")
    assert "grade_tot = 85  (kế thừa từ cấp trên)" in done.stdout
    bad = chibo(
        engine, "org", "settings", "--org", "Đảng ủy phường Hòa Minh", "--set", "grade_kha=90"
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == (
        "Ngưỡng xếp loại phải nằm trong khoảng 1-100 và giảm dần: Tốt cao hơn Khá, Khá cao "
        "hơn Trung bình; với giá trị này Đảng ủy phường Hòa Minh sẽ có Tốt ≥ 85, Khá ≥ 90, "
        "Trung bình ≥ 50."
    )
    bad = chibo(engine, "org", "settings", "--org", "Chi bộ Khu phố 5", "--set", "grade_top=1")
    assert bad.returncode == 2 and bad.stderr.strip() == "Không có thiết lập 'grade_top'."
    async with async_sessionmaker(engine).begin() as s:
        ward = await s.scalar(select(Org).where(Org.kind == OrgKind.COMMUNE))
        assert ward is not None and ward.settings == {}  # the refused change left nothing


async def test_a_typed_score_is_graded_by_the_cells_thresholds(env: BotEnv) -> None:
    """M9 in the logging flow: 87 is Khá by default, Tốt where the ward sets grade_tot 85."""
    tree = await env.seed_tree()
    sec = await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY)
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        await profiles.change_settings(s, ward, {"grade_tot": 85}, [], actor_id=None)
    await log_meeting(sec, save=False)
    await sec.press("➕ Thêm chi tiết")
    await sec.press("⭐ Xếp loại")
    await sec.send("87")
    assert "Xếp loại: Tốt, 87/100" in text(sec)
    await sec.press("💾 Lưu")
    async with env.db() as s:
        m = await s.scalar(select(Meeting).where(Meeting.state == "saved"))
        assert m is not None and (m.grade, m.score) == ("tot", 87)


# --- the committee confirms ----------------------------------------------------------------


async def graded_meeting(env: BotEnv, cell: Org, day: date, grade: str) -> int:
    meeting_id = await env.save_meeting(cell.id, day)
    async with env.db() as s:
        m = await s.get(Meeting, meeting_id)
        assert m is not None
        m.grade = grade
    return meeting_id


async def test_admin_confirms_and_adjusts_through_the_bot(env: BotEnv) -> None:
    tree = await env.seed_tree()
    admin = await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN)
    kp5 = await graded_meeting(env, tree["kp5"], date(2026, 10, 3), "kha")
    tdp = await graded_meeting(env, tree["tdp12"], date(2026, 10, 5), "tot")
    await admin.command("org")
    await admin.press("🏅 Xếp loại")
    screen = text(admin)
    assert "Xếp loại sinh hoạt chi bộ tháng 10/2026" in screen
    assert "Đã xác nhận: 0/2" in screen
    labels = admin.chat.last_bot_message.labels
    assert "⏳ Chi bộ Khu phố 5 · 03/10 · Khá" in labels
    assert "⏳ Chi bộ Tổ dân phố 12 · 05/10 · Tốt" in labels

    await admin.press("⏳ Chi bộ Khu phố 5 · 03/10 · Khá")
    screen = text(admin)
    assert "Chi bộ tự xếp loại: Khá" in screen and "Cấp ủy cấp trên: chưa xác nhận" in screen
    await admin.press("Tốt")  # adjusted: the committee's grade over the cell's Khá
    screen = text(admin)
    assert "Cấp ủy cấp trên xếp loại: Tốt (xác nhận ngày 21/11/2026)" in screen
    assert admin.last_alert == "Đã lưu."
    await admin.press("📝 Ghi chú")
    await admin.send("Nội dung sinh hoạt phong phú, đảng viên phát biểu sôi nổi")
    assert "Ghi chú: Nội dung sinh hoạt phong phú" in text(admin)
    await admin.press("⬅️ Quay lại")
    await admin.press("⏳ Chi bộ Tổ dân phố 12 · 05/10 · Tốt")
    await admin.press("✅ Xác nhận: Tốt")
    await admin.press("⬅️ Quay lại")
    assert "Đã xác nhận: 2/2" in text(admin)
    assert "✅ Chi bộ Khu phố 5 · 03/10 · Khá → Tốt" in admin.chat.last_bot_message.labels

    async with env.db() as s:
        m = await s.get(Meeting, kp5)
        assert m is not None
        assert (m.grade, m.confirmed_grade, m.confirmed_of, m.confirmed_by) == (
            "kha",
            "tot",
            "kha",
            ADMIN,
        )
        assert m.grade_note == "Nội dung sinh hoạt phong phú, đảng viên phát biểu sôi nổi"
        other = await s.get(Meeting, tdp)
        assert other is not None and other.confirmed_grade == "tot"
        audit = (
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "meeting", AuditEntry.action.like("meeting.grade%"))
                .order_by(AuditEntry.id)
            )
        ).all()
        first = audit[0]
        assert (first.action, first.actor_id, first.entity_id, first.org_id) == (
            "meeting.grade_confirm",
            ADMIN,
            kp5,
            tree["kp5"].id,
        )
        assert first.before is not None and first.after is not None
        assert (first.before["confirmed_grade"], first.after["confirmed_grade"]) == (None, "tot")
        assert [a.action for a in audit] == [
            "meeting.grade_confirm",
            "meeting.grade_note",
            "meeting.grade_confirm",
        ]


async def test_a_correction_after_confirmation_is_marked_for_a_second_look(
    env: BotEnv,
) -> None:
    """The committee's grade stands after the secretary corrects the meeting; when the cell's
    own grade changed, the list and the meeting say to look again until re-confirmed."""
    tree = await env.seed_tree()
    admin = await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN)
    mid = await graded_meeting(env, tree["kp5"], date(2026, 10, 3), "kha")
    await admin.command("org")
    await admin.press("🏅 Xếp loại")
    await admin.press("⏳ Chi bộ Khu phố 5 · 03/10 · Khá")
    await admin.press("✅ Xác nhận: Khá")
    async with env.db() as s:  # the secretary's correction, as meeting_save writes it back
        m = await s.get(Meeting, mid)
        assert m is not None
        draft = await meetings.start_correction(s, m, user_id=SEC)
        draft.grade = "trung_binh"
        await meetings.apply_correction(s, draft, actor_id=SEC)
    async with env.db() as s:
        m = await s.get(Meeting, mid)
        assert m is not None and (m.grade, m.confirmed_grade) == ("trung_binh", "kha")
    # The confirmation screen's buttons carry the version before the correction: stale.
    await admin.press("Tốt")
    assert admin.last_alert is not None and "đã cũ" in admin.last_alert
    await admin.command("org")
    await admin.press("🏅 Xếp loại")
    assert "Đã xác nhận: 0/1" in text(admin)
    await admin.press("⚠️ Chi bộ Khu phố 5 · 03/10 · Trung bình → Khá")
    assert "Chi bộ đã sửa kết quả tự xếp loại sau khi cấp ủy xác nhận" in text(admin)
    await admin.press("✅ Xác nhận: Trung bình")
    assert "sau khi cấp ủy xác nhận" not in text(admin)
    async with env.db() as s:
        counts = await reports.grade_counts(
            s, (await s.get(Org, tree["ward"].id)) or tree["ward"], Period(2026, month=10)
        )
        assert (counts.confirmed, counts.unconfirmed) == ({"trung_binh": 1}, {})


async def test_the_cells_secretary_and_a_foreign_admin_are_refused(env: BotEnv) -> None:
    """M9: the upper committee confirms, not the cell; forged ids get nothing and change
    nothing (the authz matrix covers strangers and the rest)."""
    tree = await env.seed_tree()
    sec = await env.enrol(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY)
    async with env.db() as s:
        other = await orgs.create(
            s, name="Đảng ủy phường Bên Kia", kind=OrgKind.COMMUNE, parent=None, actor_id=None
        )
    foreign = await env.enrol(env.user(FOREIGN_ADMIN, "Lạ"), other, Role.ADMIN)
    # An admin whose grant is on the cell itself is not its upper committee either.
    cell_admin = await env.enrol(env.user(PROVINCE_ADMIN, "Cùng"), tree["kp5"], Role.ADMIN)
    mid = await graded_meeting(env, tree["kp5"], date(2026, 10, 3), "kha")
    async with env.db() as s:
        version = (await s.get(Meeting, mid)).version  # type: ignore[union-attr]
    ward, kp5 = tree["ward"].id, tree["kp5"].id
    forged = [
        GradeList(ward, Month(2026, 10, 1), 0).pack(),
        GradeList(kp5, Month(2026, 10, 1), 0).pack(),
        GradeOpen(ward, mid).pack(),
        GradeOpen(kp5, mid).pack(),
        GradeSet(ward, mid, version, Grade.TOT).pack(),
        GradeSet(kp5, mid, version, Grade.TOT).pack(),
        GradeSet(other.id, mid, version, Grade.TOT).pack(),
        GradeNote(ward, mid).pack(),
    ]
    for user in (sec, foreign, cell_admin):
        anchor = user.chat.last_bot_message
        assert anchor is not None
        for data in forged:
            before = [(m.message_id, m.text) for m in user.chat.messages]
            await user.press_data(data, anchor.message_id)
            assert user.last_alert is not None and NOT_ALLOWED in user.last_alert, (user, data)
            assert [(m.message_id, m.text) for m in user.chat.messages] == before  # no edit
    async with env.db() as s:
        m = await s.get(Meeting, mid)
        assert m is not None and m.confirmed_grade is None
        assert (
            await s.scalar(select(AuditEntry).where(AuditEntry.action.like("meeting.grade%")))
            is None
        )


# --- reports --------------------------------------------------------------------------------


async def test_reports_count_confirmed_grades(env: BotEnv) -> None:
    """M9: the year's figures count the committee's grades; those the cells graded and no
    committee confirmed are one number ("chưa xác nhận: n"); ungraded meetings neither."""
    tree = await env.seed_tree()
    await env.enrol(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN)
    a = await graded_meeting(env, tree["kp5"], date(2026, 9, 3), "kha")
    await graded_meeting(env, tree["kp5"], date(2026, 10, 3), "kha")
    b = await graded_meeting(env, tree["tdp12"], date(2026, 9, 5), "tot")
    await graded_meeting(env, tree["tdp12"], date(2026, 10, 5), "kem")
    await env.save_meeting(tree["tdp12"].id, date(2026, 8, 5))  # not graded
    async with env.db() as s:
        access = await people.access_of(s, ADMIN)
        for mid in (a, b):
            version = (await s.get(Meeting, mid)).version  # type: ignore[union-attr]
            await grades.confirm(s, access, tree["ward"].id, mid, version, Grade.TOT, env.clock())
    async with env.db() as s:
        ward = await s.get(Org, tree["ward"].id)
        assert ward is not None
        counts = await reports.grade_counts(s, ward, Period(2026))
        assert counts.confirmed == {"tot": 2}
        assert counts.unconfirmed == {"kha": 1, "kem": 1} and counts.pending == 2
        year = (await report.build(s, ward, Period(2026), date(2027, 1, 10))).year
        assert year is not None
        assert year.grades == {"tot": 2, "kha": 0, "trung_binh": 0, "kem": 0}
        assert year.grades_unconfirmed == 2
        october = await reports.grade_counts(s, ward, Period(2026, month=10))
        assert (october.confirmed, october.pending) == ({}, 2)
