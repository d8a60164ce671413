"""Fictional demo data for this app (called by `manage.py seed_demo`; must be idempotent)."""


def seed(*, today, users) -> None:
    return None
