"""Business operations of the trainings app."""


def home_listing() -> dict:
    """What the home page shows of upcoming info sessions and training groups."""
    return {"upcoming_info_sessions": [], "upcoming_training_groups": []}
