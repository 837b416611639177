"""Translatable names for the domain's enums (marked with N_, translated where shown)."""

from __future__ import annotations

from bot.i18n import N_
from bot.model import CellType, MemberStatus, OrgKind, Role

STATUS = {
    MemberStatus.OFFICIAL: N_("official"),
    MemberStatus.PROBATIONARY: N_("probationary"),
    MemberStatus.EXEMPTED: N_("exempted from Party work and meetings"),
    MemberStatus.TEMP_ELSEWHERE: N_("temporarily attends another cell"),
    MemberStatus.GUEST: N_("guest member from another cell"),
    MemberStatus.SUSPENDED: N_("suspended"),
    MemberStatus.TRANSFERRED: N_("transferred out"),
    MemberStatus.STRUCK_OFF: N_("struck off"),
    MemberStatus.EXPELLED: N_("expelled"),
    MemberStatus.DECEASED: N_("deceased"),
}

# Short forms for buttons and lists.
STATUS_SHORT = {
    MemberStatus.OFFICIAL: N_("official"),
    MemberStatus.PROBATIONARY: N_("probationary"),
    MemberStatus.EXEMPTED: N_("exempted"),
    MemberStatus.TEMP_ELSEWHERE: N_("elsewhere"),
    MemberStatus.GUEST: N_("guest"),
    MemberStatus.SUSPENDED: N_("suspended"),
    MemberStatus.TRANSFERRED: N_("transferred"),
    MemberStatus.STRUCK_OFF: N_("struck off"),
    MemberStatus.EXPELLED: N_("expelled"),
    MemberStatus.DECEASED: N_("deceased"),
}

CELL_TYPE = {
    CellType.RESIDENTIAL: N_("residential"),
    CellType.AGENCY: N_("state agency"),
    CellType.PUBLIC_SERVICE: N_("public service unit"),
    CellType.STATE_ENTERPRISE: N_("state enterprise"),
    CellType.PRIVATE_ENTERPRISE: N_("non-state enterprise"),
    CellType.STUDENTS: N_("students"),
    CellType.ARMED_FORCES: N_("armed forces"),
    CellType.OTHER: N_("other"),
}

ORG_KIND = {
    OrgKind.PROVINCE: N_("province committee"),
    OrgKind.DISTRICT: N_("district committee"),
    OrgKind.COMMUNE: N_("commune/ward committee"),
    OrgKind.GRASSROOTS: N_("grassroots organisation"),
    OrgKind.CELL: N_("cell"),
    OrgKind.PARTY_GROUP: N_("party group"),
}

ROLE = {
    Role.ADMIN: N_("admin"),
    Role.SECRETARY: N_("secretary"),
    Role.DEPUTY: N_("deputy secretary"),
    Role.DELEGATE: N_("delegate for meetings"),
}
