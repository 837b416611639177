"""`chibo init`, `admin add`, `invite`, `org import` and `org settings`: the organisation tree,
who runs it and the rules its cells are judged by."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.commands.common import CliError, one_org, run_db
from bot.app.settings import Settings
from bot.domain.invites import deep_link
from bot.domain.meeting_rules import RuleProfile
from bot.domain.model import OrgKind, Role
from bot.domain.names import org_name_problem, org_name_refusal
from bot.domain.text import normalize
from bot.render import labels
from bot.render.i18n import Translator
from storage import invites, orgs, users
from storage.models import Org

if TYPE_CHECKING:
    from bot.intake.org_import import OrgImport


def _bot_username(settings: Settings) -> str | None:
    """The bot's @username for deep links: configured, or asked from Telegram."""
    if settings.bot_username:
        return settings.bot_username
    if not settings.token:
        return None
    from telegram import Bot

    async def ask() -> str | None:
        try:
            async with Bot(settings.token or "", base_url=settings.base_url) as bot:
                return bot.username
        except Exception:  # offline, wrong token: fall back to the /start form
            return None

    return asyncio.run(ask())


def _print_code(t: Translator, settings: Settings, code: str, group: bool = False) -> None:
    username = _bot_username(settings)
    if username:
        print(deep_link(username, code, group=group))
    else:
        print(
            t.gettext("Send this to the bot in Telegram: {command}").format(
                command=f"/{'link' if group else 'start'} {code}"
            )
        )


