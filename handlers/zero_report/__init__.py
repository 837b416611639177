"""🚫 The zero report (M8): "this month the cell did not meet", with a reason; the Telegram
face of bot.services.zero_reports.

zr:m:<cell>                       which month (buttons, or typed: "10/2026", "T10")
zr:mo:<token>:<year>:<month>      a month button
zr:r:<token>:<i>                  a quick reason (or typed text, at most 200 characters)
zr:ok|no:<token>:<year>:<month>   save / cancel on the confirmation
zr:x:<report>                     ↩️ withdraw a standing report: asks first (#15)
zr:w:ok|no:<report>               the answer (secretaries until the deadline, admins always)
zr:b:<token>:month|reason         ⬅️ back one step (#15)
The cell, month and reason live in the flow state, so a restart loses nothing; the flow
token and the month in the buttons make those of an older run stale. States: zero_report.mmd.

  report.py    which month, why, confirm (and typed text, by the flow's step)
  standing.py  a standing report, and ↩️ Withdraw
  buttons.py   the typed callback data and the buttons
"""

from __future__ import annotations

from .buttons import (
    PickMonth,
    PickReason,
    Withdraw,
    WithdrawAnswer,
    ZeroAnswer,
    ZeroBack,
    ZeroStart,
)
from .report import confirm, go_back, month_button, on_text, reason_button, start
from .standing import withdraw, withdraw_answer

__all__ = [
    "PickMonth",
    "PickReason",
    "Withdraw",
    "WithdrawAnswer",
    "ZeroAnswer",
    "ZeroBack",
    "ZeroStart",
    "confirm",
    "go_back",
    "month_button",
    "on_text",
    "reason_button",
    "start",
    "withdraw",
    "withdraw_answer",
]
