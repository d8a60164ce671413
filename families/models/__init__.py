from families.models.child import Child, Guardian, Referral
from families.models.household import FamilyStatus, FamilyStatusChange, SupportFamily

__all__ = [
    "Child",
    "FamilyStatus",
    "FamilyStatusChange",
    "Guardian",
    "Referral",
    "SupportFamily",
]
