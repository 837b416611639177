"""Meeting rules (M1-M9) and attendance (R1-R6): pure functions, no Telegram, no database."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.meetings import (
    BEFORE_CELL,
    FUTURE,
    Attendance,
    Flag,
    Grade,
    GradeScale,
    MeetingType,
    RosterSplit,
    RuleProfile,
    Tally,
    ZeroReport,
    can_correct,
    correction_deadline,
    counts_as_regular,
    counts_as_thematic,
    flags,
    grade_for_score,
    longest_excused_streak,
    month_of,
    needs_regular_check,
    next_mark,
    r5_level,
    r6_flag,
    split_roster,
    summary_line,
    tally,
    unexcused_months,
    validate_meeting_date,
)
from bot.domain.model import MemberStatus as S
from bot.domain.roster import Entry
from bot.render.i18n import Translator, translator

D = date
A = Attendance
ROOT = Path(__file__).resolve().parents[1]
HD42 = RuleProfile()

# The Vietnamese proposed for the catalog (locales/vi); see test_summary_strings_are_extracted.
PROPOSED_VI = {
    "Present {present}/{eligible} ({rate})": "Có mặt {present}/{eligible} ({rate})",
    "Present {present}/{eligible}": "Có mặt {present}/{eligible}",
    "excused {n}": "vắng có lý do {n}",
    "unexcused {n}": "vắng không có lý do {n}",
    "exempted {n}": "miễn sinh hoạt {n}",
    "elsewhere {n}": "sinh hoạt tạm thời nơi khác {n}",
}


@dataclass(frozen=True)
class TableTranslator(Translator):
    """Translates from a table, formats numbers like the real locale."""

    table: dict[str, str] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        return self.table.get(message, message)


def split_of(eligible: int, exempted: int = 0, elsewhere: int = 0, guests: int = 0) -> RosterSplit:
    """Consecutive ids: eligible 1…, then exempted, elsewhere and guests."""
    ids = iter(range(1, eligible + exempted + elsewhere + guests + 1))
    return RosterSplit(
        eligible=[next(ids) for _ in range(eligible)],
        exempted=[next(ids) for _ in range(exempted)],
        elsewhere=[next(ids) for _ in range(elsewhere)],
        guests=[next(ids) for _ in range(guests)],
    )


def make_tally(eligible: int, excused: int = 0, unexcused: int = 0) -> Tally:
    marks = {i: A.EXCUSED for i in range(1, excused + 1)}
    marks |= {i: A.UNEXCUSED for i in range(excused + 1, excused + unexcused + 1)}
    return tally(split_of(eligible), marks)


# --- Meeting types (M1, M3, M4) -------------------------------------------------------------


def test_m4_combined_counts_as_regular_and_thematic() -> None:
    assert counts_as_regular(MeetingType.COMBINED)
    assert counts_as_thematic(MeetingType.COMBINED)
    assert counts_as_regular(MeetingType.REGULAR)
    assert not counts_as_thematic(MeetingType.REGULAR)
    assert counts_as_thematic(MeetingType.THEMATIC)
    assert not counts_as_regular(MeetingType.THEMATIC)  # M4: never replaces the regular one


def test_m3_extraordinary_does_not_count_as_regular() -> None:
    assert not counts_as_regular(MeetingType.EXTRAORDINARY)
    assert not counts_as_thematic(MeetingType.EXTRAORDINARY)
    assert not needs_regular_check(MeetingType.EXTRAORDINARY)  # as many as needed


def test_m1_one_regular_meeting_a_month_checks_regular_and_combined_only() -> None:
    checked = {t for t in MeetingType if needs_regular_check(t)}
    assert checked == {MeetingType.REGULAR, MeetingType.COMBINED}
    assert month_of(D(2026, 12, 31)) == (2026, 12)
    assert month_of(D(2027, 1, 1)) == (2027, 1)


def test_m8_zero_report_needs_a_reason_and_a_real_month() -> None:
    z = ZeroReport(2026, 2, "Nghỉ Tết")
    assert (z.year, z.month, z.reason) == (2026, 2, "Nghỉ Tết")
    with pytest.raises(ValueError, match="reason"):
        ZeroReport(2026, 2, "   ")
    with pytest.raises(ValueError, match="month"):
        ZeroReport(2026, 13, "x")


# --- Grades (M9) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, Grade.TOT),
        (90, Grade.TOT),
        (89, Grade.KHA),
        (70, Grade.KHA),
        (69, Grade.TRUNG_BINH),
        (50, Grade.TRUNG_BINH),
        (49, Grade.KEM),
        (0, Grade.KEM),
    ],
)
def test_m9_grade_boundaries(score: int, grade: Grade) -> None:
    assert grade_for_score(score) == grade


@pytest.mark.parametrize("score", [-1, 101, True, 90.0])
def test_m9_score_outside_0_to_100_or_not_whole_is_refused(score: int) -> None:
    with pytest.raises(ValueError, match="0 to 100"):
        grade_for_score(score)


def test_m9_thresholds_are_data() -> None:
    strict = GradeScale(tot=95, kha=80, trung_binh=60)
    assert grade_for_score(94, strict) == Grade.KHA
    assert grade_for_score(95, strict) == Grade.TOT
    assert grade_for_score(59, strict) == Grade.KEM
    with pytest.raises(ValueError, match="rise"):
        GradeScale(tot=70, kha=90)


# --- Rule profile (R4, R5, R6, M5) ---------------------------------------------------------


def test_r4_default_profile_is_hd42() -> None:
    assert HD42.attendance_threshold == Fraction(9, 10)
    assert HD42.threshold_inclusive
    assert (HD42.min_minutes, HD42.min_minutes_combined) == (90, 120)
    assert not HD42.unexcused_allowed
    assert (HD42.removal_warn_months, HD42.removal_flag_months) == (2, 3)
    assert (HD42.excused_streak, HD42.correction_deadline_day) == (3, 5)


def test_r4_profile_from_settings_reads_overrides_and_ignores_other_keys() -> None:
    p = RuleProfile.from_settings(
        {
            "attendance_threshold": 0.85,
            "threshold_inclusive": False,
            "min_minutes": 60,
            "unexcused_allowed": True,
            "language": "vi",  # another feature's setting
        }
    )
    assert p.attendance_threshold == Fraction(17, 20)  # exactly, not the float below it
    assert not p.threshold_inclusive
    assert p.min_minutes == 60
    assert p.min_minutes_combined == 120
    assert p.unexcused_allowed
    assert RuleProfile.from_settings({}) == HD42
    assert RuleProfile.from_settings({"attendance_threshold": "9/10"}) == HD42
    assert RuleProfile.from_settings({"attendance_threshold": "0.9"}) == HD42


@pytest.mark.parametrize(
    "settings",
    [
        {"attendance_threshold": 90},  # a percentage, not a share: ambiguous
        {"attendance_threshold": 0},
        {"attendance_threshold": True},
        {"attendance_threshold": "ninety"},
        {"attendance_threshold": "1/0"},
        {"attendance_threshold": [9, 10]},
        {"attendance_threshold": 1, "threshold_inclusive": False},  # nothing could pass
        {"threshold_inclusive": "yes"},
        {"min_minutes": "90"},
        {"min_minutes": True},
        {"min_minutes": 0},
        {"min_minutes": 150},  # longer than the combined minimum
        {"removal_warn_months": 4},  # after the flag
        {"removal_flag_months": 13},
        {"excused_streak": -1},
        {"correction_deadline_day": 31},  # not in every month
    ],
)
def test_profile_from_settings_refuses_wrong_types_and_ranges(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        RuleProfile.from_settings(settings)


# --- The eligible set (R1, R2) ------------------------------------------------------------


def test_r1_split_roster_by_status_on_the_day() -> None:
    day = D(2026, 3, 3)
    members = [
        (1, [Entry(S.OFFICIAL, D(2000, 1, 1))]),
        (2, [Entry(S.PROBATIONARY, D(2025, 9, 2))]),
        (3, [Entry(S.EXEMPTED, D(2024, 1, 1))]),
        (4, [Entry(S.TEMP_ELSEWHERE, D(2026, 1, 1), D(2026, 6, 30))]),
        (5, [Entry(S.GUEST, D(2026, 2, 1))]),
        (6, [Entry(S.SUSPENDED, D(2026, 2, 1))]),
        (7, [Entry(S.DECEASED, D(2026, 1, 1))]),
        (8, [Entry(S.OFFICIAL, D(2026, 4, 1))]),  # joins next month
        (9, []),
    ]
    split = split_roster(members, day)
    assert split == RosterSplit(eligible=[1, 2], exempted=[3], elsewhere=[4], guests=[5])


def test_r1_member_who_left_mid_year_not_eligible_after() -> None:
    history = [Entry(S.OFFICIAL, D(2010, 5, 19), id=1), Entry(S.TRANSFERRED, D(2026, 6, 15), id=2)]
    assert split_roster([(7, history)], D(2026, 6, 14)).eligible == [7]
    after = split_roster([(7, history)], D(2026, 6, 15))
    assert after == RosterSplit([], [], [], [])  # not even listed separately


def test_r1_exemption_that_ended_counts_again() -> None:
    history = [
        Entry(S.OFFICIAL, D(2000, 1, 1), id=1),
        Entry(S.EXEMPTED, D(2025, 1, 1), D(2025, 12, 31), id=2),
    ]
    assert split_roster([(1, history)], D(2025, 12, 31)).exempted == [1]
    assert split_roster([(1, history)], D(2026, 1, 1)).eligible == [1]


def test_r2_a_member_listed_twice_is_refused() -> None:
    h = [Entry(S.OFFICIAL, D(2000, 1, 1))]
    with pytest.raises(ValueError, match="twice"):
        split_roster([(1, h), (1, h)], D(2026, 1, 1))


def test_r3_tap_cycle() -> None:
    assert next_mark(A.PRESENT) == A.EXCUSED
    assert next_mark(A.EXCUSED) == A.UNEXCUSED
    assert next_mark(A.UNEXCUSED) == A.PRESENT


def test_r2_unmarked_eligible_members_are_present() -> None:
    t = tally(split_of(5), {2: A.EXCUSED, 4: A.UNEXCUSED, 5: A.PRESENT})
    assert (t.eligible, t.present, t.excused, t.unexcused) == (5, 3, 1, 1)
    assert t.rate == Fraction(3, 5)


def test_r2_exempted_attendee_never_raises_rate() -> None:
    split = split_of(4, exempted=2, elsewhere=1, guests=2)  # eligible 1-4, exempted 5-6, …
    marks = {1: A.EXCUSED, 5: A.PRESENT, 6: A.PRESENT, 7: A.PRESENT, 8: A.PRESENT}
    without = tally(split, marks)
    with_them = tally(split, marks, voluntary=[5, 7, 8, 1, 99])
    assert without.rate == with_them.rate == Fraction(3, 4)
    assert (without.exempted_present, without.guests_present) == (0, 0)  # marks alone: no
    assert (with_them.exempted_present, with_them.guests_present) == (2, 1)
    assert (with_them.exempted, with_them.elsewhere) == (2, 1)
    assert with_them.present == 3  # an eligible id in `voluntary` is not counted twice


def test_r2_rate_is_undefined_without_eligible_members() -> None:
    t = tally(split_of(0, exempted=3), {}, voluntary=[1, 2])
    assert t.rate is None
    assert t.exempted_present == 2
    assert flags(t, MeetingType.REGULAR, 90, HD42) == [Flag.NO_ELIGIBLE]


def test_r3_tally_refuses_inconsistent_counts() -> None:
    with pytest.raises(ValueError, match="R3"):
        Tally(10, 9, 0, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="voluntary"):
        Tally(1, 1, 0, 0, 1, 2, 0, 0)
    with pytest.raises(ValueError, match="negative"):
        Tally(0, 0, 0, 0, 0, 0, -1, 0)


# --- Flags (R4, M5) -----------------------------------------------------------------------


def test_r4_exact_fraction_below_threshold_even_if_display_rounds_up() -> None:
    t = make_tally(2500, excused=251)
    assert t.rate == Fraction(2249, 2500)  # 89,96%
    assert translator("vi").percent(t.rate) == "90,0%"  # #15: not exactly 90%, so not "90%"
    assert flags(t, MeetingType.REGULAR, 90, HD42) == [Flag.BELOW_THRESHOLD]
    exactly = make_tally(2500, excused=250)
    assert translator("vi").percent(exactly.rate) == "90%"  # #15: a whole percentage
    assert flags(exactly, MeetingType.REGULAR, 90, HD42) == []  # ≥ 90% includes 90%


def test_r4_hd12_2018_more_than_85_percent_excludes_85() -> None:
    hd12 = RuleProfile(attendance_threshold=Fraction(17, 20), threshold_inclusive=False)
    assert flags(make_tally(20, excused=3), MeetingType.REGULAR, 90, hd12) == [Flag.BELOW_THRESHOLD]
    assert flags(make_tally(20, excused=2), MeetingType.REGULAR, 90, hd12) == []


def test_r4_unexcused_absence_is_flagged_unless_the_profile_allows_it() -> None:
    t = make_tally(20, unexcused=1)  # 95%: above the threshold
    assert flags(t, MeetingType.REGULAR, 90, HD42) == [Flag.UNEXCUSED_ABSENCE]
    assert flags(t, MeetingType.REGULAR, 90, RuleProfile(unexcused_allowed=True)) == []


def test_m5_combined_needs_120() -> None:
    t = make_tally(10)
    assert flags(t, MeetingType.COMBINED, 119, HD42) == [Flag.TOO_SHORT]
    assert flags(t, MeetingType.COMBINED, 120, HD42) == []
    assert flags(t, MeetingType.REGULAR, 89, HD42) == [Flag.TOO_SHORT]
    assert flags(t, MeetingType.REGULAR, 90, HD42) == []
    assert flags(t, MeetingType.THEMATIC, 89, HD42) == [Flag.TOO_SHORT]


def test_m5_small_cell_may_set_a_shorter_length_and_extraordinary_has_none() -> None:
    t = make_tally(3)
    assert flags(t, MeetingType.REGULAR, 60, RuleProfile(min_minutes=60)) == []
    assert flags(t, MeetingType.EXTRAORDINARY, 20, HD42) == []


def test_flags_come_in_a_fixed_order() -> None:
    t = make_tally(10, excused=1, unexcused=1)
    assert flags(t, MeetingType.REGULAR, 45, HD42) == [
        Flag.BELOW_THRESHOLD,
        Flag.UNEXCUSED_ABSENCE,
        Flag.TOO_SHORT,
    ]


# --- Dates (L1, corrections) --------------------------------------------------------------


def test_meeting_date_cannot_be_in_the_future_or_before_the_cell() -> None:
    today = D(2026, 3, 10)
    founded = D(2026, 1, 15)
    assert validate_meeting_date(D(2026, 3, 11), today=today, cell_founded=founded) == FUTURE
    assert validate_meeting_date(D(2026, 1, 14), today=today, cell_founded=founded) == BEFORE_CELL
    assert validate_meeting_date(today, today=today, cell_founded=founded) is None
    assert validate_meeting_date(founded, today=today, cell_founded=founded) is None
    assert validate_meeting_date(D(1990, 1, 1), today=today, cell_founded=None) is None
    assert (FUTURE, BEFORE_CELL) == ("future", "before_cell")


def test_correction_deadline_is_the_5th_of_the_next_month() -> None:
    assert correction_deadline(D(2026, 1, 31), HD42) == D(2026, 2, 5)
    assert correction_deadline(D(2026, 11, 3), HD42) == D(2026, 12, 5)
    other = RuleProfile(correction_deadline_day=10)
    assert correction_deadline(D(2026, 2, 3), other) == D(2026, 3, 10)


def test_correction_deadline_december_runs_to_5_january_next_year() -> None:
    assert correction_deadline(D(2026, 12, 3), HD42) == D(2027, 1, 5)
    assert can_correct(D(2026, 12, 3), D(2027, 1, 5), is_admin=False, profile=HD42)
    assert not can_correct(D(2026, 12, 3), D(2027, 1, 6), is_admin=False, profile=HD42)


def test_admins_may_always_correct() -> None:
    assert can_correct(D(2020, 1, 3), D(2026, 6, 1), is_admin=True, profile=HD42)
    assert not can_correct(D(2020, 1, 3), D(2026, 6, 1), is_admin=False, profile=HD42)


# --- Summary line (L3, STYLE 8) -----------------------------------------------------------


def example_tally() -> Tally:
    return tally(split_of(19, exempted=2), {1: A.EXCUSED, 2: A.UNEXCUSED})


def test_summary_line_in_english() -> None:
    line = summary_line(example_tally(), translator("en"))
    assert line == "Present 17/19 (89.5%) · excused 1 · unexcused 1 · exempted 2"


def test_summary_line_in_vietnamese_with_the_proposed_translations() -> None:
    vi = TableTranslator("vi", PROPOSED_VI)
    line = summary_line(example_tally(), vi)
    assert (
        line == "Có mặt 17/19 (89,5%) · vắng có lý do 1 · vắng không có lý do 1 · miễn sinh hoạt 2"
    )


def test_summary_line_counts_members_sent_elsewhere_apart() -> None:
    # R1: a member sent temporarily to another cell is named, not in the denominator.
    vi = TableTranslator("vi", PROPOSED_VI)
    line = summary_line(tally(split_of(15, exempted=2, elsewhere=1), {}), vi)
    assert line == "Có mặt 15/15 (100%) · miễn sinh hoạt 2 · sinh hoạt tạm thời nơi khác 1"


def test_summary_line_leaves_out_zero_counts_and_groups_thousands() -> None:
    vi = TableTranslator("vi", PROPOSED_VI)
    assert summary_line(make_tally(1200), vi) == "Có mặt 1.200/1.200 (100%)"  # L3
    assert summary_line(tally(split_of(0), {}), vi) == "Có mặt 0/0"


def test_summary_strings_are_extracted_for_the_catalog() -> None:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    found = {
        message
        for _, message, _, _ in extract_from_file(
            "python", ROOT / "bot" / "domain" / "attendance.py", keywords=tool.KEYWORDS
        )
    }
    assert found == set(PROPOSED_VI)


# --- Per-member counters (R5, R6) ---------------------------------------------------------


def test_r5_counts_months_not_meetings_within_the_calendar_year() -> None:
    records = [
        (D(2025, 12, 3), A.UNEXCUSED),  # last year
        (D(2026, 1, 3), A.UNEXCUSED),
        (D(2026, 1, 20), A.UNEXCUSED),  # same month: still one month
        (D(2026, 2, 3), A.EXCUSED),  # with reason: does not count
        (D(2026, 5, 3), A.UNEXCUSED),  # not consecutive: still counts
        (D(2026, 6, 3), A.PRESENT),
    ]
    assert unexcused_months(records, 2026) == {1, 5}
    assert unexcused_months(records, 2025) == {12}


@pytest.mark.parametrize(("months", "level"), [(0, "none"), (1, "none"), (2, "warn"), (3, "flag")])
def test_r5_warn_at_2_months_flag_at_3(months: int, level: str) -> None:
    assert r5_level(months, HD42) == level


def test_r5_levels_follow_the_profile() -> None:
    p = RuleProfile(removal_warn_months=3, removal_flag_months=3)
    assert r5_level(2, p) == "none"
    assert r5_level(3, p) == "flag"


def test_r6_longest_excused_streak() -> None:
    E, P, U = A.EXCUSED, A.PRESENT, A.UNEXCUSED
    marks = [E, E, P, E, E, E, U, E, E]
    records = [(D(2026, m + 1, 3), mark) for m, mark in enumerate(marks)]
    assert longest_excused_streak(records) == 3  # presence and an unexcused absence break it
    # An unsorted query must not glue January to March across February's presence.
    jumbled = [(D(2026, 1, 3), E), (D(2026, 3, 3), E), (D(2026, 4, 3), E), (D(2026, 2, 3), P)]
    assert longest_excused_streak(jumbled) == 2
    four = [(D(2026, m, 3), E) for m in range(1, 5)]
    assert longest_excused_streak(four) == 4
    assert longest_excused_streak([]) == 0


def test_r6_more_than_3_in_a_row() -> None:
    assert not r6_flag(3, HD42)
    assert r6_flag(4, HD42)
    assert r6_flag(3, RuleProfile(excused_streak=2))


# --- Properties ---------------------------------------------------------------------------

_MARK = st.sampled_from(list(Attendance))


@given(
    eligible=st.lists(st.none() | _MARK, max_size=60),
    others=st.tuples(*[st.integers(0, 10)] * 3),
    stray_marks=st.dictionaries(st.integers(-5, 200), _MARK, max_size=20),
    voluntary=st.sets(st.integers(-5, 200), max_size=30),
)
def test_r2_rate_is_within_0_and_1_and_marks_add_up(
    eligible: list[Attendance | None],
    others: tuple[int, int, int],
    stray_marks: dict[int, Attendance],
    voluntary: set[int],
) -> None:
    split = split_of(len(eligible), *others)
    marks = {k: v for k, v in stray_marks.items() if k not in split.eligible}
    marks |= {i: m for i, m in zip(split.eligible, eligible, strict=True) if m is not None}
    t = tally(split, marks, voluntary)
    assert t.present + t.excused + t.unexcused == t.eligible == len(eligible)
    assert t.present == sum(m in (None, A.PRESENT) for m in eligible)
    if t.rate is None:
        assert t.eligible == 0
    else:
        assert 0 <= t.rate <= 1
    # R2: nothing outside the eligible set moves the rate.
    assert t.rate == tally(split, {i: marks[i] for i in split.eligible if i in marks}).rate
    assert t.exempted_present <= t.exempted + t.elsewhere
    assert t.guests_present <= len(split.guests)
