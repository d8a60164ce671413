"""Signed links in our e-mails: cancel your own sign-up, reply to an event invitation.

A token carries only the kind and id of the row, signed with SECRET_KEY: no personal data in the
URL, and a tampered token is simply not found.
"""

from django.core import signing

SALT = "trainings.email-link"
REGISTRATION = "r"
ENROLLMENT = "e"
INVITATION = "i"
KINDS = (REGISTRATION, ENROLLMENT, INVITATION)


def make_token(kind: str, pk: int) -> str:
    return signing.dumps([kind, pk], salt=SALT)


def read_token(token: str, kinds=KINDS) -> tuple[str, int] | None:
    try:
        kind, pk = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in kinds or not isinstance(pk, int):
        return None
    return kind, pk


def cancel_token(kind: str, pk: int) -> str:
    return make_token(kind, pk)


def read_cancel_token(token: str) -> tuple[str, int] | None:
    return read_token(token, kinds=(REGISTRATION, ENROLLMENT))
