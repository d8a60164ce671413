from families.models.child import Child, Guardian, Referral
from families.models.household import FamilyStatus, FamilyStatusChange, SupportFamily
from families.models.relationship import (
    OPEN_RELATIONSHIP_STATUSES,
    ContactMode,
    PaymentMonth,
    Rate,
    RateKind,
    RateUnit,
    RelationshipStatus,
    RelationshipStatusChange,
    Stay,
    SupervisionContact,
    SupportRelationship,
)

__all__ = [
    "Child",
    "FamilyStatus",
    "FamilyStatusChange",
    "Guardian",
    "Referral",
    "SupportFamily",
    "OPEN_RELATIONSHIP_STATUSES",
    "ContactMode",
    "PaymentMonth",
    "Rate",
    "RateKind",
    "RateUnit",
    "RelationshipStatus",
    "RelationshipStatusChange",
    "Stay",
    "SupervisionContact",
    "SupportRelationship",
]
