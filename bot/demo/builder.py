"""The demo province's builder (#6): the tree, the members with their histories (R1), the
meetings with their stored tallies (R1/R2) and the zero reports (M8), row by row with ids.
See bot/demo/province.py for the shape.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.demo import names as vocab
from bot.demo.pieces import cell_templates, meeting_date, months_ending_last_month, person_name, utc
from bot.demo.rows import Bases, Demo, Spec, YearMonth
from bot.domain.dates import last_day_of_month
from bot.domain.meeting_rules import grade_for_score
from bot.domain.model import ELIGIBLE_STATUSES, CellType, MemberStatus, OrgKind
from bot.domain.roster import status_on
from bot.domain.text import fold, sort_key

CELLS_PER_COMMUNE = 40


@dataclass(frozen=True)
class _Entry:
    id: int
    status: MemberStatus
    effective_from: date
    effective_until: date | None


@dataclass
class _Person:
    id: int
    history: list[_Entry]  # ids grow with the order of the history, as the stored rows' do
    p_absent: float
    p_unexcused: float


class Builder:
    """One province, built once from a seed: build() returns its rows."""

    def __init__(self, spec: Spec, bases: Bases, province: str) -> None:
        self.spec, self.rng = spec, random.Random(spec.seed)
        self.demo = Demo(province)
        self.ids = Bases(**bases.__dict__)
        self.months = months_ending_last_month(spec.today, spec.months)
        self.start = date(*self.months[0], 1)
        self.end = last_day_of_month(*self.months[-1])
        self.created = utc(spec.today - timedelta(days=1))
        # #14: the organisations were entered before the history they hold, so a cell
        # without a founding date is tracked from the first month (tracked_since).
        self.entered = utc(self.start)
        self._keys: dict[str, tuple[str, str]] = {}

    def next_id(self, table: str) -> int:
        value: int = getattr(self.ids, table) + 1
        setattr(self.ids, table, value)
        return value

    def org(
        self,
        parent: tuple[int, str] | None,
        kind: OrgKind,
        name: str,
        *,
        cell_type: CellType | None = None,
        day: int | None = None,
        at: time | None = None,
        founded: date | None = None,
    ) -> tuple[int, str]:
        oid = self.next_id("orgs")
        path = f"{parent[1] if parent else '/'}{oid}/"
        self.demo.orgs.append(
            (
                oid,
                parent[0] if parent else None,
                kind,
                name,
                fold(name),
                path,
                cell_type,
                day,
                at,
                founded,
                {},
                self.entered,
            )
        )
        return oid, path

    def keys(self, name: str) -> tuple[str, str]:
        if name not in self._keys:
            self._keys[name] = (fold(name), sort_key(name))
        return self._keys[name]

    # --- the tree ----------------------------------------------------------------------

    def build(self) -> Demo:
        rng, spec = self.rng, self.spec
        province = self.org(None, OrgKind.PROVINCE, self.demo.province, day=5, at=time(19, 30))
        places = [f"{a} {b}" for a in vocab.PLACE_FIRST for b in vocab.PLACE_SECOND if a != b]
        rng.shuffle(places)
        remaining, index = spec.cells, 0
        while remaining > 0:
            n = min(CELLS_PER_COMMUNE, remaining)
            remaining -= n
            place = places[index % len(places)]
            if index >= len(places):
                place += f" {index // len(places) + 1}"
            index += 1
            ward = rng.random() < 0.45
            name = f"Đảng ủy {'phường' if ward else 'xã'} {place}"
            day = rng.choice((3, 5, 5, 10, 15, 20, -1))
            commune = self.org(province, OrgKind.COMMUNE, name, day=day, at=time(19, 30))
            self.commune(commune, place, ward, n, day)
        self.demo.communes = index
        return self.demo

    def commune(self, commune: tuple[int, str], place: str, ward: bool, n: int, day: int) -> None:
        rng = self.rng
        cells = cell_templates(rng, n, ward)
        office = [c for c in cells if c[1] in (CellType.AGENCY, CellType.PUBLIC_SERVICE)]
        group = None
        if len(office) >= 3:
            group = self.org(
                commune,
                OrgKind.GRASSROOTS,
                f"Đảng bộ Khối cơ quan {'phường' if ward else 'xã'} {place}",
            )
        for name, cell_type in cells:
            parent = group if group and (name, cell_type) in office else commune
            own_day = rng.choice((1, 2, 8, 12, 25)) if rng.random() < 0.2 else None
            at = time(14, 0) if cell_type != CellType.RESIDENTIAL else None
            founded = None
            if rng.random() < 0.02:  # a cell founded during the months (K1: due from then)
                founded = self.start + timedelta(days=rng.randrange((self.end - self.start).days))
            cell = self.org(
                parent, OrgKind.CELL, name, cell_type=cell_type, day=own_day, at=at, founded=founded
            )
            self.cell(cell[0], own_day if own_day is not None else day, at or time(19, 30), founded)

    # --- members (R1) ------------------------------------------------------------------

    def _day_in(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange(max(1, (last - first).days)))

    def person(self, cell_id: int, joined: date | None = None) -> _Person:
        rng = self.rng
        name = person_name(rng)
        name_key, skey = self.keys(name)
        mid = self.next_id("members")
        self.demo.members.append((mid, cell_id, name, name_key, skey, self.created))
        history: list[tuple[MemberStatus, date, date | None]] = []
        years = len(self.months) / 12
        if joined is not None:  # transferred in during the months
            history.append((MemberStatus.OFFICIAL, joined, None))
        elif rng.random() < 0.07:  # admitted lately: probationary 12 months (R1)
            admitted = self._day_in(self.start - timedelta(days=330), self.end)
            history.append((MemberStatus.PROBATIONARY, admitted, None))
            official = admitted + timedelta(days=365)
            if official <= self.spec.today:
                history.append((MemberStatus.OFFICIAL, official, None))
        else:
            history.append(
                (MemberStatus.OFFICIAL, date(rng.randint(1975, 2022), rng.randint(1, 12), 1), None)
            )
        r = rng.random()
        if r < 0.035:  # exempted (old age, illness), most of them for good
            if rng.random() < 0.6:
                history.append(
                    (MemberStatus.EXEMPTED, self.start - timedelta(days=rng.randint(30, 900)), None)
                )
            else:
                begin = self._day_in(self.start, self.end)
                history.append(
                    (MemberStatus.EXEMPTED, begin, begin + timedelta(days=rng.randint(60, 240)))
                )
        elif r < 0.045:  # sent to another cell for a while
            begin = self._day_in(self.start, self.end)
            history.append(
                (MemberStatus.TEMP_ELSEWHERE, begin, begin + timedelta(days=rng.randint(60, 200)))
            )
        elif r < 0.047:
            begin = self._day_in(self.start, self.end)
            history.append(
                (MemberStatus.SUSPENDED, begin, begin + timedelta(days=rng.randint(60, 180)))
            )
        r = rng.random()
        leaving = 0.025 * years
        if r < leaving:
            history.append((MemberStatus.TRANSFERRED, self._day_in(self.start, self.end), None))
        elif r < leaving + 0.007 * years:
            history.append((MemberStatus.DECEASED, self._day_in(self.start, self.end), None))
        entries = []
        for status, begin, until in history:
            sid = self.next_id("statuses")
            self.demo.statuses.append((sid, mid, status, begin, until, self.created))
            entries.append(_Entry(sid, status, begin, until))
        kind = rng.random()
        if kind < 0.01:  # the repeat absentee without reason (R5)
            p_absent, p_unexcused = 0.35, 0.7
        elif kind < 0.02:  # working far away, always excused (R6)
            p_absent, p_unexcused = 0.75, 0.0
        elif kind < 0.2:
            p_absent, p_unexcused = 0.12, 0.08
        else:
            p_absent, p_unexcused = 0.03, 0.1
        return _Person(mid, entries, p_absent, p_unexcused)

    # --- meetings (M1-M9) --------------------------------------------------------------

    def cell(self, cell_id: int, day: int, at: time, founded: date | None) -> None:
        rng, spec = self.rng, self.spec
        people = [self.person(cell_id) for _ in range(spec.members_per_cell)]
        for _ in range(sum(rng.random() < 0.02 * len(self.months) / 12 for _ in people)):
            people.append(self.person(cell_id, joined=self._day_in(self.start, self.end)))
        r = rng.random()
        # K1: a few cells never report, a few more are late with the last months.
        silent_from = (
            len(self.months)
            if r >= 0.04
            else 0
            if r < 0.01
            else len(self.months) - rng.randint(1, 2)
        )
        slack = rng.choice((0.0, 0.0, 0.02, 0.05, 0.12))  # months forgotten now and then
        thematic_month = {}
        for i in range(0, len(self.months), 1):
            y, m = self.months[i]
            q = (y, (m - 1) // 3)
            if q not in thematic_month:
                thematic_month[q] = (rng.randrange(3), rng.random() < 0.6, rng.random() < 0.95)
        for i, ym in enumerate(self.months):
            if i >= silent_from or (founded is not None and founded > last_day_of_month(*ym)):
                continue
            q_month, combined, does_thematic = thematic_month[(ym[0], (ym[1] - 1) // 3)]
            thematic_here = does_thematic and (ym[1] - 1) % 3 == q_month
            if rng.random() < 0.012:  # M8: did not meet, and said so
                self.zero_report(cell_id, ym)
                continue
            if rng.random() < slack:
                continue
            held = meeting_date(ym, day, 0 if rng.random() < 0.75 else rng.randint(-4, 4))
            if founded is not None and held < founded:
                held = founded
            kind = "combined" if thematic_here and combined else "regular"
            self.meeting(cell_id, people, kind, held, at)
            if thematic_here and not combined:
                other = meeting_date(ym, day, rng.choice((-7, 7, 10)))
                if founded is None or other >= founded:
                    self.meeting(cell_id, people, "thematic", other, at)
            if rng.random() < 0.01:
                self.meeting(cell_id, people, "extraordinary", meeting_date(ym, 18), at)

    def meeting(self, cell_id: int, people: list[_Person], kind: str, held: date, at: time) -> None:
        rng = self.rng
        mid = self.next_id("meetings")
        eligible = excused = unexcused = 0
        for p in people:
            if len(p.history) == 1:  # the common case, without the general rule's loop
                first = p.history[0]
                status: MemberStatus | None = first.status if first.effective_from <= held else None
            else:
                status = status_on(p.history, held)
            if status in ELIGIBLE_STATUSES:
                eligible += 1
                if rng.random() < p.p_absent:
                    if rng.random() < p.p_unexcused:
                        unexcused += 1
                        self.demo.marks.append((mid, p.id, "unexcused", None))
                    else:
                        excused += 1
                        self.demo.marks.append((mid, p.id, "excused", rng.choice(vocab.EXCUSES)))
            elif status == MemberStatus.EXEMPTED and rng.random() < 0.2:
                self.demo.marks.append((mid, p.id, "voluntary", None))  # R2: not in the rate
        short = rng.random() < 0.04  # M5
        if kind == "combined":
            minutes = rng.randint(100, 115) if short else rng.choice((120, 120, 135, 150))
        elif kind == "extraordinary":
            minutes = rng.choice((30, 45, 60))
        else:
            minutes = rng.randint(60, 85) if short else rng.choice((90, 90, 90, 100, 120))
        topic = None
        if kind in ("thematic", "combined"):
            topic = rng.choice(vocab.THEMES)
        score = grade = None
        if rng.random() < 0.85:
            score = min(100, max(40, round(rng.gauss(86, 7))))
            grade = grade_for_score(score).value
        start = at if rng.random() < 0.9 else time(at.hour - 1 if at.hour else 0, at.minute)
        saved = utc(held + timedelta(days=rng.randint(0, 2)))
        self.demo.meetings.append(
            (mid, cell_id, "saved", kind, held, start, minutes, topic, grade, score, eligible,
             eligible - excused - unexcused, excused, unexcused, 1, saved, saved, saved)
        )  # fmt: skip

    def zero_report(self, cell_id: int, ym: YearMonth) -> None:
        zid = self.next_id("zero_reports")
        made = utc(last_day_of_month(*ym))
        self.demo.zero_reports.append(
            (zid, cell_id, ym[0], ym[1], self.rng.choice(vocab.ZERO_REASONS), made)
        )
