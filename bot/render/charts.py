"""The roll-up's chart (#5): a year of regular meetings and attendance, as a PNG.

Drawn with matplotlib's object API (a Figure on an Agg canvas), never pyplot: pyplot keeps
global state, which is neither thread-safe nor welcome in a bot that renders reports for
many chats at once, and it may look for a display. Only cells' figures are drawn, never a
person's name (S2). The node's name, the only text a user typed, is drawn as plain text.
"""

from __future__ import annotations

import html
import io
import math
from fractions import Fraction

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from bot.domain.report import Report, TrendPoint
from bot.render.i18n import Translator

CHART_MONTHS = 12
WIDTH_IN, HEIGHT_IN, DPI = 10.0, 5.6, 100  # 1000 × 560 px: sharp in Telegram, small file
CAPTION_LIMIT = 1024  # Telegram's limit for a photo's caption

_BAR = "#c8102e"  # the flag's red, softened by the alpha below
_LINE = "#1f3a93"
_THRESHOLD = "#555555"


def _held_share(p: TrendPoint) -> float | None:
    """M1: the share of due cells that held the regular meeting, in percent."""
    return 100 * p.held / p.cells if p.cells else None


def _rate(p: TrendPoint) -> float:
    """The mean rate in percent; NaN breaks the line, so a month without one is a gap."""
    return float(p.mean_rate * 100) if p.mean_rate is not None else math.nan


def _month_label(p: TrendPoint) -> str:
    year, month = p.ym
    return f"{month:02d}/{year % 100:02d}"  # tr.month()'s order (L2), short enough for 12


def _plain(text: str) -> str:
    """Text drawn as written: matplotlib reads "$…$" as mathtext, so a node named
    "Chi bộ $\\frac{$" stopped the chart at drawing time and "$x^2$" was typeset (#12).
    An escaped dollar is drawn as "$"; Text(parse_math=False) would not do, as matplotlib
    3.11 still parses the text when it measures it for wrap=True."""
    return text.replace("$", r"\$")


def compliance_chart(report: Report, tr: Translator) -> bytes:
    """The last 12 months of the trend: bars for the share of cells that met (M1), a line
    for the mean attendance rate (R2), the profile's threshold dashed (R4)."""
    points = report.trend[-CHART_MONTHS:]
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs = list(range(len(points)))

    bars = [
        (x, share) for x, p in zip(xs, points, strict=True) if (share := _held_share(p)) is not None
    ]
    ax.bar(
        [x for x, _ in bars],
        [share for _, share in bars],
        width=0.6,
        color=_BAR,
        alpha=0.55,
        label=tr.gettext("Cells that held the regular meeting"),
    )
    ax.plot(
        xs,
        [_rate(p) for p in points],
        color=_LINE,
        marker="o",  # a month between two gaps still shows as a dot
        linewidth=2,
        label=tr.gettext("Mean attendance rate"),
    )
    threshold = report.profile.attendance_threshold
    ax.axhline(
        float(threshold * 100),
        color=_THRESHOLD,
        linestyle="--",
        linewidth=1.2,
        label=tr.gettext("Attendance threshold ({threshold})").format(
            threshold=tr.percent(threshold)
        ),
    )

    ax.set_ylim(0, 100)
    ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.percent(v / 100, 0)))  # L3
    ax.set_xlim(-0.6, max(len(points), 1) - 0.4)
    ax.set_xticks(xs, [_month_label(p) for p in points])
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not points:
        ax.text(0.5, 0.5, tr.gettext("No data yet"), transform=ax.transAxes, ha="center")
    ax.set_title(
        tr.gettext("{node}: regular meetings and attendance").format(node=_plain(report.node_name)),
        fontsize=14,
        fontweight="bold",
        wrap=True,  # a long node name must not run off the image
    )
    fig.legend(loc="outside lower center", ncols=3, frameon=False)

    buf = io.BytesIO()
    # No "Software" chunk naming matplotlib's version: the same report, the same bytes.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def chart_caption(report: Report, tr: Translator) -> str:
    """One or two lines under the photo: the span and the last month's figures. Cells are
    counted, never named, and no person appears (S2). HTML, the bot's parse mode: the node's
    name is escaped (a name with "<" or "&" made Telegram refuse the photo, #12)."""
    points = report.trend[-CHART_MONTHS:]
    if not points:
        return _fit(tr.gettext("{node}: no months to show yet.").format(node=report.node_name))
    first, last = points[0], points[-1]
    lines = [
        tr.gettext("{node}: regular meetings and mean attendance, {first} – {last}.").format(
            node=report.node_name,
            first=tr.month(*first.ym),
            last=tr.month(*last.ym),
        )
    ]
    if last.cells:
        rate = tr.percent(last.mean_rate) if last.mean_rate is not None else "—"
        lines.append(
            tr.ngettext(
                "{month}: {held} of {cells} cell held the regular meeting ({share}); "
                "mean attendance {rate}, threshold {threshold}.",
                "{month}: {held} of {cells} cells held the regular meeting ({share}); "
                "mean attendance {rate}, threshold {threshold}.",
                last.cells,
            ).format(
                month=tr.month(*last.ym),
                held=tr.number(last.held),
                cells=tr.number(last.cells),
                share=tr.percent(Fraction(last.held, last.cells)),
                rate=rate,
                threshold=tr.percent(report.profile.attendance_threshold),
            )
        )
    return _fit("\n".join(lines))


def _fit(text: str) -> str:
    # A node's name is the only free text here; cut rather than let Telegram refuse. The
    # limit counts the text as shown, so the cut comes before the escaping.
    fitted = text if len(text) < CAPTION_LIMIT else text[: CAPTION_LIMIT - 2] + "…"
    return html.escape(fitted, quote=False)
