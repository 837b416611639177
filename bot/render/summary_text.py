"""The roll-up as Telegram text (#5, K1-K4): HTML lines, split into messages under 4096.

Every line is complete HTML on its own (a tag never spans two lines), so the texts can be
cut between any two lines without breaking markup. Cell names and counts only: no
person's name ever reaches a group (S2).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from fractions import Fraction

from bot.domain.meeting_rules import Grade
from bot.domain.model import CellType
from bot.domain.report import Report
from bot.domain.summary import Breakdown, CellFacts, Period, YearMonth, month_state
from bot.render import labels
from bot.render.i18n import Translator

LIMIT = 4096  # Telegram's limit for a message, in UTF-16 code units
BUDGET = 3900  # what a part may hold, leaving room for "(2/3)"


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
        return tr.gettext("quarter {q}/{year}").format(q=period.quarter, year=period.year)
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
    """K4, where the node has more than one grassroots organisation or cell type."""
    lines: list[str] = []
    for title, rows, is_type in (
        (tr.gettext("By grassroots organisation:"), report.by_group, False),
        (tr.gettext("By cell type:"), report.by_type, True),
    ):
        if not rows:
            continue
        lines += ["", f"<b>{title}</b>"]
        lines += [_breakdown_line(report, tr, row, is_type) for row in rows]
    return lines


def _breakdown_line(report: Report, tr: Translator, row: Breakdown, is_type: bool) -> str:
    if is_type:
        label = tr.gettext(labels.CELL_TYPE[CellType(row.label)])
    else:
        label = row.label or tr.gettext("cells directly under {node}").format(node=report.node_name)
    return tr.gettext("• {label}: {held} held every month · mean attendance {rate}").format(
        label=html.escape(label, quote=False),
        held=_share(tr, row.held, row.cells),
        rate=_pct(tr, row.mean_rate),
    )


def month_lines(report: Report, tr: Translator) -> list[str]:
    """K1 (and M5, R4): the month's figures."""
    f = report.month
    assert f is not None
    lines = _head(report, tr, "📊")
    lines.append(tr.gettext("Held the regular meeting: {share} cells").format(
        share=_share(tr, f.held, f.cells)))  # fmt: skip
    lines.append(tr.gettext("Reported “did not meet”: {n}").format(n=f.zero))
    lines.append(tr.gettext("Not reported yet: {n}").format(n=len(f.unreported)))
    lines += _names(f.unreported)
    lines.append(
        tr.gettext("Mean attendance: {mean} (lowest {low})").format(
            mean=_pct(tr, f.mean_rate), low=_pct(tr, f.lowest_rate)
        )
    )
    lines.append(
        tr.gettext("Below {threshold}: {n} cells").format(
            threshold=tr.percent(report.profile.attendance_threshold), n=len(f.below)
        )
    )
    lines += _names(f.below)
    lines.append(
        tr.ngettext(
            "Cells with unexcused absences: {n} ({absences} absence)",
            "Cells with unexcused absences: {n} ({absences} absences)",
            f.unexcused,
        ).format(n=f.with_unexcused, absences=f.unexcused)
    )
    lines.append(tr.gettext("Meetings shorter than the minimum: {n}").format(n=f.short))
    return lines + _breakdown_lines(report, tr)


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
    return lines + _breakdown_lines(report, tr)


def year_lines(report: Report, tr: Translator) -> list[str]:
    """K3: the year's indicators, counts only for members (S2)."""
    f = report.year
    assert f is not None
    lines = _head(report, tr, "📗")
    n = f.months
    buckets = (
        (tr.gettext("all {n} regular meetings").format(n=n), f.full),
        (tr.gettext("{low}-{high} regular meetings").format(low=max(n - 3, 0), high=n - 1), f.most),
        (tr.gettext("{n} or fewer").format(n=max(n - 4, 0)), f.few),
    )
    for label, count in buckets:
        lines.append(f"• {label}: {_share(tr, count, f.cells)}")
    lines.append(
        tr.gettext("Mean attendance: {mean} (lowest {low})").format(
            mean=_pct(tr, f.mean_rate), low=_pct(tr, f.lowest_rate)
        )
    )
    lines.append(tr.gettext("Meetings shorter than the minimum: {n}").format(n=f.short))
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
        "• " + tr.gettext("Q{q}: {share}").format(q=q, share=_share(tr, held, due))
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
            q=quarter.quarter, state=tr.gettext("yes") if thematic else tr.gettext("not yet")
        ),
    ]
    return "\n".join(lines)
