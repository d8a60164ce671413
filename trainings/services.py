"""Business operations of the trainings app."""

from decimal import Decimal


def home_listing() -> dict:
    """What the home page shows of upcoming info sessions and training groups."""
    return {"upcoming_info_sessions": [], "upcoming_training_groups": []}


def completed_pretraining_hours(family) -> Decimal:
    """Hours of pre-training a household has completed: attended session hours + home visits.

    The families app asks this before a household may become *trained* / *approved*.
    """
    return Decimal("0")
