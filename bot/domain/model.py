"""Domain vocabulary shared by every layer: organisation kinds, roles, member statuses.

These are plain enums (stored by value in the database) plus the few rules that
depend only on them. Rule IDs refer to ../shared/DOMAIN.md.
"""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """O2: the levels of the organisation tree."""

    PROVINCE = "province"  # Tỉnh ủy / Thành ủy
    DISTRICT = "district"  # Huyện ủy / Quận ủy (older setups, O1)
    COMMUNE = "commune"  # Đảng ủy xã / phường / đặc khu
    GRASSROOTS = "grassroots"  # Đảng bộ cơ sở / chi bộ cơ sở
    CELL = "cell"  # chi bộ trực thuộc
    PARTY_GROUP = "party_group"  # tổ đảng


class CellType(StrEnum):
    """O3: cell types, used for reporting breakdowns (K4)."""

    RESIDENTIAL = "residential"  # thôn, ấp, khu phố, tổ dân phố
    AGENCY = "agency"  # cơ quan hành chính
    PUBLIC_SERVICE = "public_service"  # đơn vị sự nghiệp
    STATE_ENTERPRISE = "state_enterprise"
    PRIVATE_ENTERPRISE = "private_enterprise"  # doanh nghiệp ngoài nhà nước
    STUDENTS = "students"
    ARMED_FORCES = "armed_forces"
    OTHER = "other"


class Role(StrEnum):
    """Who may do what where. An admin's role covers the node's whole subtree."""

    ADMIN = "admin"
    SECRETARY = "secretary"
    DEPUTY = "deputy"
    DELEGATE = "delegate"  # may log meetings for a cell (issue #3)


# Roles that may keep a cell's roster (an admin of an ancestor may too).
ROSTER_ROLES = frozenset({Role.SECRETARY, Role.DEPUTY})


class MemberStatus(StrEnum):
    """R1: a member's status; kept as a history with effective dates."""

    OFFICIAL = "official"  # chính thức
    PROBATIONARY = "probationary"  # dự bị
    EXEMPTED = "exempted"  # miễn công tác và sinh hoạt đảng
    TEMP_ELSEWHERE = "temp_elsewhere"  # sinh hoạt tạm thời nơi khác
    GUEST = "guest"  # sinh hoạt tạm thời tại chi bộ (from another cell)
    SUSPENDED = "suspended"  # đình chỉ sinh hoạt
    TRANSFERRED = "transferred"  # chuyển đi
    STRUCK_OFF = "struck_off"  # xóa tên
    EXPELLED = "expelled"  # khai trừ
    DECEASED = "deceased"  # từ trần


# R1: only official and probationary members count in a meeting's eligible set.
ELIGIBLE_STATUSES = frozenset({MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY})

# R1: statuses that end membership of the cell from their effective date.
LEAVING_STATUSES = frozenset(
    {
        MemberStatus.TRANSFERRED,
        MemberStatus.STRUCK_OFF,
        MemberStatus.EXPELLED,
        MemberStatus.DECEASED,
    }
)

# Statuses that may carry an end date ("exempted from … to …"); when the end date
# passes the member returns to the status held before.
TEMPORARY_STATUSES = frozenset(
    {MemberStatus.EXEMPTED, MemberStatus.TEMP_ELSEWHERE, MemberStatus.SUSPENDED, MemberStatus.GUEST}
)


def is_eligible(status: MemberStatus | None) -> bool:
    """R1: does a member with this status count in the attendance denominator?"""
    return status in ELIGIBLE_STATUSES
