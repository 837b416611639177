"""Sheet 1: the headline figures of the month (K1), quarter (K2) or year (K3) and the
breakdowns (K4).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from openpyxl.styles import Font

from bot.domain.meeting_rules import Grade, RuleProfile
from bot.domain.model import CellType
from bot.domain.report import Report
from bot.domain.summary import (
    REPORT_WITHIN_DAYS,
    Breakdown,
    MonthFigures,
    QuarterFigures,
    YearFigures,
    tracked_within,
)
from bot.domain.text import upfirst
from bot.render import labels
from bot.render.i18n import Translator, roman
from bot.render.summary_text import (
    group_label,
    period_title,
    tracked_from,
    whole_label,
    year_buckets,
)

from .grid import DATE, MARK, PCT, TEXT, Grid, Line, Row, Value, put, ratio, table, type_label


def _month_lines(f: MonthFigures, profile: RuleProfile, tr: Translator) -> list[Line]:
    _ = tr.gettext
    below = _("Cells below the attendance threshold ({threshold})")
    return [
        (_("Cells due to meet"), f.cells, None),
        (_("Held the regular meeting"), f.held, f.cells),  # M1
        (_("Reported that they did not meet"), f.zero, f.cells),  # M8
        (_("Not reported yet"), len(f.unreported), f.cells),
        (_("Mean attendance rate"), f.mean_rate, None),  # R2
        (_("Lowest attendance rate"), f.lowest_rate, None),
        # R4: `below` was judged on the exact fractions; the label only shows the threshold.
        (below.format(threshold=tr.percent(profile.attendance_threshold)), len(f.below), f.cells),
        (_("Cells with unexcused absences"), f.with_unexcused, f.cells),
        (_("Unexcused absences"), f.unexcused, None),
        (_("Meetings shorter than the minimum length"), f.short, None),  # M5
        (_late_label(tr), len(f.late), f.cells),  # M6
    ]


def _late_label(tr: Translator) -> str:
    return tr.ngettext(
        "Cells that logged a meeting more than {days} day after it",
        "Cells that logged a meeting more than {days} days after it",
        REPORT_WITHIN_DAYS,
    ).format(days=REPORT_WITHIN_DAYS)


def _quarter_lines(f: QuarterFigures, tr: Translator) -> list[Line]:
    _ = tr.gettext
    # K2: "93,76% chi bộ đã tổ chức sinh hoạt chuyên đề 1 lần/quý".
    lines: list[Line] = [
        (_("Cells"), f.cells, None),
        (_("Held a thematic meeting"), f.thematic, f.cells),
        (_("Held no thematic meeting"), len(f.without), f.cells),
    ]
    for ym, held, due in f.held_months:
        lines.append(
            (_("Held the regular meeting in {month}").format(month=tr.month(*ym)), held, due)
        )
    return lines


def _year_lines(f: YearFigures, profile: RuleProfile, tr: Translator) -> list[Line]:
    _ = tr.gettext
    # K3: the same labels as the text (bot.render.summary_text.year_buckets), shares of
    # the cells tracked in every month judged; the cells tracked from inside the year apart.
    lines: list[Line] = [
        (_("Cells"), f.cells, None),
        (whole_label(tr, f), f.whole, f.cells),
    ]
    lines += [(upfirst(label), count, f.whole) for label, count in year_buckets(tr, f)]
    lines += [
        (_("Founded (or tracked from) during the year"), f.new, f.cells),
        (_("of them, held the regular meeting in every month since"), f.new_full, f.new),
    ]
    lines += [
        (_("Mean attendance rate"), f.mean_rate, None),
        (_("Lowest attendance rate"), f.lowest_rate, None),
        (_("Meetings shorter than the minimum length"), f.short, None),  # M5
        (_late_label(tr), f.late, f.cells),  # M6
    ]
    for quarter, held, due in f.thematic_quarters:  # K2 within the year
        lines.append(
            (_("Thematic meeting in quarter {quarter}").format(quarter=roman(quarter)), held, due)
        )
    for grade in Grade:  # M9: the upper committee's grades
        label = _("Meetings graded {grade} (confirmed)").format(grade=_(labels.GRADE[grade]))
        lines.append((label, f.grades.get(grade.value, 0), None))
    lines.append((_("Graded by the cell, not yet confirmed"), f.grades_unconfirmed, None))
    # R5/R6: counts only; the names go to the secretary in private chats (S2).
    warned = _("Members with unexcused absences in {months} months (warning)")
    flagged = _("Members with unexcused absences in {months} or more months")
    streak = _("Members excused more than {times} times in a row")
    return [
        *lines,
        (warned.format(months=profile.removal_warn_months), f.r5_warned, None),
        (flagged.format(months=profile.removal_flag_months), f.r5_flagged, None),
        (streak.format(times=profile.excused_streak), f.r6_flagged, None),
    ]


def _headline(report: Report, tr: Translator) -> list[Line]:
    if report.month:
        return _month_lines(report.month, report.profile, tr)
    if report.quarter:
        return _quarter_lines(report.quarter, tr)
    if report.year:
        return _year_lines(report.year, report.profile, tr)
    return []


def _breakdown(
    ws: Grid,
    row: int,
    title: str,
    lines: list[Breakdown],
    label: Callable[[Breakdown], str],
    tr: Translator,
) -> int:
    """A K4 table; summary.breakdowns() leaves a split of one group empty, so it is skipped.
    In a province's report the commune committees' names head their lines."""
    if not lines:
        return row
    _ = tr.gettext
    head = [title, _("Cells"), _("Met every month"), _("% of cells"), _("Mean attendance rate")]
    areas = len({b.area for b in lines}) > 1
    rows: list[Row] = []
    area: str | None = None
    for b in lines:
        if areas and b.area != area:
            area = b.area
            rows.append([(b.area, TEXT), *[(None, TEXT)] * 4])
        rows.append(
            [
                (("    " if areas else "") + label(b), TEXT),
                (b.cells, MARK),
                (b.held, MARK),
                (ratio(b.held, b.cells), PCT),
                (ratio(b.mean_rate), PCT),
            ]
        )
    return table(ws, row, head, rows)


def draw_summary(ws: Grid, report: Report, tr: Translator) -> None:
    _ = tr.gettext
    titles = (
        report.node_name,
        _("REPORT ON THE MEETINGS OF PARTY CELLS"),
        upfirst(period_title(tr, report.period)),
    )
    for row, (text, size) in enumerate(zip(titles, (12, 14, 12), strict=True), 1):
        put(ws, row, 1, text).font = Font(bold=True, size=size)
    days = (
        (_("From"), report.period.first_day),
        (_("To"), report.period.last_day),
        (_("Figures as of"), report.today),
    )
    for row, (label, day) in enumerate(days, 4):
        put(ws, row, 1, label)
        put(ws, row, 2, day).number_format = DATE
    lines = _headline(report, tr)
    head = [_("Indicator"), _("Number"), _("% of cells")]
    rows: list[Row] = [
        [
            (label, TEXT),
            (ratio(v), PCT) if isinstance(v, Fraction) else (v, MARK),  # a rate or a count
            (ratio(v, whole) if whole is not None else None, PCT),
        ]
        for label, v, whole in lines
    ]
    row = table(ws, 8, head, rows)
    # K1 names the cells that have not reported; K2 those without a thematic meeting.
    names: list[Value] = []
    if report.month and report.month.unreported:
        head, names = [_("Cells that have not reported yet")], [*report.month.unreported]
    elif report.quarter and report.quarter.without:
        head, names = [_("Cells without a thematic meeting")], [*report.quarter.without]
    if names:
        row = table(ws, row, head, [[(n, TEXT)] for n in names])
    if report.month and report.month.late:  # M6
        late: list[Row] = [[(n, TEXT), (days, MARK)] for n, days in report.month.late]
        row = table(ws, row, [_("Cells that logged late"), _("Days to logging (most)")], late)
    within = tracked_within(report.cells, report.period)  # #14
    if within:
        tracked: list[Row] = [[(tracked_from(tr, c), TEXT)] for c in within]
        row = table(ws, row, [_("Tracked from inside the period")], tracked)
    by_group = _("By grassroots organisation")
    row = _breakdown(
        ws, row, by_group, report.by_group, lambda b: group_label(report, tr, b.label, b.direct), tr
    )
    # O3's order (residential first), not the alphabet of the stored values.
    order = {t.value: i for i, t in enumerate(CellType)}
    by_type = sorted(report.by_type, key=lambda b: order.get(b.label, len(order)))
    _breakdown(ws, row, _("By cell type"), by_type, lambda b: type_label(b.label, tr), tr)
    ws.widths.update(zip("ABCDE", (56, 14, 14, 12, 16), strict=True))
