"""Who may act on what (issue #2: roles). Pure: fed with the caller's role rows.

An admin of a node manages and sees its whole subtree; a secretary or deputy keeps
their own cell; a delegate may log meetings for a cell. Every handler asks here before
touching an id, including ids that arrive inside callback data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.model import ROSTER_ROLES, Role


@dataclass(frozen=True)
class Grant:
    role: Role
    org_id: int
    org_path: str  # materialised path of the node, e.g. "/1/5/"


@dataclass(frozen=True)
class Access:
    user_id: int
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def is_known(self) -> bool:
        """Has any role at all (unknown users only see how to get an invite)."""
        return bool(self.grants)

    def _covers(self, grant: Grant, path: str) -> bool:
        return path.startswith(grant.org_path)

    def is_admin_of(self, path: str) -> bool:
        """Admin of the node at `path` or of one of its ancestors."""
        return any(g.role == Role.ADMIN and self._covers(g, path) for g in self.grants)

    def holds(self, org_id: int, roles: frozenset[Role]) -> bool:
        return any(g.org_id == org_id and g.role in roles for g in self.grants)

    def can_keep_roster(self, cell_id: int, cell_path: str) -> bool:
        return self.holds(cell_id, ROSTER_ROLES) or self.is_admin_of(cell_path)

    def can_log_meetings(self, cell_id: int, cell_path: str) -> bool:
        return self.holds(cell_id, ROSTER_ROLES | {Role.DELEGATE}) or self.is_admin_of(cell_path)

    def can_set_schedule(self, org_id: int, path: str, *, is_cell: bool) -> bool:
        """M7: a cell's secretary or deputy sets its meeting day and time; an admin sets
        them for any node beneath them (for a committee: the default of its cells)."""
        return self.is_admin_of(path) or (is_cell and self.holds(org_id, ROSTER_ROLES))

    def can_move(self, path: str) -> bool:
        """Moving a node changes its current parent as well as the new one: the caller must
        administer the parent it leaves (an admin of the node alone, or of the target alone,
        may not take it from another branch). The target is checked on its own."""
        parent = parent_path(path)
        return parent is not None and self.is_admin_of(parent)

    @property
    def admin_grants(self) -> list[Grant]:
        return [g for g in self.grants if g.role == Role.ADMIN]

    @property
    def is_admin(self) -> bool:
        return bool(self.admin_grants)

    @property
    def may_ask_reports(self) -> bool:
        """#5: an admin of any node, or a cell's secretary or deputy (📊 Reports)."""
        return self.is_admin or any(g.role in ROSTER_ROLES for g in self.grants)

    @property
    def cell_ids(self) -> list[int]:
        """Cells where the user holds a cell role (not admin), in grant order."""
        seen: list[int] = []
        for g in self.grants:
            if g.role != Role.ADMIN and g.org_id not in seen:
                seen.append(g.org_id)
        return seen


def parent_path(path: str) -> str | None:
    """The materialised path of a node's parent ("/1/5/" → "/1/"); None for a root."""
    parts = path.strip("/").split("/")
    return "/" + "".join(f"{p}/" for p in parts[:-1]) if len(parts) > 1 else None
