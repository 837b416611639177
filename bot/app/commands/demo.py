"""`chibo demo-data`: a synthetic province (#6)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.commands.common import CliError, run_db
from bot.app.settings import Settings
from bot.render.i18n import Translator


def cmd_demo_data(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """#6: a synthetic province (bot/demo/province.py) for demos and the benchmarks."""
    import time as clock
    from dataclasses import replace

    from bot.demo.province import Spec
    from bot.services import demo

    if args.database:
        settings = replace(settings, database_url=args.database)
    if args.cells < 1 or args.members_per_cell < 3 or args.months < 1:
        raise CliError(t.gettext("A demo needs at least 1 cell, 3 members a cell and 1 month."))
    spec = Spec(
        args.cells,
        args.members_per_cell,
        args.months,
        seed=args.seed,
        today=datetime.now(settings.timezone).date(),  # L1
    )
    started = clock.perf_counter()

    async def work(session: AsyncSession) -> Any:
        try:
            return await demo.populate(session, spec, append=args.append)
        except demo.OrgsExist:
            raise CliError(
                t.gettext(
                    "The database already holds organisations; use --append to add the demo "
                    "province beside them."
                )
            ) from None

    made = run_db(settings, work)
    print(
        t.gettext(
            "{name}: {communes} communes, {cells} cells, {members} members, {meetings} meetings, "
            "{absences} absences, {zero} zero reports in {seconds} s."
        ).format(
            name=made.province,
            communes=t.number(made.communes),
            cells=t.number(made.cells),
            members=t.number(len(made.members)),
            meetings=t.number(len(made.meetings)),
            absences=t.number(sum(1 for m in made.marks if m[2] != "voluntary")),
            zero=t.number(len(made.zero_reports)),
            seconds=t.number(clock.perf_counter() - started, 1),  # L3: "0,8"
        )
    )
    return 0
