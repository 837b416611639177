"""A synthetic province for demos and benchmarks (#6): `chibo demo-data`.

Pure generation, no database: rows for the tables in storage.models, with ids assigned
here (bot/demo/rows.py) so that storage/demo.py can load them in bulk (COPY on PostgreSQL). Deterministic for a
given seed, today and id bases. Rule IDs refer to ../shared/DOMAIN.md.

The shape (O1, O2): a province committee → communes and wards (≈ 40 cells each) → cells;
in a commune with enough of them, the agency and public-service cells sit under a
grassroots organisation. Cell types as in O3, mostly residential. Each cell has members
with status histories (R1): official since long ago, a few probationary admissions, some
exempted, sent elsewhere for a while, suspended, transferred out or in, deceased. Months
end with last month: the regular meeting on the cell's meeting day (M7, moved off Tết and
the holidays, L7), a thematic meeting a quarter (M4; often in one session with the regular
one), now and then an extraordinary one (M3), zero reports (M8), cells that are late or
never report (K1), absences excused or not (R3), with a few repeat absentees so that R5
and R6 show up. Each meeting carries its stored tally (R1/R2) as storage.tallies would
compute it from these rows.
"""

from __future__ import annotations

from bot.demo.builder import Builder
from bot.demo.pieces import months_ending_last_month
from bot.demo.rows import Bases, Demo, Spec

PROVINCE = "Tỉnh ủy Minh Hòa"  # an invented province
__all__ = ["PROVINCE", "Bases", "Demo", "Spec", "build", "months_ending_last_month"]


def build(spec: Spec, bases: Bases | None = None, province: str = PROVINCE) -> Demo:
    """The rows of a synthetic province (see the module's docstring)."""
    if spec.cells < 1 or spec.members_per_cell < 3 or spec.months < 1:
        raise ValueError("at least 1 cell, 3 members a cell (O4) and 1 month")
    return Builder(spec, bases or Bases(), province).build()
