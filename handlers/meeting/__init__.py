"""📝 Log a meeting (M1-M9, R1-R3): the Telegram face of bot.services.meetings.

Read top to bottom, as the secretary goes (meeting.mmd draws it):
  start.py       the cell, the type, or the unfinished record to continue
  dates.py       the day it was held (calendar, typed dates; M1's one regular a month)
  attendance.py  who was absent, with reasons; who came though not counted
  summary.py     the confirmation screen (the figures, the details)
  details.py     time and length, type, topic, grade;  people.py  guests, upper committee
  save.py        💾 Save, and the minutes (DOCX)
  card.py        a logged meeting's card: correct, delete (the correction deadline)
  text.py        typed text, by the flow's step (common.Step)
buttons.py holds the typed callback data, common.py the loaders every step starts with.
"""
