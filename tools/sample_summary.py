"""Render the README's sample roll-up from a made-up ward (no database, no Telegram).

    python tools/sample_summary.py   # prints the monthly text, writes docs/summary-chart.png

Sixteen cells of "Đảng ủy phường Hòa Minh" (K4, O2): five under "Đảng bộ Khối phố Bắc",
three under "Đảng bộ Khối cơ quan phường Hòa Minh", the other eight directly under the ward
("chi bộ trực thuộc"); one founded on 12/11/2026, one that logged late (M6). The figures are
invented, the rendering is the bot's own (bot/render/summary_text.py, bot/render/charts.py).
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

WARD = "Đảng ủy phường Hòa Minh"
GROUPS = {  # K4: the grassroots organisations (id, name); other cells sit under the ward
    range(1, 6): (101, "Đảng bộ Khối phố Bắc"),
    range(6, 9): (102, "Đảng bộ Khối cơ quan phường Hòa Minh"),
}
OFFICES = {6: "Chi bộ UBND phường", 7: "Chi bộ Trường THCS Hòa Minh", 8: "Chi bộ Trạm Y tế"}
FOUNDED = {16: date(2026, 11, 12)}  # #14: counted from November on


def cells() -> list[CellFacts]:
    out = []
    months = months_back((2026, 11), 12)
    for i in range(1, 17):
        facts = {}
        since = FOUNDED.get(i)
        for k, ym in enumerate(months):
            if since is not None and ym < (since.year, since.month):
                continue  # not founded yet
            if (i + k) % 11 == 0 or (i == 15 and ym == (2026, 11)):
                continue  # a month without a meeting
            if i == 9 and ym == (2026, 11):
                facts[ym] = MonthFacts(zero=True)
                continue
            eligible = 14 + i
            absent = (i * 7 + k * 3) % 4
            late = i == 12 and ym == (2026, 11)  # M6: logged 4 days after the meeting
            facts[ym] = MonthFacts(
                regular=1,
                thematic=int(ym[1] % 3 == i % 3),
                eligible=eligible,
                present=eligible - absent,
                unexcused=int(absent == 3),
                short=int(i == 4 and k % 5 == 0),
                lag=4 if late else k % 2,
                late=int(late),
            )
        group = next((g for r, g in GROUPS.items() if i in r), None)
        out.append(
            CellFacts(
                i,
                OFFICES.get(i, f"Chi bộ Khu phố {i if i < 6 else i - 3}"),
                "agency" if i in OFFICES else "residential",
                group[0] if group else 100,
                group[1] if group else WARD,
                since,
                facts,
                direct=group is None,
                area_id=100,
                area=WARD,
            )
        )
    return out


def main() -> None:
    tr, profile, ym = translator("vi"), RuleProfile(), (2026, 11)
    facts = cells()
    by_group, by_type = breakdowns(facts, [ym])
    report = Report(
        node_id=100, node_name=WARD, period=Period.of_month(ym), months=[ym],
        today=date(2026, 12, 5), profile=profile, cells=facts,
        month=month_figures(facts, ym, profile), quarter=None, year=None,
        by_group=by_group, by_type=by_type, trend=trend(facts, months_back(ym, 12), profile),
    )  # fmt: skip
    print("\n\n".join(report_texts(report, tr)))
    (ROOT / "docs" / "summary-chart.png").write_bytes(compliance_chart(report, tr))


if __name__ == "__main__":
    main()
