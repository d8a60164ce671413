from families.models.child import Child, ChildStatus, Guardian, Referral, ReferralSource
from families.models.choices import ContactLanguage, Language
from families.models.household import (
    CLOSED_STATUSES,
    FamilyStatus,
    FamilyStatusChange,
    Frequency,
    SupportFamily,
)
from families.models.matching_weights import MatchingWeights
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
    "MatchingWeights",
    "CLOSED_STATUSES",
    "Child",
    "ChildStatus",
    "ContactLanguage",
    "FamilyStatus",
    "FamilyStatusChange",
    "Frequency",
    "Guardian",
    "Language",
    "Referral",
    "ReferralSource",
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
