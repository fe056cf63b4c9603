"""The seven boards and 42 items of the hotline manual (七大板块42小项)."""

from __future__ import annotations

import enum


class RequestKind(enum.StrEnum):
    """The seven boards of the hotline manual (TAX-01)."""

    CONSULTATION = "consultation"
    REPAIR = "repair"
    COMPLAINT = "complaint"
    CALLBACK = "callback"
    VALUE_ADDED = "value_added"
    HOUSEKEEPING = "housekeeping"
    INFORMATION = "information"


BOARDS: dict[RequestKind, tuple[str, ...]] = {
    RequestKind.CONSULTATION: (
        "property_service",
        "project",
        "community_event",
        "call_transfer",
        "convenience",
        "other",
    ),
    RequestKind.REPAIR: ("common_area", "own_unit", "other_paid"),
    RequestKind.COMPLAINT: (
        "service_quality",
        "construction_quality",
        "renovation_quality",
        "repair",
        "historical_issue",
        "facilities",
        "environment",
        "other",
    ),
    RequestKind.CALLBACK: (
        "after_complaint",
        "after_repair",
        "after_value_added",
        "key_customer",
        "other",
    ),
    RequestKind.VALUE_ADDED: ("agency",),
    RequestKind.HOUSEKEEPING: (
        "new_home_clean",
        "office_deep_clean",
        "carpet_cleaning",
        "carpet_care",
        "floor_waxing",
        "sofa_care",
        "furniture_care",
        "glass_cleaning",
        "office_contract_cleaning",
        "stone_crystallisation",
    ),
    RequestKind.INFORMATION: (
        "customer",
        "project",
        "sales_policy",
        "community_event",
        "procedure",
        "property_title",
        "property_management",
        "complaint_policy",
        "regulation",
        "building_knowledge",
        "other",
    ),
}
