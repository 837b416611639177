"""`chibo report`: a roll-up for staff who compile reports (#5)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.commands.common import CliError, one_org, run_db
from bot.app.settings import Settings
from bot.render.i18n import Translator


def cmd_report(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """#5: a roll-up for staff who compile reports, offline against the database."""
    from dataclasses import replace

    from bot.domain.summary import Period
    from bot.services.report import build

    try:
        period = Period.parse(args.period)
    except ValueError:
        raise CliError(
            t.gettext("Cannot read the period {period}: use 2026-10, 2026-Q3 or 2026.").format(
                period=args.period
            )
        ) from None
    if args.database:
        settings = replace(settings, database_url=args.database)
    today = datetime.now(settings.timezone).date()  # L1
    if period.first_day > today:
        raise CliError(t.gettext("The period {period} has not begun.").format(period=period.key))

    async def work(session: AsyncSession) -> bytes:
        # Each format imports only its own renderer (#16): the text needs neither matplotlib
        # nor openpyxl nor python-docx, about a second of imports on a small machine.
        node = await one_org(session, args.org, t)
        report = await build(  # once, whatever the format; the trend only for the chart
            session, node, period, today, settings.timezone, with_trend=args.format == "png"
        )
        if args.format == "png":
            from bot.render.charts import compliance_chart

            return compliance_chart(report, t)
        if args.format == "xlsx":
            from bot.render.workbook import report_workbook

            return report_workbook(report, t)
        if args.format == "docx":
            from bot.render.committee_report import committee_report
            from bot.services import reporting

            return committee_report(report, await reporting.issuer(session, node))
        from bot.render.plain import plain_lines
        from bot.render.summary_text import report_lines

        # #14: a terminal shows no HTML: the same lines, plain, in one piece (no "(1/3)").
        return "\n".join(plain_lines(report_lines(report, t))).encode("utf-8")

    data = run_db(settings, work)
    if args.out in (None, "-"):
        if args.format != "text":
            raise CliError(t.gettext("A chart, a workbook or a document needs --out FILE."))
        sys.stdout.write(data.decode("utf-8") + "\n")
    else:
        Path(args.out).write_bytes(data)
        print(t.gettext("Written: {path}").format(path=args.out))
    return 0
