"""Inheritance down the organisation tree (O2, M7): settings and the rule profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from bot.domain.meetings import RuleProfile
from bot.domain.orgtree import effective_settings


@dataclass
class Node:
    settings: dict[str, Any] | None = field(default_factory=dict)


def test_the_nearest_node_wins_and_keys_merge() -> None:
    province = Node({"attendance_threshold": "17/20", "threshold_inclusive": False})
    ward = Node({"correction_deadline_day": 10, "min_minutes": 60})
    cell = Node({"min_minutes": 75})
    merged = effective_settings(cell, [province, ward])
    assert merged == {
        "attendance_threshold": "17/20",
        "threshold_inclusive": False,
        "correction_deadline_day": 10,
        "min_minutes": 75,
    }
    profile = RuleProfile.from_settings(merged)
    assert profile.attendance_threshold == Fraction(17, 20) and profile.min_minutes == 75


def test_no_settings_anywhere_is_the_national_default() -> None:
    assert effective_settings(Node(None), [Node(None), Node({})]) == {}
    assert RuleProfile.from_settings(effective_settings(Node(), [])) == RuleProfile()
