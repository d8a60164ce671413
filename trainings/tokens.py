"""Signed links that let a person cancel their own sign-up from the e-mail we sent them.

The token carries only the kind and id of the sign-up, signed with SECRET_KEY: no personal data
in the URL, and a tampered token is simply not found.
"""

from django.core import signing

SALT = "trainings.cancel-signup"
REGISTRATION = "r"
ENROLLMENT = "e"


def cancel_token(kind: str, pk: int) -> str:
    return signing.dumps([kind, pk], salt=SALT)


def read_cancel_token(token: str) -> tuple[str, int] | None:
    try:
        kind, pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in (REGISTRATION, ENROLLMENT) or not isinstance(pk, int):
        return None
    return kind, pk
