"""📚 The meeting history (issue #3): the cell's year, and one member's attendance record;
the Telegram face of bot.services.history.

mh:y:<cell>:<year>    the cell's meetings month by month (M1, M3, M4, M8), with rates (R2)
mh:m:<member>:<year>  one member's record (R1-R3) with the R5/R6 status, private chats only (S2)
Figures come from bot.domain.history and bot.domain.member_history; the meeting buttons
(mt:open:<meeting>) open the meeting card.

  cell.py    the cell's year;  member.py  one member's year
  common.py  the typed callback data, the year navigation
"""

from __future__ import annotations

from .cell import cell_year_view
from .common import CellYearView, MemberYearView
from .member import member_year_view

__all__ = ["CellYearView", "MemberYearView", "cell_year_view", "member_year_view"]
