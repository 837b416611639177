"""The roll-up as Telegram text (#5, K1-K4): HTML lines, split into messages under 4096.

Every line is complete HTML on its own (a tag never spans two lines), so the texts can be
cut between any two lines without breaking markup. Cell names and counts only: no
person's name ever reaches a group (S2).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from bot.domain.meeting_rules import Grade, correction_deadline
from bot.domain.model import CellType
from bot.domain.report import Report
from bot.domain.summary import (
    REPORT_WITHIN_DAYS,
    Breakdown,
    CellFacts,
    Period,
    YearFigures,
    YearMonth,
    month_state,
    tracked_within,
)
from bot.render import labels
from bot.render.i18n import Translator, roman

LIMIT = 4096  # Telegram's limit for a message, in UTF-16 code units
BUDGET = 3900  # what a part may hold, leaving room for "(2/3)"
MAX_LATE_NAMES = 30  # M6: the late cells named in a monthly text; the rest counted


def units(text: str) -> int:
    """Telegram measures a message in UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def split_lines(lines: Sequence[str], budget: int = BUDGET) -> list[str]:
    """Join lines into as few messages as fit; an empty line is a good place to cut, so a
    part prefers to end at one when it is at least half full. Numbered "(i/n)" when more
    than one."""
    parts: list[list[str]] = [[]]
    used = 0
    for i, line in enumerate(lines):
        size = units(line) + 1
        if size > budget:  # one absurdly long line (never with names of ≤ 200 characters)
            line = line[: budget // 2] + "…"
            size = units(line) + 1
        starts_section = line == "" and used > budget // 2 and i + 1 < len(lines)
        if parts[-1] and (used + size > budget or starts_section):
            parts.append([])
            used = 0
            if line == "":
                continue
        parts[-1].append(line)
        used += size
    texts = ["\n".join(p).strip("\n") for p in parts if any(p)]
    if len(texts) > 1:
        texts = [f"{t}\n({i}/{len(texts)})" for i, t in enumerate(texts, 1)]
    return texts


def _pct(tr: Translator, value: Fraction | None) -> str:
    return tr.percent(value) if value is not None else "—"


def _share(tr: Translator, part: int, whole: int) -> str:
    """ "14/16 (87,5%)"."""
    if not whole:
        return "0/0"
    return f"{part}/{whole} ({tr.percent(Fraction(part, whole))})"


def _names(names: Sequence[str]) -> list[str]:
    return ["• " + html.escape(n, quote=False) for n in names]


def period_title(tr: Translator, period: Period) -> str:
    if period.month:
        return tr.gettext("month {month}").format(month=tr.month(period.year, period.month))
    if period.quarter:
        return tr.gettext("quarter {q}/{year}").format(q=roman(period.quarter), year=period.year)
    return tr.gettext("year {year}").format(year=period.year)


def _head(report: Report, tr: Translator, icon: str) -> list[str]:
    title = tr.gettext("{icon} <b>{node}</b>: cell meetings, {period}").format(
        icon=icon,
        node=html.escape(report.node_name, quote=False),
        period=period_title(tr, report.period),
    )
    lines = [title]
    if not report.complete:
        lines.append(tr.gettext("(so far, as of {date})").format(date=tr.date(report.today)))
    return lines


def _breakdown_lines(report: Report, tr: Translator) -> list[str]:
    """K4, where the node has more than one grassroots organisation or cell type. In a
    province's report the grassroots lines come commune by commune, under its name."""
    lines: list[str] = []
    for title, rows, is_type in (
        (tr.gettext("By grassroots organisation:"), report.by_group, False),
        (tr.gettext("By cell type:"), report.by_type, True),
    ):
        if not rows:
            continue
        lines += ["", f"<b>{title}</b>"]
        areas = len({row.area for row in rows}) > 1
        area: str | None = None
        for row in rows:
            if areas and row.area != area:
                area = row.area
                lines.append(f"<i>{html.escape(area or report.node_name, quote=False)}</i>")
            lines.append(_breakdown_line(report, tr, row, is_type))
    return lines


def group_label(report: Report, tr: Translator, name: str | None, direct: bool) -> str:
    """K4: a grassroots organisation's name, or "chi bộ trực thuộc Đảng ủy xã …" for the
    cells directly under a committee (a Breakdown's label and direct, or a cell's group
    and direct: the text's and the workbook's label)."""
    if name and not direct:
        return name
    return tr.gettext("cells directly under {node}").format(node=name or report.node_name)


def _breakdown_line(report: Report, tr: Translator, row: Breakdown, is_type: bool) -> str:
    label = (
        tr.gettext(labels.CELL_TYPE[CellType(row.label)])
        if is_type
        else group_label(report, tr, row.label, row.direct)
    )
    held = _share(tr, row.held, row.cells)
    if row.mean_rate is None:  # no meeting with a rate: no empty "—" figure (#15)
        return tr.gettext("• {label}: {held} held every month").format(
            label=html.escape(label, quote=False), held=held
        )
    return tr.gettext("• {label}: {held} held every month · mean attendance {rate}").format(
        label=html.escape(label, quote=False), held=held, rate=_pct(tr, row.mean_rate)
    )


def tracked_from(tr: Translator, cell: CellFacts) -> str:
    """#14: "Chi bộ Đông Á (theo dõi từ 07/2026)"."""
    assert cell.since is not None
    return tr.gettext("{cell} (tracked from {month})").format(
        cell=cell.name, month=tr.month(cell.since.year, cell.since.month)
    )


def _tracked_lines(report: Report, tr: Translator) -> list[str]:
    """#14: the cells tracked from inside the period, each with the month."""
    within = tracked_within(report.cells, report.period)
    if not within:
        return []
    head = tr.gettext("Tracked from inside the period: {n} cells").format(n=len(within))
    return [head, *_names([tracked_from(tr, c) for c in within])]


def late_lines(report: Report, tr: Translator, late: Sequence[tuple[str, int]]) -> list[str]:
    """M6: the cells that logged a meeting more than REPORT_WITHIN_DAYS after holding it,
    each with the most days it took; at most MAX_LATE_NAMES named."""
    lines = [
        tr.ngettext(
            "Logged a meeting more than {days} day after it: {n} cells",
            "Logged a meeting more than {days} days after it: {n} cells",
            REPORT_WITHIN_DAYS,
        ).format(days=REPORT_WITHIN_DAYS, n=len(late))
    ]
    shown = [
        tr.ngettext("{cell} ({days} day)", "{cell} ({days} days)", days).format(cell=n, days=days)
        for n, days in late[:MAX_LATE_NAMES]
    ]
    lines += _names(shown)
    if len(late) > MAX_LATE_NAMES:
        lines.append(tr.gettext("… and {n} more cells").format(n=len(late) - MAX_LATE_NAMES))
    return lines


def _capped(tr: Translator, names: Sequence[str]) -> list[str]:
    """Bulleted names, at most MAX_LATE_NAMES; the rest counted."""
    lines = _names(names[:MAX_LATE_NAMES])
    if len(names) > MAX_LATE_NAMES:
        lines.append(tr.gettext("… and {n} more cells").format(n=len(names) - MAX_LATE_NAMES))
    return lines


def deadline_line(report: Report, tr: Translator) -> list[str]:
    """#15: the month's report ends with the deadline for the cells not reported yet: the
    correction deadline (RuleProfile), or, once it has passed, who can still log it."""
    f = report.month
    period = report.period
    if f is None or not f.unreported or period.month is None:
        return []
    deadline = correction_deadline(date(period.year, period.month, 1), report.profile)
    if report.today <= deadline:
        text = tr.gettext("The cells not reported yet: please report by {date} at the latest.")
    else:
        text = tr.gettext(
            "The deadline ({date}) has passed: the cells not reported yet, please ask the "
            "upper committee to log it."
        )
    return ["", text.format(date=tr.date(deadline))]


def month_lines(report: Report, tr: Translator) -> list[str]:
    """K1 (and M5, R4): the month's figures. #15: the cells behind each figure by name
    (cells only, never a member: S2), no line for a figure that is zero or empty, and the
    deadline for the cells not reported yet at the end."""
    f = report.month
    assert f is not None
    lines = _head(report, tr, "📊")
    lines.append(tr.gettext("Held the regular meeting: {share} cells").format(
        share=_share(tr, f.held, f.cells)))  # fmt: skip
    if f.zero_cells:
        lines.append(tr.gettext("Reported “did not meet”: {n}").format(n=len(f.zero_cells)))
        lines += _capped(
            tr,
            [
                tr.gettext("{cell} ({reason})").format(cell=cell, reason=reason) if reason else cell
                for cell, reason in f.zero_cells
            ],
        )
    if f.unreported:
        lines.append(tr.gettext("Not reported yet: {n}").format(n=len(f.unreported)))
        lines += _names(f.unreported)  # K1: every one named, across parts if need be
    if f.mean_rate is not None and f.lowest_rate is not None:
        if f.lowest_rate == f.mean_rate:  # one rate, or all the same: no "lowest"
            line = tr.gettext("Mean attendance: {mean}").format(mean=_pct(tr, f.mean_rate))
        else:
            line = tr.gettext("Mean attendance: {mean} (lowest {low}: {cells})").format(
                mean=_pct(tr, f.mean_rate),
                low=_pct(tr, f.lowest_rate),
                cells=html.escape(tr.list(f.lowest[:MAX_LATE_NAMES]), quote=False),
            )
        lines.append(line)
    if f.below:
        lines.append(
            tr.gettext("Below {threshold}: {n} cells").format(
                threshold=tr.percent(report.profile.attendance_threshold), n=len(f.below)
            )
        )
        lines += _capped(tr, f.below)
    if f.unexcused:
        lines.append(
            tr.ngettext(
                "Cells with unexcused absences: {n} ({absences} absence)",
                "Cells with unexcused absences: {n} ({absences} absences)",
                f.unexcused,
            ).format(n=f.with_unexcused, absences=f.unexcused)
        )
        lines += _capped(tr, f.unexcused_cells)
    if f.short:
        lines.append(tr.gettext("Meetings shorter than the minimum: {n}").format(n=f.short))
    if f.late:
        lines += late_lines(report, tr, f.late)
    lines += _tracked_lines(report, tr)
    return lines + _breakdown_lines(report, tr) + deadline_line(report, tr)


def quarter_lines(report: Report, tr: Translator) -> list[str]:
    """K2: the thematic meetings of the quarter, with the months' regular meetings."""
    f = report.quarter
    assert f is not None
    lines = _head(report, tr, "📘")
    lines.append(
        tr.gettext("{share} cells held a thematic meeting this quarter").format(
            share=_share(tr, f.thematic, f.cells)
        )
    )
    if f.without:
        lines.append(tr.gettext("No thematic meeting yet:"))
        lines += _names(f.without)
    lines.append(tr.gettext("Regular meetings held:"))
    lines += [
        f"• {tr.month(*ym)}: {_share(tr, held, due)}"
        for ym, held, due in f.held_months
        if ym in report.months
    ]
    lines += _tracked_lines(report, tr)
    return lines + _breakdown_lines(report, tr)


def year_heading(tr: Translator, f: YearFigures) -> str:
    """K3: what the buckets count, and over which cells: a finished year's cells tracked
    all year, or a running year's tracked in every month ended so far."""
    if f.months == 12:
        return tr.gettext(
            "Regular meetings held by the {cells} cells tracked the whole year:"
        ).format(cells=f.whole)
    return tr.ngettext(
        "After {n} month, regular meetings held by the {cells} cells tracked in it:",
        "After {n} months, regular meetings held by the {cells} cells tracked in all {n}:",
        f.months,
    ).format(n=f.months, cells=f.whole)


def whole_label(tr: Translator, f: YearFigures) -> str:
    """K3: the cells the buckets are shares of, as a row label (the workbook's)."""
    if f.months == 12:
        return tr.gettext("Cells tracked the whole year")
    return tr.ngettext(
        "Cells tracked in the {n} month ended", "Cells tracked in all {n} months ended", f.months
    ).format(n=f.months)


def year_buckets(tr: Translator, f: YearFigures) -> list[tuple[str, int]]:
    """K3's buckets, each labelled with exactly what it counts: 12 / 9-11 / ≤ 8 months
    held in a finished year; held of the n months ended so far in a running one. Shares
    are of f.whole. The text, the workbook and the committee's document use these."""
    n = f.months
    if n == 12:
        return [
            (tr.gettext("regular meeting in all 12 months"), f.full),
            (tr.gettext("regular meeting in 9-11 months"), f.most),
            (tr.gettext("regular meeting in 8 months or fewer"), f.few),
        ]
    out = [(tr.gettext("regular meeting in all {n}/{n} months").format(n=n), f.full)]
    if n >= 2:
        short = min(3, n - 1)
        if short == 1:
            label = tr.gettext("1 month short ({held}/{n})").format(held=n - 1, n=n)
        else:
            label = tr.gettext("1-{short} months short ({low}-{high}/{n})").format(
                short=short, low=n - short, high=n - 1, n=n
            )
        out.append((label, f.most))
    if n >= 4:
        few = tr.gettext("4 or more months short ({most}/{n} or fewer)")
        out.append((few.format(most=n - 4, n=n), f.few))
    return out


def new_cells_line(tr: Translator, f: YearFigures) -> str:
    """K3, #14: the cells tracked from inside the year, apart from the buckets."""
    return tr.gettext(
        "Founded (or tracked from) during the year: {n}, held the regular meeting in every "
        "month since: {full}"
    ).format(n=f.new, full=f.new_full)


def year_lines(report: Report, tr: Translator) -> list[str]:
    """K3: the year's indicators, counts only for members (S2)."""
    f = report.year
    assert f is not None
    lines = _head(report, tr, "📗")
    lines.append(year_heading(tr, f))
    for label, count in year_buckets(tr, f):
        lines.append(f"• {label}: {_share(tr, count, f.whole)}")
    lines.append(new_cells_line(tr, f))
    # Named as counted: tracked by the last month judged (a running year's ended months).
    judged = (report.period.year, f.months)
    within = tracked_within(report.cells, report.period)
    lines += _names([tracked_from(tr, c) for c in within if c.due(judged)])
    lines.append(
        tr.gettext("Mean attendance: {mean} (lowest {low})").format(
            mean=_pct(tr, f.mean_rate), low=_pct(tr, f.lowest_rate)
        )
    )
    lines.append(tr.gettext("Meetings shorter than the minimum: {n}").format(n=f.short))
    lines.append(
        tr.ngettext(
            "Logged a meeting more than {days} day after it: {n} cells",
            "Logged a meeting more than {days} days after it: {n} cells",
            REPORT_WITHIN_DAYS,
        ).format(days=REPORT_WITHIN_DAYS, n=f.late)
    )
    grades = " · ".join(f"{tr.gettext(labels.GRADE[Grade(g)])} {c}" for g, c in f.grades.items())
    lines.append(
        tr.gettext("Meetings by grade confirmed by the upper committee: {grades}").format(
            grades=grades
        )
    )
    lines.append(  # M9: graded by the cell, not yet confirmed
        tr.gettext("Graded by the cell, not yet confirmed: {n}").format(n=f.grades_unconfirmed)
    )
    lines.append(tr.gettext("Thematic meetings by quarter:"))
    lines += [
        "• " + tr.gettext("Q{q}: {share}").format(q=roman(q), share=_share(tr, held, due))
        for q, held, due in f.thematic_quarters
    ]
    lines.append(
        tr.gettext(
            "Members to consider: absent without reason in 2 months {warn}, in 3 months or "
            "more {flag}; absent with reason more than 3 times in a row {r6}"
        ).format(warn=f.r5_warned, flag=f.r5_flagged, r6=f.r6_flagged)
    )
    return lines + _breakdown_lines(report, tr)


def report_lines(report: Report, tr: Translator) -> list[str]:
    """The report's HTML lines, for its kind of period."""
    if report.month is not None:
        return month_lines(report, tr)
    if report.quarter is not None:
        return quarter_lines(report, tr)
    return year_lines(report, tr)


def report_texts(report: Report, tr: Translator) -> list[str]:
    """The report as one or more messages, each under Telegram's limit."""
    return split_lines(report_lines(report, tr))


# --- A secretary's monthly recap of their own cell ------------------------------------


def recap_text(
    cell: CellFacts, ym: YearMonth, months_so_far: Sequence[YearMonth], tr: Translator
) -> str:
    """Private: the cell's last month and its year so far (M1, M4, M8, R2)."""
    m = cell.month(ym)
    state = month_state(cell, ym)
    name = html.escape(cell.name, quote=False)
    head = tr.gettext("🗓 <b>{cell}</b>, {month}:").format(cell=name, month=tr.month(*ym))
    if state == "held":
        rate = Fraction(m.present, m.eligible) if m.eligible else None
        body = tr.gettext(
            "the regular meeting is logged; attendance {present}/{eligible} ({rate}), "
            "unexcused absences {unexcused}."
        ).format(present=m.present, eligible=m.eligible, rate=_pct(tr, rate), unexcused=m.unexcused)
    elif state == "zero":
        body = tr.gettext("reported as “did not meet”.")
    else:
        body = tr.gettext("no regular meeting and no report yet. Please log it or report it.")
    due = [x for x in months_so_far if cell.due(x)]
    held = sum(1 for x in due if cell.month(x).regular)
    quarter = Period.quarter_of(ym)
    thematic = cell.totals([x for x in quarter.months if x in months_so_far]).thematic
    lines = [
        f"{head} {body}",
        tr.gettext("This year: regular meeting held in {held} of {due} months.").format(
            held=held, due=len(due)
        ),
        tr.gettext("Thematic meeting in quarter {q}: {state}").format(
            q=roman((ym[1] - 1) // 3 + 1),
            state=tr.gettext("yes") if thematic else tr.gettext("not yet"),
        ),
    ]
    return "\n".join(lines)
