"""The people's use cases (#13, bot/services): each checks the acting person's Access
itself and refuses the same way whichever face calls it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.domain.model import MemberStatus, Role
from bot.domain.roster import NewSpan
from bot.services import invites, orgs, people, roster, schedule
from bot.services.invites import Outcome
from bot.services.refusals import BadName, Refused, Stale
from storage import members
from storage.models import RoleAssignment

from .auxil.botenv import BotEnv

SEC, ADMIN, STRANGER = 200, 900, 950
PROFILE = people.Profile("Hòa", None, None, "vi")


async def world(env: BotEnv) -> dict[str, int]:
    tree = await env.seed_tree()
    await env.grant(env.user(SEC, "Hòa"), tree["kp5"], Role.SECRETARY)
    await env.grant(env.user(ADMIN, "Minh"), tree["ward"], Role.ADMIN)
    async with env.db() as s:
        one = await members.add_member(
            s,
            cell_id=tree["tdp12"].id,
            full_name="Nguyễn Văn An",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            actor_id=None,
        )
        two = await members.add_member(
            s,
            cell_id=tree["kp5"].id,
            full_name="Trần Thị Bình",
            spans=[NewSpan(MemberStatus.OFFICIAL, date(2010, 1, 1))],
            actor_id=None,
        )
    return {k: v.id for k, v in tree.items()} | {"an": one.id, "binh": two.id}


async def test_roster_use_cases_check_the_cell(env: BotEnv) -> None:
    ids = await world(env)
    async with env.db() as s:
        sec = await people.access_of(s, SEC)
        with pytest.raises(Refused):  # another cell's member: ids can be forged
            await roster.roster_member(s, sec, ids["an"])
        with pytest.raises(BadName):
            await roster.rename(s, sec, ids["binh"], "=WEBSERVICE(1)")
        with pytest.raises(Stale):  # a member is not added as deceased (R1: a change)
            await roster.add_member(
                s, sec, ids["kp5"], "Lê Văn Cường", MemberStatus.DECEASED, date(2026, 1, 1)
            )
        await roster.add_member(
            s, sec, ids["kp5"], "Lê Văn Cường", MemberStatus.GUEST, date(2026, 1, 1)
        )
        member, clash = await roster.rename(s, sec, ids["binh"], "Lê Văn Cường")
        assert clash is not None and member.full_name == "Trần Thị Bình"  # nothing written
        assert [c.id for c in await roster.roster_cells(s, sec)] == [ids["kp5"]]


async def test_organisation_use_cases_are_for_admins(env: BotEnv) -> None:
    ids = await world(env)
    async with env.db() as s:
        sec = await people.access_of(s, SEC)
        admin = await people.access_of(s, ADMIN)
        with pytest.raises(Refused):
            await orgs.rename(s, sec, ids["kp5"], "Chi bộ Khu phố 5A")
        with pytest.raises(Stale):  # a cell holds no cells
            await orgs.parent_for_new_cell(s, admin, ids["kp5"])
        with pytest.raises(Refused):  # the top node: nobody administers a parent (can_move)
            await orgs.move_targets(s, admin, ids["ward"])
        parent, taken = await orgs.name_taken(s, admin, ids["ward"], "Chi bộ Khu phố 5")
        assert parent.id == ids["ward"] and taken
        assert (await orgs.rename(s, admin, ids["kp5"], "Chi bộ Khu phố 5A")).name.endswith("5A")


async def test_invites_are_created_by_admins_and_redeemed_once(env: BotEnv) -> None:
    ids = await world(env)
    now = env.clock()
    async with env.db() as s:
        admin = await people.access_of(s, ADMIN)
        sec = await people.access_of(s, SEC)
        with pytest.raises(Refused):
            await invites.create(s, sec, ids["kp5"], Role.DEPUTY, now=now, ttl=timedelta(days=7))
        with pytest.raises(Stale):  # a committee has admins only
            await invites.create(
                s, admin, ids["ward"], Role.SECRETARY, now=now, ttl=timedelta(days=7)
            )
        _org, code, _inv = await invites.create(
            s, admin, ids["kp5"], Role.DEPUTY, now=now, ttl=timedelta(days=7)
        )
        done = await invites.redeem(s, STRANGER, PROFILE, None, code, now=now)
        assert done.outcome == Outcome.ACCEPTED and done.user is not None
        again = await invites.redeem(s, STRANGER, PROFILE, done.user, code, now=now)
        assert again.outcome == Outcome.ALREADY_YOURS
        other = await invites.redeem(s, SEC, PROFILE, None, code, now=now)
        assert other.outcome == Outcome.USED
        _org, group_code, _inv = await invites.create(
            s, admin, ids["kp5"], None, now=now, ttl=timedelta(days=7)
        )
        with pytest.raises(Refused):  # a forwarded code is not enough
            await invites.link_group(s, sec, -100_1, group_code, now=now)
        linked = await invites.link_group(s, admin, -100_1, group_code, now=now)
        assert linked.outcome == Outcome.LINKED


async def test_roles_and_schedule(env: BotEnv) -> None:
    ids = await world(env)
    async with env.db() as s:
        admin = await people.access_of(s, ADMIN)
        sec = await people.access_of(s, SEC)
        own = await s.scalar(select(RoleAssignment.id).where(RoleAssignment.user_id == ADMIN))
        assert own is not None
        with pytest.raises(Refused):  # an admin cannot lock themselves out
            await people.revoke_role(s, admin, own, now=env.clock())
        with pytest.raises(Stale):  # the top of the tree follows nothing
            await schedule.set_meeting(s, admin, ids["ward"], follow_day=True)
        with pytest.raises(Stale):  # M7: 1-28 or the last day
            await schedule.set_meeting(s, sec, ids["kp5"], day=29)
        with pytest.raises(Refused):
            await schedule.set_meeting(s, sec, ids["tdp12"], day=9)
        org = await schedule.set_meeting(s, sec, ids["kp5"], day=schedule.LAST)
        assert org.meeting_day == schedule.LAST