def cmd_init(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """Create the root node and print a one-time link that makes its opener the admin."""
    problem = org_name_problem(normalize(args.name))  # the rule of names typed in the bot
    if problem is not None:
        raise CliError(org_name_refusal(problem, t.gettext))

    async def work(session: AsyncSession) -> str:
        root = await orgs.find_child(session, None, args.name)
        if root is None:
            root = await orgs.create(
                session,
                name=args.name,
                kind=OrgKind(args.kind),
                parent=None,
                actor_id=None,
                source="cli",
            )
        return await _role_code(session, settings, root, Role.ADMIN)

    code = run_db(settings, work)
    print(
        t.gettext("Open this link in Telegram to become the admin of {name}:").format(
            name=args.name
        )
    )
    _print_code(t, settings, code)
    return 0


def _now() -> datetime:
    return datetime.now(UTC)


async def _role_code(session: AsyncSession, settings: Settings, org: Org, role: Role) -> str:
    """A one-time invite created from the CLI (audited with source "cli")."""
    code, _invite = await invites.create(
        session,
        org=org,
        purpose="role",
        role=role,
        actor_id=None,
        now=_now(),
        ttl=timedelta(days=settings.invite_ttl_days),
        source="cli",
    )
    return code


def cmd_admin_add(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    async def work(session: AsyncSession) -> str:
        org = await one_org(session, args.org, t)
        await users.grant_role(
            session, user_id=args.telegram_id, org=org, role=Role.ADMIN, actor_id=None, source="cli"
        )
        return str(org.name)

    name = run_db(settings, work)
    print(t.gettext("{user} is now an admin of {name}.").format(user=args.telegram_id, name=name))
    return 0


def cmd_invite(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    async def work(session: AsyncSession) -> str:
        org = await one_org(session, args.org, t)
        role = Role(args.role)
        if role != Role.ADMIN and not org.is_cell:
            raise CliError(t.gettext("Only a cell has secretaries, deputies and delegates."))
        return await _role_code(session, settings, org, role)

    _print_code(t, settings, run_db(settings, work))
    return 0


def cmd_org_import(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    from bot.intake.org_import import guess_org_kind

    path = Path(args.file)
    if not path.is_file():
        raise CliError(t.gettext("There is no file {path}.").format(path=path))
    parsed = _read_org_file(path, t)

    async def work(session: AsyncSession) -> tuple[int, int, int]:
        created = updated = 0
        root = await one_org(session, args.under, t) if args.under else None
        for row in parsed.rows:
            parent = await orgs.find_child(session, root, row.parent_name) if root else None
            if parent is None:
                matches = await orgs.find_by_name(session, row.parent_name, within=root)
                parent = matches[0] if matches else None
            if parent is None:
                parent = await orgs.create(
                    session,
                    name=row.parent_name,
                    kind=guess_org_kind(row.parent_name),
                    parent=root,
                    actor_id=None,
                    source="cli",
                )
            cell = await orgs.find_child(session, parent, row.name)
            fields: dict[str, Any] = {"cell_type": row.cell_type, "meeting_day": row.meeting_day}
            if row.meeting_time is not None:
                fields["meeting_time"] = row.meeting_time
            if row.founded_on is not None:  # #14: reports count the cell from then
                fields["founded_on"] = row.founded_on
            if cell is None:
                await orgs.create(
                    session,
                    name=row.name,
                    kind=OrgKind.CELL,
                    parent=parent,
                    actor_id=None,
                    source="cli",
                    **fields,
                )
                created += 1
            elif any(getattr(cell, k) != v for k, v in fields.items()):
                await orgs.update_fields(session, cell, actor_id=None, source="cli", **fields)
                updated += 1
        return created, updated, len(parsed.rejected)

    created, updated, rejected = run_db(settings, work)
    print(
        t.gettext(
            "Cells created: {created}, updated: {updated}, rows rejected: {rejected}."
        ).format(created=created, updated=updated, rejected=rejected)
    )
    for problem in parsed.rejected:
        print(
            f"  row {problem.row}: {problem.reason.code} {problem.reason.params}", file=sys.stderr
        )
    return 0 if not parsed.rejected else 1


def _read_org_file(path: Path, t: Translator) -> OrgImport:
    """The organisation file, parsed in a child process with the bot's limits (#12); a
    file that cannot be used is one sentence (exit status 2)."""
    from bot.intake import isolated
    from bot.intake.tabular import MAX_BYTES, MB, ImportFileError

    try:
        if path.stat().st_size > MAX_BYTES:  # not even read into memory
            raise ImportFileError("file_too_large", {"limit": str(MAX_BYTES // MB)})
        return isolated.parse_org(path.read_bytes())
    except ImportFileError as exc:
        reason = labels.problem_text(t.gettext, exc.problem)
        raise CliError(
            t.gettext("Cannot import {path}: {reason}.").format(path=path, reason=reason)
        ) from None


def _setting_value(text: str) -> Any:
    """A value typed after "key=": JSON (85, true, {"send_at": "07:30"}), else the text
    itself ("9/10")."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def cmd_org_settings(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """Show an organisation's settings, or set and remove keys (M9's grade thresholds, R4, M5,
    the reminders); each change is checked for the node and everything beneath it."""
    from bot.services import profiles

    values: dict[str, Any] = {}
    for item in args.set or []:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise CliError(
                t.gettext("Write a setting as key=value, not {item!r}.").format(item=item)
            )
        values[key.strip()] = _setting_value(text.strip())
    unset = [k.strip() for k in args.unset or []]

    async def work(session: AsyncSession) -> tuple[str, dict[str, Any], dict[str, Any]]:
        org = await one_org(session, args.org, t)
        if values or unset:
            try:
                await profiles.change_settings(
                    session, org, values, unset, actor_id=None, source="cli"
                )
            except profiles.BadSetting as exc:
                raise CliError(_setting_refusal(t, exc)) from None
        chain = await orgs.ancestors(session, org)
        return org.name, dict(org.settings or {}), profiles.effective(org, chain)

    name, own, merged = run_db(settings, work)
    profile = RuleProfile.from_settings(merged)
    print(t.gettext("Settings of {name}:").format(name=name))
    for key in sorted({*own, *(f.name for f in fields(RuleProfile))}):
        value = own[key] if key in own else merged.get(key, getattr(profile, key, None))
        origin = (
            t.gettext("set here")
            if key in own
            else t.gettext("inherited")
            if key in merged
            else t.gettext("default")
        )
        print(f"  {key} = {json.dumps(value, ensure_ascii=False, default=str)}  ({origin})")
    return 0


def _setting_refusal(t: Translator, exc: Any) -> str:
    if exc.problem == "unknown":
        return t.gettext("There is no setting {key!r}.").format(key=exc.key)
    if exc.problem == "grades":
        tot, kha, tb = exc.thresholds
        return t.gettext(
            "The grade thresholds must fall within 1-100, Tốt above Khá above Trung bình: "
            "{name} would get Tốt ≥ {tot}, Khá ≥ {kha}, Trung bình ≥ {tb}."
        ).format(name=exc.where, tot=tot, kha=kha, tb=tb)
    return t.gettext("{key} cannot be set like that for {name}: {reason}.").format(
        key=exc.key, name=exc.where, reason=exc.reason
    )
