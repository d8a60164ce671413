"""Fictional demo data for the families app (called by `manage.py seed_demo`; idempotent)."""

from families import demo_households, demo_relationships


def seed(*, today, users) -> None:
    demo_households.seed(today=today, users=users)
    demo_relationships.seed(today=today, users=users)
    demo_households.seed_readiness(today=today, users=users)
