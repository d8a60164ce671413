"""Fictional demo data (idempotent: a second run changes nothing)."""


def seed(*, today, users) -> None:
    return None
