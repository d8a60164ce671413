"""What this app shows on the portal's start page, scoped to the signed-in worker."""


def overview(user) -> dict:
    return {}
