"""Render the README's sample roll-up from a made-up ward (no database, no Telegram).

    python tools/sample_summary.py   # prints the monthly text, writes docs/summary-chart.png

Sixteen cells of "Đảng ủy phường Hòa Minh" under two grassroots organisations; the
figures are invented, the rendering is the bot's own (bot/render/summary_text.py, bot/render/charts.py).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.meeting_rules import RuleProfile  # noqa: E402
from bot.domain.summary import CellFacts, MonthFacts, Period, breakdowns, month_figures  # noqa: E402
from bot.render.charts import compliance_chart  # noqa: E402
from bot.render.i18n import translator  # noqa: E402
from bot.render.summary_text import report_texts  # noqa: E402
from bot.services.report import Report, months_back, trend  # noqa: E402


def cells() -> list[CellFacts]:
    out = []
    months = months_back((2026, 11), 12)
    for i in range(1, 17):
        facts = {}
        for k, ym in enumerate(months):
            if (i + k) % 11 == 0 or (i == 16 and ym == (2026, 11)):
                continue  # a month without a meeting
            if i == 9 and ym == (2026, 11):
                facts[ym] = MonthFacts(zero=True)
                continue
            eligible = 14 + i
            absent = (i * 7 + k * 3) % 4
            facts[ym] = MonthFacts(
                regular=1,
                thematic=int(ym[1] % 3 == i % 3),
                eligible=eligible,
                present=eligible - absent,
                unexcused=int(absent == 3),
                short=int(i == 4 and k % 5 == 0),
            )
        group = "Đảng bộ Khối phố Bắc" if i <= 8 else "Đảng bộ Khối phố Nam"
        out.append(
            CellFacts(
                i,
                f"Chi bộ Khu phố {i}",
                "residential" if i % 5 else "agency",
                i,
                group,
                date(2000, 1, 1),
                facts,
            )
        )
    return out


def main() -> None:
    tr, profile, ym = translator("vi"), RuleProfile(), (2026, 11)
    facts = cells()
    by_group, by_type = breakdowns(facts, [ym])
    report = Report(
        node_id=1, node_name="Đảng ủy phường Hòa Minh", period=Period.of_month(ym), months=[ym],
        today=date(2026, 12, 5), profile=profile, cells=facts,
        month=month_figures(facts, ym, profile), quarter=None, year=None,
        by_group=by_group, by_type=by_type, trend=trend(facts, months_back(ym, 12), profile),
    )  # fmt: skip
    print("\n\n".join(report_texts(report, tr)))
    (ROOT / "docs" / "summary-chart.png").write_bytes(compliance_chart(report, tr))


if __name__ == "__main__":
    main()
