"""Invite codes: unguessable, single use, expiring, revocable (issue #2).

The code travels in a deep link (https://t.me/<bot>?start=<code>); Telegram allows
A-Z a-z 0-9 _ - and at most 64 characters there. Only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CODE_BYTES = 18  # 144 bits of randomness, 24 characters
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def looks_like_code(text: str) -> bool:
    return bool(_CODE_RE.match(text))


def deep_link(bot_username: str, code: str, *, group: bool = False) -> str:
    """A private-chat link, or a link that adds the bot to a group (startgroup)."""
    param = "startgroup" if group else "start"
    return f"https://t.me/{bot_username}?{param}={code}"


class InviteState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class InviteFacts:
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


def invite_state(invite: InviteFacts, now: datetime) -> InviteState:
    if invite.revoked_at is not None:
        return InviteState.REVOKED
    if invite.used_at is not None:
        return InviteState.USED
    if now >= invite.expires_at:
        return InviteState.EXPIRED
    return InviteState.VALID
